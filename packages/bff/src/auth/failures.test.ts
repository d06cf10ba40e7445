// Failed credential attempts are limited per client address and per tenant and answered 429 with Retry-After; the
// credentials are checked first, so a valid one is never refused, whatever others sent from the same address.
import { mintWidgetToken } from '@ca/shared/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { startTestBff, type TestBff } from '../../testing/harness.js';
import { createMemoryVendor } from '../../testing/memory-vendor.js';
import { createFailureLimiter } from './failures.js';

describe('failure limiter', () => {
  it('answers failures from an address past its limit 429 until the window ends, and failures naming a tenant past its limit', () => {
    let t = 0;
    const l = createFailureLimiter({ perIp: 3, perTenant: 4, windowSeconds: 10 }, () => t);
    expect(l.failed('1.1.1.1', 'acme')).toBeNull();
    expect(l.failed('1.1.1.1', 'acme')).toBeNull();
    const third = l.failed('1.1.1.1', 'acme');
    expect(third).toBeInstanceOf(AppError);
    expect([third!.status, third!.code, third!.retryAfterSeconds]).toEqual([429, 'rate_limited', 10]);
    expect(l.failed('1.1.1.1')!.status).toBe(429);
    expect(l.failed('2.2.2.2', 'acme')!.status).toBe(429); // acme's 5th failure: over the tenant limit
    expect(l.failed('3.3.3.3')).toBeNull(); // another address naming no tenant is not affected
    t = 10_001;
    expect(l.failed('1.1.1.1', 'acme')).toBeNull();
  });
});

describe('failed authentication over HTTP', () => {
  let t: TestBff;
  const psi = { clientId: 'psi-rl', clientSecret: 'psi-rl-client-secret-0123456789' };
  beforeAll(async () => {
    t = await startTestBff({
      vendors: { berke: {}, psi: { clients: [psi], schedulingUrl: 'https://psi.example/b?e={eligibilityId}' } },
      packages: [{ id: 'p1', vendor: 'berke', name: 'RL' }],
      factories: { berke: createMemoryVendor().factory },
      // The test talks to the BFF over loopback, which stands for the shipped nginx here: each test is its own client
      // by X-Forwarded-For, so no test waits for another's window.
      config: { authFailures: { perIp: 3, perTenant: 1000, windowSeconds: 60 }, trustedProxies: ['127.0.0.0/8', '::1'] },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });
  const from = (client: string, init: RequestInit = {}) => ({ ...init, headers: { ...(init.headers as Record<string, string>), 'X-Forwarded-For': client } });
  const apiFrom = (client: string, token?: string) => t.api('/v1/orders?candidateId=x', from(client, token === undefined ? {} : { token } as RequestInit));
  const tokenFrom = (client: string, secret: string) =>
    fetch(`${t.url}/oauth/token`, from(client, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: psi.clientId, client_secret: secret }),
    }));

  it('answers wrong API keys 401, then 429 with Retry-After, and still serves a good key from that address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await apiFrom('198.51.100.1', `wrong-api-key-${i}-0123456789`)).status);
    expect(statuses).toEqual([401, 401, 429]);
    const again = await apiFrom('198.51.100.1', 'wrong-api-key-x-0123456789');
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await apiFrom('198.51.100.1')).status).toBe(200);
  });

  it('counts widget tokens signed with a wrong key', async () => {
    const { token } = await mintWidgetToken({
      tenantId: 'acme',
      kid: 'k1',
      secret: 'a-wrong-widget-key-0123456789abcdef',
      role: 'recruiter',
      candidate: { id: 'c', firstName: 'A', lastName: 'B', email: 'a@example.com' },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await t.api('/v1/orders', from('198.51.100.2', { token } as RequestInit))).status);
    expect(statuses).toEqual([401, 401, 429]);
    expect((await t.api('/v1/orders', from('198.51.100.2', { token: await t.token() } as RequestInit))).status).toBe(200);
  });

  it('limits wrong client secrets at /oauth/token, and still gives PSI its token', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await tokenFrom('198.51.100.3', `wrong-secret-${i}`)).status);
    expect(statuses).toEqual([401, 401, 429]);
    expect((await tokenFrom('198.51.100.3', 'wrong-secret-x')).headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await tokenFrom('198.51.100.3', psi.clientSecret)).status).toBe(200);
  });

  it('lets nobody lock out the callers behind one proxy: 35 bad requests from it deny no valid key, widget or PSI token', async () => {
    // Everyone behind one proxy with no trusted hop: one address. The bad requests carry wrong, forged or no credentials.
    const shared = '203.0.113.50';
    const forged = `${(await t.token()).slice(0, -4)}AAAA`;
    const bad = [];
    for (let i = 0; i < 35; i++) {
      const kind = i % 4;
      if (kind === 0) bad.push((await apiFrom(shared, `wrong-api-key-${i}-0123456789`)).status);
      else if (kind === 1) bad.push((await apiFrom(shared, forged)).status);
      else if (kind === 2) bad.push((await tokenFrom(shared, `wrong-secret-${i}`)).status);
      else bad.push((await t.api('/v1/orders?candidateId=x', from(shared))).status); // no Authorization at all
    }
    expect(bad.filter((s) => s === 429).length).toBeGreaterThan(20); // the guesses are limited...
    expect((await apiFrom(shared)).status).toBe(200); // ...the ATS's key is not
    const session = await t.token({ role: 'candidate', candidateId: 'behind-proxy' });
    expect((await t.api('/v1/orders', from(shared, { token: session } as RequestInit))).status).toBe(200);
    expect((await tokenFrom(shared, psi.clientSecret)).status).toBe(200);
  });

  it('keys on the hop our proxy wrote: a client varying the left-most X-Forwarded-For hops is still one client', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await apiFrom(`10.${i}.0.1, 192.0.2.${i}, 198.51.100.4`, `wrong-api-key-${i}-0123456789`)).status);
    expect(statuses).toEqual([401, 401, 429, 429]);
    expect((await apiFrom('198.51.100.5', 'wrong-api-key-y-0123456789')).status).toBe(401); // another client is counted apart
  });

  it('keys IPv6 clients on their /64', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await apiFrom(`2001:db8:1:2::${i + 1}`, `wrong-api-key-${i}-0123456789`)).status);
    expect(statuses).toEqual([401, 401, 429]);
    expect((await apiFrom('2001:db8:1:2:ffff::9', 'wrong-api-key-z-0123456789')).status).toBe(429); // same /64
    expect((await apiFrom('2001:db8:1:3::1', 'wrong-api-key-z-0123456789')).status).toBe(401); // the next /64
  });
});
