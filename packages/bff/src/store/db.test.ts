// The PostgreSQL store survives losing a connection in the middle of a transaction or of a single query (a database
// restart, a terminated backend): that work fails, the process does not, and the next one works. Runs under test:pg.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../testing/databases.js';
import { openDatabase, type Database } from './db.js';

const postgres = testDatabases().find((d) => d.name === 'PostgreSQL');

describe.skipIf(!postgres)('PostgreSQL store: a connection lost inside a transaction', () => {
  let db: Database;
  let other: Database;
  beforeAll(async () => {
    const url = postgres!.url();
    db = await openDatabase(url);
    other = await openDatabase(url);
  });
  afterAll(async () => {
    await db?.close();
    await other?.close();
  });

  it('fails that transaction, keeps the process alive, and serves the next one', async () => {
    const errors: unknown[] = [];
    const onUncaught = (err: unknown) => errors.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const failed = await db
        .transaction(async (tx) => {
          const { pid } = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!;
          await other.query('SELECT pg_terminate_backend($1)', [pid]);
          // Idle between two statements, as a transaction is while it awaits other work: the loss arrives now.
          await new Promise((r) => setTimeout(r, 300));
          await tx.query('SELECT 1');
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(failed).toBeInstanceOf(Error);
      expect(await db.transaction(async (tx) => (await tx.query<{ one: number }>('SELECT 1 AS one'))[0]!.one)).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('fails a single query whose connection is lost while it runs, keeps the process alive, and serves the next one', async () => {
    const errors: unknown[] = [];
    const onUncaught = (err: unknown) => errors.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const app = `ca-probe-${process.pid}`;
      const running = db.query(`SELECT pg_sleep(5), set_config('application_name', $1, false)`, [app]).then(
        () => null,
        (e: unknown) => e,
      );
      // The backend running that one statement, terminated from another connection (as a database restart would).
      let killed = 0;
      for (let i = 0; i < 50 && killed === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const rows = await other.query<{ n: number }>(
          `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(5)%' AND pid <> pg_backend_pid()`,
        );
        killed = rows[0]!.n;
      }
      expect(killed).toBe(1);
      expect(await running).toBeInstanceOf(Error);
      await new Promise((r) => setTimeout(r, 100)); // the client's 'error' event comes after the query's rejection
      expect(await db.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('runs its prepared statements again after another connection changes their result columns', async () => {
    await other.exec(`DROP TABLE IF EXISTS prepared_probe; CREATE TABLE prepared_probe (id int PRIMARY KEY, note text); INSERT INTO prepared_probe VALUES (1, 'one')`);
    const text = `SELECT * FROM prepared_probe WHERE id = $1`;
    // Prepared on several connections of the pool at once, then the table changes under them (a newer replica's migration).
    await Promise.all(Array.from({ length: 4 }, () => db.query(text, [1])));
    expect(await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'candidate-assessment' AND datname = current_database()`)).not.toEqual([{ n: 1 }]);
    await other.exec(`ALTER TABLE prepared_probe ADD COLUMN extra text`);
    for (let i = 0; i < 6; i++) expect(await db.query(text, [1])).toEqual([{ id: 1, note: 'one', extra: null }]);
    await other.exec(`DROP TABLE prepared_probe`);
  });
});
