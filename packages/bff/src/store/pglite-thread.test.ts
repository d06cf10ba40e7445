// The embedded database on its own thread (store/pglite-thread.ts + pglite-worker.mjs), through openDatabase as
// the BFF uses it: the main thread keeps running while a statement runs, PGlite's transaction semantics hold
// (statements outside an open transaction wait for it; a throw rolls back), errors keep PostgreSQL's fields,
// NOTIFY reaches listeners, and prepared statements survive a schema change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './db.js';

describe('PGlite on its own thread', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase('memory:');
    await db.exec(`CREATE TABLE t (id int PRIMARY KEY, note text NOT NULL)`);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('keeps the event loop turning while a statement runs (on the main thread a statement stopped it)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      await db.query(`SELECT pg_sleep(0.3)`);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThanOrEqual(10);
  });

  it('runs statements from outside an open transaction after it, never inside it', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const insertedP = new Promise<void>((r) => (inserted = r));
    const tx = db.transaction(async (q) => {
      await q.query(`INSERT INTO t VALUES ($1, $2)`, [1, 'in a transaction']);
      inserted();
      await held;
      throw new Error('roll it back');
    });
    await insertedP;
    let outsideDone = false;
    const outside = db.query<{ n: string }>(`SELECT count(*)::text AS n FROM t`).then((r) => ((outsideDone = true), r));
    await new Promise((r) => setTimeout(r, 50));
    expect(outsideDone).toBe(false); // waits for the transaction
    release();
    await expect(tx).rejects.toThrow('roll it back');
    expect((await outside)[0]!.n).toBe('0'); // ran after the rollback, not inside the transaction
  });

  it('commits what a transaction wrote, and a failing first statement rolls the transaction back', async () => {
    await db.transaction(async (q) => {
      await q.query(`INSERT INTO t VALUES ($1, $2)`, [2, 'kept']);
      await q.query(`INSERT INTO t VALUES ($1, $2)`, [3, 'kept too']);
    });
    await expect(db.transaction((q) => q.query(`INSERT INTO t VALUES ($1, $2)`, [2, 'duplicate']))).rejects.toThrow();
    expect(await db.query(`SELECT id, note FROM t ORDER BY id`)).toEqual([
      { id: 2, note: 'kept' },
      { id: 3, note: 'kept too' },
    ]);
  });

  it('traces each message to the thread and back when asked (diagnosis), in the order things happened', async () => {
    const trace = db.threadTrace!;
    await trace(true);
    await db.transaction(async (q) => {
      await q.query(`SELECT 1`);
      await q.queryAndCommit(`SELECT 2`);
    });
    const msgs = await trace(false);
    expect(msgs.map((m) => [m.op, m.commit ?? false])).toEqual([
      ['begin', false],
      ['query', true],
    ]);
    expect(msgs[1]!.tx).toBe(msgs[0]!.tx);
    for (const m of msgs) {
      const times = [m.posted, m.arrived, m.started, m.answered, m.received];
      expect(times.every((t) => typeof t === 'number')).toBe(true);
      expect(times).toEqual([...times].sort((a, b) => a! - b!));
    }
    // Off now: nothing more is traced.
    await db.query(`SELECT 3`);
    expect(await trace(false)).toEqual([]);
  });

  it("keeps PostgreSQL's error fields", async () => {
    const err = await db.query(`INSERT INTO t VALUES ($1, $2)`, [2, 'again']).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: '23505', constraint: 't_pkey' });
    expect((err as Error).message).toMatch(/duplicate key/);
  });

  it('returns typed values: integers, JSON, timestamps, nulls and booleans', async () => {
    const at = new Date('2026-12-01T10:00:00.123Z');
    const [row] = await db.query<Record<string, unknown>>(`SELECT $1::int AS i, $2::jsonb AS j, $3::timestamptz AS at, NULL::text AS nothing, $4::boolean AS yes`, [
      7,
      JSON.stringify({ a: [1, 'two'] }),
      at,
      true,
    ]);
    expect(row).toEqual({ i: 7, j: { a: [1, 'two'] }, at, nothing: null, yes: true });
  });

  it('delivers NOTIFY to listeners until they unsubscribe', async () => {
    const got: string[] = [];
    const off = await db.listen('pglite_thread_test', (p) => got.push(p));
    await db.query(`SELECT pg_notify('pglite_thread_test', $1)`, ['one']);
    await expect.poll(() => got).toEqual(['one']);
    await off();
    await db.query(`SELECT pg_notify('pglite_thread_test', $1)`, ['two']);
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual(['one']);
  });

  it('runs a prepared statement again after a schema change alters its columns', async () => {
    const text = `SELECT * FROM t WHERE id = $1`;
    expect(await db.query(text, [2])).toEqual([{ id: 2, note: 'kept' }]);
    await db.exec(`ALTER TABLE t ADD COLUMN extra text`);
    expect(await db.query(text, [2])).toEqual([{ id: 2, note: 'kept', extra: null }]);
  });

  it('settles every call still under way when it closes, and refuses calls after', async () => {
    const other = await openDatabase('memory:');
    const slow = other.query(`SELECT pg_sleep(0.3)`);
    const tx = other.transaction(async (q) => {
      await q.query(`SELECT 1`);
      await new Promise((r) => setTimeout(r, 100));
      await q.query(`SELECT 2`);
    });
    await new Promise((r) => setTimeout(r, 20));
    await other.close();
    const settled = await Promise.race([Promise.allSettled([slow, tx]), new Promise((r) => setTimeout(() => r('hung'), 5000))]);
    expect(settled).not.toBe('hung');
    await expect(other.query(`SELECT 1`)).rejects.toThrow(/closed/);
  });
});
