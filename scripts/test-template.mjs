#!/usr/bin/env node
// Makes the embedded databases' schema copy for the tests (packages/bff/src/store/pglite-template.mjs): a database
// started from the initdb copy in the template directory, with the BFF's migrations applied and its job queue's schema
// made by the BFF's own code (migrate, createBoss), then written beside that copy. scripts/test-files.mjs runs it when
// the copy is missing or older than the code that makes the schema. Argument: the template directory.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bff = (path) => join(root, 'packages/bff', path);
// The BFF's dependencies, as the BFF resolves them.
const dependency = (name) => import(pathToFileURL(createRequire(bff('package.json')).resolve(name)).href);
const { PGlite } = await dependency('@electric-sql/pglite');
const { default: pino } = await dependency('pino');
const { ensureTemplate, schemaTemplateFile, templateFile, writeTemplate } = await import(bff('src/store/pglite-template.mjs'));
const { register } = await import('tsx/esm/api');
register();
const { openDatabase } = await import(bff('src/store/db.ts'));
const { migrate } = await import(bff('src/store/migrations.ts'));
const { createBoss } = await import(bff('src/jobs/queue.ts'));

const templateDir = process.argv[2];
const work = mkdtempSync(join(tmpdir(), 'ca-schema-template-'));
try {
  // Started from the initdb copy alone (a template directory of its own), never from an older schema copy.
  copyFileSync(await ensureTemplate(templateDir), templateFile(work));
  process.env.CA_PGLITE_TEMPLATE_DIR = work;
  const data = join(work, 'data');
  const db = await openDatabase(`embedded:${data}`);
  try {
    await migrate(db);
    const boss = createBoss(db, pino({ level: 'silent' }));
    await boss.start();
    await boss.stop({ graceful: false, wait: true });
  } finally {
    await db.close();
  }
  const pg = await PGlite.create({ dataDir: data });
  try {
    await writeTemplate(pg, schemaTemplateFile(templateDir));
  } finally {
    await pg.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
