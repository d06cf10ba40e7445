// PSI through the whole BFF: orders over the API, the sender getting tokens from /oauth/token and PUTting
// notifications to /hooks/psi/acme, statuses over SSE, out-of-order and duplicate deliveries, refusals.
import type { Order, OrderEvent, OrderStatus } from '@ca/shared';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthIssuer } from '../../auth/oauth.js';
import { countDeliveries } from '../../store/deliveries.js';
import { serverSecret } from '../../store/meta.js';
import { listHistory } from '../../store/history.js';
import { startTestBff, testTenant, type TestBff } from '../../../testing/harness.js';
import type { PackageConfig } from '../../core/vendor-port.js';
import {
  createPsiSender,
  mulberry32,
  PSI_SLOTS,
  SimulatedPsiCandidate,
  startPsiSandbox,
  type CandidateAction,
  type PsiNotification,
  type PsiSandbox,
} from '@ca/sandboxes/psi';
import { STATUS_BY_CHANGE_REASON, type ChangeReason } from './status.js';

const pkg: PackageConfig = { id: 'psi-cert', vendor: 'psi', name: 'Certification exam', examCode: 'CERT-1' };
const clientId = 'psi-acme';
const clientSecret = 'psi-acme-client-secret-0123456789';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, pw: string) => `Basic ${Buffer.from(`${id}:${pw}`).toString('base64')}`;
const GLOBEX_API_KEY = 'test-api-key-globex-0123456789';
const globex = { clientId: 'psi-globex', clientSecret: 'psi-globex-client-secret-0123456789' };

function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

/** The dedupe key the adapter gives a notification that has an effective_date. */
function dedupeKeyOf(n: PsiNotification): string {
  return `${n.booking_code}|${n.change_reason}|${new Date(n.effective_date!).toISOString()}`;
}

// One BFF for the file (each start loads a database): tenants acme and globex talk to the PSI sandbox; tenant
// `handoff` sends its events to an ATS webhook receiver.
let sandbox: PsiSandbox;
let bff: TestBff;
let receiver: Server;
const handoffEvents: OrderEvent[] = [];
const atsSecret = 'ats-webhook-secret-psi-0123456789abcdef';
const HANDOFF = testTenant('handoff', {
  vendors: { psi: { clients: [{ clientId: 'psi-handoff', clientSecret: 'psi-handoff-client-secret-0123456789' }], schedulingUrl: 'https://psi.example/schedule?e={eligibilityId}' } },
  packages: [pkg],
});
const HANDOFF_API_KEY = (HANDOFF.apiKeys as string[])[0]!;

beforeAll(async () => {
  const verifier = new Webhook(new TextEncoder().encode(atsSecret), { format: 'raw' });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      handoffEvents.push(verifier.verify(body, req.headers as Record<string, string>) as OrderEvent);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  sandbox = await startPsiSandbox();
  bff = await startTestBff({
    vendors: { psi: { clients: [{ clientId, clientSecret }], schedulingUrl: sandbox.schedulingUrl } },
    packages: [pkg],
    extraTenants: {
      globex: {
        name: 'Globex',
        apiKeys: [GLOBEX_API_KEY],
        widgetKeys: { g1: 'test-widget-key-globex-0123456789abcdef' },
        vendors: { psi: { clients: [globex], schedulingUrl: sandbox.schedulingUrl } },
        packages: [pkg],
      },
      handoff: { ...HANDOFF, atsWebhook: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, secret: atsSecret } },
    },
  });
  sandbox.connect({ bffUrl: bff.url, tenantId: bff.tenantId, clientId, clientSecret });
});
afterAll(async () => {
  await bff?.stop();
  await sandbox?.stop();
  receiver?.close();
});

describe('PSI through the BFF', () => {

  async function invitedOrder(candidateId: string): Promise<Order> {
    const token = await bff.token({ role: 'recruiter', candidateId });
    const order = await bff.order(pkg.id, { token });
    return bff.waitForOrder(order.id, (o) => o.status === 'invited' && o.vendorRef !== null, 10_000);
  }

  it('books from the scheduling link and shows the booking in its time zone over SSE', async () => {
    const token = await bff.token({ role: 'candidate', candidateId: 'psi-live' });
    const sse = await bff.sse(token);
    const order = await invitedOrder('psi-live');
    const link = await bff.followLink(order.id, 'launch', token);
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.url}/schedule`);
    expect(url.searchParams.get('eligibility')).toBe(order.vendorRef);
    expect(url.searchParams.get('exam')).toBe('CERT-1');

    const form = new URLSearchParams({
      eligibility: url.searchParams.get('eligibility')!,
      candidate: url.searchParams.get('candidate')!,
      exam: url.searchParams.get('exam')!,
      slot: 'berlin-site',
    });
    const res = await fetch(`${sandbox.url}/schedule/book`, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.headers.get('location')).toContain('sent=200');
    const ev = await sse.waitFor((e) => e.order.id === order.id && e.order.status === 'scheduled', 10_000);
    expect(ev.order.booking).toMatchObject({ timeZone: 'Europe/Berlin', deliveryMode: 'test_center' });
    expect(ev.order.vendorStatus).toBe('BOOKING_CREATED');

    const done = await fetch(`${sandbox.url}/_sandbox/candidates/${encodeURIComponent(order.vendorRef!)}/complete`, { method: 'POST' });
    expect(((await done.json()) as { delivered: number }).delivered).toBe(200);
    await sse.waitFor((e) => e.order.id === order.id && e.order.status === 'completed', 10_000);
    sse.close();
    expect(bff.logLines.join('\n')).not.toContain(clientSecret);
  });

  it('ends 1,000 shuffled notifications with 10 % duplicates in the status of each latest effective_date', async () => {
    const random = mulberry32(2026);
    const orders = await Promise.all(Array.from({ length: 100 }, (_, i) => invitedOrder(`psi-bulk-${i}`)));
    const plan = new Map<string, { notifications: PsiNotification[]; last: ChangeReason }>();
    for (const [i, order] of orders.entries()) {
      // Every tenth candidate is known to PSI without our eligibility id: matched on candidate_id + exam_code.
      const cand = new SimulatedPsiCandidate({
        ...(i % 10 === 0 ? {} : { eligibilityId: order.vendorRef! }),
        candidateId: order.candidateId,
        examCode: 'CERT-1',
      });
      const slot = () => PSI_SLOTS[Math.floor(random() * PSI_SLOTS.length)]!;
      const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
      cand.act('book', slot());
      for (let k = 0; k < 8; k++) {
        const next: CandidateAction = cand.lastReason === 'BOOKING_CANCELLED' ? 'book' : pick(['reschedule', 'reschedule', 'cancel'] as const);
        cand.act(next, slot());
      }
      const final: CandidateAction =
        cand.lastReason === 'BOOKING_CANCELLED' ? 'book' : pick(['complete', 'absent', 'excused', 'cancel', 'reschedule'] as const);
      cand.act(final, slot());
      plan.set(order.id, { notifications: cand.notifications, last: cand.lastReason! });
    }
    const all = [...plan.values()].flatMap((p) => p.notifications);
    expect(all).toHaveLength(1000);

    const sender = createPsiSender({ bffUrl: bff.url, tenantId: bff.tenantId, clientId, clientSecret });
    const t0 = performance.now();
    const deliveries = await sender.sendAll(all, { shuffle: true, duplicateRate: 0.1, seed: 7, concurrency: 8 });
    const ms = performance.now() - t0;
    console.log(`psi: ${deliveries.length} deliveries in ${ms.toFixed(0)} ms (${((deliveries.length / ms) * 1000).toFixed(0)}/s)`);
    expect(deliveries).toHaveLength(1100);
    expect(deliveries.filter((d) => d.status !== 200)).toEqual([]);
    const outcomes = countBy(deliveries.map((d) => (d.body as { outcome: string }).outcome));
    expect(outcomes.duplicate).toBe(100);
    // Shuffled: many events arrive after a newer one of their order and only go to history.
    expect(outcomes.history_only).toBeGreaterThan(100);
    const finals = countBy([...plan.values()].map((p) => p.last));
    expect(Object.keys(finals).length).toBeGreaterThanOrEqual(5);

    for (const order of orders) {
      const { last, notifications } = plan.get(order.id)!;
      const res = await bff.api(`/v1/orders/${order.id}`);
      const { order: now } = (await res.json()) as { order: Order };
      const expected: OrderStatus = STATUS_BY_CHANGE_REASON[last];
      expect({ id: order.id, status: now.status, vendorStatus: now.vendorStatus }).toEqual({
        id: order.id,
        status: expected,
        vendorStatus: last,
      });
      const latest = notifications.at(-1)!;
      expect(now.booking?.code).toBe(latest.booking_code);
      const history = (await listHistory(bff.bff.db, order.id)).filter((h) => h.vendor_status !== 'ELIGIBILITY_CREATED');
      expect(history.map((h) => h.dedupe_key).sort()).toEqual(notifications.map(dedupeKeyOf).sort());
      expect(history.map((h) => h.vendor_status)).toEqual(notifications.map((n) => n.change_reason));
    }
  }, 180_000);

  describe('accepts what real PSI deliveries may carry, for a notification that matches an order', () => {
    it('an empty candidate_id, a Windows zone name, an undocumented change_reason and a cancellation without booking_on', async () => {
      const order = await invitedOrder('psi-quirks');
      const ctx = { candidateId: order.candidateId, package: pkg };
      const booked = await sandbox.advance(order.vendorRef!, 'book', { ...ctx, quirk: 'empty-candidate-id', slotId: 'nyc-site' });
      expect([booked.status, booked.notification.candidate_id]).toEqual([200, '']);
      expect((await bff.waitForOrder(order.id, (o) => o.status === 'scheduled')).booking?.timeZone).toBe('America/New_York');

      const moved = await sandbox.advance(order.vendorRef!, 'reschedule', { ...ctx, quirk: 'non-iana-timezone' });
      expect(moved.status).toBe(200);
      const rescheduled = await bff.waitForOrder(order.id, (o) => o.booking?.timeZoneLabel !== undefined);
      expect(rescheduled.booking).toMatchObject({ timeZone: 'UTC', timeZoneLabel: 'W. Europe Standard Time', startsAt: new Date(moved.notification.booking_on!).toISOString() });

      const odd = await sandbox.advance(order.vendorRef!, 'complete', { ...ctx, quirk: 'unknown-reason' });
      expect([odd.status, odd.notification.change_reason]).toEqual([200, 'BOOKING_TRANSFERRED']);
      const history = await listHistory(bff.bff.db, order.id);
      expect(history.find((h) => h.vendor_status === 'BOOKING_TRANSFERRED')).toMatchObject({ applied: false });
      expect((await bff.getOrder(order.id)).status).toBe('scheduled');

      const cancelled = await sandbox.advance(order.vendorRef!, 'cancel', { ...ctx, quirk: 'no-booking-on' });
      expect([cancelled.status, 'booking_on' in cancelled.notification]).toEqual([200, false]);
      // docs/vendors/psi.md#change-reasons: open again for a new booking; the booking it held shows as cancelled.
      const after = await bff.waitForOrder(order.id, (o) => o.status === 'invited');
      expect(after.booking).toMatchObject({ startsAt: rescheduled.booking?.startsAt, cancelled: true });
    });

    it('tokens requested with client_secret_post and a scope (RFC 6749 §2.3.1, §3.3)', async () => {
      const order = await invitedOrder('psi-post');
      const sender = createPsiSender({ bffUrl: bff.url, tenantId: bff.tenantId, clientId, clientSecret, clientAuth: 'post', scope: 'notifications' });
      const sent = await sender.send(new SimulatedPsiCandidate({ eligibilityId: order.vendorRef!, candidateId: order.candidateId }).book());
      expect([sent.status, sender.counters.tokenRequests]).toEqual([200, 1]);
      const res = await fetch(`${bff.url}/oauth/token`, {
        method: 'POST',
        headers: FORM,
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'psi.notify' }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ token_type: 'Bearer', scope: 'psi.notify' });
    });

    it('but refuses a body that is not JSON with 400', async () => {
      const sender = createPsiSender({ bffUrl: bff.url, tenantId: bff.tenantId, clientId, clientSecret });
      const res = await fetch(`${bff.url}/hooks/psi/${bff.tenantId}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await sender.token()}` },
        body: '{"booking_code": ',
      });
      expect(res.status).toBe(400);
    });
  });

  describe('refuses', () => {
    it('a token request with a wrong secret', async () => {
      const res = await fetch(`${bff.url}/oauth/token`, {
        method: 'POST',
        headers: { ...FORM, authorization: basic(clientId, `${clientSecret}x`) },
        body: 'grant_type=client_credentials',
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    });

    it('a token request with another grant', async () => {
      const res = await fetch(`${bff.url}/oauth/token`, {
        method: 'POST',
        headers: { ...FORM, authorization: basic(clientId, clientSecret) },
        body: 'grant_type=password&username=a&password=b',
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' });
    });

    it('notifications with a missing, forged, expired or other-scheme token, storing nothing', async () => {
      const order = await invitedOrder('psi-refused');
      const n = new SimulatedPsiCandidate({ eligibilityId: order.vendorRef!, candidateId: order.candidateId }).book();
      // A token the BFF itself would have issued an hour and a half ago: same server secret, a clock in the past.
      const past = createOAuthIssuer({ secret: await serverSecret(bff.bff.db), now: () => new Date(Date.now() - 5400_000) });
      const old = await past.token(
        { headers: new Headers({ ...FORM, authorization: basic(clientId, clientSecret) }), body: 'grant_type=client_credentials' },
        () => ({ tenantId: 'acme', vendor: 'psi', clientSecret }),
      );
      expect(old.status).toBe(200);
      const deliveriesBefore = await countDeliveries(bff.bff.db, 'acme', 'psi');
      const historyBefore = await listHistory(bff.bff.db, order.id);
      for (const authorization of [
        undefined,
        'Bearer not-a-token',
        basic(clientId, clientSecret),
        `Bearer ${old.body.access_token as string}`,
      ]) {
        const res = await fetch(`${bff.url}/hooks/psi/${bff.tenantId}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify(n),
        });
        expect(res.status, String(authorization).slice(0, 12)).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
      expect(await countDeliveries(bff.bff.db, 'acme', 'psi')).toBe(deliveriesBefore);
      expect(await listHistory(bff.bff.db, order.id)).toEqual(historyBefore);
      expect((await bff.getOrder(order.id)).status).toBe('invited');
    });

    it('a token of tenant acme on the hook of tenant globex, storing nothing', async () => {
      const gToken = await bff.token({ tenantId: 'globex', candidateId: 'psi-globex-1' });
      const created = await bff.order(pkg.id, { token: gToken });
      const globexOrder = async () => (await bff.getOrder(created.id, GLOBEX_API_KEY)) as Order;
      let gOrder = await globexOrder();
      for (let i = 0; i < 200 && gOrder.vendorRef === null; i++) {
        await new Promise((r) => setTimeout(r, 50));
        gOrder = await globexOrder();
      }
      expect(gOrder.status).toBe('invited');
      const acmeSender = createPsiSender({ bffUrl: bff.url, tenantId: 'globex', clientId, clientSecret });
      const before = await countDeliveries(bff.bff.db, 'globex', 'psi');
      const d = await acmeSender.send(
        new SimulatedPsiCandidate({ eligibilityId: gOrder.vendorRef!, candidateId: gOrder.candidateId }).book(),
      );
      expect(d.status).toBe(401);
      expect(acmeSender.counters.tokenRequests).toBe(2); // it retried once with a fresh token, refused again
      expect(await countDeliveries(bff.bff.db, 'globex', 'psi')).toBe(before);
      expect((await globexOrder()).status).toBe('invited');

      const globexSender = createPsiSender({ bffUrl: bff.url, tenantId: 'globex', ...globex });
      const ok = await globexSender.send(
        new SimulatedPsiCandidate({ eligibilityId: gOrder.vendorRef!, candidateId: gOrder.candidateId }).book(),
      );
      expect(ok.status).toBe(200);
      expect((await globexOrder()).status).toBe('scheduled');
    });

    it('a notification that matches no order with 400 and a JSON reason', async () => {
      const sender = createPsiSender({ bffUrl: bff.url, tenantId: bff.tenantId, clientId, clientSecret });
      const byRef = await sender.send(new SimulatedPsiCandidate({ eligibilityId: 'ord_nobody', candidateId: 'nobody' }).book());
      expect(byRef.status).toBe(400);
      expect(byRef.body).toMatchObject({ error: { code: 'no_matching_order' } });
      const byExam = await sender.send(new SimulatedPsiCandidate({ candidateId: 'psi-bulk-1', examCode: 'NOPE-1' }).book());
      expect(byExam.status).toBe(400);
      expect(byExam.body).toMatchObject({ error: { message: expect.stringMatching(/exam_code/) } });
    });
  });
});

describe('PSI eligibility hand-off to the ATS', () => {
  it('shows the client_eligibility_id PSI must echo to the recruiter and sends it in the ATS webhook', async () => {
    const recruiter = await bff.token({ role: 'recruiter', candidateId: 'psi-handoff', tenantId: 'handoff' });
    const placed = await bff.order(pkg.id, { token: recruiter });
    const order = await bff.waitForOrder(placed.id, (o) => o.status === 'invited', 10_000, HANDOFF_API_KEY);
    expect(order.vendorRef).toBe(placed.id);
    const until = Date.now() + 20_000;
    while (!handoffEvents.some((e) => e.order.status === 'invited') && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const invited = handoffEvents.find((e) => e.order.status === 'invited');
    // docs/vendors/psi.md#ordering-a-psi-package: the ATS creates the PSI eligibility with client_eligibility_id = order.vendorRef.
    expect(invited?.order).toMatchObject({ id: placed.id, vendorRef: order.vendorRef, candidateId: 'psi-handoff', packageId: pkg.id });
    const candidate = await bff.token({ role: 'candidate', candidateId: 'psi-handoff', tenantId: 'handoff' });
    expect((await bff.getOrder(placed.id, candidate)).vendorRef).toBeNull();
  });
});
