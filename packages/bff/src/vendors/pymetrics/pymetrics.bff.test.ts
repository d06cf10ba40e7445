// pymetrics through the whole BFF: orders over the API, the sandbox's SOAP service, its callback pings to
// /hooks/pymetrics/acme/{ticket}, statuses over SSE, launch and report links, session renewal and batched polling.
import type { Order, OrderStatus } from '@ca/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBff, testTenant, type TestBff } from '../../../testing/harness.js';
import { startPymetricsSandbox, type PymetricsSandbox } from '@ca/sandboxes';

const PKG = { id: 'pym-games', vendor: 'pymetrics' as const, name: 'Job fit games', assessmentId: '33' };
const BATCH = 100;

const SMALL_BATCH = 4;
const VIDEO = { id: 'pym-video', vendor: 'pymetrics' as const, name: 'Video interview', assessmentId: '2025' };

/**
 * One BFF for the file (each start loads a database: seconds of CPU), each case a tenant of its own with a sandbox of
 * its own: `acme` with callback pings, `poll` without them and a small batch size, `video` an account that reads
 * `score` and is configured only with the WSDL's URL.
 */
const sandboxes = {} as Record<'acme' | 'poll' | 'video', PymetricsSandbox>;
let t: TestBff;

beforeAll(async () => {
  sandboxes.acme = await startPymetricsSandbox();
  sandboxes.poll = await startPymetricsSandbox({ callbacks: false, autoAccept: true });
  // An account whose results carry `score` (not `fitscore`); the BFF is given only the WSDL's URL, no endpoint.
  sandboxes.video = await startPymetricsSandbox({ scoreField: 'score', autoAccept: true, callbacks: false });
  const { poll, video } = sandboxes;
  t = await startTestBff({
    vendors: {
      pymetrics: {
        endpoint: sandboxes.acme.endpoint,
        clientId: sandboxes.acme.clientId,
        clientSecret: sandboxes.acme.clientSecret,
        organizationId: 'XYZ123',
        batchSize: BATCH,
      },
    },
    packages: [PKG],
    extraTenants: {
      poll: testTenant('poll', {
        vendors: { pymetrics: { endpoint: poll.endpoint, clientId: poll.clientId, clientSecret: poll.clientSecret, batchSize: SMALL_BATCH } },
        packages: [PKG],
      }),
      video: testTenant('video', {
        vendors: { pymetrics: { wsdl: video.wsdlUrl, clientId: video.clientId, clientSecret: video.clientSecret } },
        packages: [PKG, VIDEO],
      }),
    },
  });
});
afterAll(async () => {
  await t?.stop();
  await Promise.all(Object.values(sandboxes).map((s) => s.stop()));
});

describe('pymetrics through the BFF', () => {
  let sandbox: PymetricsSandbox;
  beforeAll(() => {
    sandbox = sandboxes.acme;
  });

  const statusIs = (id: string, s: OrderStatus) => (e: { orderId: string; order: Order }) => e.orderId === id && e.order.status === s;

  it('takes an order from requested to scored over SSE, driven by callback pings, with launch and report links', async () => {
    const token = await t.token({ candidateId: 'pym-life-1' });
    const sse = await t.sse(token);
    try {
      const created = await t.order(PKG.id, { token });
      const requested = (await sse.waitFor((e) => e.orderId === created.id && e.order.vendorRef !== null)).order;
      expect(requested).toMatchObject({ status: 'requested', vendorStatus: 'PENDING', vendor: 'pymetrics' });
      const ref = requested.vendorRef!;
      expect(sandbox.order(ref)).toMatchObject({ externalId: 'pym-life-1', assessmentId: '33', firstName: 'Ada' });

      // pymetrics approves the order; its callback makes the BFF poll that order (no pollNow here).
      await sandbox.advance(ref, 'accept');
      await sse.waitFor(statusIs(created.id, 'invited'));

      const launch = await t.followLink(created.id, 'launch', token);
      expect(launch).toBe(sandbox.order(ref)!.inviteUrl);
      for (const [label, status] of [
        ['Create my account', 'invited'],
        ['Start the games', 'in_progress'],
        ['Finish the games', 'scored'],
      ] as const) {
        const html = await (await fetch(launch)).text();
        const action = new RegExp(`<form method="post" action="([^"]+)"><button[^>]*>${label}</button>`).exec(html)![1]!;
        expect((await fetch(new URL(action, launch), { method: 'POST', redirect: 'manual' })).status).toBe(303);
        await sse.waitFor((e) => statusIs(created.id, status)(e) && (label !== 'Create my account' || e.order.vendorStatus === 'NOT_STARTED'));
      }
      const scored = (await sse.waitFor(statusIs(created.id, 'scored'))).order;
      const expected = sandbox.order(ref)!.result;
      expect(scored.result).toMatchObject({
        score: expected.fitscore,
        maxScore: 100,
        band: expected.band,
        passed: expected.passed,
        reportAvailable: true,
      });
      const seen = sse.events.filter((e) => e.orderId === created.id).map((e) => e.order.status);
      expect(seen.indexOf('invited')).toBeLessThan(seen.indexOf('in_progress'));
      expect(seen.indexOf('in_progress')).toBeLessThan(seen.indexOf('scored'));

      const report = await t.followLink(created.id, 'report', token);
      expect(report).toBe(sandbox.order(ref)!.reportUrl);
      expect(await (await fetch(report)).text()).toContain(`<dd id="fitscore">${expected.fitscore.toFixed(1)}</dd>`);
      expect(sandbox.callbacks.filter((c) => c.orderId === ref).every((c) => c.outcome === 200)).toBe(true);
    } finally {
      sse.close();
    }
  });

  it('checks the orders of a burst of pings together, in fewer get_bulk_status calls than pings', async () => {
    const n = 24;
    // Candidates of their own: pymetrics keeps one order per candidate and assessment, so one candidate's orders share it.
    const placed = await Promise.all(Array.from({ length: n }, async (_, i) => t.order(PKG.id, { token: await t.token({ candidateId: `pym-burst-${i}` }) })));
    const refs: string[] = [];
    for (const o of placed) refs.push((await t.waitForOrder(o.id, (x) => x.vendorRef !== null, 30_000)).vendorRef!);
    sandbox.resetCalls();
    // pymetrics approves them all at once: a callback ping per order, each a hint to check that order now.
    await Promise.all(refs.map((ref) => sandbox.advance(ref, 'accept')));
    for (const o of placed) await t.waitForOrder(o.id, (x) => x.status === 'invited', 30_000);
    const calls = sandbox.calls().get_bulk_status ?? 0;
    expect(calls).toBeGreaterThan(0);
    // Pings are batched: checked one by one, 24 pings would cost about 24 calls; batched, a handful. Jobs that arrive
    // apart land in batches of their own, hence the margin.
    expect(calls).toBeLessThanOrEqual(n / 3);
  }, 60_000);

  it('renews a session that pymetrics ended mid-run once, losing no poll', async () => {
    const token = await t.token({ candidateId: 'pym-session-1' });
    const created = await t.order(PKG.id, { token });
    const placed = await t.waitForOrder(created.id, (o) => o.vendorRef !== null);
    sandbox.expireSessions();
    await sandbox.advance(placed.vendorRef!, 'start');
    sandbox.resetCalls();
    await t.pollNow('pymetrics');
    await t.waitForOrder(created.id, (o) => o.status === 'in_progress');
    expect(sandbox.calls().authenticate).toBe(1);
  });

  it('puts the client secret in no log line and no API response', async () => {
    const token = await t.token({ candidateId: 'pym-life-1' });
    const res = await t.api('/v1/orders?candidateId=pym-life-1', { token });
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(t.logLines.length).toBeGreaterThan(0);
    expect(body + t.logLines.join('\n')).not.toContain(sandbox.clientSecret);
  });
});

// 250 orders through the API take minutes on this machine (placement jobs); the 250-order count runs in
// adapter.test.ts over HTTP against the sandbox. Here: the BFF's poll cycle honours the configured batch size.
describe('pymetrics polling through the BFF', () => {
  const ORDERS = 10;
  let sandbox: PymetricsSandbox;
  beforeAll(() => {
    sandbox = sandboxes.poll;
  });

  it(`refreshes ${ORDERS} open orders with ceil(${ORDERS} / ${SMALL_BATCH}) get_bulk_status calls per cycle`, async () => {
    const token = await t.token({ candidateId: 'pym-bulk', tenantId: 'poll' });
    const ids = (
      await Promise.all(Array.from({ length: ORDERS }, (_, i) => t.order(PKG.id, { token, idempotencyKey: `bulk-${i}` })))
    ).map((o) => o.id);
    for (const id of ids) await t.waitForOrder(id, (o) => o.vendorRef !== null, 60_000, token);
    await t.scheduledPollsDone(); // the runner's own first cycle would add its calls to the ones counted here
    for (const cycle of [1, 2]) {
      sandbox.resetCalls();
      await t.pollNow('pymetrics');
      expect(sandbox.calls().get_bulk_status, `cycle ${cycle}`).toBe(Math.ceil(ORDERS / SMALL_BATCH));
    }
    for (const id of ids) expect((await t.getOrder(id, token)).status).toBe('invited');
  }, 90_000);
});

describe('pymetrics as configured accounts differ (docs/vendors/pymetrics.md#results)', () => {
  let sandbox: PymetricsSandbox;
  beforeAll(() => {
    sandbox = sandboxes.video;
  });

  it('calls the address of the WSDL soap:address, reads `score`, and opens the video evaluation behind a ticket', async () => {
    const token = await t.token({ candidateId: 'pym-video-1', tenantId: 'video' });
    const created = await t.order(VIDEO.id, { token });
    const placed = await t.waitForOrder(created.id, (o) => o.vendorRef !== null, 10_000, token);
    expect(sandbox.calls().request_assessment_order).toBe(1);
    await sandbox.advance(placed.vendorRef!, 'start');
    await sandbox.advance(placed.vendorRef!, 'complete', { fitscore: 73.5, band: 'Recommend' });
    await t.pollNow('pymetrics');
    const scored = await t.waitForOrder(created.id, (o) => o.status === 'scored', 10_000, token);
    expect(scored.result).toMatchObject({ score: 73.5, maxScore: 100, band: 'Recommend' });
    expect(scored.result?.flags).toContainEqual(expect.objectContaining({ code: 'video_evaluation' }));

    const evaluation = await t.followLink(created.id, 'evaluation', token);
    expect(evaluation).toMatch(new RegExp(`^${sandbox.url}/video/evaluation/2025/${placed.vendorRef}/$`));
    expect((await fetch(evaluation)).status).toBe(200);
    const candidate = await t.token({ role: 'candidate', candidateId: 'pym-video-1', tenantId: 'video' });
    const refused = await t.api(`/v1/orders/${created.id}/links`, { method: 'POST', token: candidate, body: JSON.stringify({ kind: 'evaluation' }) });
    expect(refused.status).toBe(403);
  });

  it('shows a band without a score when the account sends no numeric score', async () => {
    const { toResult } = await import('./updates.js');
    expect(toResult({ order_id: '1', band: 'Highly Recommend' })).toMatchObject({ band: 'Highly Recommend' });
    expect(toResult({ order_id: '1', band: 'Highly Recommend' }).score).toBeUndefined();
    expect(toResult({ order_id: '1', score: 88 })).toMatchObject({ score: 88, maxScore: 100 });
    expect(toResult({ order_id: '1', score: 88, fitscore: 90 }).score).toBe(90);
  });
});
