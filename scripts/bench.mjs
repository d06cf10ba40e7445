#!/usr/bin/env node
// `npx pnpm@10 bench`: every headline figure next to its floor (widget size, SSE fan-out, webhook ingest,
// API latency), printed as tables and written to docs/benchmarks.{json,md}. Measures; asserts nothing.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWidgetBuilt } from './widget-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureWidgetBuilt(root);
const { register } = await import('tsx/esm/api');
register();
await import(join(root, 'test/bench/run.ts'));
