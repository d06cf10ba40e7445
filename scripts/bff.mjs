#!/usr/bin/env node
// `npx pnpm@10 bff --config FILE`: builds the widget bundle if it is missing, then runs the BFF from its
// TypeScript sources (tsx) in this process, so signals reach it directly.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWidgetBuilt } from './widget-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureWidgetBuilt(root);
const { register } = await import('tsx/esm/api');
register();
await import(join(root, 'packages/bff/src/server.ts'));
