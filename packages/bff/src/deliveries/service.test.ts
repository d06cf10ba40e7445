import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOAuthIssuer } from '../auth/oauth.js';
import { WebhookInvalid, WebhookUnauthorized, type StatusUpdate, type VendorAdapter } from '../core/vendor-port.js';
import type { AppError } from '../errors.js';
import { countDeliveries } from '../store/deliveries.js';
import { getOrder } from '../store/order-lookups.js';
import { createTicketSigner } from '../auth/tickets.js';
import { startServiceFixture, type ServiceFixture } from '../../testing/services.js';
import { createDeliveryService, type InboundDelivery } from './service.js';

let f: ServiceFixture;
let oauth: ReturnType<typeof createOAuthIssuer>;
const refreshed: string[] = [];
let deliveries: ReturnType<typeof createDeliveryService>;

beforeAll(async () => {
  f = await startServiceFixture();
  oauth = createOAuthIssuer({ secret: f.secret });
  deliveries = createDeliveryService({
    db: f.db,
    orders: f.orders,
    adapters: f.adapters,
    oauth,
    refreshOrderSoon: async (_t, _v, orderId) => {
      refreshed.push(orderId);
    },
    metrics: f.metrics,
    log: f.log,
    now: () => new Date(),
  });
});
afterAll(() => f?.close());

const stored = () => countDeliveries(f.db, 'acme', 'testvendor');

function delivery(body: string, headers: Record<string, string> = {}): InboundDelivery & { readBody: ReturnType<typeof vi.fn> } {
  return {
    tenantId: 'acme',
    vendor: 'testvendor',
    method: 'POST',
    path: '/hooks/testvendor/acme',
    headers: new Headers({ 'content-type': 'application/json', ...headers }),
    query: new URLSearchParams(),
    readBody: vi.fn(async () => body),
  };
}

async function refused(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toMatchObject({ name: 'AppError' });
  return err as AppError;
}

/** A vendor whose notification body is `{"ref": …, "status": …, "at": …}`. */
const jsonVendor = (extra: Partial<VendorAdapter> = {}): Partial<VendorAdapter> => ({
  async parseWebhook(req): Promise<StatusUpdate[]> {
    const b = JSON.parse(req.body) as { ref: string; status: 'in_progress' | 'completed'; at: string };
    if (!b.ref) throw new WebhookInvalid('ref is required');
    return [{ match: { vendorRef: b.ref }, status: b.status, vendorStatus: b.status.toUpperCase(), vendorTime: new Date(b.at), dedupeKey: `${b.status}@${b.at}` }];
  },
  ...extra,
});

describe('delivery service', () => {
  it('applies a notification and stores it; the same delivery again is a duplicate that changes nothing', async () => {
    f.use(jsonVendor());
    const order = await f.order();
    const body = JSON.stringify({ ref: order.vendor_ref, status: 'in_progress', at: '2026-01-01T10:00:00Z' });
    const before = await stored();
    expect(await deliveries.receive(delivery(body))).toBe('applied');
    const after = await getOrder(f.db, order.id);
    expect(after!.status).toBe('in_progress');
    expect(await deliveries.receive(delivery(body))).toBe('duplicate');
    expect((await getOrder(f.db, order.id))!.version).toBe(after!.version);
    expect(await stored()).toBe(before + 2);
  });

  it('shares transactions between concurrent notifications and gives each its own outcome', async () => {
    f.use(jsonVendor());
    const orders = [];
    for (let i = 0; i < 6; i++) orders.push(await f.order());
    const note = (ref: string | null, status: string, at: string) => delivery(JSON.stringify({ ref, status, at }));
    const transaction = vi.spyOn(f.db, 'transaction');
    const before = await stored();
    const outcomes = await Promise.all([
      ...orders.map((o) => deliveries.receive(note(o.vendor_ref, 'in_progress', '2030-01-01T10:00:00Z'))),
      deliveries.receive(note(orders[0]!.vendor_ref, 'in_progress', '2030-01-01T10:00:00Z')), // the same delivery again
      deliveries.receive(note(orders[1]!.vendor_ref, 'completed', '2030-01-01T11:00:00Z')), // the same order, later
      deliveries.receive(note(orders[2]!.vendor_ref, 'in_progress', '2030-01-01T09:00:00Z')), // older: history only
      deliveries.receive(note('nobody', 'completed', '2030-01-01T10:00:00Z')).catch((e: AppError) => e.code),
    ]);
    const used = transaction.mock.calls.length;
    transaction.mockRestore();
    expect(outcomes).toEqual([...orders.map(() => 'applied'), 'duplicate', 'applied', 'history_only', 'no_matching_order']);
    expect(used).toBeLessThan(outcomes.length);
    expect(await stored()).toBe(before + outcomes.length);
    const after = await Promise.all(orders.map((o) => getOrder(f.db, o.id)));
    expect(after.map((o) => o!.status)).toEqual(['in_progress', 'completed', 'in_progress', 'in_progress', 'in_progress', 'in_progress']);
    expect(after[0]!.version).toBe(orders[0]!.version + 1);
    expect(after[1]!.version).toBe(orders[1]!.version + 2);
  });

  it('answers 400 no_matching_order for a notification about no order, and keeps that it came, not what it said', async () => {
    f.use(jsonVendor());
    const before = await stored();
    // An erased candidate's notification still arrives: their name and e-mail must not come back with it.
    const body = JSON.stringify({ ref: 'nobody', status: 'completed', at: '2026-01-01T10:00:00Z', name: 'Grace Hopper', email: 'grace@example.com' });
    const err = await refused(deliveries.receive(delivery(body)));
    expect([err.status, err.code]).toEqual([400, 'no_matching_order']);
    expect(await stored()).toBe(before + 1);
    const [kept] = await f.db.query<{ body: string; outcome: string }>(`SELECT body, outcome FROM ca_deliveries WHERE tenant_id = 'acme' ORDER BY id DESC LIMIT 1`);
    expect(kept).toEqual({ outcome: 'no_match', body: `[not kept: the notification matched no order; ${body.length} bytes]` });
  });

  it('refuses an unauthenticated notification with 401 and stores nothing', async () => {
    f.use({
      async parseWebhook() {
        throw new WebhookUnauthorized();
      },
    });
    const before = await stored();
    const err = await refused(deliveries.receive(delivery('{}')));
    expect([err.status, err.code, err.challenge]).toEqual([401, 'webhook_unauthorized', null]);
    expect(await stored()).toBe(before);
  });

  it('checks the bearer token before reading the body when the vendor calls with OAuth tokens', async () => {
    f.use(jsonVendor({ oauthClients: [{ clientId: 'psi-like', clientSecret: 's'.repeat(20) }] }));
    const before = await stored();
    const d = delivery('{"ref":"x"}', { authorization: 'Bearer forged' });
    const err = await refused(deliveries.receive(d));
    expect([err.status, err.challenge]).toEqual([401, 'Bearer realm="candidate-assessment-hooks", error="invalid_token"']);
    expect(d.readBody).not.toHaveBeenCalled();
    expect(await stored()).toBe(before);

    const issued = await oauth.token(
      { headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }), body: `grant_type=client_credentials&client_id=psi-like&client_secret=${'s'.repeat(20)}` },
      () => ({ tenantId: 'acme', vendor: 'testvendor', clientSecret: 's'.repeat(20) }),
    );
    const token = (issued.body as { access_token: string }).access_token;
    // Authenticated but malformed: 400, and kept for audit since the sender is known.
    const invalid = await refused(deliveries.receive(delivery('{"status":"completed"}', { authorization: `Bearer ${token}` })));
    expect([invalid.status, invalid.message]).toEqual([400, 'ref is required']);
    expect(await stored()).toBe(before + 1);
  });

  it('answers 500 only when it could not store the delivery, so the vendor sends it again', async () => {
    f.use(jsonVendor());
    const order = await f.order();
    const spy = vi.spyOn(f.orders, 'batch').mockReturnValueOnce({
      prefetch: () => {},
      load: async () => {},
      apply: () => Promise.reject(new Error('disk full')),
      flush: async () => {},
    });
    const err = await refused(deliveries.receive(delivery(JSON.stringify({ ref: order.vendor_ref, status: 'completed', at: '2026-01-01T11:00:00Z' }))));
    spy.mockRestore();
    expect([err.status, err.code]).toEqual([500, 'internal']);
    expect((await getOrder(f.db, order.id))!.status).toBe('invited');
  });

  it('answers 404 where the vendor takes no notifications', async () => {
    f.use({});
    expect((await refused(deliveries.receive(delivery('{}')))).status).toBe(404);
  });

  /** A per-order ticket as the vendor host issues it: `<orderId>~<issue time, seconds in base 36>`, signed for its scope. */
  const orderTicket = (scope: 'hook' | 'return', orderId: string, issued: Date | string = new Date()) =>
    createTicketSigner(f.secret, `${scope}:testvendor:acme`).sign(typeof issued === 'string' ? `${orderId}${issued}` : `${orderId}~${Math.floor(issued.getTime() / 1000).toString(36)}`);

  it('takes a per-order ping with a ticket we issued as a hint to poll that order, and nothing else', async () => {
    f.use({});
    const order = await f.order();
    const ticket = orderTicket('hook', order.id);
    await deliveries.ping({ ...delivery(''), ticket });
    expect(refreshed).toContain(order.id);
    expect((await getOrder(f.db, order.id))!.status).toBe('invited');
    const forged = `${order.id}.AAAAAAAAAAAAAAAAAAAAAA`;
    expect((await refused(deliveries.ping({ ...delivery(''), ticket: forged }))).status).toBe(404);
  });

  it('polls the order of a returning candidate only for a return ticket we issued', async () => {
    const order = await f.order();
    refreshed.length = 0;
    expect(await deliveries.candidateReturned('acme', 'testvendor', orderTicket('hook', order.id))).toBe(false);
    expect(await deliveries.candidateReturned('acme', 'testvendor', orderTicket('return', order.id))).toBe(true);
    expect(refreshed).toEqual([order.id]);
  });

  it('refuses a per-order ticket without its issue time, with a malformed one, or past ticketMaxAgeDays (180)', async () => {
    f.use({});
    const order = await f.order();
    refreshed.length = 0;
    const old = new Date(Date.now() - 181 * 86_400_000);
    for (const issued of ['', '~', '~zz~1', '~-1', old]) {
      expect(await deliveries.candidateReturned('acme', 'testvendor', orderTicket('return', order.id, issued))).toBe(false);
      expect((await refused(deliveries.ping({ ...delivery(''), ticket: orderTicket('hook', order.id, issued) }))).status).toBe(404);
    }
    expect(refreshed).toEqual([]);
    expect(await deliveries.candidateReturned('acme', 'testvendor', orderTicket('return', order.id, new Date(Date.now() - 179 * 86_400_000)))).toBe(true);
  });
});
