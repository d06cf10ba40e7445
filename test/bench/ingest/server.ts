// Webhook ingest, BFF side (a child process): the real BFF with the real PSI adapter and the real Mettl
// webhook parser, open orders to notify about, and the floor (single-row INSERT commits on the same database).
import { performance as perf } from 'node:perf_hooks';
import { startTestBff, type TestBff } from '@ca/bff/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../lib/child.js';
import { seedOrders } from '../lib/seed.js';
import { sqlReport, traceSql } from '../lib/sql-trace.js';
import { traceTransactions, traces, txReport } from '../lib/tx-trace.js';
import { realFactory } from '../lib/vendors.js';
import { METTL_HOOK, PSI_CLIENT } from './config.js';

const PACKAGES = [
  { id: 'psi-cert', vendor: 'psi' as const, name: 'Certification exam', examCode: 'CERT-1' },
  { id: 'mettl-java', vendor: 'mettl' as const, name: 'Java coding test', assessmentId: '123456' },
];

let t: TestBff | undefined;
let dir: string | undefined;
let mettlTickets: { sign(v: string): string } | undefined;

/** The real Mettl adapter, unchanged; the bench keeps its ticket signer, the one that signs `context_data` at registration. */
const mettlKeepingSigner = (ctx: any) => {
  mettlTickets = ctx.tickets;
  return realFactory('mettl')(ctx);
};

serve({
  /** With `atsWebhook` (a URL), the tenant sends every event to that ATS webhook endpoint. */
  async start({ database, atsWebhook }: { database: string; atsWebhook?: string }) {
    if (database === 'embedded') {
      dir = mkdtempSync(join(tmpdir(), 'ca-bench-ingest-'));
      database = `embedded:${join(dir, 'db')}`;
    }
    t = await startTestBff({
      database,
      vendors: {
        psi: { clients: [PSI_CLIENT], schedulingUrl: 'https://psi.example/schedule?e={eligibilityId}' },
        mettl: { baseUrl: 'http://127.0.0.1:9/v2', publicKey: 'bench-public', privateKey: 'bench-private', ...METTL_HOOK },
      },
      packages: PACKAGES,
      factories: { mettl: mettlKeepingSigner },
      ...(atsWebhook ? { atsWebhook: { url: atsWebhook, secret: 'bench-ats-webhook-secret-0123456789' } } : {}),
    });
    t.bff.log.level = 'warn';
    if (process.env.BENCH_SQL_TRACE) traceSql(t.bff.db as never);
    if (process.env.BENCH_TX_TRACE) traceTransactions(t.bff.db);
    return { url: t.url, kind: t.bff.db.kind };
  },

  /** `n` invited orders per vendor, one candidate each (seeded by SQL); Mettl orders with their context_data ticket. */
  async prepare({ n }: { n: number }) {
    const db = t!.bff.db;
    const base = { tenantId: 'acme', count: n, candidates: n, vendorStatus: 'invited' };
    await seedOrders(db, { ...base, vendor: 'psi', vendorName: 'PSI', packageId: 'psi-cert', packageName: 'Certification exam', candidatePrefix: 'ingest-psi-', idPrefix: 'o_psi', vendorRefSql: 'id' });
    await seedOrders(db, {
      ...base,
      vendor: 'mettl',
      vendorName: 'Mercer | Mettl',
      packageId: 'mettl-java',
      packageName: 'Java coding test',
      candidatePrefix: 'ingest-mettl-',
      idPrefix: 'o_mettl',
      vendorRefSql: `'bench-access-key:' || cand || '@example.com'`,
    });
    // A second PSI set for the run without HTTP (`direct`), so it changes orders of its own.
    await seedOrders(db, { ...base, vendor: 'psi', vendorName: 'PSI', packageId: 'psi-cert', packageName: 'Certification exam', candidatePrefix: 'ingest-dpsi-', idPrefix: 'o_dpsi', vendorRefSql: 'id' });
    const rows = (prefix: string) =>
      Array.from({ length: n }, (_, i) => ({ orderId: `o_${prefix}${String(i).padStart(8, '0')}`, candidateId: `ingest-${prefix}-${i}` }));
    return { psi: rows('psi'), directPsi: rows('dpsi'), mettl: rows('mettl').map((r) => ({ ...r, ticket: mettlTickets!.sign(r.orderId) })) };
  },

  sqlReport: () => sqlReport(),

  /** BENCH_TX_TRACE: the transactions traced since the last call (`n` notifications in `seconds`), then forgets them. */
  txReport({ n, seconds }: { n: number; seconds: number }) {
    const r = txReport(traces, n, seconds);
    traces.length = 0;
    return r;
  },

  /** Event loop utilisation of the BFF's main thread and, on PGlite, of the database's thread. */
  elu: () => ({ main: perf.eventLoopUtilization(), db: t!.bff.db.threadUtilization?.() ?? null }),

  /**
   * The same notifications handed to the delivery service in this process, without HTTP (no server, no client, no
   * sockets): authentication, parsing, the group commit and the store as in a real delivery. The ceiling of
   * everything behind the route on this database.
   */
  async direct({ reqs, concurrency }: { reqs: { method: string; path: string; headers: Record<string, string>; body: string }[]; concurrency: number }) {
    const deliveries = t!.bff.deliveries;
    const outcomes: Record<string, number> = {};
    let next = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let r = reqs[next++]; r; r = reqs[next++]) {
          const [vendor, tenantId] = r.path.split('/').slice(2) as [string, string];
          const outcome = await deliveries.receive({
            tenantId,
            vendor,
            method: r.method,
            path: r.path,
            headers: new Headers(r.headers),
            query: new URLSearchParams(),
            readBody: async () => r.body,
          });
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return { count: reqs.length, perSecond: reqs.length / seconds, cpuMs: (used.user + used.system) / 1000 / reqs.length, outcomes };
  },

  /** What the ingest left in the store: deliveries by outcome, events. */
  async counts() {
    const db = t!.bff.db;
    const deliveries = await db.query<{ vendor: string; outcome: string; n: string }>(
      `SELECT vendor, outcome, count(*)::text AS n FROM ca_deliveries GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const [events] = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ca_events WHERE type = 'order.updated'`);
    return { deliveries, updatedEvents: Number(events!.n) };
  },

  /**
   * The floor: single-row INSERT commits (autocommit) of a delivery-sized row on the same database, with
   * `concurrency` in flight (PGlite runs them one at a time whatever the number).
   */
  async floor({ count, concurrency, bodyBytes }: { count: number; concurrency: number; bodyBytes: number }) {
    const db = t!.bff.db;
    await db.exec(`DROP TABLE IF EXISTS bench_floor; CREATE TABLE bench_floor (id bigserial PRIMARY KEY, received_at timestamptz NOT NULL, body text NOT NULL)`);
    const body = 'x'.repeat(bodyBytes);
    let i = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (i++ < count) await db.query(`INSERT INTO bench_floor (received_at, body) VALUES ($1, $2)`, [new Date(), body]);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    await db.exec(`DROP TABLE bench_floor`);
    // This process's CPU per commit (every thread: on PGlite the database's too; on PostgreSQL the driver's side only).
    return { count, seconds, perSecond: count / seconds, cpuMs: (used.user + used.system) / 1000 / count };
  },

  async stop() {
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    return true;
  },
});
