// The Berke sandbox over HTTP against the samples of the PerformAssessment doc (docs/vendors/berke.md#fixtures): fields, headers, throttling, the control API, outages.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerkeSandbox, type BerkeSandbox } from './server.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const keys = (o: unknown) => Object.keys(o as object).sort();
/** The attribute names of the first `<element …>` of an XML text, sorted. */
const attrNames = (xml: string, element: string) => {
  const tag = new RegExp(`<${element}\\s([^>]*)>`).exec(xml)?.[1] ?? '';
  return [...tag.matchAll(/([A-Za-z_][\w.-]*)="/g)].map((m) => m[1]).sort();
};

describe('Berke sandbox', () => {
  let sandbox: BerkeSandbox;
  const call = (method: string, body: Record<string, unknown>) =>
    fetch(`${sandbox.baseUrl}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiToken: sandbox.apiToken, ...body }),
    });
  const perform = (id: string, extra: Record<string, unknown> = {}) =>
    call('PerformAssessment', {
      sourceCandidateId: id,
      emailAddress: 'grace@example.com',
      firstName: 'Grace',
      lastName: 'Hopper',
      sourceJobId: 'sales-rep',
      ...extra,
    });

  beforeAll(async () => {
    sandbox = await startBerkeSandbox({ burstLimit: { calls: 30, perMs: 60_000 } });
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  it('answers PerformAssessment with the fields of the documented JSON sample', async () => {
    const res = await perform('Cand-1', { formatOutput: 'json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-response-code')).toBe('200.0');
    const body = (await res.json()) as Record<string, unknown>;
    const seed = JSON.parse(fixture('perform-assessment-scored.json')) as Record<string, unknown>;
    expect(keys(body)).toEqual(keys(seed));
    expect(keys(body['assessmentStatus'])).toEqual(keys(seed['assessmentStatus']));
    const fits = body['jobFit'] as Record<string, unknown>[];
    expect(keys(fits[0])).toEqual(keys((seed['jobFit'] as unknown[])[0]));
    expect(body['assessmentStatus']).toMatchObject({ statusId: 5, jobFitScoresAvailable: false, percentComplete: 0 });
    expect(fits.map((f) => f['fitPct'])).toEqual([-1, -1, -1]);
  });

  it('answers XML by default, shaped like the documented XML sample', async () => {
    const res = await perform('cand-1');
    expect(res.headers.get('content-type')).toContain('text/xml');
    const text = await res.text();
    expect(text.startsWith('<?xml version="1.0" encoding="utf-16"?>\n<berkeResponse status="ok" responseCode="200">')).toBe(true);
    const seed = fixture('perform-assessment-scored.xml');
    expect(attrNames(text, 'assessmentStatus')).toEqual(attrNames(seed, 'assessmentStatus'));
    expect(attrNames(text, 'jobFit')).toEqual(attrNames(seed, 'jobFit'));
    expect(attrNames(text, 'assessmentStatus')).toContain('invitationCode');
  });

  it('treats sourceCandidateId case-insensitively and counts one invitation per PerformAssessment call', async () => {
    expect(sandbox.candidates()).toHaveLength(1);
    expect(sandbox.candidate('CAND-1')).toMatchObject({ sourceCandidateId: 'Cand-1', invitationsSent: 2 });
    const res = await call('GetAssessmentStatus', { sourceCandidateId: 'cAnD-1', formatOutput: 'json' });
    expect(res.status).toBe(200);
    expect(sandbox.candidate('cand-1')!.invitationsSent).toBe(2);
  });

  it('refuses a change of sourceJobId, an unknown candidate and a bad token the way Berke does', async () => {
    const changed = await perform('cand-1', { sourceJobId: 'customer-support', formatOutput: 'json' });
    expect(changed.status).toBe(400);
    expect(((await changed.json()) as { status: string }).status).not.toBe('ok');

    const unknown = await call('GetAssessmentStatus', { sourceCandidateId: 'nobody', formatOutput: 'json' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-response-code')).toBe('404.1050');

    const bad = await fetch(`${sandbox.baseUrl}/GetAssessmentStatus`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ apiToken: 'nope', sourceCandidateId: 'cand-1' }),
    });
    expect(bad.status).toBe(403);
    expect(bad.headers.get('x-response-code')).toBe('403.1003');
    expect(bad.headers.get('x-response-message')).toBe("API key 'nope' is invalid or inactive");
    const xml = await bad.text();
    expect(xml).toContain('<berkeResponse status="error"');
  });

  it('advances a candidate over the control API and reports counters', async () => {
    const advance = (step: string, extra: Record<string, unknown> = {}) =>
      fetch(`${sandbox.url}/_sandbox/candidates/cand-1/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ step, ...extra }),
      });
    expect((await advance('progress', { percent: 60 })).status).toBe(200);
    expect(sandbox.candidate('cand-1')).toMatchObject({ statusId: 1, percentComplete: 60 });
    expect((await advance('fly')).status).toBe(400);
    const scored = (await (await advance('score', { fitPct: 0.2 })).json()) as Record<string, unknown>;
    expect(scored).toMatchObject({ statusId: 2, percentComplete: 100, scored: true });

    const list = (await (await fetch(`${sandbox.url}/_sandbox/candidates`)).json()) as { candidates: unknown[] };
    expect(list.candidates).toHaveLength(1);
    const counters = (await (await fetch(`${sandbox.url}/_sandbox/counters`)).json()) as Record<string, unknown>;
    expect(counters).toMatchObject({ calls: { PerformAssessment: 3, GetAssessmentStatus: 3 }, throttled: 0, invitationsSent: 2 });
  });

  it('sends the documented 429 body once the burst limit is used up', async () => {
    const used = sandbox.counters().accepted.length;
    for (let i = used; i < 30; i++) await call('GetJobs', { formatOutput: 'json' });
    const res = await call('GetJobs', { formatOutput: 'json' });
    expect(res.status).toBe(429);
    const body = (await res.json()) as Record<string, unknown>;
    expect(keys(body)).toEqual(keys(JSON.parse(fixture('throttled-429.json'))));
    expect(body).toMatchObject({
      responseCode: '429',
      isDailyLimit: false,
      callExpiresOnCompletion: false,
      maximumCallsPerTimeFrame: 30,
      timeFrameMilliseconds: 60_000,
      countCallsExceeded: 1,
    });
    expect(body['estimatedMillisecondsToNextAllowedCall']).toBeGreaterThan(0);
    const xml = await (await call('GetJobs', {})).text();
    expect(attrNames(xml, 'berkeResponse')).toEqual(attrNames(fixture('throttled-429.xml'), 'berkeResponse'));
    expect(sandbox.counters().throttled).toBe(2);
  });
});

describe('Berke sandbox outages and call counts', () => {
  let sandbox: BerkeSandbox;
  beforeAll(async () => {
    sandbox = await startBerkeSandbox();
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  const jobs = (signal?: AbortSignal) =>
    fetch(`${sandbox.baseUrl}/GetJobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiToken: sandbox.apiToken, formatOutput: 'json' }),
      ...(signal ? { signal } : {}),
    });

  it('answers 503.1500 on error, never on hang, closes the socket on drop, and recovers on none', async () => {
    await sandbox.outage('error');
    const down = await jobs();
    expect(down.status).toBe(503);
    expect(down.headers.get('x-response-code')).toBe('503.1500');
    await sandbox.outage('hang');
    expect(await jobs(AbortSignal.timeout(300)).then(() => 'answered', (e: Error) => e.name)).toBe('TimeoutError');
    await sandbox.outage('drop');
    expect(await jobs().then(() => 'answered', (e: Error) => (e.cause as { code?: string } | undefined)?.code ?? e.name)).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    await sandbox.outage('none');
    expect((await jobs()).status).toBe(200);
  });

  it('counts every call per method, and moves a candidate by vendorRef', async () => {
    sandbox.resetCalls();
    await jobs();
    await fetch(`${sandbox.baseUrl}/PerformAssessment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiToken: sandbox.apiToken, sourceCandidateId: 'c-9', emailAddress: 'c9@example.com', firstName: 'C', lastName: 'Nine' }),
    });
    expect(sandbox.calls()).toEqual({ GetJobs: 1, PerformAssessment: 1 });
    expect(await sandbox.advance('c-9', 'complete')).toMatchObject({ statusId: 2 });
    await expect(sandbox.advance('nobody', 'start')).rejects.toMatchObject({ name: 'StepRefused' });
  });
});

describe('Berke sandbox: status and completed assessments as the public method pages lay them out', () => {
  let sandbox: BerkeSandbox;
  const call = async (method: string, body: Record<string, unknown>) => {
    const res = await fetch(`${sandbox.baseUrl}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiToken: sandbox.apiToken, ...body }),
    });
    return { res, text: await res.text() };
  };
  beforeAll(async () => {
    sandbox = await startBerkeSandbox({ burstLimit: { calls: 10_000, perMs: 1000 } });
    for (let i = 0; i < 55; i++) {
      await call('PerformAssessment', { sourceCandidateId: `c-${i}`, emailAddress: `c${i}@example.com`, firstName: 'C', lastName: `${i}` });
      await sandbox.advance(`c-${i}`, 'score');
    }
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  it('answers GetAssessmentStatus with the status only: the scores come from GetCompletedAssessment', async () => {
    const { text } = await call('GetAssessmentStatus', { sourceCandidateId: 'c-0', formatOutput: 'json' });
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body['assessmentStatus']).toMatchObject({ statusId: 2, jobFitScoresAvailable: true });
    expect(body['jobFit']).toBeUndefined();
  });

  it('answers GetCompletedAssessment with the attributes and layout of its public sample', async () => {
    const { text } = await call('GetCompletedAssessment', { sourceCandidateId: 'c-0' });
    const seed = fixture('completed-assessment.xml');
    expect(attrNames(text, 'assessment')).toEqual(attrNames(seed, 'assessment'));
    expect(attrNames(text, 'jobFit')).toEqual(attrNames(seed, 'jobFit'));
    expect(text).not.toContain('jobFitList');
    const json = JSON.parse((await call('GetCompletedAssessment', { sourceCandidateId: 'c-0', formatOutput: 'json' })).text) as Record<string, any>;
    const jsonSeed = JSON.parse(fixture('completed-assessment.json')) as Record<string, any>;
    expect(keys(json['assessment'])).toEqual(keys(jsonSeed['assessment']));
  });

  it('answers GetCompletedAssessments 50 to a page with the paging attributes of its public sample', async () => {
    const from = Math.floor(Date.now() / 1000) - 3600;
    const first = (await call('GetCompletedAssessments', { dateFromUtc: from })).text;
    const seed = fixture('completed-assessments.xml');
    expect(attrNames(first, 'assessments')).toEqual(attrNames(seed, 'assessments'));
    expect(attrNames(first, 'assessment')).toEqual(attrNames(seed, 'assessment'));
    expect(first).toMatch(/totalAssessments="55" currentPageAssessments="50" currentPage="1" totalPages="2" maxAssessmentsPerPage="50"/);
    const second = JSON.parse((await call('GetCompletedAssessments', { dateFromUtc: from, page: 2, formatOutput: 'json' })).text) as Record<string, any>;
    expect(keys(second['assessments'])).toEqual(keys((JSON.parse(fixture('completed-assessments.json')) as Record<string, any>)['assessments']));
    expect(second['assessments']).toMatchObject({ currentPage: 2, currentPageAssessments: 5, dateFromUtc: from });
  });
});
