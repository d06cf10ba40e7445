// Berke scores and completions as the public method pages lay them out (docs/vendors/berke.md#completed-assessments),
// against the sandbox: scores never from a status answer, every page of the completion window read, fitId 5 said to
// the recruiter, a look-up answer that is not clearly "not found" not holding the placement, and the contract check.
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestContext, makeTestOrder, type TestContext } from '../../../testing/vendor-context.js';
import type { PackageConfig, StatusUpdate, VendorOrder } from '../../core/vendor-port.js';
import berke, { type BerkeAdapter } from './adapter.js';
import { startBerkeSandbox, type BerkeSandbox, type BerkeSandboxOptions } from '@ca/sandboxes';

const sales: PackageConfig = { id: 'berke-sales', vendor: 'berke', name: 'Sales personality', sourceJobId: 'sales-rep' };
const support: PackageConfig = { id: 'berke-support', vendor: 'berke', name: 'Support fit', sourceJobId: 'customer-support' };

const running: BerkeSandbox[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** A fetch in front of the sandbox that may answer a method itself (a Berke that answers differently). */
type Intercept = (method: string, body: Record<string, unknown>) => Response | null;

/** The adapter's clock runs this far ahead of the real one (the adapter shares one bulk read for 30 s). */
const skew = { ms: 0 };
afterEach(() => {
  skew.ms = 0;
});

async function setup(o: { sandbox?: BerkeSandboxOptions; config?: Record<string, unknown>; intercept?: Intercept } = {}) {
  const sandbox = await startBerkeSandbox({ apiToken: 'sandbox-Token-0123456789', ...o.sandbox });
  running.push(sandbox);
  const ctx: TestContext = makeTestContext({
    vendor: 'berke',
    config: { baseUrl: sandbox.baseUrl, apiToken: sandbox.apiToken, ...o.config },
    packages: [sales, support],
    now: () => new Date(Date.now() + skew.ms),
  });
  const real = ctx.fetch;
  ctx.fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const method = String(url).split('/').pop()!;
    const answer = o.intercept?.(method, JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>);
    return answer ?? real(url, init);
  }) as typeof fetch;
  return { sandbox, ctx, adapter: berke(ctx) as BerkeAdapter };
}

async function place(adapter: BerkeAdapter, pkg = sales, over: Partial<VendorOrder> = {}): Promise<VendorOrder> {
  const order = makeTestOrder(pkg, over);
  const placed = await adapter.placeOrder(order);
  return { ...order, vendorRef: placed.vendorRef, vendorData: placed.vendorData ?? {}, status: placed.change.status };
}

const statusOf = (updates: StatusUpdate[], order: VendorOrder) =>
  updates.filter((u) => 'orderId' in u.match && u.match.orderId === order.id).map((u) => u.status);

describe('Berke scores and completions in the documented layouts', () => {
  it('reads the scores with GetCompletedAssessment after a complete status, never from the status answer', async () => {
    // The bulk read fails (Berke down for that method): the order is found complete by its status alone.
    const { sandbox, adapter } = await setup({
      intercept: (m) => (m === 'GetCompletedAssessments' ? new Response('busy', { status: 503, headers: { 'x-response-code': '503.1500' } }) : null),
    });
    const order = await place(adapter);
    await sandbox.advance(order.vendorRef!, 'score', { fitPct: 0.82 });
    const updates = await adapter.refresh!([order]);
    const scored = updates.find((u) => u.status === 'scored');
    // Before: the status answer's jobFitScoresAvailable made the order scored with no fits and no score.
    expect(scored?.result).toMatchObject({ score: 82, level: 'high' });
    expect(scored!.result!.jobFits).toHaveLength(3);
    expect(sandbox.calls()['GetCompletedAssessment']).toBe(1);
  });

  it('reads every page of the completion window: a candidate on page 3 is scored, and a failed page is read again before the window moves', async () => {
    let failPage2 = true;
    const { sandbox, adapter } = await setup({
      config: { statusChecksPerCycle: 0, rateLimit: { calls: 100_000, perMs: 1000 } },
      sandbox: { burstLimit: { calls: 10_000, perMs: 1000 } },
      intercept: (m, body) => {
        if (m === 'GetCompletedAssessments' && body['page'] === 2 && failPage2) {
          failPage2 = false;
          return new Response('', { status: 503, headers: { 'x-response-code': '503.1500' } });
        }
        return null;
      },
    });
    const orders = await Promise.all(Array.from({ length: 120 }, () => place(adapter)));
    for (const o of orders) await sandbox.advance(o.vendorRef!, 'score');
    const last = orders.at(-1)!; // completed last: page 3 of 3
    sandbox.resetCalls();
    const first = await adapter.refresh!(orders);
    expect(statusOf(first, last)).toEqual([]); // page 2 failed: pages 2 and 3 not read yet
    // The next cycle (the shared bulk read expires after 30 s) resumes at page 2 of the same window.
    skew.ms = 31_000;
    const later = await adapter.refresh!(orders);
    expect(statusOf(later, last)).toContain('scored');
    const scored = new Set([...first, ...later].filter((u) => u.status === 'scored').map((u) => ('orderId' in u.match ? u.match.orderId : '')));
    expect(scored.size).toBe(120);
    // Page 1; page 2 refused in front of the sandbox; next cycle pages 2 and 3 of the same window, not page 1 again.
    expect(sandbox.calls()['GetCompletedAssessments']).toBe(1 + 2);
  });

  it('tells the recruiter "Not Enough Assessment Data" for a second package whose job measured too little (fitId 5)', async () => {
    const { sandbox, adapter } = await setup();
    const first = await place(adapter, sales);
    await sandbox.advance(first.vendorRef!, 'score', { notEnoughDataFor: ['customer-support'] });
    const second = await adapter.placeOrder(makeTestOrder(support, { candidateId: first.candidateId }));
    expect(second.change.status).toBe('scored');
    const result = second.change.result!;
    expect(result.score).toBeUndefined();
    expect(result.flags).toContainEqual(expect.objectContaining({ code: 'job_fit_unavailable', value: 'Not Enough Assessment Data', severity: 'warning' }));
    expect(result.jobFits[0]).toMatchObject({ jobId: 'customer-support', primary: true });
    expect(sandbox.calls()['PerformAssessment']).toBe(1); // the finished candidate is not invited again
  });

  it('goes on placing when the look-up answers something that is not an assessment and not an outage, and reports the shape once', async () => {
    const { sandbox, adapter, ctx } = await setup({
      intercept: (m) =>
        m === 'GetAssessmentStatus'
          ? new Response('<?xml version="1.0"?><berkeResponse status="ok" responseCode="200"><assessmentStatus /></berkeResponse>', {
              status: 200,
              headers: { 'x-response-code': '200.0', 'content-type': 'text/xml' },
            })
          : null,
    });
    // Before: a retryable error, the same answer every retry, until the placement gave up.
    const order = await place(adapter);
    expect(order.status).toBe('invited');
    expect(sandbox.calls()['PerformAssessment']).toBe(1);
    expect(ctx.drifts).toEqual([expect.objectContaining({ call: 'GetAssessmentStatus' })]);
  });
});

describe('Berke contract check', () => {
  it('holds every exercised assumption against the sandbox, pages included', async () => {
    const { sandbox, adapter } = await setup({ sandbox: { burstLimit: { calls: 10_000, perMs: 1000 } }, config: { rateLimit: { calls: 100_000, perMs: 1000 } } });
    const orders = await Promise.all(Array.from({ length: 60 }, () => place(adapter)));
    for (const o of orders) await sandbox.advance(o.vendorRef!, 'score');
    const callsBefore = sandbox.counters().invitationsSent;
    const contract = adapter.contract!();
    const findings = await contract.check();
    expect(findings.map((f) => f.assumption)).toEqual(contract.assumptions.map((a) => a.id));
    expect(findings.filter((f) => f.verdict !== 'held')).toEqual([]);
    expect(sandbox.counters().invitationsSent).toBe(callsBefore); // read-only
    expect(sandbox.calls()['PerformAssessment']).toBe(60);
  });

  it('reports the contradiction, with a redacted sample, against a sandbox with an altered GetCompletedAssessments', async () => {
    const { sandbox, adapter } = await setup({ sandbox: { contractShape: 'altered' } });
    const order = await place(adapter);
    await sandbox.advance(order.vendorRef!, 'score');
    const findings = await adapter.contract!().check();
    const layout = findings.find((f) => f.assumption === 'berke.completed.layout')!;
    expect(layout.verdict).toBe('contradicted');
    expect(layout.sample).toContain('completedAssessments');
    expect(layout.sample).not.toContain(order.candidate.email);
    expect(layout.sample).not.toContain(sandbox.apiToken);
    expect(layout.sample).not.toContain(order.vendorRef!); // the ATS candidate id
    expect(layout.sample).toContain('"invitationCode":"[redacted]"');
    expect(findings.find((f) => f.assumption === 'berke.auth')!.verdict).toBe('held');
  });
});
