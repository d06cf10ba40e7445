// Group commit at the unit level (a stand-in database: what is tested is the batching, not SQL): announced units
// share a transaction, a unit that never comes delays the start by at most gatherMs, and that wait is idle, not a
// loop spinning on the event loop (which cost the ingest a third of its CPU).
import { describe, expect, it } from 'vitest';
import type { Database, Sql } from './db.js';
import { createGroupCommit } from './group-commit.js';

function standIn() {
  const batches: number[] = [];
  const db = {
    kind: 'pglite',
    transaction: async <T>(fn: (tx: Sql) => Promise<T>) => fn({} as Sql),
  } as unknown as Database;
  const gc = (gatherMs: number) =>
    createGroupCommit<{ units: number }>({
      db,
      gatherMs,
      open: () => ({ units: 0 }),
      close: async (ctx) => void batches.push(ctx.units),
    });
  return { batches, gc };
}

describe('group commit', () => {
  it('waits for announced units and runs them in one transaction', async () => {
    const { batches, gc } = standIn();
    const g = gc(1000);
    const arrivals = Array.from({ length: 5 }, () => g.expect());
    const done = arrivals.map(async (arrived, i) => {
      await new Promise((r) => setTimeout(r, 5 * i));
      arrived();
      return g.run(async (ctx) => ++ctx.units);
    });
    expect(await Promise.all(done)).toEqual([1, 2, 3, 4, 5]);
    expect(batches).toEqual([5]);
  });

  it('starts without a unit that never comes after gatherMs, and waits idle meanwhile', async () => {
    const { batches, gc } = standIn();
    const g = gc(300);
    g.expect(); // announced, never arrives
    const cpu = process.cpuUsage();
    const started = performance.now();
    await g.run(async (ctx) => ++ctx.units);
    const waited = performance.now() - started;
    const used = process.cpuUsage(cpu);
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(batches).toEqual([1]);
    // A spinning wait burns about as much CPU as it waits (~300 ms); an idle one next to nothing.
    expect((used.user + used.system) / 1000).toBeLessThan(100);
  });

  it('starts at once when the announced unit is withdrawn', async () => {
    const { batches, gc } = standIn();
    const g = gc(5000);
    const withdraw = g.expect();
    const run = g.run(async (ctx) => ++ctx.units);
    setTimeout(withdraw, 20);
    const started = performance.now();
    await run;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(batches).toEqual([1]);
  });
});
