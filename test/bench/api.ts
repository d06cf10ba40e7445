// API latency at 50 connections with 100,000 stored orders: GET /v1/orders and POST /v1/orders with
// widget tokens of many candidates, next to a bare Hono JSON handler serving the same bytes. Load from
// lib/load.ts (keep-alive, plain sockets), in this process; each server in its own child process.
import { startChild } from './lib/child.js';
import { load, type Req } from './lib/load.js';
import { dropSchema, freshSchema } from './lib/pg.js';
import { summary } from './lib/stats.js';

export interface ApiRow {
  database: string;
  server: 'bff' | 'floor';
  route: 'GET /v1/orders' | 'POST /v1/orders';
  requests: number;
  per_s: number;
  p50_ms: number;
  p99_ms: number;
  statuses: string;
}

const CONNECTIONS = 50;

async function onDatabase(name: string, database: string, o: { orders: number; seconds: number }) {
  const bff = await startChild('api/server.ts');
  const floor = await startChild('api/floor-server.ts');
  const rows: ApiRow[] = [];
  let explain: Record<string, string> = {};
  let stored = 0;
  let seedMs = 0;
  try {
    const s = await bff.call<{ url: string; stored: number; seedMs: number; tokens: string[] }>('start', { database, orders: o.orders, candidates: o.orders / 10, tokens: 500 }, 300_000);
    stored = s.stored;
    seedMs = s.seedMs;
    explain = await bff.call('explain');
    const get = (i: number): Req => ({ method: 'GET', path: '/v1/orders', headers: { authorization: `Bearer ${s.tokens[i % s.tokens.length]}` } });
    const post = (i: number): Req => ({
      method: 'POST',
      path: '/v1/orders',
      headers: { authorization: `Bearer ${s.tokens[i % s.tokens.length]}`, 'content-type': 'application/json', 'idempotency-key': `bench-${name}-${Date.now()}-${i}` },
      body: JSON.stringify({ packageId: 'psi-cert' }),
    });
    // Real responses, for the floor to send the same bytes.
    const sample = async (r: Req) => {
      const res = await fetch(`${s.url}${r.path}`, { method: r.method, headers: r.headers!, ...(r.body ? { body: r.body } : {}) });
      return res.json();
    };
    const getBody = await sample(get(0));
    const postBody = (await sample(post(-1))) as { order: Record<string, unknown> };
    const f = await floor.call<{ url: string }>('start', { getBody, postBody });
    const run = async (server: 'bff' | 'floor', url: string, route: ApiRow['route'], next: (i: number) => Req) => {
      await load(url, next, { connections: CONNECTIONS, maxRequests: 1e9, maxSeconds: 1 }); // warm-up
      if (process.env.BENCH_SQL_TRACE && server === 'bff') await bff.call('sqlReport');
      const r = await load(url, next, { connections: CONNECTIONS, maxRequests: 1e9, maxSeconds: o.seconds });
      if (process.env.BENCH_SQL_TRACE && server === 'bff') {
        const rep = await bff.call<{ transactions: unknown; statements: unknown[] }>('sqlReport');
        console.error(`  SQL during ${name} ${route} (${r.requests} requests): transactions ${JSON.stringify(rep.transactions)}`);
        console.table(rep.statements.slice(0, 14));
      }
      const sum = summary(r.latencies);
      rows.push({ database: name, server, route, requests: r.requests, per_s: Math.round(r.perSecond), p50_ms: sum.p50, p99_ms: sum.p99, statuses: JSON.stringify(r.statuses) });
      console.error(`  api ${name} ${server} ${route}: ${Math.round(r.perSecond)}/s, p50 ${sum.p50} ms, p99 ${sum.p99} ms ${JSON.stringify(r.statuses)}`);
    };
    await run('bff', s.url, 'GET /v1/orders', get);
    await run('floor', f.url, 'GET /v1/orders', get);
    await run('bff', s.url, 'POST /v1/orders', post);
    await run('floor', f.url, 'POST /v1/orders', post);
  } finally {
    await floor.stop();
    await bff.stop();
  }
  return { rows, explain, stored, seedMs };
}

export async function apiLatency(o: { orders: number; seconds: number; postgres: boolean }) {
  const out = [{ ...(await onDatabase('PGlite', 'embedded', o)) }];
  if (o.postgres) {
    const url = await freshSchema('bench_api');
    if (url) {
      try {
        out.push(await onDatabase('PostgreSQL', url, o));
      } finally {
        await dropSchema('bench_api');
      }
    }
  }
  return out;
}
