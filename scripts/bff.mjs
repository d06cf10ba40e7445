#!/usr/bin/env node
// `npx pnpm@10 bff --config FILE`: builds the widget bundle if it is missing, then runs the BFF from its
// TypeScript sources (tsx) in this process, so signals reach it directly.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runEntry } from './run-entry.mjs';
import { ensureWidgetBuilt } from './widget-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureWidgetBuilt(root);
await runEntry(root, 'bff', 'packages/bff/src/server.ts');
