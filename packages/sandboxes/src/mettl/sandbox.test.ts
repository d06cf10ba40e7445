// The sandbox itself over HTTP: Mettl's signature checks and error bodies, the control API, the candidate page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestContext } from '../testing.js';
import { createMettlClient } from './client.js';
import { startMettlSandbox, type MettlSandbox } from './sandbox.js';
import { encodeParams, signParams } from './signer.js';

describe('Mettl sandbox', () => {
  let sb: MettlSandbox;
  let accessKey: string;
  let candidateUrl: string;
  const email = 'lin+sandbox@example.com';

  beforeAll(async () => {
    sb = await startMettlSandbox({ autoGradeMs: false });
    const ctx = makeTestContext({ vendor: 'mettl', config: {}, packages: [] });
    const client = createMettlClient({ baseUrl: sb.baseUrl, publicKey: sb.publicKey, privateKey: sb.privateKey, fetch, now: () => new Date(), log: ctx.log });
    const created = await client.createSchedule('123456', { name: 'sandbox test', sourceApp: 'tests', access: { type: 'OpenForAll' } });
    accessKey = created.createdSchedule.accessKey;
    const reg = await client.registerCandidates(accessKey, { registrationDetails: [{ 'Email Address': email, 'First Name': 'Lin' }] });
    candidateUrl = reg.registrationStatus[0]!.url!;
  });
  afterAll(async () => {
    await sb.stop();
  });

  const signedUrl = (path: string, o: { ak?: string; pk?: string; ts?: number } = {}) => {
    const endpointUrl = `${sb.baseUrl}${path}`;
    const params = signParams({
      method: 'GET',
      endpointUrl,
      params: {},
      publicKey: o.ak ?? sb.publicKey,
      privateKey: o.pk ?? sb.privateKey,
      ts: o.ts ?? Math.floor(Date.now() / 1000),
    });
    return `${endpointUrl}?${encodeParams(params)}`;
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
    const params = signParams({ method: 'GET', endpointUrl: endpoint, params: {}, publicKey: sb.publicKey, privateKey: sb.privateKey, ts: Math.floor(Date.now() / 1000) });
    const mismatched = await fetch(`${sb.baseUrl}/schedules/${accessKey}/candidates/${encodeURIComponent(email)}?${encodeParams(params)}`);
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
});
