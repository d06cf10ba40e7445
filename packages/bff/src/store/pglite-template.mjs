// New embedded databases from a copy of a freshly initialised one instead of PGlite's initdb, which took 3.5–6 s of
// every BFF a test starts on a 2-core machine; loading the copy takes 1–2 s. The copy is kept in a template directory
// (CA_PGLITE_TEMPLATE_DIR, which the test configuration sets), one per PGlite version. Beside it the test set-up may
// keep a second copy with the BFF's schema already applied (schemaTemplateFile, made by scripts/test-template.mjs):
// a new database then starts from that one, and the BFF's start finds its migrations and job queue schema in place
// (about a second of CPU less per BFF). Plain JavaScript: the database thread (pglite-worker.mjs) and the test
// configuration both load it without a TypeScript loader.
import { PGlite } from '@electric-sql/pglite';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';

/** The installed PGlite's version, read once. */
let version;

/** The copy's file in `templateDir`, named for the installed PGlite (a copy is good only for the version that made it). */
export function templateFile(templateDir) {
  if (!version) {
    const pkg = join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), '..', 'package.json');
    version = JSON.parse(readFileSync(pkg, 'utf8')).version;
  }
  return join(templateDir, `pglite-${version}-initdb.tar.gz`);
}

/**
 * The copy with the BFF's schema applied in `templateDir`: preferred to the initdb copy when there. Only the test
 * set-up writes it (scripts/test-files.mjs), and remakes it when the migrations or the job queue change.
 */
export function schemaTemplateFile(templateDir) {
  return templateFile(templateDir).replace(/-initdb\.tar\.gz$/, '-schema.tar.gz');
}

/**
 * Makes the copy in `templateDir` unless it is there: a database initialised in memory, copied right after initdb,
 * before any statement, and renamed into place whole (a reader never sees half a copy).
 */
export async function ensureTemplate(templateDir) {
  const file = templateFile(templateDir);
  if (existsSync(file)) return file;
  const db = await PGlite.create();
  try {
    await writeTemplate(db, file);
  } finally {
    await db.close();
  }
  return file;
}

/** Writes a copy of `db` to `file`, renamed into place whole. */
export async function writeTemplate(db, file) {
  const dump = await db.dumpDataDir('gzip');
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}-${threadId}.tmp`;
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  renameSync(tmp, file);
}

/**
 * Opens the database in `dataDir`, or in memory. Given `templateDir`, a new one (in memory, or in a data directory
 * still empty) starts from the copy there. Missing or unreadable, the copy is made from the next database initialised
 * in memory; a data directory that holds a database is opened as it is.
 */
export async function createPglite(dataDir, templateDir) {
  const fresh = !dataDir || !existsSync(dataDir) || readdirSync(dataDir).length === 0;
  if (!templateDir || !fresh) return PGlite.create(dataDir ? { dataDir } : {});
  const file = templateFile(templateDir);
  for (const from of [schemaTemplateFile(templateDir), file]) {
    let copy;
    try {
      copy = readFileSync(from);
    } catch {
      continue; // none yet
    }
    try {
      return await PGlite.create({ ...(dataDir ? { dataDir } : {}), loadDataDir: new Blob([copy]) });
    } catch {
      // A damaged copy: the next one, or initialised afresh below (the data directory emptied again: it was empty
      // before), and the initdb copy replaced.
      if (dataDir && existsSync(dataDir)) for (const f of readdirSync(dataDir)) rmSync(join(dataDir, f), { recursive: true, force: true });
    }
  }
  if (dataDir) return PGlite.create({ dataDir });
  const db = await PGlite.create();
  await writeTemplate(db, file).catch(() => {}); // no copy: the next database is initialised afresh too
  return db;
}
