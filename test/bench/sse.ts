// Live fan-out: N concurrent SSE clients on one BFF (embedded store) while the order service produces
// ~10 events/s, next to a plain node:http broadcast of the same frames read by the same client harness.
// Server and clients are separate processes; RSS per idle connection is the server's own.
import { join } from 'node:path';
import { startChild, type Child } from './lib/child.js';
import { percentile, round } from './lib/stats.js';

export interface SseRow {
  server: 'bff' | 'floor';
  clients: number;
  events: number;
  deliveries: number;
  expected: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  rss_idle_mb: number;
  rss_per_conn_kb: number;
  /** V8 heap + external + array buffers per connection: the JS share, steadier than RSS next to PGlite's WASM memory. */
  heap_per_conn_kb: number;
  server_cpu_pct: number;
  /** The server's CPU (every thread, user + system) while producing, per event delivered to a client (µs). */
  cpu_us_per_delivery: number;
  connect_ms: number;
}

/** Server memory with `clients` idle streams open, against the same server just before they opened. */
export interface SseIdle {
  clients: number;
  rss_base_mb: number;
  rss_idle_mb: number;
  rss_per_conn_kb: number;
  heap_per_conn_kb: number;
}

const CLIENT_PROCS = 2;

async function runOne(
  kind: 'bff' | 'floor',
  levels: number[],
  o: { perSecond: number; seconds: number; template?: unknown },
): Promise<{ rows: SseRow[]; sample?: string }> {
  const { server, clients, url, headers } = await startRig(kind, o.perSecond, o.template);
  const rows: SseRow[] = [];
  let sample: string | undefined;
  try {
    const baseMem = await server.call<NodeJS.MemoryUsage>('rss');
    const base = baseMem.rss;
    let open = 0;
    for (const level of levels) {
      const t = performance.now();
      const add = level - open;
      await Promise.all(clients.map((c, i) => c.call('open', { url, headers, n: Math.floor(add / CLIENT_PROCS) + (i < add % CLIENT_PROCS ? 1 : 0) }, 300_000)));
      const connectMs = Math.round(performance.now() - t);
      open = level;
      const serverSees = await server.call<number>('clients');
      if (serverSees !== level) throw new Error(`${kind}: server holds ${serverSees} clients, expected ${level}`);
      await new Promise((r) => setTimeout(r, 1000));
      const mem = await server.call<NodeJS.MemoryUsage>('rss');
      const rss = mem.rss;
      await Promise.all(clients.map((c) => c.call('record')));
      // Diagnosis: BENCH_PHASE_PROF=<dir> profiles the server's main thread during this level's produce phase.
      const prof = process.env.BENCH_PHASE_PROF;
      if (prof) await server.call('profileStart');
      const main0 = await server.call<number>('mainThreadCpu');
      const produced = await server.call<{ t0: Record<string, number>; events: number; cpuPct: number; cpuUs: number }>(
        'produce',
        { perSecond: o.perSecond, durationMs: o.seconds * 1000, template: o.template },
        o.seconds * 1000 + 120_000,
      );
      const mainMs = (await server.call<number>('mainThreadCpu')) - main0;
      if (prof) console.error(`  CPU profile: ${await server.call('profileStop', join(prof, `sse-${kind}-${level}.cpuprofile`))}`);
      await new Promise((r) => setTimeout(r, 1500)); // let the last frames land
      const parts = await Promise.all(
        clients.map((c) => c.call<{ latencies: string; errors: number; closedByServer: number; sample?: string }>('collect', { t0: produced.t0 })),
      );
      sample ??= parts.find((p) => p.sample)?.sample;
      const all = parts.flatMap((p) => Array.from(new Float64Array(new Uint8Array(Buffer.from(p.latencies, 'base64')).buffer)));
      const sorted = Float64Array.from(all).sort();
      rows.push({
        server: kind,
        clients: level,
        events: produced.events,
        deliveries: sorted.length,
        expected: produced.events * level,
        p50_ms: round(percentile(sorted, 50)),
        p99_ms: round(percentile(sorted, 99)),
        max_ms: round(sorted[sorted.length - 1] ?? NaN),
        rss_idle_mb: round(rss / 2 ** 20, 1),
        rss_per_conn_kb: round((rss - base) / level / 1024, 1),
        heap_per_conn_kb: round((heapOf(mem) - heapOf(baseMem)) / level / 1024, 1),
        server_cpu_pct: produced.cpuPct,
        cpu_us_per_delivery: round(produced.cpuUs / Math.max(1, sorted.length), 2),
        connect_ms: connectMs,
      });
      const r = rows.at(-1)!;
      const mainShare = Math.round(((mainMs * 1000) / produced.cpuUs) * 100);
      console.error(`  sse ${kind} ${level} clients: p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, ${r.cpu_us_per_delivery} µs CPU per delivery (${mainShare}% on the main thread), ${r.deliveries}/${r.expected} delivered`);
    }
  } finally {
    await stopRig({ server, clients });
  }
  return { rows, ...(sample ? { sample } : {}) };
}

/**
 * A server (the BFF or the floor) in a child process and the client processes, warmed up with a few clients and
 * events, so lazy start-up costs (JIT, store pages, first allocations) land before any baseline.
 */
async function startRig(kind: 'bff' | 'floor', perSecond: number, template?: unknown): Promise<{ server: Child; clients: Child[]; url: string; headers: Record<string, string> }> {
  const server = await startChild(kind === 'bff' ? 'sse/bff-server.ts' : 'sse/floor-server.ts');
  const clients: Child[] = [];
  try {
    const started = await server.call<{ url: string; token?: string }>('start', {}, 180_000);
    for (let i = 0; i < CLIENT_PROCS; i++) clients.push(await startChild('sse/clients.ts'));
    const headers: Record<string, string> = started.token ? { Authorization: `Bearer ${started.token}` } : {};
    const url = `${started.url}/v1/events`;
    await clients[0]!.call('open', { url, headers, n: 50 }, 60_000);
    await server.call('produce', { perSecond, durationMs: 2000, template }, 60_000);
    await clients[0]!.call('closeAll');
    await new Promise((r) => setTimeout(r, 1500));
    return { server, clients, url, headers };
  } catch (err) {
    await stopRig({ server, clients });
    throw err;
  }
}

async function stopRig(r: { server: Child; clients: Child[] }): Promise<void> {
  await Promise.all(r.clients.map((c) => c.stop()));
  await r.server.stop();
}

const heapOf = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external + m.arrayBuffers;

/**
 * Memory per idle connection, on a server of its own: after a warm-up (a few clients and events), `n` idle streams
 * opened at once with nothing produced since the baseline. Measured beside the production runs, RSS could fall
 * under the baseline (memory the store and V8 hand back after a burst); measured before them on the same server,
 * the open-and-close of thousands of streams changed the latencies measured next.
 */
async function idleMemory(kind: 'bff' | 'floor', n: number, template?: unknown): Promise<SseIdle> {
  const { server, clients, url, headers } = await startRig(kind, 10, template);
  try {
    const base = await server.call<NodeJS.MemoryUsage>('rss');
    await Promise.all(clients.map((c, i) => c.call('open', { url, headers, n: Math.floor(n / CLIENT_PROCS) + (i < n % CLIENT_PROCS ? 1 : 0) }, 300_000)));
    if ((await server.call<number>('clients')) !== n) throw new Error(`${kind}: the server does not hold ${n} idle clients`);
    await new Promise((r) => setTimeout(r, 1000));
    const idle = await server.call<NodeJS.MemoryUsage>('rss');
    return {
      clients: n,
      rss_base_mb: round(base.rss / 2 ** 20, 1),
      rss_idle_mb: round(idle.rss / 2 ** 20, 1),
      rss_per_conn_kb: round((idle.rss - base.rss) / n / 1024, 1),
      heap_per_conn_kb: round((heapOf(idle) - heapOf(base)) / n / 1024, 1),
    };
  } finally {
    await stopRig({ server, clients });
  }
}

export async function sseFanOut(o: { levels: number[]; perSecond: number; seconds: number }): Promise<{ rows: SseRow[]; idle: { bff: SseIdle; floor: SseIdle } }> {
  const bff = await runOne('bff', o.levels, o);
  if (!bff.sample) throw new Error('the BFF run delivered no order event to copy for the floor');
  const floor = await runOne('floor', o.levels, { ...o, template: JSON.parse(bff.sample) });
  const top = Math.max(...o.levels);
  const idle = { bff: await idleMemory('bff', top), floor: await idleMemory('floor', top, JSON.parse(bff.sample)) };
  return { rows: [...bff.rows, ...floor.rows], idle };
}
