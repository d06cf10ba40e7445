// Retention and erasure over the real BFF: DELETE /v1/candidates/{id} removes contact data and raw payloads and
// keeps anonymised statuses plus an audit row; pruning by age; per-order tickets that stop with their order.
import type { Order } from '@ca/shared';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { insertDelivery } from '../store/deliveries.js';
import { serverSecret } from '../store/meta.js';
import { listErasures } from '../store/retention.js';
import { startTestBff, TEST_API_KEY, TEST_WIDGET_KEY, type TestBff } from '../../testing/harness.js';
import { testDatabases } from '../../testing/databases.js';
import { createMemoryVendor, type MemoryVendor } from '../../testing/memory-vendor.js';
import { createVendorHost } from '../vendor-host/host.js';
import { createPrivacyService } from './service.js';

const DAY = 86_400_000;
const contact = (id: string) => ({ firstName: 'Grace', lastName: 'Hopper', email: `${id}@example.com` });

for (const db of testDatabases()) describe(`retention and erasure on ${db.name}`, () => {
  let t: TestBff;
  let mv: MemoryVendor;
  const q = <T>(sql: string, params: unknown[] = []) => t.bff.db.query<T>(sql, params);

  async function placedOrder(candidateId: string, packageId = 'p1'): Promise<Order> {
    const res = await t.api(`/v1/orders?candidateId=${candidateId}`, { method: 'POST', body: JSON.stringify({ packageId, candidate: contact(candidateId) }) });
    expect(res.status).toBe(202);
    const { order } = (await res.json()) as { order: Order };
    return t.waitForOrder(order.id, (o) => o.status === 'invited');
  }

  /** Tickets as the adapters of this BFF sign them, issued at `at`. */
  async function tickets(at: Date) {
    const config = parseConfig({
      publicUrl: t.url,
      tenants: { acme: { name: 'Acme', widgetKeys: { k1: TEST_WIDGET_KEY }, vendors: { berke: {} }, packages: [{ id: 'p1', vendor: 'berke', name: 'P' }] } },
    });
    const adapters = createVendorHost({
      config,
      vendors: [{ id: 'berke', displayName: 'berke', create: mv.factory }],
      secret: await serverSecret(t.bff.db),
      log: pino({ level: 'silent' }),
      now: () => at,
    });
    const ctx = adapters.all()[0]!.ctx;
    return { hook: (orderId: string) => ctx.links.callbackUrl(orderId), back: (orderId: string) => ctx.links.returnUrl(orderId) };
  }

  beforeAll(async () => {
    mv = createMemoryVendor();
    t = await startTestBff({
      vendors: { berke: {} },
      packages: [
        { id: 'p1', vendor: 'berke', name: 'One' },
        { id: 'p2', vendor: 'berke', name: 'Two' },
      ],
      factories: { berke: mv.factory },
      database: db.url(),
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('erases a candidate: contact data and raw payloads gone, statuses kept anonymised, an audit row written', async () => {
    const open = await placedOrder('gdpr-1', 'p1');
    const done = await placedOrder('gdpr-1', 'p2');
    const other = await placedOrder('gdpr-2', 'p1');
    await t.bff.orders.apply(
      'acme',
      'berke',
      [{ match: { orderId: done.id }, status: 'scored', vendorStatus: 'SCORED', vendorTime: new Date(), dedupeKey: 'scored-1', raw: { email: 'gdpr-1@example.com' }, result: { score: 70, subScores: [], flags: [], jobFits: [], reportAvailable: true } }],
      'webhook',
    );
    await insertDelivery(t.bff.db, { tenantId: 'acme', vendor: 'berke', receivedAt: new Date(), method: 'POST', path: '/hooks/berke/acme', contentType: 'application/json', body: '{"email":"gdpr-1@example.com"}', outcome: 'applied', orderIds: [done.id] });
    const tok = await t.token({ candidateId: 'gdpr-1', role: 'recruiter' });
    expect((await t.api('/v1/candidates/gdpr-1', { method: 'DELETE', token: tok })).status).toBe(403); // widget tokens cannot erase

    const res = await t.api('/v1/candidates/gdpr-1', { method: 'DELETE' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { candidateId: string; orders: number; auditRef: string };
    expect(body).toMatchObject({ candidateId: 'gdpr-1', orders: 2, auditRef: expect.stringMatching(/^erased_/) });

    expect(((await (await t.api('/v1/orders?candidateId=gdpr-1')).json()) as { orders: Order[] }).orders).toEqual([]);
    expect((await t.api(`/v1/orders/${done.id}`)).status).toBe(404);
    const rows = await q<{ id: string; tenant_id: string; candidate_id: string; candidate: object; status: string; vendor_ref: string | null; result: unknown; erased_at: Date | null }>(
      `SELECT id, tenant_id, candidate_id, candidate, status, vendor_ref, result, erased_at FROM ca_orders WHERE id = ANY($1::text[]) ORDER BY id`,
      [[open.id, done.id]],
    );
    for (const r of rows) {
      expect(r).toMatchObject({ tenant_id: 'acme', candidate_id: body.auditRef, candidate: {}, vendor_ref: null, result: null });
      expect(r.erased_at).not.toBeNull();
    }
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [open.id]: 'cancelled', [done.id]: 'scored' });
    const history = await q<{ status: string; detail: unknown }>(`SELECT status, detail FROM ca_status_history WHERE order_id = $1`, [done.id]);
    expect(history.map((h) => h.status)).toContain('scored');
    expect(history.every((h) => h.detail === null)).toBe(true);
    expect(await q(`SELECT id FROM ca_deliveries WHERE $1 = ANY(order_ids)`, [done.id])).toEqual([]);
    expect(await q(`SELECT id FROM ca_events WHERE candidate_id = 'gdpr-1'`)).toEqual([]);
    const erased = await q(`SELECT * FROM ca_orders WHERE erased_at IS NOT NULL`);
    expect(erased).toHaveLength(2);
    expect(JSON.stringify(erased)).not.toMatch(/gdpr-1|Hopper/);
    // kept under the tenant, but no lookup finds them: not even by the pseudonym they are kept under
    expect(((await (await t.api(`/v1/orders?candidateId=${body.auditRef}`)).json()) as { orders: Order[] }).orders).toEqual([]);
    expect(await listErasures(t.bff.db, 'acme', body.auditRef)).toEqual([
      expect.objectContaining({ tenant_id: 'acme', candidate_ref: body.auditRef, orders: 2, requested_by: 'apiKey' }),
    ]);
    // the other candidate is untouched
    expect((await t.getOrder(other.id)).status).toBe('invited');
    // an erased order takes no more vendor updates
    const late = await t.bff.orders.apply('acme', 'berke', [{ match: { orderId: open.id }, status: 'completed', vendorStatus: 'DONE', vendorTime: new Date(), dedupeKey: 'late' }], 'webhook');
    expect(late[0]!.outcome).toBe('no_match');
  });

  it('prunes raw payloads and contact data of closed orders by the tenant retention settings', async () => {
    const o = await placedOrder('old-1');
    await t.bff.orders.apply(
      'acme',
      'berke',
      [{ match: { orderId: o.id }, status: 'scored', vendorStatus: 'SCORED', vendorTime: new Date(), dedupeKey: 'scored-old', raw: { email: 'old-1@example.com' } }],
      'webhook',
    );
    await insertDelivery(t.bff.db, { tenantId: 'acme', vendor: 'berke', receivedAt: new Date(), method: 'POST', path: '/hooks/berke/acme', contentType: null, body: 'old-1@example.com', outcome: 'applied', orderIds: [o.id] });
    const config = parseConfig({ publicUrl: t.url, tenants: { acme: { name: 'Acme', widgetKeys: { k1: TEST_WIDGET_KEY }, retention: { rawPayloadDays: 30, contactDataDays: 60 } } } });
    const privacy = (days: number) => createPrivacyService({ db: t.bff.db, config, secret: new Uint8Array(32), log: pino({ level: 'silent' }), now: () => new Date(Date.now() + days * DAY) });
    await privacy(29).prune();
    expect(await q(`SELECT id FROM ca_deliveries WHERE $1 = ANY(order_ids)`, [o.id])).toHaveLength(1);
    await privacy(31).prune();
    expect(await q(`SELECT id FROM ca_deliveries WHERE $1 = ANY(order_ids)`, [o.id])).toEqual([]);
    const history = await q<{ detail: Record<string, unknown> | null }>(`SELECT detail FROM ca_status_history WHERE order_id = $1`, [o.id]);
    expect(history.some((h) => h.detail && 'raw' in h.detail)).toBe(false);
    expect((await q<{ candidate: object }>(`SELECT candidate FROM ca_orders WHERE id = $1`, [o.id]))[0]!.candidate).toEqual(contact('old-1'));
    await privacy(61).prune();
    expect((await q<{ candidate: object }>(`SELECT candidate FROM ca_orders WHERE id = $1`, [o.id]))[0]!.candidate).toEqual({});
    expect((await t.getOrder(o.id)).status).toBe('scored'); // the order itself stays
  });

  it('accepts a callback ticket while its order is open, and refuses it once closed, erased or past the max age', async () => {
    const now = await tickets(new Date());
    const old = await tickets(new Date(Date.now() - 181 * DAY));
    const ping = async (url: string) => (await fetch(url)).status;
    const o = await placedOrder('tick-1');
    expect(await ping(now.hook(o.id))).toBe(200);
    expect(await ping(old.hook(o.id))).toBe(404);
    expect(await ping(now.back(o.id))).toBe(200);
    expect(await ping(old.back(o.id))).toBe(404);

    mv.set(o.vendorRef!, 'scored');
    await t.pollNow();
    await t.waitForOrder(o.id, (x) => x.status === 'scored');
    // closed: a late callback is answered but does nothing (nothing stored); the candidate still sees a thank-you page
    const stored = async () => (await q(`SELECT id FROM ca_deliveries WHERE $1 = ANY(order_ids)`, [o.id])).length;
    const before = await stored();
    expect(await ping(now.hook(o.id))).toBe(200);
    expect(await stored()).toBe(before);
    expect(await ping(now.back(o.id))).toBe(200);

    const e = await placedOrder('tick-2');
    expect(await ping(now.hook(e.id))).toBe(200);
    expect((await t.api('/v1/candidates/tick-2', { method: 'DELETE', headers: { authorization: `Bearer ${TEST_API_KEY}` } })).status).toBe(200);
    expect(await ping(now.hook(e.id))).toBe(404);
    expect(await ping(now.back(e.id))).toBe(404);
  });
});
