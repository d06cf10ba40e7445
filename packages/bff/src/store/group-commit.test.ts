// Group commit at the unit level (a stand-in database: what is tested is the batching, not SQL): announced units
// share a transaction, a unit that never comes delays the start by at most gatherMs, and that wait is idle, not a
// loop spinning on the event loop (which cost the ingest a third of its CPU).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Database, Sql } from './db.js';
import { createGroupCommit } from './group-commit.js';

/**
 * CPU time (ms) of the calling thread alone (Linux: /proc/thread-self; 10 ms ticks), where a spinning wait would burn
 * it: the process's figure also holds whatever other threads do meanwhile (an embedded database another test file
 * left running in this worker, V8's collector), which made the idle check fail beside other files. Elsewhere the
 * process's CPU.
 */
function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime in clock ticks (USER_HZ 100)
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

function standIn(txMs = 0) {
  const batches: number[] = [];
  const db = {
    kind: 'pglite',
    transaction: async <T>(fn: (tx: Sql) => Promise<T>) => {
      const out = await fn({} as Sql);
      if (txMs) await new Promise((r) => setTimeout(r, txMs)); // a transaction's fixed cost (COMMIT and the rest)
      return out;
    },
  } as unknown as Database;
  const gc = (gatherMs: number, groups?: number) =>
    createGroupCommit<{ units: number }>({
      db,
      gatherMs,
      ...(groups ? { groups } : {}),
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
    const cpu = threadCpuMs();
    const started = performance.now();
    await g.run(async (ctx) => ++ctx.units);
    const waited = performance.now() - started;
    const used = threadCpuMs() - cpu;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(batches).toEqual([1]);
    // A spinning wait burns about as much CPU as it waits (~300 ms); an idle one next to nothing.
    expect(used).toBeLessThan(100);
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

  it('gives callers that resend as soon as they are answered full batches, not two alternating halves', async () => {
    const { batches, gc } = standIn(5);
    const g = gc(4);
    // 16 callers, each sending its next unit a moment after the last one was answered (a client's round trip).
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = 0; i < 12; i++) {
          await g.run(async (ctx) => ++ctx.units);
          await new Promise((r) => setTimeout(r, 1));
        }
      }),
    );
    const steady = batches.slice(4); // after the first few, while the callers fall into step
    const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
    expect(batches.reduce((a, b) => a + b, 0)).toBe(16 * 12);
    // Started with whatever waited, the callers split into halves that alternate: about 8 per transaction.
    expect(mean).toBeGreaterThan(12);
  });

  it('in two groups, starts once half of recent work has arrived, not with the first unit', async () => {
    const { batches, gc } = standIn();
    const g = gc(200, 2);
    // Recent work: 16 units at once.
    await Promise.all(Array.from({ length: 16 }, () => g.run(async (ctx) => ++ctx.units)));
    // Then one half trickles in, a unit every 5 ms: one transaction of the eight, not eight of one.
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, 5 * i));
        return g.run(async (ctx) => ++ctx.units);
      }),
    );
    expect(batches).toEqual([16, 8]);
  });
});
