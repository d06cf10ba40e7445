// Input the store cannot keep (NUL, unpaired surrogates) is a 400 at the boundary of every route, never a 500.
import { mintWidgetToken } from '@ca/shared/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDeliveries } from '../store/deliveries.js';
import { json } from '../store/json.js';
import { startTestBff, TEST_WIDGET_KEY, type TestBff } from '../../testing/harness.js';
import { createMemoryVendor } from '../../testing/memory-vendor.js';
import { isStorable, unstorablePath } from '@ca/shared';

const psiClient = { clientId: 'psi-input', clientSecret: 'psi-input-client-secret-0123456789' };

describe('unstorable input', () => {
  let t: TestBff;
  let psiToken: string;
  beforeAll(async () => {
    t = await startTestBff({
      vendors: { berke: {}, psi: { clients: [psiClient], schedulingUrl: 'https://psi.example/book?e={eligibilityId}' } },
      packages: [
        { id: 'p1', vendor: 'berke', name: 'Memory' },
        { id: 'psi-1', vendor: 'psi', name: 'Exam', examCode: 'CERT-1' },
      ],
      factories: { berke: createMemoryVendor().factory },
    });
    const res = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: psiClient.clientId, client_secret: psiClient.clientSecret }),
    });
    psiToken = ((await res.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('tells storable strings from NUL and unpaired surrogates', () => {
    expect(['', 'Ada', '😀', 'é\uFFFD'].every(isStorable)).toBe(true);
    expect(['\u0000', 'a\u0000b', '\uD800', 'x\uDC00', '\uDC00\uD800'].some(isStorable)).toBe(false);
    expect(unstorablePath({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toBe('a.1.c');
    expect(JSON.parse(json({ a: 'x\u0000y', b: '\\u0000', c: '\uD800' })!)).toEqual({ a: 'x\uFFFDy', b: '\\u0000', c: '\uFFFD' });
  });

  it('answers a PSI notification with \\u0000 in a string 400 (not 500, which PSI resends forever) and stores nothing', async () => {
    const before = await countDeliveries(t.bff.db, 'acme', 'psi');
    const body = `{"booking_code":"B\\u0000","change_reason":"BOOKING_CREATED","client_eligibility_id":"o_x","exam_code":"CERT-1","candidate_id":"c1","effective_date":"2024-01-01T00:00:00Z"}`;
    const res = await fetch(`${t.url}/hooks/psi/acme`, { method: 'PUT', headers: { authorization: `Bearer ${psiToken}`, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    const raw = await fetch(`${t.url}/hooks/psi/acme`, { method: 'PUT', headers: { authorization: `Bearer ${psiToken}`, 'content-type': 'application/json' }, body: 'x\u0000y' });
    expect(raw.status).toBe(400);
    expect(await countDeliveries(t.bff.db, 'acme', 'psi')).toBe(before);
  });

  it('answers refused notifications on their direct path (hooks.ts hookDirect) as the app\'s route does', async () => {
    const answer = async (path: string, body: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${t.url}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${psiToken}`, 'content-type': 'application/json', ...headers }, body });
      const h = Object.fromEntries([...res.headers].filter(([k]) => k !== 'date'));
      return { status: res.status, headers: h, body: await res.text() };
    };
    const bodies = [`{"booking_code":"B\\u0000"}`, 'x\u0000y', '{"not json', `{"client_eligibility_id":"o_none","change_reason":"BOOKING_CREATED","exam_code":"CERT-1","candidate_id":"c1","effective_date":"2024-01-01T00:00:00Z"}`];
    for (const body of bodies) {
      const direct = await answer('/hooks/psi/acme', body);
      expect(direct.status, body).toBe(400);
      expect(direct, body).toEqual(await answer('/hooks/psi/acme?via=app', body)); // a query takes the app's route
    }
    const unauthorized = await answer('/hooks/psi/acme', '{}', { authorization: 'Bearer nope' });
    expect(unauthorized.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(unauthorized).toEqual(await answer('/hooks/psi/acme?via=app', '{}', { authorization: 'Bearer nope' }));
  });

  it.each([
    ['an order id with %00', '/v1/orders/o_%00'],
    ['a history id with %00', '/v1/orders/%00/history'],
    ['a candidateId with %00', '/v1/orders?candidateId=a%00b'],
    ['a stream candidateId with %00', '/v1/events?candidateId=%00'],
    ['a link ticket with %00', '/v1/links/aaaaaaaaaaaaaaaaaaaaaa%00'],
    ['a hook tenant with %00', '/hooks/pymetrics/acme%00/ticket'],
  ])('answers %s with 400', async (_, path) => {
    const res = await t.api(path);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
  });

  it('answers JSON bodies with NUL or unpaired surrogates 400, naming the field', async () => {
    const order = await t.api('/v1/orders?candidateId=c1', {
      method: 'POST',
      body: JSON.stringify({ packageId: 'p1', candidate: { firstName: 'A\u0000', lastName: 'B', email: 'a@example.com' } }),
    });
    expect(order.status).toBe(400);
    expect(((await order.json()) as { error: { message: string } }).error.message).toMatch(/candidate\.firstName/);
    const session = await t.api('/v1/widget-sessions', {
      method: 'POST',
      body: `{"role":"recruiter","candidate":{"id":"\\ud800","firstName":"A","lastName":"B","email":"a@example.com"}}`,
    });
    expect(session.status).toBe(400);
    const idem = await t.api('/v1/orders?candidateId=c1', {
      method: 'POST',
      headers: { 'Idempotency-Key': 'k\u00e9' },
      body: JSON.stringify({ packageId: 'p1', candidate: { firstName: 'A', lastName: 'B', email: 'a@example.com' } }),
    });
    expect(idem.status).toBe(400);
  });

  it('refuses a signed token whose claims hold NUL with 401, and stores nothing for it', async () => {
    const { token } = await mintWidgetToken({
      tenantId: 'acme',
      kid: 'k1',
      secret: TEST_WIDGET_KEY,
      role: 'recruiter',
      candidate: { id: 'nul\u0000id', firstName: 'A', lastName: 'B', email: 'a@example.com' },
    });
    const res = await t.api('/v1/orders', { method: 'POST', token, body: JSON.stringify({ packageId: 'p1' }) });
    expect(res.status).toBe(401);
    const rows = await t.bff.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ca_orders`);
    expect(rows[0]!.n).toBe('0');
  });
});
