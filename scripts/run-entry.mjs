// Runs one of the workspace's TypeScript entries in this process: from its sources through tsx, or, under the tests
// (CA_TEST_BUILD_DIR), from the bundle scripts/test-build.mjs made of these same sources as they are now.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Imports entry `name` (`bff` or `ca`, scripts/test-build.mjs) or, without a current bundle, `source` under tsx. */
export async function runEntry(root, name, source) {
  const built = process.env.CA_TEST_BUILD_DIR && (await (await import('./test-build.mjs')).builtEntry(process.env.CA_TEST_BUILD_DIR, name));
  if (built) return import(pathToFileURL(built).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(join(root, source));
}
