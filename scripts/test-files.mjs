// Shared by vitest.config.ts, scripts/test.mjs and scripts/test-pg.mjs: test files found by what they contain, and the
// embedded databases' template the tests start from.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { ensureTemplate, schemaTemplateFile } from '../packages/bff/src/store/pglite-template.mjs';

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
  ensureSchemaTemplate(root, process.env.CA_PGLITE_TEMPLATE_DIR);
}

/**
 * Beside the initdb copy, a copy with the BFF's schema applied (scripts/test-template.mjs): each BFF a test starts then
 * finds its migrations and its job queue's tables in place instead of making them (about 1.2 s of CPU each, some 60 BFFs
 * in a run). The copy is remade when the code that makes the schema changed (a hash of it is kept beside the copy); a
 * stale copy is removed first, so no database starts from it. store/migrations.test.ts and the PostgreSQL lane still
 * apply the migrations themselves, and every BFF's start runs `migrate` (a version missing from the copy is applied).
 */
function ensureSchemaTemplate(root, templateDir) {
  const file = schemaTemplateFile(templateDir);
  const keyFile = file.replace(/\.tar\.gz$/, '.key');
  const key = schemaKey(root);
  if (existsSync(file) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key) return;
  rmSync(file, { force: true });
  const r = spawnSync(process.execPath, [join(root, 'scripts/test-template.mjs'), templateDir], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status === 0 && existsSync(file)) writeFileSync(keyFile, key);
  else process.stderr.write('could not make the schema copy of the embedded database: each BFF applies its migrations itself\n');
}

/** What the schema copy is made from: the store's and the shared package's sources, the job queue, pg-boss's version. */
function schemaKey(root) {
  const hash = createHash('sha256');
  const sources = (dir) =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && /\.(ts|mts|mjs|sql)$/.test(e.name) && !e.name.includes('.test.'))
      .map((e) => relative(root, join(e.parentPath, e.name)))
      .sort();
  for (const f of [...sources('packages/bff/src/store'), ...sources('packages/shared/src'), 'packages/bff/src/jobs/queue.ts', 'scripts/test-template.mjs']) {
    hash.update(f).update('\0').update(readFileSync(join(root, f))).update('\0');
  }
  const bossPackage = join(dirname(createRequire(join(root, 'packages/bff/package.json')).resolve('pg-boss')), '..', 'package.json');
  hash.update(existsSync(bossPackage) ? readFileSync(bossPackage) : 'no pg-boss');
  return hash.digest('hex');
}
