import type { Order, OrderEvent } from '@ca/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBff, testTenant, type TestBff } from '../../../testing/harness.js';
import type { PackageConfig } from '../../core/vendor-port.js';
import { startBerkeSandbox, type BerkeSandbox } from '@ca/sandboxes';

const packages: PackageConfig[] = [
  { id: 'berke-sales', vendor: 'berke', name: 'Sales personality', sourceJobId: 'sales-rep' },
  { id: 'berke-typo', vendor: 'berke', name: 'Mistyped job', sourceJobId: 'sales-repp' },
];
const two: PackageConfig[] = [
  { id: 'berke-sales', vendor: 'berke', name: 'Sales personality', sourceJobId: 'sales-rep' },
  { id: 'berke-support', vendor: 'berke', name: 'Support personality', sourceJobId: 'customer-support' },
];
const WRONG_TOKEN = 'wrong-Berke-Token-42';

/**
 * One BFF for the file (each start loads a database: seconds of CPU), each case a tenant of its own with a Berke
 * sandbox of its own: `acme` the plain one, `wrongtoken` one configured with a token the sandbox refuses, `xml` one
 * that answers UTF-16 XML without anonymous reports, `fit5` a plain one for the "Not Enough Assessment Data" case.
 */
const sandboxes = {} as Record<'acme' | 'wrongtoken' | 'xml' | 'fit5', BerkeSandbox>;
let bff: TestBff;

beforeAll(async () => {
  sandboxes.acme = await startBerkeSandbox();
  sandboxes.wrongtoken = await startBerkeSandbox();
  // A server that answers its default XML whatever formatOutput says, as UTF-16 without a BOM or charset.
  sandboxes.xml = await startBerkeSandbox({ anonymousReports: false, xmlCharset: 'utf-16-nobom', ignoreFormatOutput: true });
  sandboxes.fit5 = await startBerkeSandbox();
  const tenant = (id: string, sandbox: BerkeSandbox, apiToken: string, pkgs: PackageConfig[]) =>
    testTenant(id, { vendors: { berke: { baseUrl: sandbox.baseUrl, apiToken } }, packages: pkgs });
  bff = await startTestBff({
    vendors: { berke: { baseUrl: sandboxes.acme.baseUrl, apiToken: sandboxes.acme.apiToken } },
    packages,
    extraTenants: {
      wrongtoken: tenant('wrongtoken', sandboxes.wrongtoken, WRONG_TOKEN, packages),
      xml: tenant('xml', sandboxes.xml, sandboxes.xml.apiToken, two),
      fit5: tenant('fit5', sandboxes.fit5, sandboxes.fit5.apiToken, two),
    },
  });
});
afterAll(async () => {
  await bff?.stop();
  await Promise.all(Object.values(sandboxes).map((s) => s.stop()));
});

describe('Berke through the BFF', () => {
  let sandbox: BerkeSandbox;
  beforeAll(() => {
    sandbox = sandboxes.acme;
  });

  it('takes an order from invited to scored with job fits, every step over SSE, inviting once', { timeout: 60_000 }, async () => {
    const candidateId = 'cand-berke-1';
    const recruiter = await bff.token({ role: 'recruiter', candidateId });
    const candidate = await bff.token({ role: 'candidate', candidateId });
    const sse = await bff.sse(recruiter);
    const seen = (id: string, pred: (o: Order) => boolean) =>
      sse.waitFor((e: OrderEvent) => e.order.id === id && pred(e.order), 15_000).then((e) => e.order);

    const order = await bff.order('berke-sales', { token: recruiter });
    const invited = await seen(order.id, (o) => o.status === 'invited');
    expect(invited.vendorStatus).toBe('5');
    const ref = invited.vendorRef!;
    expect(sandbox.candidate(ref)).toMatchObject({ statusId: 5, firstName: expect.any(String) });

    // The candidate follows the launch link to the Berke page and starts.
    const launch = await bff.followLink(order.id, 'launch', candidate);
    expect(launch).toBe(sandbox.candidate(ref)!.launchUrl);
    const page = await fetch(launch);
    expect(await page.text()).toContain('Start assessment');
    const press = (action: string) => fetch(`${launch}/${action}`, { method: 'POST', redirect: 'manual' });
    expect((await press('start')).status).toBe(303);
    await bff.pollNow('berke');
    await seen(order.id, (o) => o.status === 'in_progress');

    expect((await press('progress')).status).toBe(303);
    await bff.pollNow('berke');
    const progressed = await seen(order.id, (o) => o.status === 'in_progress' && o.progress === 25);
    expect(progressed.progress).toBe(25);

    // Finishing redirects the browser to our return URL, which checks the order at once (no poll asked for).
    const finish = await press('finish');
    expect(finish.status).toBe(303);
    const returnUrl = finish.headers.get('location')!;
    expect(returnUrl.startsWith(`${bff.url}/return/berke/acme/`)).toBe(true);
    expect(sandbox.candidate(ref)!.redirectUrl!.length).toBeLessThanOrEqual(150);
    expect(returnUrl.startsWith(`${sandbox.candidate(ref)!.redirectUrl!}?code=`)).toBe(true);
    const thanks = await fetch(returnUrl);
    expect(thanks.status).toBe(200);
    expect(await thanks.text()).toMatch(/thank you/i);
    await seen(order.id, (o) => o.status === 'completed');

    await sandbox.advance(ref, 'score', { fitPct: 0.74 });
    await bff.pollNow('berke');
    const scored = await seen(order.id, (o) => o.status === 'scored');
    expect(scored.result).toMatchObject({ score: 74, level: 'high', reportAvailable: true });
    expect(scored.result!.jobFits[0]).toEqual({
      job: 'Sales Representative',
      jobId: 'sales-rep',
      fitPct: 74,
      level: 'high',
      primary: true,
    });
    expect(scored.result!.jobFits).toHaveLength(3);

    const report = await bff.followLink(order.id, 'report', recruiter);
    expect(report.startsWith(`${sandbox.url}/GetReport/`)).toBe(true);
    expect((await fetch(report)).status).toBe(200);

    for (let i = 0; i < 3; i++) await bff.pollNow('berke');
    const counters = sandbox.counters();
    expect(counters.calls['PerformAssessment']).toBe(1);
    expect(sandbox.candidate(ref)!.invitationsSent).toBe(1);

    const statuses = sse.events.filter((e) => e.order.id === order.id).map((e) => e.order.status);
    expect([...new Set(statuses)]).toEqual(['requested', 'invited', 'in_progress', 'completed', 'scored']);
    const wire = JSON.stringify(sse.events);
    expect(wire).not.toContain(sandbox.apiToken);
    expect(wire).not.toContain('/GetReport/');
    expect(wire).not.toContain('reportUrl');
    sse.close();
  });

  it('fails an order for an unknown sourceJobId with the vendor message', { timeout: 30_000 }, async () => {
    const token = await bff.token({ role: 'recruiter', candidateId: 'cand-berke-2' });
    const order = await bff.order('berke-typo', { token });
    const failed = await bff.waitForOrder(order.id, (o) => o.status === 'failed', 15_000);
    expect(failed.error!.message).toContain('The SourceJobId you passed in was not found');
    expect(failed.error!.message).toContain('sourceJobId=[sales-repp]');
  });

  it('writes the API token into no log line', () => {
    expect(bff.logLines.length).toBeGreaterThan(0);
    expect(bff.logLines.join('\n')).not.toContain(sandbox.apiToken);
  });
});

describe('Berke through the BFF with a wrong API token', () => {
  it('fails the order with the vendor message and never shows the token', { timeout: 60_000 }, async () => {
    const wrong = WRONG_TOKEN;
    const token = await bff.token({ role: 'recruiter', candidateId: 'cand-berke-3', tenantId: 'wrongtoken' });
    const order = await bff.order('berke-sales', { token });
    const failed = await bff.waitForOrder(order.id, (o) => o.status === 'failed', 15_000, token);
    expect(failed.error!.message).toContain('API key is invalid or inactive');
    const res = await bff.api(`/v1/orders/${order.id}`, { token });
    const body = await res.text();
    expect(body).toContain('invalid or inactive');
    expect(body).not.toContain(wrong);
    expect(bff.logLines.join('\n')).not.toContain(wrong);
  });
});

describe('Berke with anonymous reports disabled and UTF-16 XML answers, through the BFF', () => {
  let sandbox: BerkeSandbox;
  beforeAll(() => {
    sandbox = sandboxes.xml;
  });

  it('gives a second package of the same candidate the same assessment, scored for its own job, and streams the report from GetReportForJob', { timeout: 60_000 }, async () => {
    const candidateId = 'ats-cand-7';
    const recruiter = await bff.token({ role: 'recruiter', candidateId, tenantId: 'xml' });
    const first = await bff.waitForOrder((await bff.order('berke-sales', { token: recruiter })).id, (o) => o.status === 'invited', 15_000, recruiter);
    const second = await bff.waitForOrder((await bff.order('berke-support', { token: recruiter })).id, (o) => o.status === 'invited', 15_000, recruiter);
    // docs/vendors/berke.md#performassessment: sourceCandidateId is the ATS candidate id; one Berke assessment for both packages.
    expect([first.vendorRef, second.vendorRef]).toEqual([candidateId, candidateId]);
    expect(sandbox.candidates()).toHaveLength(1);
    expect(sandbox.candidate(candidateId)).toMatchObject({ sourceJobId: 'sales-rep', invitationsSent: 2 });
    expect(sandbox.counters().calls['PerformAssessment']).toBe(2);

    await sandbox.advance(candidateId, 'score', { fitPct: 0.81 });
    await bff.pollNow('berke');
    const a = await bff.waitForOrder(first.id, (o) => o.status === 'scored', 15_000, recruiter);
    const b = await bff.waitForOrder(second.id, (o) => o.status === 'scored', 15_000, recruiter);
    expect(a.result?.jobFits[0]).toMatchObject({ jobId: 'sales-rep', primary: true, fitPct: 81, level: 'high' });
    expect(b.result?.jobFits[0]).toMatchObject({ jobId: 'customer-support', primary: true });
    expect(b.result?.score).toBe(b.result?.jobFits[0]?.fitPct);
    expect(b.result?.reportAvailable).toBe(true);

    // A third package for a candidate who already finished: no PerformAssessment, no invitation, scored at once.
    const calls = sandbox.counters().calls['PerformAssessment'];
    const third = await bff.waitForOrder((await bff.order('berke-sales', { token: recruiter })).id, (o) => o.status === 'scored', 15_000, recruiter);
    expect(third.result?.jobFits[0]).toMatchObject({ jobId: 'sales-rep', fitPct: 81 });
    expect(sandbox.counters().calls['PerformAssessment']).toBe(calls);

    // reportUrl is empty (anonymous access disabled): the BFF fetches GetReportForJob and streams the PDF.
    const res = await bff.api(`/v1/orders/${second.id}/links`, { method: 'POST', token: recruiter, body: JSON.stringify({ kind: 'report' }) });
    const { url } = (await res.json()) as { url: string };
    const doc = await fetch(url, { redirect: 'manual' });
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toBe('application/pdf');
    expect(doc.headers.get('content-disposition')).toBe('inline; filename="berke-report-customer-support.pdf"');
    expect(doc.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect(doc.headers.get('cache-control')).toBe('no-store');
    const body = await doc.text();
    expect(body.startsWith('%PDF-')).toBe(true);
    expect(body).toContain('Customer Support Agent');
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(410);
    expect(sandbox.counters().calls['GetReportForJob']).toBe(1);
    const candidate = await bff.token({ role: 'candidate', candidateId, tenantId: 'xml' });
    const refused = await bff.api(`/v1/orders/${second.id}/links`, { method: 'POST', token: candidate, body: JSON.stringify({ kind: 'report' }) });
    expect(refused.status).toBe(403);
  });
});

describe('Berke through the BFF: a job the assessment measured too little for', () => {
  let sandbox: BerkeSandbox;
  beforeAll(() => {
    sandbox = sandboxes.fit5;
  });

  it('shows the recruiter "Not Enough Assessment Data" on a second package (fitId 5), not an empty score', { timeout: 60_000 }, async () => {
    const candidateId = 'cand-berke-fit5';
    const recruiter = await bff.token({ role: 'recruiter', candidateId, tenantId: 'fit5' });
    const sse = await bff.sse(recruiter);
    const seen = (id: string, pred: (o: Order) => boolean) =>
      sse.waitFor((e: OrderEvent) => e.order.id === id && pred(e.order), 15_000).then((e) => e.order);
    const first = await bff.order('berke-sales', { token: recruiter });
    const ref = (await seen(first.id, (o) => o.status === 'invited')).vendorRef!;
    await sandbox.advance(ref, 'score', { notEnoughDataFor: ['customer-support'] });

    const second = await bff.order('berke-support', { token: recruiter });
    const scored = await seen(second.id, (o) => o.status === 'scored');
    expect(scored.result!.score).toBeUndefined();
    expect(scored.result!.flags).toContainEqual(
      expect.objectContaining({ code: 'job_fit_unavailable', value: 'Not Enough Assessment Data', severity: 'warning' }),
    );
    expect(scored.result!.jobFits[0]).toMatchObject({ jobId: 'customer-support', primary: true });
    expect(sandbox.candidate(ref)!.invitationsSent).toBe(1); // the finished candidate is not invited again
  });
});
