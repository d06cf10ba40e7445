#!/usr/bin/env node
// `npx pnpm@10 bff --config FILE`: builds the widget bundle if it is missing, then runs the BFF from its
// TypeScript sources (tsx) in this process, so signals reach it directly.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureWidgetBuilt } from './widget-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureWidgetBuilt(root);
// Under the tests (CA_TEST_BUILD_DIR): the bundle scripts/test-build.mjs made of these same sources as they are now.
const built = process.env.CA_TEST_BUILD_DIR && (await (await import('./test-build.mjs')).builtEntry(process.env.CA_TEST_BUILD_DIR, 'bff'));
if (built) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(join(root, 'packages/bff/src/server.ts'));
}
