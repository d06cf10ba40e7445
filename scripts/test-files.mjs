// Shared by vitest.config.ts, scripts/test.mjs and scripts/test-pg.mjs: test files found by what they contain, and the
// embedded databases' template the tests start from.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  await ensureSchemaTemplate(root, process.env.CA_PGLITE_TEMPLATE_DIR);
}

/**
 * Beside the initdb copy, a copy with the BFF's schema applied (scripts/test-template.mjs): each BFF a test starts then
 * finds its migrations and its job queue's tables in place instead of making them (about 1.2 s of CPU each, some 60 BFFs
 * in a run). The copy is remade when what defines the schema changed (a hash of it is kept beside the copy); a stale
 * copy is removed first, so no database starts from it. store/migrations.test.ts and the PostgreSQL lane still apply
 * the migrations themselves, and every BFF's start runs `migrate` (a version missing from the copy is applied). Never
 * holds the tests up: while another process makes the copy, or when making it failed for this hash in the last ten
 * minutes, the tests start without it (each BFF then migrates its own database).
 */
async function ensureSchemaTemplate(root, templateDir) {
  const file = schemaTemplateFile(templateDir);
  const keyFile = file.replace(/\.tar\.gz$/, '.key');
  const key = schemaKey(root);
  const kept = existsSync(keyFile) ? readFileSync(keyFile, 'utf8') : '';
  if (kept === key && existsSync(file)) return;
  if (kept === `failed ${key}` && Date.now() - statSync(keyFile).mtimeMs < 600_000) return; // tried again after 10 minutes
  rmSync(file, { force: true });
  const lock = `${file}.lock`;
  if (!takeLock(lock)) return;
  try {
    const status = await new Promise((done) => {
      const child = spawn(process.execPath, [join(root, 'scripts/test-template.mjs'), templateDir], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('error', () => done(1)).on('close', (code) => {
        clearTimeout(timer);
        done(code);
      });
    });
    if (status === 0 && existsSync(file)) return writeFileSync(keyFile, key);
    rmSync(file, { force: true });
    writeFileSync(keyFile, `failed ${key}`);
    process.stderr.write('could not make the schema copy of the embedded database: each BFF applies its migrations itself\n');
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Takes `lock` (a file holding this process's id) unless a live process holds it. */
function takeLock(lock) {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return true;
    } catch {
      if (alive(Number(readFileSync(lock, 'utf8')))) return false;
      rmSync(lock, { force: true }); // its holder is gone: a stale lock
    }
  }
  return false;
}

/** Whether process `pid` is running (0 or unreadable: no). */
function alive(pid) {
  try {
    return pid > 0 && process.kill(pid, 0);
  } catch {
    return false;
  }
}

/**
 * What the schema copy is made from: the migrations (and the open statuses their indexes use, from @ca/shared), the
 * job queue's options, pg-boss's version, the script that makes it.
 */
function schemaKey(root) {
  const hash = createHash('sha256');
  const shared = readdirSync(join(root, 'packages/shared/src'), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.includes('.test.'))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
  for (const f of ['packages/bff/src/store/migrations.ts', 'packages/bff/src/store/order-filters.ts', 'packages/bff/src/jobs/queue.ts', 'scripts/test-template.mjs', ...shared]) {
    hash.update(f).update('\0').update(readFileSync(join(root, f))).update('\0');
  }
  const bossPackage = join(dirname(createRequire(join(root, 'packages/bff/package.json')).resolve('pg-boss')), '..', 'package.json');
  hash.update(readFileSync(bossPackage));
  return hash.digest('hex');
}
