#!/usr/bin/env node
// `npx -y pnpm@10 ca <command>`: the operator CLI (packages/cli), run from its TypeScript sources with tsx.
// `ca dev` serves the widget, so it builds the bundle first when it is missing or stale.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runEntry } from './run-entry.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv[2] === 'dev') {
  const { ensureWidgetBuilt } = await import('./widget-build.mjs');
  ensureWidgetBuilt(root);
}
await runEntry(root, 'ca', 'packages/cli/src/main.ts');
