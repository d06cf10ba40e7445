// Idle cost: CPU an idle BFF burns per second (nothing asked of it, nothing to do) on PGlite and PostgreSQL, beside a
// plain node:http server, and the embedded default's RSS after start, fresh and on an existing data directory, beside
// a bare PGlite opened on that same data directory. Every server is a child process of its own (RSS is its own).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
  /** User + system CPU of every thread (process.cpuUsage) per second of the window. */
  idle_cpu_ms_per_s?: number;
  /** The same split by thread (/proc/<pid>/task/<tid>/schedstat, Linux): the main thread, the threads the server's start made (the embedded database's, libuv's pool), and the rest (V8's GC and compiler helpers, tsx's loader). */
  main_ms_per_s?: number;
  started_threads_ms_per_s?: number;
  runtime_threads_ms_per_s?: number;
  /** Statements the BFF sent in the window (its own and pg-boss's), per minute. */
  statements_per_min?: number;
  /** Seconds waited after start before the window (see `settle`). */
  settled_s?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (m: NodeJS.MemoryUsage) => round(m.rss / 2 ** 20, 1);

/** CPU time (ms) of each of `pid`'s live threads, from the scheduler's nanosecond counters; empty off Linux. */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        out.set(tid, Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
      } catch {
        // the thread ended meanwhile
      }
    }
  } catch {
    // not Linux
  }
  return out;
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** The child's CPU per second over `ms`, every thread (process.cpuUsage counts threads that ended too). */
async function rate(c: Child, ms: number): Promise<number> {
  const a = cpuMs(await c.call<NodeJS.CpuUsage>('cpu'));
  const t = performance.now();
  await sleep(ms);
  return (cpuMs(await c.call<NodeJS.CpuUsage>('cpu')) - a) / ((performance.now() - t) / 1000);
}

/**
 * Waits until the child's CPU rate stops falling: a process just started still compiles (V8's tier-up, the embedded
 * database's WebAssembly), and V8's memory reducer runs a few full collections of each isolate (the main thread's,
 * tsx's loader thread's, the database thread's) once allocation has calmed down after start: measured with
 * --trace-gc, the main thread's at 16–17 s, the loader's at 24–26 s, 100–150 ms of CPU (most on V8's helper threads)
 * each even for the node:http floor. A window from 15 to 35 s after start, as before, held none, one or two of them
 * by chance: the floor read 0.1 to 8 ms/s in the same conditions. At least `minMs` (30 s), then 5 s slices until one
 * is not 20 % below the one before (or under 1 ms/s), at most `maxMs`. Returns the seconds waited.
 */
async function settle(c: Child, minMs: number, maxMs: number): Promise<number> {
  await sleep(minMs);
  let waited = minMs;
  for (let prev = Infinity; waited < maxMs; ) {
    const r = await rate(c, 5000);
    waited += 5000;
    if (r >= 0.8 * prev || r < 1) break;
    prev = r;
  }
  return waited / 1000;
}

/**
 * CPU (user + system, every thread) the child spends per second over `seconds` of doing nothing, once settled, split
 * by thread; `started`: the threads the server's start made. And the statements a BFF sent meanwhile.
 */
async function idleCpu(c: Child, seconds: number, started: { threads: string[]; statements: boolean }, quick: boolean): Promise<Partial<IdleRow>> {
  const settled_s = await settle(c, quick ? 5000 : 30_000, quick ? 15_000 : 75_000);
  const hasStatements = started.statements;
  if (hasStatements) await c.call('statements');
  const a = await c.call<NodeJS.CpuUsage>('cpu');
  const ta = threadCpu(c.pid);
  const t = performance.now();
  await sleep(seconds * 1000);
  const tb = threadCpu(c.pid);
  const b = await c.call<NodeJS.CpuUsage>('cpu');
  const s = (performance.now() - t) / 1000;
  const sql = hasStatements ? await c.call<{ sql: string; n: number }[]>('statements') : [];
  const split = { main: 0, started: 0, runtime: 0 };
  for (const [tid, ms] of tb) {
    const d = ms - (ta.get(tid) ?? 0);
    if (tid === String(c.pid)) split.main += d;
    else if (started.threads.includes(tid)) split.started += d;
    else split.runtime += d;
  }
  if (process.env.BENCH_IDLE_VERBOSE) console.error(`  idle statements (${round(s, 1)} s): ${JSON.stringify(sql)}`);
  return {
    idle_cpu_ms_per_s: round((cpuMs(b) - cpuMs(a)) / s, 2),
    ...(tb.size ? { main_ms_per_s: round(split.main / s, 2), started_threads_ms_per_s: round(split.started / s, 2), runtime_threads_ms_per_s: round(split.runtime / s, 2) } : {}),
    ...(hasStatements ? { statements_per_min: round((sql.reduce((n, x) => n + x.n, 0) * 60) / s, 1) } : {}),
    settled_s,
  };
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
const bffIdle = (database: string, seconds: number, quick: boolean) =>
  withChild(async (c) => {
    const started = await c.call<{ threads: string[]; statements: boolean }>('bff', { database }, 180_000);
    const cpu = await idleCpu(c, seconds, started, quick);
    if (process.env.BENCH_SQL_TRACE) console.error(`  idle SQL on ${database.slice(0, 12)}: ${JSON.stringify((await c.call<{ statements: unknown[] }>('sqlReport')).statements.slice(0, 8))}`);
    return { rss_mb: mb(await c.call<NodeJS.MemoryUsage>('rss')), ...cpu };
  });

export async function idleCost(o: { seconds: number; postgres: boolean; quick?: boolean }): Promise<{ rows: IdleRow[]; skipped?: string }> {
  const rows: IdleRow[] = [];
  const quick = o.quick ?? false;
  const dir = mkdtempSync(join(tmpdir(), 'ca-bench-idle-'));
  try {
    const dataDir = join(dir, 'db');
    rows.push({ server: 'bff', database: 'PGlite', start: 'fresh', ...(await bffIdle(`embedded:${dataDir}`, o.seconds, quick)) });
    rows.push({ server: 'bff', database: 'PGlite', start: 'existing', ...(await bffIdle(`embedded:${dataDir}`, o.seconds, quick)) });
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
    const cpu = await idleCpu(c, o.seconds, await c.call<{ threads: string[]; statements: boolean }>('http'), quick);
    return { rss_mb: mb(await c.call<NodeJS.MemoryUsage>('rss')), ...cpu };
  });
  rows.push({ server: 'node:http', database: '—', start: '—', ...floor });
  if (!o.postgres) return { rows, skipped: 'PostgreSQL not asked for' };
  const url = await freshSchema('bench_idle');
  if (!url) return { rows, skipped: 'PostgreSQL unreachable (BENCH_DATABASE_URL)' };
  try {
    rows.push({ server: 'bff', database: 'PostgreSQL', start: 'fresh', ...(await bffIdle(url, o.seconds, quick)) });
  } finally {
    await dropSchema('bench_idle');
  }
  return { rows };
}
