import { afterEach, describe, expect, it } from 'vitest';
import { runAdapterConformance } from '../../../testing/conformance.js';
import { makeTestContext, makeTestOrder, type TestContext } from '../../../testing/vendor-context.js';
import { VendorConfigError, VendorError, type PackageConfig, type StatusUpdate, type VendorLink, type VendorOrder } from '../../core/vendor-port.js';
import berke, { type BerkeAdapter } from './adapter.js';
import { sourceCandidateIdFor } from './order-data.js';
import { maxInWindow } from './limiter.js';
import { startBerkeSandbox, type BerkeSandbox, type BerkeSandboxOptions } from '@ca/sandboxes';
import type { SandboxStep } from '@ca/sandboxes/berke';

const salesPackage: PackageConfig = { id: 'berke-sales', vendor: 'berke', name: 'Sales personality', sourceJobId: 'sales-rep' };

interface Setup {
  sandbox: BerkeSandbox;
  ctx: TestContext;
  adapter: BerkeAdapter;
}

const running: BerkeSandbox[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function setup(
  o: { sandbox?: BerkeSandboxOptions; config?: Record<string, unknown>; packages?: PackageConfig[]; publicUrl?: string } = {},
  stopAfterEach = true,
): Promise<Setup> {
  const sandbox = await startBerkeSandbox({ apiToken: 'sandbox-Token-0123456789', ...o.sandbox });
  if (stopAfterEach) running.push(sandbox);
  const ctx = makeTestContext({
    vendor: 'berke',
    config: { baseUrl: sandbox.baseUrl, apiToken: sandbox.apiToken, ...o.config },
    packages: o.packages ?? [salesPackage],
    ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}),
  });
  return { sandbox, ctx, adapter: berke(ctx) as BerkeAdapter };
}

/** Places an order and applies the result the way the core would. */
async function place(adapter: BerkeAdapter, pkg = salesPackage, over: Partial<VendorOrder> = {}): Promise<VendorOrder> {
  const order = makeTestOrder(pkg, over);
  const placed = await adapter.placeOrder(order);
  return { ...order, vendorRef: placed.vendorRef, vendorData: placed.vendorData ?? {}, status: placed.change.status };
}

async function control(sandbox: BerkeSandbox, ref: string, step: SandboxStep, extra: Record<string, number> = {}) {
  const res = await fetch(`${sandbox.url}/_sandbox/candidates/${encodeURIComponent(ref)}/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ step, ...extra }),
  });
  expect(res.status).toBe(200);
}

async function rejection(p: Promise<unknown>): Promise<VendorError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VendorError);
  return err as VendorError;
}

runAdapterConformance('berke', async () => {
  const { sandbox, ctx, adapter } = await setup({}, false);
  const lifecycle = [
    // `status` repeats `expect`: conformance.ts's duplicate test reads `lifecycle[0].status` (see report).
    { step: 'start', expect: 'in_progress' as const, status: 'in_progress' },
    { step: 'progress', expect: 'in_progress' as const },
    { step: 'complete', expect: 'completed' as const },
    { step: 'score', expect: 'scored' as const },
  ];
  return {
    adapter,
    ctx,
    package: salesPackage,
    lifecycle,
    sandbox,
    observe: (order) => adapter.refresh!([order]),
    launchUrlsAreSingleUse: false,
    orderingCallsVendor: true,
    secrets: [sandbox.apiToken],
    teardown: () => sandbox.stop(),
  };
});

describe('Berke adapter against the sandbox', () => {
  it('calls PerformAssessment exactly once per order however many refreshes and launches run', async () => {
    const { sandbox, adapter } = await setup();
    const orders = await Promise.all(Array.from({ length: 5 }, () => place(adapter)));
    for (let i = 0; i < 10; i++) await adapter.refresh!(orders);
    for (const o of orders) await adapter.launchUrl(o);
    await control(sandbox, orders[0]!.vendorRef!, 'score');
    for (let i = 0; i < 3; i++) await adapter.refresh!(orders);
    await adapter.reportUrl!(orders[0]!);
    const c = sandbox.counters();
    expect(c.calls['PerformAssessment']).toBe(5);
    expect(c.invitationsSent).toBe(5);
    // One look-up per placement (is there an assessment for this candidate already?), then refreshes and launches.
    expect(c.calls['GetAssessmentStatus']).toBe(5 + 5 * 10 + 5 + 5 * 3);
    // The bulk read is shared for 30 s, so the scored one is found complete by its status and its scores read with
    // GetCompletedAssessment (docs/vendors/berke.md#statuses), three times; the report link comes from there too.
    expect(c.calls['GetCompletedAssessment']).toBe(3 + 1);
    expect(c.calls['GetCompletedAssessments']).toBe(1);
    expect(sandbox.candidates().every((x) => x.invitationsSent === 1)).toBe(true);
  });

  it('uses the ATS candidate id as sourceCandidateId (docs/vendors/berke.md#performassessment), so a repeated placeOrder reaches the same assessment', async () => {
    const { sandbox, adapter } = await setup();
    const order = makeTestOrder(salesPackage);
    const a = await adapter.placeOrder(order);
    const b = await adapter.placeOrder(order);
    expect(a.vendorRef).toBe(b.vendorRef);
    expect(a.vendorRef).toBe(order.candidateId);
    expect(sourceCandidateIdFor('ats-12345')).toBe('ats-12345');
    // Longer than Berke's 50 characters, or with spaces: a stable hash of the ATS id.
    expect(sourceCandidateIdFor('x'.repeat(51))).toMatch(/^ca-[0-9a-f]{32}$/);
    expect(sourceCandidateIdFor('has space')).toBe(sourceCandidateIdFor('has space'));
    expect(sandbox.candidates()).toHaveLength(1);
    // The second call found the assessment and invited again without sourceJobId (which Berke refuses to change).
    expect(sandbox.candidates()[0]!.invitationsSent).toBe(2);
    expect(a.change).toMatchObject({ status: 'invited', vendorStatus: '5', vendorRef: a.vendorRef });
    expect(a.vendorData).toEqual({ sourceCandidateId: a.vendorRef, sourceJobId: 'sales-rep' });
  });

  it('starts a fresh assessment for a retake of a finished one, instead of handing back the old scores', async () => {
    const { sandbox, adapter } = await setup();
    const first = await place(adapter);
    await control(sandbox, first.vendorRef!, 'score');
    const retake = await place(adapter, salesPackage, { candidateId: first.candidateId, retakeOf: first.id });
    expect(retake.vendorRef).not.toBe(first.vendorRef);
    expect(retake.vendorRef).toMatch(/^ca-[0-9a-f]{32}$/);
    expect(retake.status).toBe('invited');
    expect(sandbox.candidates()).toHaveLength(2);
    // A second package for the same candidate (no retake) still reaches the one assessment (docs/vendors/berke.md#performassessment).
    const other = await place(adapter, salesPackage, { candidateId: first.candidateId });
    expect(other.vendorRef).toBe(first.vendorRef);
  });

  it('sends the return URL as onAssessmentCompleteRedirectToUrl and the finished candidate lands on it', async () => {
    const { sandbox, adapter, ctx } = await setup();
    const order = await place(adapter);
    const launch = (await adapter.launchUrl(order)).url;
    expect(launch.startsWith(`${sandbox.url}/assess/`)).toBe(true);

    const pageRes = await fetch(launch);
    const html = await pageRes.text();
    expect(pageRes.status).toBe(200);
    expect(html).toContain('Start assessment');
    expect(html).not.toMatch(/<script/i);
    expect(pageRes.headers.get('content-security-policy')).toContain("default-src 'none'");

    const post = (action: string) => fetch(`${launch}/${action}`, { method: 'POST', redirect: 'manual' });
    expect((await post('start')).status).toBe(303);
    expect((await post('progress')).status).toBe(303);
    let updates = await adapter.refresh!([order]);
    expect(updates.map((u) => [u.status, u.progress])).toEqual([['in_progress', 25]]);

    const finish = await post('finish');
    expect(finish.status).toBe(303);
    const location = finish.headers.get('location')!;
    expect(location.startsWith(`${ctx.links.returnUrl(order.id)}?code=`)).toBe(true);
    expect(location).toMatch(/&id=[0-9a-f]{128}$/);
    // docs/vendors/berke.md#performassessment: re-opening a completed assessment keeps redirecting.
    const again = await fetch(launch, { redirect: 'manual' });
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toBe(location);

    updates = await adapter.refresh!([order]);
    expect(updates.map((u) => u.status)).toEqual(['in_progress', 'completed']);
    expect(updates.every((u) => 'orderId' in u.match && u.match.orderId === order.id)).toBe(true);
    const err = await rejection(adapter.launchUrl(order));
    expect(err).toMatchObject({ retryable: false, code: 'launch_unavailable' });
  });

  it('scores with job fits, primary job first, and fetches the report link fresh without storing it', async () => {
    const { sandbox, adapter } = await setup();
    const order = await place(adapter);
    expect((await rejection(adapter.reportUrl!(order))).code).toBe('report_unavailable');
    await control(sandbox, order.vendorRef!, 'score', { fitPct: 0.82 });
    const updates = await adapter.refresh!([order]);
    const scored = updates.find((u) => u.status === 'scored')!;
    expect(scored.result!.jobFits).toEqual([
      { job: 'Sales Representative', jobId: 'sales-rep', fitPct: 82, level: 'high', primary: true },
      expect.objectContaining({ job: 'Customer Support Agent', jobId: 'customer-support', primary: false }),
      { job: 'Warehouse Associate', jobId: 'warehouse', primary: false },
    ]);
    expect(scored.result).toMatchObject({ score: 82, level: 'high', reportAvailable: true });
    expect(JSON.stringify(updates)).not.toContain('/GetReport/');

    const link = (await adapter.reportUrl!(order)) as VendorLink;
    expect(link.vendorData).toBeUndefined();
    expect(link.url.startsWith(`${sandbox.url}/GetReport/`)).toBe(true);
    const report = await fetch(link.url);
    expect(report.status).toBe(200);
    expect(await report.text()).toContain('Job Fit Report: Sales Representative');
  });

  it('reads a Berke that answers XML (its default) in UTF-16 through the whole lifecycle', async () => {
    const { sandbox, adapter } = await setup({ sandbox: { ignoreFormatOutput: true, xmlCharset: 'utf-16' } });
    const order = await place(adapter);
    expect(order.status).toBe('invited');
    const seen: string[] = [];
    for (const step of ['start', 'complete', 'score'] as const) {
      await control(sandbox, order.vendorRef!, step);
      seen.push(...(await adapter.refresh!([order])).map((u) => u.status));
    }
    expect(seen).toEqual(['in_progress', 'in_progress', 'completed', 'in_progress', 'completed', 'scored']);
    const bad = await setup({ sandbox: { ignoreFormatOutput: true }, packages: [{ ...salesPackage, sourceJobId: 'nope' }] });
    const err = await rejection(bad.adapter.placeOrder(makeTestOrder({ ...salesPackage, sourceJobId: 'nope' })));
    expect(err.message).toContain('The SourceJobId you passed in was not found');
  });

  it('fails an invalid API token with the vendor message, not retryable, and never shows the token', async () => {
    const { sandbox, adapter, ctx } = await setup({ config: { apiToken: 'wrong-Token-abcdef123456' } });
    const err = await rejection(adapter.placeOrder(makeTestOrder(salesPackage)));
    expect(err.retryable).toBe(false);
    expect(err.vendorCode).toBe('403.1003');
    expect(err.message).toBe('Berke: API key is invalid or inactive, apiToken=[[redacted]]');
    expect(JSON.stringify([err.message, ctx.logLines])).not.toContain('wrong-Token-abcdef123456');
    expect(sandbox.candidates()).toHaveLength(0);
  });

  it('fails an unknown sourceJobId with the vendor message, not retryable', async () => {
    const pkg: PackageConfig = { ...salesPackage, id: 'berke-typo', sourceJobId: 'sales-repp' };
    const { adapter, ctx, sandbox } = await setup({ packages: [pkg] });
    const err = await rejection(adapter.placeOrder(makeTestOrder(pkg)));
    expect(err.retryable).toBe(false);
    expect(err.code).toBe('vendor_rejected');
    expect(err.message).toBe(
      'Berke: The SourceJobId you passed in was not found. Visit your API job assignments in the Berke site, sourceJobId=[sales-repp]',
    );
    expect(ctx.logLines.join('\n')).not.toContain(sandbox.apiToken);
  });

  it.each([false, true])('lists the Berke jobs for operators (XML answers: %s)', async (xml) => {
    const { adapter } = await setup({ sandbox: { ignoreFormatOutput: xml } });
    expect(await adapter.catalog!()).toEqual([
      { externalId: 'customer-support', name: 'Customer Support Agent' },
      { externalId: 'sales-rep', name: 'Sales Representative' },
      { externalId: 'warehouse', name: 'Warehouse Associate' },
    ]);
  });

  it('marks an outage retryable', async () => {
    const { sandbox, adapter } = await setup();
    const order = await place(adapter);
    await sandbox.outage('error');
    const err = await rejection(adapter.refresh!([order]));
    expect(err.retryable).toBe(true);
    expect(err.vendorCode).toBe('503.1500');
  });

  it('refuses at start a publicUrl that makes the return URL longer than Berke accepts', async () => {
    const sandbox = await startBerkeSandbox();
    running.push(sandbox);
    const ctx = makeTestContext({
      vendor: 'berke',
      config: { baseUrl: sandbox.baseUrl, apiToken: sandbox.apiToken },
      packages: [salesPackage],
      publicUrl: `https://assessments.example.com/${'x'.repeat(80)}`,
    });
    expect(() => berke(ctx)).toThrow(VendorConfigError);
    expect(() => berke(ctx)).toThrow(/publicUrl: .*at most 150/);
  });

  it('fails placeOrder clearly when an order id makes the return URL too long', async () => {
    const { adapter, sandbox } = await setup({ publicUrl: `https://a.example.com/${'p'.repeat(30)}` });
    const err = await rejection(adapter.placeOrder(makeTestOrder(salesPackage, { id: `ord_${'z'.repeat(60)}` })));
    expect(err).toMatchObject({ retryable: false, code: 'vendor_rejected' });
    expect(err.message).toMatch(/at most 150/);
    expect(sandbox.counters().calls['PerformAssessment']).toBeUndefined();
  });

  it('validates its config and names the bad field', async () => {
    const ctx = makeTestContext({ vendor: 'berke', config: { baseUrl: 'ftp://x', apiToken: 't' }, packages: [] });
    expect(() => berke(ctx)).toThrow(/baseUrl/);
    const ctx2 = makeTestContext({ vendor: 'berke', config: { baseUrl: 'https://x.example', apiToken: 'x'.repeat(51) }, packages: [] });
    expect(() => berke(ctx2)).toThrow(/apiToken/);
    const ctx3 = makeTestContext({
      vendor: 'berke',
      config: { baseUrl: 'https://x.example', apiToken: 't', rateLimit: { calls: 0, perMs: 1000 } },
      packages: [],
    });
    expect(() => berke(ctx3)).toThrow(/rateLimit\.calls/);
  });
});

describe('Berke throttling at scale', () => {
  it('refreshes 500 open orders with zero 429s and never more calls per window than the limit', { timeout: 90_000 }, async () => {
    // A 100 ms window: the same 20 windows' worth of calls as Berke's 120 per 60 s, without 10 s of waiting. The limiter
    // counts a call until `perMs` after it ended, so a short window is no easier to keep than a long one.
    const limit = { calls: 50, perMs: 100 };
    const { sandbox, adapter, ctx } = await setup({ sandbox: { burstLimit: limit }, config: { rateLimit: limit, statusChecksPerCycle: 500 } });

    const t0 = Date.now();
    const orders = await Promise.all(Array.from({ length: 500 }, () => place(adapter)));
    const placeMs = Date.now() - t0;
    for (const [i, o] of orders.entries()) {
      if (i % 5 === 1) await sandbox.advance(o.vendorRef!, 'progress', { percent: 40 });
      if (i % 5 === 2) await sandbox.advance(o.vendorRef!, 'complete');
      if (i % 5 === 3) await sandbox.advance(o.vendorRef!, 'score');
    }

    const t1 = Date.now();
    const updates: StatusUpdate[] = await adapter.refresh!(orders);
    const refreshMs = Date.now() - t1;

    const byOrder = new Map<string, string>();
    for (const u of updates) if ('orderId' in u.match) byOrder.set(u.match.orderId, u.status);
    expect(byOrder.size).toBe(500);
    const expected = ['invited', 'in_progress', 'completed', 'scored', 'invited'];
    orders.forEach((o, i) => expect(byOrder.get(o.id)).toBe(expected[i % 5]));

    const c = sandbox.counters();
    expect(c.throttled).toBe(0);
    expect(adapter.client.stats.throttled).toBe(0);
    expect(c.calls['PerformAssessment']).toBe(500);
    // 500 look-ups when placing; the 100 scored orders come from GetCompletedAssessments (200 completions: 4 pages of
    // 50, totalPages 4); the 100 complete but unscored go straight to GetCompletedAssessment, the 300 others to their status.
    expect(c.calls['GetAssessmentStatus']).toBe(500 + 300);
    expect(c.calls['GetCompletedAssessment']).toBe(100);
    expect(c.calls['GetCompletedAssessments']).toBe(4);
    const busiestAtBerke = maxInWindow(c.accepted, limit.perMs);
    const busiestStarts = adapter.limiter.stats().maxStartsInWindow;
    expect(busiestAtBerke).toBeLessThanOrEqual(limit.calls);
    expect(busiestStarts).toBeLessThanOrEqual(limit.calls);
    // The limit is also used, not just respected: 1000 calls cannot finish faster than 19 full windows.
    expect(placeMs + refreshMs).toBeGreaterThanOrEqual(19 * limit.perMs);
    expect(ctx.logLines.join('\n')).not.toContain(sandbox.apiToken);

    const perSecond = (n: number, ms: number) => Math.round((n * 1000) / ms);
    console.info(
      `berke throughput: placed 500 in ${placeMs} ms (${perSecond(500, placeMs)}/s), refreshed 500 in ${refreshMs} ms ` +
        `(${perSecond(500, refreshMs)}/s); limit ${limit.calls}/${limit.perMs} ms = ${perSecond(limit.calls, limit.perMs)}/s; ` +
        `busiest window at Berke ${busiestAtBerke}, limiter ${busiestStarts}; 429s sent ${c.throttled}`,
    );
  });

  it('polls 1,000 open orders with at most 100 status checks plus one bulk call per 50 completions per cycle', { timeout: 90_000 }, async () => {
    const { sandbox, adapter } = await setup({ sandbox: { burstLimit: { calls: 100_000, perMs: 1000 } }, config: { rateLimit: { calls: 100_000, perMs: 1000 } } });
    const orders = await Promise.all(Array.from({ length: 1000 }, () => place(adapter)));
    for (const o of orders.slice(0, 300)) await sandbox.advance(o.vendorRef!, 'score');
    sandbox.resetCalls();
    const updates = await adapter.refresh!(orders);
    const calls = sandbox.calls();
    const scored = new Set(updates.filter((u) => u.status === 'scored').map((u) => ('orderId' in u.match ? u.match.orderId : '')));
    expect(scored.size).toBe(300);
    // Before: one GetAssessmentStatus per open order (1,000 calls; ~600 fit a 300 s cycle at 120/min).
    expect(calls['GetAssessmentStatus']).toBe(100);
    expect(calls['GetCompletedAssessments']).toBe(6); // 300 completions: 6 pages of 50, as totalPages says
    console.info(`berke cycle: 1000 open orders, 300 completed → ${calls['GetAssessmentStatus']} GetAssessmentStatus + ${calls['GetCompletedAssessments']} GetCompletedAssessments calls`);
  });

  it('absorbs Berke 429s when the client limit is set looser than Berke’s, with no failure reaching the updates', { timeout: 60_000 }, async () => {
    const { sandbox, adapter } = await setup({
      sandbox: { burstLimit: { calls: 40, perMs: 400 } },
      config: { rateLimit: { calls: 1000, perMs: 400 } },
    });
    const orders = await Promise.all(Array.from({ length: 60 }, () => place(adapter)));
    const updates = await adapter.refresh!(orders);
    expect(new Set(updates.map((u) => ('orderId' in u.match ? u.match.orderId : ''))).size).toBe(60);
    expect(updates.every((u) => u.status === 'invited')).toBe(true);
    const c = sandbox.counters();
    expect(c.throttled).toBeGreaterThan(0);
    expect(adapter.client.stats.throttled).toBe(c.throttled);
    // Denied calls did not run: still one invitation per order.
    expect(c.invitationsSent).toBe(60);
    expect(maxInWindow(c.accepted, 400)).toBeLessThanOrEqual(40);
  });

  it('backs off on simultaneous-call 429s (callExpiresOnCompletion) and still answers every order', { timeout: 60_000 }, async () => {
    const { sandbox, adapter } = await setup({
      sandbox: { maxSimultaneous: 2, latencyMs: 30 },
      config: { maxConcurrentCalls: 6 },
    });
    const orders = await Promise.all(Array.from({ length: 12 }, () => place(adapter)));
    const updates = await adapter.refresh!(orders);
    expect(updates.filter((u) => u.status === 'invited')).toHaveLength(12);
    expect(sandbox.counters().throttled).toBeGreaterThan(0);
    expect(sandbox.counters().invitationsSent).toBe(12);
  });

  it('stops at Berke’s daily limit with a retryable error carrying how long to wait, and calls no more until then', async () => {
    const { adapter, sandbox } = await setup({ sandbox: { dailyLimit: 2 }, config: { maxThrottleWaitMs: 1000 } });
    const order = await place(adapter);
    const err = await rejection(adapter.launchUrl(order));
    expect(err).toMatchObject({ retryable: true, code: 'vendor_rate_limited' });
    expect(err.retryAfterMs).toBeGreaterThan(0);
    const calls = sandbox.counters().calls['GetAssessmentStatus'];
    const t0 = Date.now();
    const again = await rejection(adapter.refresh!([order]));
    expect(Date.now() - t0).toBeLessThan(200);
    expect(again).toMatchObject({ retryable: true, code: 'vendor_rate_limited' });
    expect(again.retryAfterMs).toBeGreaterThan(1000);
    expect(sandbox.counters().calls['GetAssessmentStatus']).toBe(calls);
  });
});
