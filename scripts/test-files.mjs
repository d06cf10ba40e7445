// Shared by vitest.config.ts, scripts/test.mjs and scripts/test-pg.mjs: test files found by what they contain, and the
// embedded databases' template the tests start from.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureTemplate } from '../packages/bff/src/store/pglite-template.mjs';

/** The `.test.ts` files under `dir` whose text matches `pattern`, relative to `root`. */
export function testFilesMatching(root, dir, pattern) {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => pattern.test(readFileSync(f, 'utf8')))
    .map((f) => relative(root, f));
}

/**
 * New embedded databases in tests start from a copy of a freshly initialised one (packages/bff/src/store/
 * pglite-template.mjs): PGlite's initdb took 3.5–6 s of every BFF a test starts (53 of them took 235 s of an 11-minute
 * run), loading the copy 1–2 s. Set in the environment, the directory reaches the test workers and every BFF or demo
 * process a test spawns; the copy is made here when missing (a fresh clone), before any test.
 */
export async function useTestTemplate(root) {
  process.env.CA_PGLITE_TEMPLATE_DIR ??= join(root, 'node_modules', '.cache', 'candidate-assessment');
  await ensureTemplate(process.env.CA_PGLITE_TEMPLATE_DIR);
}
