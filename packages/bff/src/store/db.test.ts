// The PostgreSQL store survives losing a connection in the middle of a transaction (a database restart, a
// terminated backend): the transaction fails, the process does not, and the next one works. Runs under test:pg.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../testing/databases.js';
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
});
