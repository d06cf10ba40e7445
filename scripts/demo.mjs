#!/usr/bin/env node
// `npx pnpm@10 demo`: builds the widget bundle if it is stale, then runs demo/src/main.ts (tsx) in this process,
// so Ctrl-C reaches it directly. package.json runs it with `exec`: a shell left between pnpm and node would die of
// the terminal's SIGINT before the demo has stopped, and pnpm would report `ELIFECYCLE Command failed.`
// (test/e2e/demo-stop.test.ts).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWidgetBuilt } from './widget-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Ctrl-C before demo/src/main.ts has its own handlers (loading it takes seconds): nothing has started yet, so leave
// at once and cleanly. Once main.ts listens too, its handlers stop what has started and this one does nothing.
const early = (signal) => {
  if (process.listenerCount(signal) > 1) return;
  process.stdout.write(`\n${signal}: stopped before the demo had started.\n`);
  process.exit(0);
};
process.on('SIGINT', early);
process.on('SIGTERM', early);
ensureWidgetBuilt(root);
const { register } = await import('tsx/esm/api');
register();
await import(join(root, 'demo/src/main.ts'));
