// The sandbox itself over HTTP: Mettl's signature checks and error bodies, the control API, the candidate page,
// outages and call counts. Requests are signed with the documented recipe (./signature.ts), not the BFF's signer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMettlSandbox, type MettlSandbox } from './server.js';
import { expectedAsgn, expectedStringToSign } from './signature.js';

/** `ak`, `ts` and `asgn` added to `params`, form-encoded (every value percent-encoded). */
function signed(method: string, endpointUrl: string, params: Record<string, string>, o: { ak: string; pk: string; ts: number }): string {
  const all = new Map(Object.entries({ ...params, ak: o.ak, ts: String(o.ts) }));
  all.set('asgn', expectedAsgn(o.pk, expectedStringToSign(method, endpointUrl, all)));
  return [...all].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

describe('Mettl sandbox', () => {
  let sb: MettlSandbox;
  let accessKey: string;
  let candidateUrl: string;
  const email = 'lin+sandbox@example.com';

  beforeAll(async () => {
    sb = await startMettlSandbox({ autoGradeMs: false });
    const post = async (path: string, params: Record<string, string>) => {
      const endpointUrl = `${sb.baseUrl}${path}`;
      const body = signed('POST', endpointUrl, params, { ak: sb.publicKey, pk: sb.privateKey, ts: Math.floor(Date.now() / 1000) });
      const res = await fetch(endpointUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      return (await res.json()) as Record<string, any>;
    };
    const created = await post('/assessments/123456/schedules', { sc: JSON.stringify({ name: 'sandbox test', sourceApp: 'tests', access: { type: 'OpenForAll' } }) });
    accessKey = created.createdSchedule.accessKey;
    const reg = await post(`/schedules/${accessKey}/candidates`, { rd: JSON.stringify({ registrationDetails: [{ 'Email Address': email, 'First Name': 'Lin' }] }) });
    candidateUrl = reg.registrationStatus[0].url;
  });
  afterAll(async () => {
    await sb.stop();
  });

  const signedUrl = (path: string, o: { ak?: string; pk?: string; ts?: number } = {}) => {
    const endpointUrl = `${sb.baseUrl}${path}`;
    return `${endpointUrl}?${signed('GET', endpointUrl, {}, { ak: o.ak ?? sb.publicKey, pk: o.pk ?? sb.privateKey, ts: o.ts ?? Math.floor(Date.now() / 1000) })}`;
  };

  it.each([
    ['a wrong signature', { pk: 'wrong' }, 401, 'E401', 'Authentication failed/Signature Mismatch'],
    ['an unknown public key', { ak: 'nobody' }, 403, 'E403', 'Access denied. The API key is not authorized for requested resource/action'],
    ['a timestamp older than 24 hours', { ts: Math.floor(Date.now() / 1000) - 25 * 3600 }, 400, 'E504', 'Invalid Timestamp'],
  ])('answers %s with Mettl\'s error body', async (_what, o, http, code, message) => {
    const res = await fetch(signedUrl('/account', o));
    expect(res.status).toBe(http);
    expect(await res.json()).toEqual({ status: 'ERROR', error: { code, message } });
  });

  it('accepts a correctly signed call, and checks the percent-encoded email path as sent', async () => {
    const ok = await fetch(signedUrl('/account'));
    expect(await ok.json()).toMatchObject({ status: 'SUCCESS' });
    const result = await fetch(signedUrl(`/schedules/${accessKey}/candidates/${encodeURIComponent(email)}`));
    expect(await result.json()).toMatchObject({ status: 'SUCCESS', candidate: { email, testStatus: { status: 'ToBeTaken' } } });
    // Signed for the raw "+" but sent encoded: not the URL as called, so refused.
    const endpoint = `${sb.baseUrl}/schedules/${accessKey}/candidates/lin+sandbox@example.com`;
    const query = signed('GET', endpoint, {}, { ak: sb.publicKey, pk: sb.privateKey, ts: Math.floor(Date.now() / 1000) });
    const mismatched = await fetch(`${sb.baseUrl}/schedules/${accessKey}/candidates/${encodeURIComponent(email)}?${query}`);
    expect(mismatched.status).toBe(401);
  });

  it('serves a candidate page without script, with forms, once per link', async () => {
    const opened = await fetch(candidateUrl, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const page = await fetch(new URL(opened.headers.get('location')!, candidateUrl));
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).toMatch(/<form method="post" action="\/take\/[^"]+\/start">/);
    expect((await fetch(candidateUrl, { redirect: 'manual' })).status).toBe(410);
  });

  it('moves a candidate on through the control API and reports counters', async () => {
    const control = (action: string, body: unknown = {}) =>
      fetch(`${sb.url}/_sandbox/candidates/${accessKey}/${encodeURIComponent(email)}/${action}`, { method: 'POST', body: JSON.stringify(body) });
    // No notification URLs on this schedule: the steps happen, nothing is sent.
    expect(await (await control('start')).json()).toEqual({ deliveries: [] });
    expect((await control('grade')).status).toBe(409);
    expect((await control('teleport')).status).toBe(404);
    expect((await control('expire')).status).toBe(200);
    expect((await control('resume', { drop: true })).status).toBe(200);
    const list = (await (await fetch(`${sb.url}/_sandbox/candidates`)).json()) as { candidates: { email: string; status: string }[] };
    expect(list.candidates).toContainEqual(expect.objectContaining({ email, status: 'InProgress' }));
    const counters = (await (await fetch(`${sb.url}/_sandbox/counters`)).json()) as Record<string, unknown>;
    expect(counters).toMatchObject({ linksIssued: 1, linksUsed: 1, signatureFailures: 2, keyFailures: 1, timestampFailures: 1 });
  });

  it('answers every API call with 503 and an error body during an outage', async () => {
    await fetch(`${sb.url}/_sandbox/outage`, { method: 'POST', body: JSON.stringify({ on: true }) });
    try {
      const res = await fetch(signedUrl('/account'));
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'ERROR', error: { code: 'E500' } });
    } finally {
      await fetch(`${sb.url}/_sandbox/outage`, { method: 'POST', body: JSON.stringify({ on: false }) });
    }
  });

  it('hangs or drops API calls by outage mode, keeps the pages up, and recovers', async () => {
    await sb.outage('hang');
    const hung = await fetch(signedUrl('/account'), { signal: AbortSignal.timeout(300) }).then(
      () => 'answered',
      (e: Error) => e.name,
    );
    expect(hung).toBe('TimeoutError');
    await sb.outage('drop');
    const dropped = await fetch(signedUrl('/account')).then(
      () => 'answered',
      (e: Error) => (e.cause as { code?: string } | undefined)?.code ?? e.name,
    );
    expect(dropped).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect((await fetch(`${sb.url}/report/nothing`)).status).toBe(404); // a page, answered
    await sb.outage('none');
    expect((await fetch(signedUrl('/account'))).status).toBe(200);
  });

  it('counts calls per operation and moves a candidate by vendorRef', async () => {
    sb.resetCalls();
    await fetch(signedUrl('/account'));
    await fetch(signedUrl(`/schedules/${accessKey}/candidates/${encodeURIComponent(email)}`));
    expect(sb.calls()).toEqual({ account: 1, candidateResult: 1 });
    await sb.advance(`${accessKey}:${email}`, 'finish');
    expect(sb.candidates().find((c) => c.email === email)).toMatchObject({ status: 'Completed' });
    await expect(sb.advance(`${accessKey}:${email}`, 'start')).rejects.toMatchObject({ name: 'StepRefused' });
    await expect(sb.advance('nope', 'start')).rejects.toMatchObject({ name: 'StepRefused' });
  });
});

describe('Mettl sandbox failure shapes', () => {
  it('answers per-candidate error entries inside a SUCCESS body, and refuses an uninvited candidate of a ByInvitation schedule', async () => {
    const { startMettlSandbox } = await import('./server.js');
    const { createHmac } = await import('node:crypto');
    const sb = await startMettlSandbox({ registrationLimit: 1 });
    try {
      const call = async (method: 'GET' | 'POST', path: string, params: Record<string, string>) => {
        const all: Record<string, string> = { ...params, ak: sb.publicKey, ts: String(Math.floor(Date.now() / 1000)) };
        const names = Object.keys(all).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
        const toSign = [`${method}${sb.baseUrl}${path}`, ...names.map((n) => all[n])].join('\n');
        all.asgn = createHmac('sha256', sb.privateKey).update(toSign).digest('base64');
        const body = new URLSearchParams(all).toString();
        const res = method === 'GET' ? await fetch(`${sb.baseUrl}${path}?${body}`) : await fetch(`${sb.baseUrl}${path}`, { method, body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        return (await res.json()) as Record<string, any>;
      };
      const rd = (email: string) => JSON.stringify({ registrationDetails: [{ 'Email Address': email, 'First Name': 'A', 'Last Name': 'B' }] });
      const open = await call('POST', '/assessments/123456/schedules', { sc: JSON.stringify({ name: 'open', sourceApp: 'x', access: { type: 'OpenForAll' } }) });
      const ak = open.createdSchedule.accessKey as string;
      expect((await call('POST', `/schedules/${ak}/candidates`, { rd: rd('one@example.com') })).registrationStatus[0]).toMatchObject({ status: 'ToBeTaken' });
      expect((await call('POST', `/schedules/${ak}/candidates`, { rd: rd('two@example.com') }))).toMatchObject({
        status: 'SUCCESS',
        // docs/vendors/mettl.md#registration: status, message (the code in front of it), email, url; no code field.
        registrationStatus: [{ email: 'two@example.com', status: 'ERROR', message: 'E607 : Candidate registration limit exceeded', url: null }],
      });
      sb.failRegistrations({ code: 'E401', message: 'Authentication failed' }, 1);
      expect((await call('POST', `/schedules/${ak}/candidates`, { rd: rd('one@example.com') })).registrationStatus[0]).toMatchObject({ status: 'ERROR', message: 'E401 : Authentication failed' });
      const inv = await call('POST', '/assessments/123456/schedules', { sc: JSON.stringify({ name: 'inv', sourceApp: 'x', access: { type: 'ByInvitation' } }) });
      const byInvitation = await call('POST', `/schedules/${inv.createdSchedule.accessKey}/candidates`, { rd: rd('one@example.com') });
      expect(byInvitation.registrationStatus[0]).toMatchObject({ status: 'ERROR', message: expect.stringMatching(/^E028 : /) });
      // Results of all candidates in the schedule, paged.
      const page = await call('GET', `/schedules/${ak}/candidates`, { limit: '10', offset: '0' });
      expect(page).toMatchObject({ status: 'SUCCESS', candidates: [{ email: 'one@example.com', testStatus: { status: 'ToBeTaken' } }], paging: { total: 1, next: null } });
      // An error body with HTTP 200 (docs/vendors/mettl.md#errors).
      sb.failCalls({ code: 'E503', message: 'Service busy' }, 1);
      expect(await call('GET', '/account', {})).toEqual({ status: 'ERROR', error: { code: 'E503', message: 'Service busy' } });
      expect(sb.counters().signatureFailures).toBe(0);
    } finally {
      await sb.stop();
    }
  });

  it('serves schedule results in pages capped below the limit asked, chained by paging.next until it is null', async () => {
    const { startMettlSandbox } = await import('./server.js');
    const { createHmac } = await import('node:crypto');
    const sb = await startMettlSandbox({ resultsPageCap: 3 });
    try {
      const signed = (method: 'GET' | 'POST', url: string, params: Record<string, string>) => {
        const all: Record<string, string> = { ...params, ak: sb.publicKey, ts: String(Math.floor(Date.now() / 1000)) };
        const names = Object.keys(all).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
        all.asgn = createHmac('sha256', sb.privateKey).update([`${method}${url}`, ...names.map((n) => all[n])].join('\n')).digest('base64');
        const body = new URLSearchParams(all).toString();
        return (method === 'GET' ? fetch(`${url}?${body}`) : fetch(url, { method, body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).then(
          (r) => r.json() as Promise<Record<string, any>>,
        );
      };
      const open = await signed('POST', `${sb.baseUrl}/assessments/123456/schedules`, { sc: JSON.stringify({ name: 'open', sourceApp: 'x', access: { type: 'OpenForAll' } }) });
      const ak = open.createdSchedule.accessKey as string;
      const rd = JSON.stringify({ registrationDetails: Array.from({ length: 7 }, (_, i) => ({ 'Email Address': `p${i}@example.com`, 'First Name': 'P' })) });
      await signed('POST', `${sb.baseUrl}/schedules/${ak}/candidates`, { rd });
      const seen: string[] = [];
      let url: string | null = `${sb.baseUrl}/schedules/${ak}/candidates?limit=100&offset=0&rs=true`;
      for (let i = 0; url && i < 10; i++) {
        const u: URL = new URL(url);
        const page = await signed('GET', `${u.origin}${u.pathname}`, Object.fromEntries(u.searchParams));
        expect(page.candidates.length).toBeLessThanOrEqual(3); // fewer than the 100 asked
        expect(page.paging).toMatchObject({ limit: 100, total: 7 });
        seen.push(...page.candidates.map((c: { email: string }) => c.email));
        url = page.paging.next;
        if (url) expect(new URL(url).searchParams.get('rs')).toBe('true'); // the optional parameters are kept
      }
      expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `p${i}@example.com`));
    } finally {
      await sb.stop();
    }
  });
});
