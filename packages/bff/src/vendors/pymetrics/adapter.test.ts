import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runAdapterConformance } from '../../../testing/conformance.js';
import { applyChange, makeTestContext, makeTestOrder, placeTestOrder, type TestContext } from '../../../testing/vendor-context.js';
import { VendorError, type PackageConfig, type VendorAdapter, type VendorLink, type VendorOrder } from '../../core/vendor-port.js';
import createPymetricsAdapter from './adapter.js';
import { startPymetricsSandbox, type PymetricsSandbox, type PymetricsSandboxOptions } from '@ca/sandboxes';
import type { SandboxStep } from '@ca/sandboxes/pymetrics';

const GAMES: PackageConfig = { id: 'pym-games', vendor: 'pymetrics', name: 'Job fit games', assessmentId: '33' };
const SCIENTIST: PackageConfig = { id: 'pym-ds', vendor: 'pymetrics', name: 'Data scientist', assessmentId: 2019 };
const VIDEO: PackageConfig = { id: 'pym-video', vendor: 'pymetrics', name: 'Video', assessmentId: '2025' };

interface Rig {
  sandbox: PymetricsSandbox;
  ctx: TestContext;
  adapter: VendorAdapter;
}

async function rig(opts: PymetricsSandboxOptions = {}, extra: Record<string, unknown> = {}, publicUrl?: string): Promise<Rig> {
  // Callbacks stay off unless a test listens for them: the default publicUrl may be someone else's port.
  const sandbox = await startPymetricsSandbox({ callbacks: false, ...opts });
  const ctx = makeTestContext({
    vendor: 'pymetrics',
    config: {
      endpoint: sandbox.endpoint,
      clientId: sandbox.clientId,
      clientSecret: sandbox.clientSecret,
      organizationId: 'XYZ123',
      ...extra,
    },
    packages: [GAMES, SCIENTIST, VIDEO],
    ...(publicUrl ? { publicUrl } : {}),
  });
  return { sandbox, ctx, adapter: createPymetricsAdapter(ctx) };
}

async function place(r: Rig, pkg = GAMES, over: Partial<VendorOrder> = {}): Promise<VendorOrder> {
  return placeTestOrder(r.adapter, pkg, over);
}

/** Moves an order on through the sandbox's HTTP control API. */
async function advance(sandbox: PymetricsSandbox, ref: string, step: SandboxStep, result?: object): Promise<void> {
  const res = await fetch(`${sandbox.url}/_sandbox/orders/${ref}/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ step, ...result }),
  });
  if (res.status !== 200) throw new Error(`advance ${step}: ${res.status} ${await res.text()}`);
}

runAdapterConformance('pymetrics', async () => {
  const { sandbox, ctx, adapter } = await rig({ autoScore: false });
  return {
    adapter,
    ctx,
    package: GAMES,
    lifecycle: [
      { step: 'accept', expect: 'invited' },
      { step: 'register', expect: 'invited' },
      { step: 'start', expect: 'in_progress' },
      { step: 'complete', expect: 'completed' },
      { step: 'score', expect: 'scored' },
    ],
    sandbox,
    observe: async (order) => adapter.refresh!([order]),
    launchUrlsAreSingleUse: false,
    orderingCallsVendor: true,
    secrets: [sandbox.clientSecret],
    teardown: () => sandbox.stop(),
  };
});

describe('pymetrics adapter against the sandbox', () => {
  let r: Rig | undefined;
  const servers: http.Server[] = [];
  afterEach(async () => {
    await r?.sandbox.stop();
    r = undefined;
    for (const s of servers.splice(0)) await new Promise((done) => s.close(done));
  });

  it('orders with assessment_id, external_id = ATS candidate id, names, email, locale and our callback URL', async () => {
    r = await rig();
    const order = await place(r, GAMES, { candidateId: 'ats-cand-7' });
    expect(order).toMatchObject({ status: 'requested', vendorStatus: 'PENDING' });
    const seen = r.sandbox.order(order.vendorRef!)!;
    expect(seen).toMatchObject({
      assessmentId: '33',
      externalId: 'ats-cand-7',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: order.candidate.email,
      locale: 'en',
      callbackUrl: r.ctx.links.callbackUrl(order.id),
    });
    expect(order.vendorData).toEqual({ assessmentUrl: seen.inviteUrl });
    expect((await r.adapter.launchUrl(order)).url).toBe(seen.inviteUrl);
  });

  it('runs a candidate through the sandbox page to scored, with a working report link', async () => {
    r = await rig();
    let order = await place(r);
    const launch = (await r.adapter.launchUrl(order)).url;
    await advance(r.sandbox, order.vendorRef!, 'accept');
    const seen: string[] = [];
    const observe = async () => {
      for (const u of await r!.adapter.refresh!([order])) {
        seen.push(`${u.status}:${u.vendorStatus}`);
        order = applyChange(order, u);
      }
    };
    await observe();
    // The candidate clicks through the HTML page: plain forms, no script.
    for (const label of ['Create my account', 'Start the games', 'Finish the games']) {
      const html = await (await fetch(launch)).text();
      expect(html).not.toMatch(/<script/i);
      const action = new RegExp(`<form method="post" action="([^"]+)"><button[^>]*>${label}</button>`).exec(html)?.[1];
      expect(action, label).toBeTruthy();
      const res = await fetch(new URL(action!, launch), { method: 'POST', redirect: 'manual' });
      expect(res.status).toBe(303);
      await observe();
    }
    expect(seen).toEqual([
      'invited:ACCEPTED',
      'invited:NOT_STARTED',
      'in_progress:IN_PROGRESS',
      'completed:COMPLETED',
      'scored:FULFILLED',
    ]);
    const expected = r.sandbox.order(order.vendorRef!)!.result;
    const scored = (await r.adapter.refresh!([{ ...order, status: 'completed' }])).find((u) => u.status === 'scored')!;
    expect(scored.result).toMatchObject({ score: expected.fitscore, maxScore: 100, band: expected.band, passed: expected.passed, reportAvailable: true });
    const report = (await r.adapter.reportUrl!(order)) as VendorLink;
    const page = await (await fetch(report.url)).text();
    expect(page).toContain(`<dd id="fitscore">${expected.fitscore.toFixed(1)}</dd>`);
  });

  it('refreshes 250 open orders with ceil(250 / batch) get_bulk_status calls per cycle', async () => {
    r = await rig({ autoAccept: true }, { batchSize: 100 });
    const orders: VendorOrder[] = [];
    for (let i = 0; i < 250; i += 25) orders.push(...(await Promise.all(Array.from({ length: 25 }, () => place(r!)))));
    for (const o of orders.slice(0, 30)) await r.sandbox.advance(o.vendorRef!, 'complete');
    expect(r.adapter.refreshBatchSize).toBe(100);

    for (const cycle of [1, 2]) {
      r.sandbox.resetCalls();
      const updates = await r.adapter.refresh!(orders);
      expect(r.sandbox.calls().get_bulk_status, `cycle ${cycle}`).toBe(Math.ceil(250 / 100));
      // 30 completed orders sit in the first batch: one get_bulk_results call for them.
      expect(r.sandbox.calls().get_bulk_results).toBe(1);
      expect(new Set(updates.map((u) => ('vendorRef' in u.match ? u.match.vendorRef : '')))).toHaveProperty('size', 250);
      expect(updates.filter((u) => u.status === 'scored')).toHaveLength(30);
    }

    // The job runner splits by refreshBatchSize: same count.
    r.sandbox.resetCalls();
    for (let i = 0; i < orders.length; i += r.adapter.refreshBatchSize!) {
      await r.adapter.refresh!(orders.slice(i, i + r.adapter.refreshBatchSize!));
    }
    expect(r.sandbox.calls().get_bulk_status).toBe(3);
  });

  it('keeps each result with its own order when two orders share one external_id', async () => {
    r = await rig({ autoAccept: true });
    const a = await place(r, GAMES, { candidateId: 'shared-cand' });
    const b = await place(r, SCIENTIST, { candidateId: 'shared-cand' });
    await r.sandbox.advance(a.vendorRef!, 'complete', { fitscore: 91, band: 'Highly Recommend', passed: true });
    await r.sandbox.advance(b.vendorRef!, 'complete', { fitscore: 35, band: 'Not Recommended', passed: false });

    // Asking for A alone brings B's result back too (docs/vendors/pymetrics.md#results); it must not land on A nor be lost for B.
    const onlyA = await r.adapter.refresh!([a]);
    const scoredA = onlyA.filter((u) => u.status === 'scored');
    expect(scoredA).toHaveLength(1);
    expect(scoredA[0]!.match).toEqual({ vendorRef: a.vendorRef });
    expect(scoredA[0]!.result).toMatchObject({ score: 91, passed: true });

    const both = await r.adapter.refresh!([a, b]);
    const byRef = Object.fromEntries(
      both.filter((u) => u.status === 'scored').map((u) => [(u.match as { vendorRef: string }).vendorRef, u.result]),
    );
    expect(byRef[a.vendorRef!]).toMatchObject({ score: 91, band: 'Highly Recommend', passed: true });
    expect(byRef[b.vendorRef!]).toMatchObject({ score: 35, band: 'Not Recommended', passed: false });
  });

  it('keeps the evaluation URL of a video order and flags it in the result', async () => {
    r = await rig({ autoAccept: true });
    const order = await place(r, VIDEO);
    await r.sandbox.advance(order.vendorRef!, 'complete');
    const updates = await r.adapter.refresh!([order]);
    const scored = updates.find((u) => u.status === 'scored')!;
    expect(scored.vendorData).toMatchObject({ evaluationUrl: `${r.sandbox.url}/video/evaluation/2025/${order.vendorRef}/` });
    expect(scored.result?.flags.map((f) => f.code)).toEqual(['video_evaluation']);
  });

  it('calls our per-order callback URL on each change; the ping carries our signed ticket', async () => {
    const hits: string[] = [];
    const hook = http.createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(204).end();
    });
    servers.push(hook);
    await new Promise<void>((done) => hook.listen(0, '127.0.0.1', done));
    r = await rig({ callbacks: true }, {}, `http://127.0.0.1:${(hook.address() as AddressInfo).port}`);
    const order = await place(r);
    await advance(r.sandbox, order.vendorRef!, 'accept');
    await advance(r.sandbox, order.vendorRef!, 'start');
    const path = new URL(r.ctx.links.callbackUrl(order.id)).pathname;
    await expect.poll(() => hits.length).toBe(2);
    expect(hits).toEqual([`POST ${path}`, `POST ${path}`]);
    expect(path).toMatch(/^\/hooks\/pymetrics\/acme\/[^/]+$/);
  });

  it('fetches the candidate link from get_bulk_status when the order has none stored', async () => {
    r = await rig();
    const order = await place(r);
    const bare = { ...order, vendorData: {} };
    const early = await r.adapter.launchUrl(bare).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(VendorError);
    expect((early as VendorError).retryable).toBe(true);
    await r.sandbox.advance(order.vendorRef!, 'accept');
    const link = await r.adapter.launchUrl(bare);
    expect(link).toEqual({ url: r.sandbox.order(order.vendorRef!)!.inviteUrl, vendorData: { assessmentUrl: link.url } });
  });

  it('refuses an order for an unknown assessment for good', async () => {
    r = await rig();
    const err = await r.adapter.placeOrder(makeTestOrder({ ...GAMES, assessmentId: '404' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorError);
    expect((err as VendorError).retryable).toBe(false);
  });

  it('lists the catalog from list_assessments', async () => {
    r = await rig();
    expect(await r.adapter.catalog!()).toEqual([
      { externalId: '33', name: 'Job Assessment' },
      { externalId: '2019', name: 'Data Scientist' },
      { externalId: '2025', name: 'Video interview' },
    ]);
  });

  it('fails a refresh cleanly on hostile XML and recovers on the next cycle', async () => {
    r = await rig({ autoAccept: true });
    const order = await place(r);
    r.sandbox.sabotage('dtd');
    const err = await r.adapter.refresh!([order]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorError);
    expect((err as VendorError).retryable).toBe(true);
    expect((await r.adapter.refresh!([order])).map((u) => u.status)).toEqual(['invited']);
  });

  it('never returns or logs the client secret', async () => {
    r = await rig();
    const order = await place(r);
    r.sandbox.expireSessions();
    await r.sandbox.advance(order.vendorRef!, 'complete');
    const out = [
      await r.adapter.placeOrder(makeTestOrder(GAMES)),
      await r.adapter.refresh!([order]),
      await r.adapter.launchUrl(order),
      await r.adapter.reportUrl!(order),
      await r.adapter.catalog!(),
    ];
    const haystack = JSON.stringify(out) + r.ctx.logLines.join('\n');
    expect(r.ctx.logLines.length).toBeGreaterThan(0);
    expect(haystack).not.toContain(r.sandbox.clientSecret);
  });

  it('rejects a config block without credentials, naming the field', async () => {
    const ctx = makeTestContext({ vendor: 'pymetrics', config: { endpoint: 'http://127.0.0.1:1/' }, packages: [GAMES] });
    expect(() => createPymetricsAdapter(ctx)).toThrow(/clientId/);
  });
});
