#!/usr/bin/env node
// `npx pnpm@10 demo`: builds the widget bundle if it is stale, then runs demo/src/main.ts (tsx) in this process,
// so Ctrl-C reaches it directly. package.json runs it with `exec`: a shell left between pnpm and node would die of
// the terminal's SIGINT before the demo has stopped, and pnpm would report `ELIFECYCLE Command failed.`
// (test/e2e/demo-stop.test.ts).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWidgetBuilt } from './widget-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureWidgetBuilt(root);
const { register } = await import('tsx/esm/api');
register();
await import(join(root, 'demo/src/main.ts'));
