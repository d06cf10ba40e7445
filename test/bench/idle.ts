// Idle cost: CPU an idle BFF burns per second (nothing asked of it, nothing to do) on PGlite and PostgreSQL, beside a
// plain node:http server, and the embedded default's RSS after start, fresh and on an existing data directory, beside
// a bare PGlite opened on that same data directory. Every server is a child process of its own (RSS is its own).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type Child } from './lib/child.js';
import { dropSchema, freshSchema } from './lib/pg.js';
import { round } from './lib/stats.js';

export interface IdleRow {
  server: 'bff' | 'bare PGlite' | 'node:http';
  database: 'PGlite' | 'PostgreSQL' | '—';
  /** `fresh`: a data directory created by this start; `existing`: reopened after a stop. */
  start: 'fresh' | 'existing' | '—';
  rss_mb?: number;
  idle_cpu_ms_per_s?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (m: NodeJS.MemoryUsage) => round(m.rss / 2 ** 20, 1);

/**
 * CPU (user + system, every thread) the child spends per second over `seconds` of doing nothing, after `settleMs`: a
 * BFF just started still compiles the database's WebAssembly in the background (V8's tier-up) for some seconds.
 */
async function idleCpu(c: Child, seconds: number, settleMs = 15_000): Promise<number> {
  await sleep(settleMs);
  const a = await c.call<NodeJS.CpuUsage>('cpu');
  const t = performance.now();
  await sleep(seconds * 1000);
  const b = await c.call<NodeJS.CpuUsage>('cpu');
  const s = (performance.now() - t) / 1000;
  return round((b.user - a.user + b.system - a.system) / 1000 / s, 2);
}

async function withChild<T>(fn: (c: Child) => Promise<T>): Promise<T> {
  const c = await startChild('idle/server.ts');
  try {
    return await fn(c);
  } finally {
    await c.stop();
  }
}

/** A BFF started on `database`: its RSS once started and settled (after GC), and its idle CPU. */
const bffIdle = (database: string, seconds: number) =>
  withChild(async (c) => {
    await c.call('bff', { database }, 180_000);
    const cpu = await idleCpu(c, seconds);
    if (process.env.BENCH_SQL_TRACE) console.error(`  idle SQL on ${database.slice(0, 12)}: ${JSON.stringify((await c.call<{ statements: unknown[] }>('sqlReport')).statements.slice(0, 8))}`);
    return { rss: mb(await c.call<NodeJS.MemoryUsage>('rss')), cpu };
  });

export async function idleCost(o: { seconds: number; postgres: boolean }): Promise<{ rows: IdleRow[]; skipped?: string }> {
  const rows: IdleRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ca-bench-idle-'));
  try {
    const dataDir = join(dir, 'db');
    const fresh = await bffIdle(`embedded:${dataDir}`, o.seconds);
    rows.push({ server: 'bff', database: 'PGlite', start: 'fresh', rss_mb: fresh.rss, idle_cpu_ms_per_s: fresh.cpu });
    const again = await bffIdle(`embedded:${dataDir}`, o.seconds);
    rows.push({ server: 'bff', database: 'PGlite', start: 'existing', rss_mb: again.rss, idle_cpu_ms_per_s: again.cpu });
    const bare = await withChild(async (c) => {
      await c.call('bare', { dataDir }, 180_000);
      await sleep(1000);
      return mb(await c.call<NodeJS.MemoryUsage>('rss'));
    });
    rows.push({ server: 'bare PGlite', database: 'PGlite', start: 'existing', rss_mb: bare });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const floor = await withChild(async (c) => {
    await c.call('http');
    return { cpu: await idleCpu(c, o.seconds), rss: mb(await c.call<NodeJS.MemoryUsage>('rss')) };
  });
  rows.push({ server: 'node:http', database: '—', start: '—', rss_mb: floor.rss, idle_cpu_ms_per_s: floor.cpu });
  if (!o.postgres) return { rows, skipped: 'PostgreSQL not asked for' };
  const url = await freshSchema('bench_idle');
  if (!url) return { rows, skipped: 'PostgreSQL unreachable (BENCH_DATABASE_URL)' };
  try {
    const pg = await bffIdle(url, o.seconds);
    rows.push({ server: 'bff', database: 'PostgreSQL', start: 'fresh', rss_mb: pg.rss, idle_cpu_ms_per_s: pg.cpu });
  } finally {
    await dropSchema('bench_idle');
  }
  return { rows };
}
