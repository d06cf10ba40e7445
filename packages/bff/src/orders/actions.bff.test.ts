// Recruiter actions through the BFF against every vendor's sandbox: cancel, remind and retake use the vendor's own
// call where it has one and say so where it has none; each is idempotent, lands in the history with the actor, and
// reaches the SSE stream and the ATS webhook as an order.updated event carrying `lastAction`.
import type { ActionResponse, HistoryEntry, Order, OrderEvent } from '@ca/shared';
import { mintWidgetToken } from '@ca/shared/server';
import { sandboxModuleList, type TenantSetup, type VendorSandbox } from '@ca/sandboxes';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestBff, TEST_WIDGET_KEY, type SseClient, type TestBff } from '../../testing/harness.js';

describe('recruiter actions through the BFF, against the vendor sandboxes', () => {
  const sandboxes: Record<string, VendorSandbox> = {};
  const setups: Record<string, TenantSetup> = {};
  const hooks: OrderEvent[] = [];
  let receiver: Server;
  let t: TestBff;
  let recruiter: string;
  let stream: SseClient;
  const CANDIDATE = 'cand-actions';

  const pkgOf = (vendor: string) => setups[vendor]!.packages[0]!.id;
  const post = async (path: string, o: { token?: string; key?: string } = {}) => {
    const res = await t.api(path, { method: 'POST', token: o.token ?? recruiter, ...(o.key ? { headers: { 'Idempotency-Key': o.key } } : {}) });
    return { status: res.status, body: (await res.json()) as ActionResponse & { error?: { code: string; message: string } } };
  };
  const history = async (id: string) => ((await (await t.api(`/v1/orders/${id}/history`, { token: recruiter })).json()) as { history: HistoryEntry[] }).history;
  const invited = async (vendor: string) => {
    const order = await t.order(pkgOf(vendor), { token: recruiter });
    if (vendor === 'pymetrics') {
      const placed = await t.waitForOrder(order.id, (o) => o.vendorRef !== null);
      await sandboxes['pymetrics']!.advance(placed.vendorRef!, 'accept');
      await t.pollNow('pymetrics');
    }
    return t.waitForOrder(order.id, (o) => o.status === 'invited' || o.status === 'scheduled');
  };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hooks.push(JSON.parse(body) as OrderEvent);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = await freePort();
    const bffUrl = `http://127.0.0.1:${port}`;
    for (const m of sandboxModuleList) {
      const s = await m.start(m.demoOptions);
      sandboxes[m.vendor] = s;
      setups[m.vendor] = m.connect(s, { bffUrl, tenantId: 'acme' });
    }
    t = await startTestBff({
      port,
      vendors: Object.fromEntries(Object.entries(setups).map(([v, s]) => [v, s.config])),
      packages: Object.values(setups).flatMap((s) => s.packages) as never,
      atsWebhook: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, secret: 'actions-test-webhook-secret-0123456789' },
    });
    ({ token: recruiter } = await mintWidgetToken({
      tenantId: 'acme',
      kid: 'k1',
      secret: TEST_WIDGET_KEY,
      role: 'recruiter',
      candidate: { id: CANDIDATE, firstName: 'Ada', lastName: 'Lovelace', email: 'ada.actions@example.com' },
      actor: 'riley.chen',
    }));
    stream = await t.sse(recruiter);
  });
  afterAll(async () => {
    stream?.close();
    await t?.stop();
    await Promise.all(Object.values(sandboxes).map((s) => s.stop()));
    receiver?.close();
  });

  it('lists in the catalog the actions each vendor offers: remind only where the vendor can send the invitation again', async () => {
    const { packages } = (await (await t.api('/v1/packages', { token: recruiter })).json()) as { packages: { vendor: string; actions: string[] }[] };
    const byVendor = Object.fromEntries(packages.map((p) => [p.vendor, p.actions]));
    expect(byVendor).toEqual({
      berke: ['cancel', 'remind', 'retake'],
      mettl: ['cancel', 'remind', 'retake'],
      pymetrics: ['cancel', 'remind', 'retake'],
      psi: ['cancel', 'retake'],
    });
  });

  describe('Berke: its own calls', () => {
    let order: Order;
    beforeAll(async () => {
      order = await invited('berke');
    });

    it('reminds with SendInvitation once per Idempotency-Key, recorded with the actor and pushed on SSE and the webhook', async () => {
      const berke = sandboxes['berke']!;
      berke.resetCalls();
      const first = await post(`/v1/orders/${order.id}/remind`, { key: 'remind-1' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ action: 'remind', changed: true, vendorCall: 'Berke SendInvitation', sentBy: 'vendor' });
      expect(first.body.url).toBeUndefined();
      expect(first.body.order.status).toBe('invited');
      expect(first.body.order.lastAction).toMatchObject({ action: 'remind', actor: 'riley.chen', vendorCall: 'Berke SendInvitation' });
      const again = await post(`/v1/orders/${order.id}/remind`, { key: 'remind-1' });
      expect(again.body).toMatchObject({ changed: false, sentBy: 'vendor' });
      expect(berke.calls()['SendInvitation']).toBe(1);

      const h = (await history(order.id)).filter((e) => e.source === 'recruiter');
      expect(h).toEqual([expect.objectContaining({ action: 'remind', actor: 'riley.chen', status: 'invited' })]);
      const live = await stream.waitFor((e) => e.orderId === order.id && e.order.lastAction?.action === 'remind');
      expect(live.type).toBe('order.updated');
      await expect.poll(() => hooks.some((e) => e.orderId === order.id && e.order.lastAction?.action === 'remind'), { timeout: 10_000 }).toBe(true);
    });

    it('keeps a Berke assessment another open order of the candidate uses, and marks only this one cancelled', async () => {
      const second = await invited('berke');
      expect(second.vendorRef).toBe(order.vendorRef); // one Berke assessment per candidate
      const res = await post(`/v1/orders/${second.id}/cancel`);
      expect(res.body).toMatchObject({ changed: true, vendorCall: null, order: { status: 'cancelled' } });
      expect(res.body.message).toMatch(/other open assessment/);
      expect(sandboxes['berke']!.calls()['DeleteAssessment']).toBeUndefined();
    });

    it('cancels with DeleteAssessment, idempotently', async () => {
      const first = await post(`/v1/orders/${order.id}/cancel`);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ changed: true, vendorCall: 'Berke DeleteAssessment', order: { status: 'cancelled', vendorStatus: 'Berke DeleteAssessment' } });
      expect((sandboxes['berke'] as unknown as { candidate(id: string): unknown }).candidate(order.vendorRef!)).toBeNull();
      const again = await post(`/v1/orders/${order.id}/cancel`);
      expect(again.body).toMatchObject({ changed: false, order: { status: 'cancelled' } });
      expect(sandboxes['berke']!.calls()['DeleteAssessment']).toBe(1);
      await stream.waitFor((e) => e.orderId === order.id && e.order.status === 'cancelled' && e.order.lastAction?.action === 'cancel');
      await expect.poll(() => hooks.some((e) => e.orderId === order.id && e.order.status === 'cancelled'), { timeout: 10_000 }).toBe(true);
      expect((await history(order.id)).at(-1)).toMatchObject({ source: 'recruiter', action: 'cancel', actor: 'riley.chen', status: 'cancelled' });
      // A cancelled order is not reminded, and gives no launch link.
      expect((await post(`/v1/orders/${order.id}/remind`)).body.error?.code).toBe('action_unavailable');
    });

    it('retakes as a new order linked to the first, once per Idempotency-Key, placed at Berke as a new assessment', async () => {
      const first = await post(`/v1/orders/${order.id}/retake`, { key: 'retake-1' });
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({ action: 'retake', changed: true, order: { retakeOf: order.id, packageId: order.packageId } });
      const again = await post(`/v1/orders/${order.id}/retake`, { key: 'retake-1' });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ changed: false, order: { id: first.body.order.id } });
      const placed = await t.waitForOrder(first.body.order.id, (o) => o.status === 'invited');
      expect(placed.retakeOf).toBe(order.id);
      expect(sandboxes['berke']!.calls()['PerformAssessment']).toBeGreaterThanOrEqual(1); // the deleted assessment is made anew
      const original = await t.getOrder(order.id);
      expect(original.lastAction).toMatchObject({ action: 'retake', actor: 'riley.chen' });
      expect((await history(order.id)).at(-1)).toMatchObject({ source: 'recruiter', action: 'retake' });
    });
  });

  it('Mettl: remind gives a fresh registration link for the ATS to send; cancel is marked here only', async () => {
    const order = await invited('mettl');
    const sent = await post(`/v1/orders/${order.id}/remind`);
    expect(sent.body).toMatchObject({ changed: true, vendorCall: 'Mettl re-registration', sentBy: 'ats' });
    expect(sent.body.url).toMatch(new RegExp(`^${sandboxes['mettl']!.url}/`));
    const cancelled = await post(`/v1/orders/${order.id}/cancel`);
    expect(cancelled.body).toMatchObject({ changed: true, vendorCall: null, order: { status: 'cancelled', vendorStatus: 'cancelled here' } });
    expect(cancelled.body.message).toMatch(/marked cancelled here only/);
    const link = await t.api(`/v1/orders/${order.id}/links`, { method: 'POST', token: recruiter, body: JSON.stringify({ kind: 'launch' }) });
    expect(link.status).toBe(409);
  });

  it("Mettl: a retake of a finished attempt goes to the next attempt's schedule (one attempt per schedule: docs/vendors/mettl.md#schedules)", async () => {
    const order = await invited('mettl');
    await sandboxes['mettl']!.advance(order.vendorRef!, 'start');
    await sandboxes['mettl']!.advance(order.vendorRef!, 'finish');
    await t.waitForOrder(order.id, (o) => o.status === 'completed');
    const retake = await post(`/v1/orders/${order.id}/retake`);
    expect(retake.status).toBe(202);
    const placed = await t.waitForOrder(retake.body.order.id, (o) => o.status === 'invited');
    expect(placed.vendorRef!.split(':')[0]).not.toBe(order.vendorRef!.split(':')[0]);
  });

  it("pymetrics: remind hands over the order's assessment_url; cancel is marked here only", async () => {
    const order = await invited('pymetrics');
    const sent = await post(`/v1/orders/${order.id}/remind`);
    expect(sent.body).toMatchObject({ changed: true, vendorCall: 'pymetrics assessment_url', sentBy: 'ats' });
    expect(sent.body.url).toMatch(/^https?:\/\//);
    expect((await post(`/v1/orders/${order.id}/cancel`)).body).toMatchObject({ vendorCall: null, order: { status: 'cancelled' } });
  });

  it('PSI: no reminder to send (409, said so); cancel is marked here only', async () => {
    const order = await invited('psi');
    const sent = await post(`/v1/orders/${order.id}/remind`);
    expect(sent.status).toBe(409);
    expect(sent.body.error).toMatchObject({ code: 'action_unavailable', message: expect.stringMatching(/no way to send the invitation again/) });
    expect((await post(`/v1/orders/${order.id}/cancel`)).body).toMatchObject({ vendorCall: null, order: { status: 'cancelled' } });
  });

  it('refuses candidate tokens, other candidates, and actions that do not fit the status', async () => {
    const order = await invited('berke');
    const candidate = await t.token({ role: 'candidate', candidateId: CANDIDATE });
    for (const a of ['cancel', 'remind', 'retake']) expect((await post(`/v1/orders/${order.id}/${a}`, { token: candidate })).status).toBe(403);
    const other = await t.token({ role: 'recruiter', candidateId: 'someone-else' });
    expect((await post(`/v1/orders/${order.id}/cancel`, { token: other })).status).toBe(404);
    const open = await post(`/v1/orders/${order.id}/retake`);
    expect(open.status).toBe(409);
    expect(open.body.error?.code).toBe('action_unavailable');
    // With the tenant API key: allowed, and no actor.
    const byKey = await post(`/v1/orders/${order.id}/cancel`, { token: t.apiKey });
    expect(byKey.body.order.lastAction).toMatchObject({ action: 'cancel', actor: null });
  });
});
