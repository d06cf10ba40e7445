// A transaction's last statement committed with it (`Tx.queryAndCommit`), on both databases: what it wrote and what
// came before is committed, a failure rolls everything back, nothing may follow it. On PGlite's thread the COMMIT
// travels in the statement's own message: a transaction of two statements is two messages to the thread.
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabases } from '../../testing/databases.js';
import { openDatabase, type Database } from './db.js';

describe.each(testDatabases())('queryAndCommit on $name', ({ name, url }) => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase(url());
    await db.exec(`CREATE TABLE c (id int PRIMARY KEY, note text NOT NULL)`);
  });
  afterAll(async () => {
    await db?.close();
  });
  const rows = () => db.query<{ id: number; note: string }>(`SELECT id, note FROM c ORDER BY id`);

  it('commits the statements before it and its own, and answers with its rows', async () => {
    const out = await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO c VALUES ($1, $2)`, [1, 'before']);
      return tx.queryAndCommit<{ id: number }>(`INSERT INTO c VALUES ($1, $2) RETURNING id`, [2, 'last']);
    });
    expect(out).toEqual([{ id: 2 }]);
    expect(await rows()).toEqual([
      { id: 1, note: 'before' },
      { id: 2, note: 'last' },
    ]);
  });

  it('rolls back everything when the last statement fails, with the database error', async () => {
    const failed = db.transaction(async (tx) => {
      await tx.query(`INSERT INTO c VALUES ($1, $2)`, [3, 'rolled back']);
      await tx.queryAndCommit(`INSERT INTO c VALUES ($1, $2)`, [1, 'duplicate']);
    });
    await expect(failed).rejects.toMatchObject({ code: '23505' });
    expect((await rows()).map((r) => r.id)).toEqual([1, 2]);
    // The connection is free and works (PGlite: the one connection is not left inside the failed transaction).
    await db.transaction((tx) => tx.queryAndCommit(`INSERT INTO c VALUES ($1, $2)`, [3, 'alone']));
    expect((await rows()).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('commits nothing when its statement is refused before it reaches the database', async () => {
    // On PostgreSQL COMMIT is sent behind the statement without waiting for its answer: a statement the driver
    // refused to send (a value it cannot encode) must not leave that COMMIT to commit what came before it.
    const unencodable = { toPostgres: () => { throw new Error('cannot encode'); }, toJSON: () => { throw new Error('cannot encode'); } };
    const failed = db.transaction(async (tx) => {
      await tx.query(`INSERT INTO c VALUES ($1, $2)`, [8, 'before a refused statement']);
      await tx.queryAndCommit(`INSERT INTO c VALUES ($1, $2)`, [9, unencodable]);
    });
    await expect(failed).rejects.toThrow();
    expect((await rows()).map((r) => r.id)).not.toContain(8);
  });

  it('ends the transaction: a statement after it fails, and a throw after it no longer undoes it', async () => {
    const late = db.transaction(async (tx) => {
      await tx.queryAndCommit(`INSERT INTO c VALUES ($1, $2)`, [4, 'committed']);
      await tx.query(`INSERT INTO c VALUES ($1, $2)`, [5, 'too late']);
    });
    await expect(late).rejects.toThrow('Transaction is closed');
    expect((await rows()).map((r) => r.id)).toEqual([1, 2, 3, 4]);
  });

  it.runIf(name === 'PGlite')('sends BEGIN with the first statement and COMMIT with the last: two messages to the thread', async () => {
    const post = vi.spyOn(Worker.prototype, 'postMessage');
    try {
      await db.transaction(async (tx) => {
        await tx.query(`SELECT 1`);
        await tx.queryAndCommit(`INSERT INTO c VALUES ($1, $2)`, [6, 'two messages']);
      });
      expect(post).toHaveBeenCalledTimes(2);
      post.mockClear();
      await db.transaction(async (tx) => {
        await tx.query(`SELECT 1`);
        await tx.query(`INSERT INTO c VALUES ($1, $2)`, [7, 'three messages']);
      });
      expect(post).toHaveBeenCalledTimes(3); // BEGIN + first, second, COMMIT
    } finally {
      post.mockRestore();
    }
    expect((await rows()).map((r) => r.id)).toEqual([1, 2, 3, 4, 6, 7]);
  });
});
