#!/usr/bin/env node
// `npx -y pnpm@10 ca <command>`: the operator CLI (packages/cli), run from its TypeScript sources with tsx.
// `ca dev` serves the widget, so it builds the bundle first when it is missing or stale.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv[2] === 'dev') {
  const { ensureWidgetBuilt } = await import('./widget-build.mjs');
  ensureWidgetBuilt(root);
}
// Under the tests (CA_TEST_BUILD_DIR): the bundle scripts/test-build.mjs made of these same sources as they are now.
const built = process.env.CA_TEST_BUILD_DIR && (await (await import('./test-build.mjs')).builtEntry(process.env.CA_TEST_BUILD_DIR, 'ca'));
if (built) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(join(root, 'packages/cli/src/main.ts'));
}
