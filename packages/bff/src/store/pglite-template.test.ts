// Fresh in-memory databases copied from a freshly initialised one (CA_PGLITE_TEMPLATE_DIR, set by the test
// configuration) instead of initialised by PGlite each time: the copy is what a new database starts from, in memory or
// in an empty data directory, a data directory that holds a database is opened as it is, and a damaged copy is replaced.
import { PGlite } from '@electric-sql/pglite';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { PgliteThread } from './pglite-thread.js';
import { templateFile } from './pglite-template.mjs';

// The file boots PGlite eight times (each about a second of CPU: loading the copy into a new thread or process) and one
// of them runs initdb: about 6 s of CPU for the three tests, 6-7 s alone on a 2-core machine, but 20-25 s in the
// unit lane while the two other lanes share the cores, longer than the project's 30 s on a busy machine.
describe('in-memory databases from a template', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ca-pglite-template-'));
  const file = templateFile(dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const tables = async (t: PgliteThread) =>
    (await t.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`)).rows.map((r) => r.relname);
  /** Opens a database (in memory without `dataDir`) with this suite's template directory, runs `fn`, closes it. */
  const opened = async (dataDir: string | undefined, fn: (t: PgliteThread) => Promise<void>) => {
    const t = await PgliteThread.open(dataDir, undefined, dir);
    try {
      await fn(t);
    } finally {
      await t.close();
    }
  };

  it('starts a new database from the copy in the template directory', async () => {
    // A copy with a table in it, made here with PGlite itself (from the suite's own copy when there is one: initdb is
    // the slow part): a database opened from it has that table.
    const shared = process.env.CA_PGLITE_TEMPLATE_DIR && templateFile(process.env.CA_PGLITE_TEMPLATE_DIR);
    const source = await PGlite.create(shared && existsSync(shared) ? { loadDataDir: new Blob([readFileSync(shared)]) } : {});
    await source.exec(`CREATE TABLE from_the_template (id int)`);
    writeFileSync(file, Buffer.from(await (await source.dumpDataDir('gzip')).arrayBuffer()));
    await source.close();

    await opened(undefined, async (t) => {
      expect(await tables(t)).toEqual(['from_the_template']);
      await t.query(`INSERT INTO from_the_template VALUES (1)`);
    });
    // The copy is only read: a second database starts from it as it was.
    await opened(undefined, async (t) => {
      expect((await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM from_the_template`)).rows).toEqual([{ n: 0 }]);
    });
  });

  it('starts a new data directory from it too, and opens one that holds a database as it is', async () => {
    const data = join(dir, 'data');
    await opened(data, async (t) => {
      expect(await tables(t)).toEqual(['from_the_template']);
      await t.query(`INSERT INTO from_the_template VALUES (7)`);
    });
    await opened(data, async (t) => {
      expect((await t.query<{ id: number }>(`SELECT id FROM from_the_template`)).rows).toEqual([{ id: 7 }]);
    });
    rmSync(data, { recursive: true, force: true });
  });

  it('initialises afresh when the copy is damaged, and replaces it with a copy of an empty cluster', async () => {
    writeFileSync(file, 'not a tar archive');
    await opened(undefined, async (t) => expect(await tables(t)).toEqual([]));
    const tar = gunzipSync(readFileSync(file)).toString('latin1');
    expect(tar).toContain('PG_VERSION');
    expect(tar).not.toContain('from_the_template');
    expect(readdirSync(dir)).toEqual([basename(file)]); // no temporary file left behind
    await opened(undefined, async (t) => expect(await tables(t)).toEqual([]));
  });
});
