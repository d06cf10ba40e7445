// API bench, BFF side (a child process): the real BFF with 100,000 stored orders (10 per candidate,
// seeded by SQL), widget tokens for the load generator, and EXPLAIN of the queries behind the two routes.
import { startTestBff, type TestBff } from '@ca/bff/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../lib/child.js';
import { seedOrders } from '../lib/seed.js';
import { sqlReport, traceSql } from '../lib/sql-trace.js';

const PKG = { id: 'psi-cert', vendor: 'psi' as const, name: 'Certification exam', examCode: 'CERT-1' };

let t: TestBff | undefined;
let dir: string | undefined;

/**
 * Copies of the statements behind GET /v1/orders (store/order-lookups.ts listCandidateOrders) and the idempotency
 * lookup of POST /v1/orders (store/idempotency.ts findIdempotency): the store does not export its query texts, so these can drift.
 */
const EXPLAINED = {
  'GET /v1/orders: listCandidateOrders': [
    `SELECT * FROM ca_orders WHERE tenant_id = $1 AND candidate_id = $2 AND ca_orders.erased_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 500`,
    ['acme', 'api-cand-4242'],
  ],
  'POST /v1/orders: findIdempotency': [
    `SELECT i.request_hash, i.order_id FROM ca_idempotency i JOIN ca_orders o ON o.id = i.order_id
     WHERE i.tenant_id = $1 AND i.key = $2 AND o.erased_at IS NULL`,
    ['acme', 'k-1'],
  ],
  'SSE resume: eventsAfter (candidate)': [
    `SELECT id::text AS id, tenant_id, candidate_id, order_id, type, payload, at FROM ca_events WHERE tenant_id = $1 AND candidate_id = $2 AND id > $3 ORDER BY ca_events.id LIMIT $4`,
    ['acme', 'api-cand-4242', '0', 500],
  ],
} as const;

serve({
  async start({ database, orders, candidates, tokens }: { database: string; orders: number; candidates: number; tokens: number }) {
    if (database === 'embedded') {
      dir = mkdtempSync(join(tmpdir(), 'ca-bench-api-'));
      database = `embedded:${join(dir, 'db')}`;
    }
    t = await startTestBff({
      database,
      vendors: { psi: { clients: [{ clientId: 'psi-bench', clientSecret: 'psi-bench-client-secret-0123456789' }], schedulingUrl: 'https://psi.example/schedule?e={eligibilityId}' } },
      packages: [PKG],
    });
    t.bff.log.level = 'warn';
    if (process.env.BENCH_SQL_TRACE) traceSql(t.bff.db as never);
    const seeded = performance.now();
    await seedOrders(t.bff.db, {
      tenantId: 'acme',
      vendor: 'psi',
      vendorName: 'PSI',
      packageId: PKG.id,
      packageName: PKG.name,
      count: orders,
      candidates,
      candidatePrefix: 'api-cand-',
      idPrefix: 'o_api',
      vendorRefSql: 'id',
      vendorStatus: 'ELIGIBILITY_CREATED',
    });
    const seedMs = Math.round(performance.now() - seeded);
    const [count] = await t.bff.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ca_orders`);
    // Recruiters of many candidates: one widget token each, for candidates spread over the whole table.
    const list: string[] = [];
    for (let i = 0; i < tokens; i++) list.push(await t.token({ role: 'recruiter', candidateId: `api-cand-${(i * 7919) % candidates}`, ttlSeconds: 900 }));
    return { url: t.url, stored: Number(count!.n), seedMs, tokens: list };
  },

  sqlReport: () => sqlReport(),

  async explain() {
    const db = t!.bff.db;
    const out: Record<string, string> = {};
    for (const [name, [sql, params]] of Object.entries(EXPLAINED)) {
      const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql}`, [...params]);
      out[name] = rows.map((r) => r['QUERY PLAN']).join('\n');
    }
    return out;
  },

  async stop() {
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    return true;
  },
});
