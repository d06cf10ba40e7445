import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './db.js';
import { vacuumDue, vacuumWhereDue } from './vacuum.js';

describe('vacuumDue', () => {
  it('follows autovacuum defaults: 50 + 20 % of live rows dead to vacuum, 50 + 10 % changed to analyse', () => {
    expect(vacuumDue({ name: 't', live: 1000, dead: 250, modifiedSinceAnalyze: 0 })).toBeUndefined();
    expect(vacuumDue({ name: 't', live: 1000, dead: 251, modifiedSinceAnalyze: 0 })).toBe('vacuum');
    expect(vacuumDue({ name: 't', live: 1000, dead: 0, modifiedSinceAnalyze: 150 })).toBeUndefined();
    expect(vacuumDue({ name: 't', live: 1000, dead: 0, modifiedSinceAnalyze: 151 })).toBe('analyze');
    expect(vacuumDue({ name: 't', live: 0, dead: 51, modifiedSinceAnalyze: 0 })).toBe('vacuum');
  });
});

describe('vacuumWhereDue on PGlite', () => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  const counters = async (table: string) =>
    (await db!.query<{ dead: number; vacuumed: boolean; analysed: boolean }>(
      `SELECT n_dead_tup::int AS dead, last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analysed FROM pg_stat_user_tables WHERE relname = $1`,
      [table],
    ))[0]!;

  it('vacuums a table full of dead rows, which nothing else does, and then leaves it alone', async () => {
    db = await openDatabase('memory:');
    await db.exec(`CREATE TABLE churn (id int PRIMARY KEY, v int); INSERT INTO churn SELECT g, 0 FROM generate_series(1, 500) g;
                   CREATE TABLE quiet (id int PRIMARY KEY); INSERT INTO quiet VALUES (1);`);
    for (let i = 0; i < 5; i++) await db.exec(`UPDATE churn SET v = v + 1`);
    await db.query(`SELECT pg_stat_force_next_flush()`);
    expect((await counters('churn')).dead).toBeGreaterThan(2000);

    const first = await vacuumWhereDue(db);
    expect(first).toContain('public.churn');
    expect(first).not.toContain('public.quiet');
    const after = await counters('churn');
    expect(after).toMatchObject({ dead: 0, vacuumed: true, analysed: true });
    expect(await counters('quiet')).toMatchObject({ vacuumed: false });

    expect(await vacuumWhereDue(db)).toEqual([]);
  });

  it('analyses a table that only grew', async () => {
    db = await openDatabase('memory:');
    await db.exec(`CREATE TABLE grown (id int PRIMARY KEY); INSERT INTO grown SELECT g FROM generate_series(1, 300) g;`);
    expect(await vacuumWhereDue(db)).toContain('public.grown');
    expect(await counters('grown')).toMatchObject({ analysed: true, vacuumed: false });
  });
});

describe('vacuumWhereDue on PostgreSQL', () => {
  it('does nothing: PostgreSQL runs its own autovacuum', async () => {
    const asked: string[] = [];
    const pg = { kind: 'postgres', query: async (t: string) => (asked.push(t), []), exec: async (t: string) => void asked.push(t) } as unknown as Database;
    expect(await vacuumWhereDue(pg)).toEqual([]);
    expect(asked).toEqual([]);
  });
});
