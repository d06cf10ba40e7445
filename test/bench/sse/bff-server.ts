// SSE fan-out, BFF side (a child process): the real BFF on an embedded PGlite store, and a producer
// that moves PSI orders through the real order service at a steady rate, timing each event.
import { startTestBff, type TestBff } from '@ca/bff/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, wallNow } from '../lib/child.js';

const CANDIDATE = 'bench-sse';
const PKG = { id: 'psi-cert', vendor: 'psi' as const, name: 'Certification exam', examCode: 'CERT-1' };

let t: TestBff | undefined;
let dir: string | undefined;
let orderIds: string[] = [];
let seq = 0;

serve({
  async start({ orders = 200 }: { orders?: number }) {
    dir = mkdtempSync(join(tmpdir(), 'ca-bench-sse-'));
    t = await startTestBff({
      database: `embedded:${join(dir, 'db')}`,
      vendors: { psi: { clients: [{ clientId: 'psi-bench', clientSecret: 'psi-bench-client-secret-0123456789' }], schedulingUrl: 'https://psi.example/schedule?e={eligibilityId}' } },
      packages: [PKG],
      // The stream caps (defaults: 5 per subject, 1,000 per tenant) would refuse this scenario, every client
      // on one candidate of one tenant; raised here so the bench measures fan-out, not admission.
      config: { sse: { maxStreamsPerSubject: 20_000, maxStreamsPerTenant: 20_000, maxStreams: 20_000 } },
    });
    t.bff.log.level = 'warn';
    const token = await t.token({ role: 'recruiter', candidateId: CANDIDATE, ttlSeconds: 900 });
    orderIds = [];
    for (let i = 0; i < orders; i++) orderIds.push((await t.order(PKG.id, { token })).id);
    // PSI places an order without a vendor call; wait until every placement job has run.
    for (const id of orderIds) await t.waitForOrder(id, (o) => o.status === 'invited', 30_000);
    return { url: t.url, token, orders: orderIds.length };
  },

  clients: () => t!.bff.hub.size(),

  /**
   * Applies PSI booking updates (a booking made, then moved) round-robin over the orders at `perSecond`,
   * each through the order service (state machine, history, event append, NOTIFY in one transaction).
   * Returns the start time of each, keyed `${orderId}:${version}` as the event's snapshot carries it.
   */
  async produce({ perSecond, durationMs }: { perSecond: number; durationMs: number }) {
    const t0: Record<string, number> = {};
    const pending: Promise<void>[] = [];
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    let outcomes: Record<string, number> = {};
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (performance.now() - wall0 >= durationMs) {
          clearInterval(timer);
          resolve();
          return;
        }
        const k = seq++;
        const orderId = orderIds[k % orderIds.length]!;
        const now = new Date();
        const update = {
          match: { orderId },
          status: 'scheduled',
          vendorStatus: k < orderIds.length ? 'BOOKING_CREATED' : 'BOOKING_RESCHEDULED',
          vendorTime: now,
          dedupeKey: `bench|${k}`,
          booking: {
            startsAt: new Date(now.getTime() + 86_400_000 * (1 + (k % 30))).toISOString(),
            timeZone: 'Europe/Berlin',
            code: `BKG${orderId.slice(2, 10).toUpperCase()}`,
            location: 'PSI Test Center Berlin, Friedrichstraße 1, 10117 Berlin',
            deliveryMode: 'test_center',
          },
        };
        const start = wallNow();
        pending.push(
          t!.bff.orders.apply('acme', 'psi', [update as never], 'webhook').then(([r]) => {
            outcomes[r!.outcome] = (outcomes[r!.outcome] ?? 0) + 1;
            if (r!.outcome !== 'no_match' && r!.event) t0[`${r!.order.id}:${r!.order.version}`] = start;
          }),
        );
      }, 1000 / perSecond);
    });
    await Promise.all(pending);
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - wall0;
    const result = { t0, events: Object.keys(t0).length, outcomes, cpuPct: Math.round(((cpu.user + cpu.system) / 1000 / wall) * 100), cpuUs: cpu.user + cpu.system };
    outcomes = {};
    return result;
  },

  async stop() {
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    return true;
  },
});
