// CORS on /v1: allowed origins get Access-Control-Allow-Origin on every answer, errors included, so a browser
// widget can read a 401 and renew its token; other origins get it only on the `origin_not_allowed` refusal (which
// carries no data), and never `*`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintWidgetToken } from '@ca/shared/server';
import { startTestBff, TEST_WIDGET_KEY, type TestBff } from '../../testing/harness.js';
import { createMemoryVendor } from '../../testing/memory-vendor.js';

const ATS = 'https://ats.acme.example';
const BETA_ATS = 'https://ats.beta.example';
const STRANGER = 'https://evil.example';

describe('CORS on /v1', () => {
  let t: TestBff;
  beforeAll(async () => {
    t = await startTestBff({
      vendors: { berke: {} },
      packages: [{ id: 'p1', vendor: 'berke', name: 'Sales personality' }],
      factories: { berke: createMemoryVendor().factory },
      allowedOrigins: [ATS],
      extraTenants: {
        beta: {
          name: 'Beta',
          allowedOrigins: [BETA_ATS],
          apiKeys: ['beta-api-key-0123456789abcdef'],
          widgetKeys: { b1: 'beta-widget-key-0123456789abcdefghijkl' },
          vendors: { berke: {} },
          packages: [{ id: 'p1', vendor: 'berke', name: 'Beta pkg' }],
        },
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const get = (path: string, origin: string, token: string) => t.api(path, { token, headers: { Origin: origin } });

  it('lets an allowed origin read a 401 for an expired token', async () => {
    const { token: expired } = await mintWidgetToken({
      tenantId: 'acme',
      kid: 'k1',
      secret: TEST_WIDGET_KEY,
      role: 'recruiter',
      candidate: { id: 'cand-1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
      ttlSeconds: 60,
      now: new Date(Date.now() - 10 * 60_000),
    });
    const res = await get('/v1/orders', ATS, expired);
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(ATS);
    expect(res.headers.get('vary')).toContain('Origin');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('token_expired');
  });

  it('lets a 401 on the event stream be read too', async () => {
    const res = await get('/v1/events', ATS, 'not-a-jwt');
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(ATS);
  });

  it('allows any tenant’s origin on a 401, since the tenant is not known', async () => {
    const res = await get('/v1/orders', BETA_ATS, 'not-a-jwt');
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(BETA_ATS);
  });

  it('gives an origin no tenant allowed no CORS header on a 401, and never *', async () => {
    const res = await get('/v1/orders', STRANGER, 'not-a-jwt');
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a page on a not-allowed origin preflight and read why it is refused, naming origin and setting, with no data', async () => {
    const pre = await fetch(`${t.bff.url}/v1/orders`, { method: 'OPTIONS', headers: { Origin: STRANGER, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(STRANGER);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const token = await t.token();
    for (const [path, init] of [
      ['/v1/orders', {}],
      ['/v1/orders', { method: 'POST', body: JSON.stringify({ packageId: 'p1' }), headers: { 'Idempotency-Key': 'k-stranger' } }],
      ['/v1/events', {}],
    ] as const) {
      const res = await t.api(path, { token, ...init, headers: { Origin: STRANGER, ...('headers' in init ? init.headers : {}) } });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBe(STRANGER);
      expect(res.headers.get('vary')).toContain('Origin');
      expect(await res.json()).toEqual({
        error: { code: 'origin_not_allowed', message: `Origin ${STRANGER} is not allowed for tenant acme: add it to tenants.acme.allowedOrigins in the BFF config.` },
      });
    }
    // Refused before anything ran: no order was taken.
    const list = await t.api('/v1/orders', { token, headers: { Origin: ATS } });
    expect(((await list.json()) as { orders: unknown[] }).orders).toEqual([]);
    // One warning for this origin however many requests, naming the origin and the setting.
    const warnings = t.logLines.filter((l) => l.includes('"origin":"https://evil.example"') && l.includes('"level":40'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"setting":"tenants.acme.allowedOrigins"');
    await get('/v1/orders', 'https://other.example', token);
    expect(t.logLines.filter((l) => l.includes('"origin":"https://other.example"') && l.includes('"level":40'))).toHaveLength(1);
  });

  it('refuses a tenant’s token from another tenant’s origin the same way', async () => {
    const refused = await get('/v1/orders', BETA_ATS, await t.token());
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe(BETA_ATS);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');
  });

  it('answers other errors of an authenticated request with the tenant’s own origin only', async () => {
    const token = await t.token();
    const missing = await get('/v1/orders/no-such-order', ATS, token);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('access-control-allow-origin')).toBe(ATS);
    const ok = await get('/v1/orders', ATS, token);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ATS);
  });
});
