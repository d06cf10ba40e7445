// Failed credential attempts are limited per client IP and per tenant and answered 429 with Retry-After.
import { mintWidgetToken } from '@ca/shared/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { startTestBff, type TestBff } from '../../testing/harness.js';
import { createMemoryVendor } from '../../testing/memory-vendor.js';
import { createFailureLimiter } from './failures.js';

describe('failure limiter', () => {
  it('refuses an IP past its limit until the window ends, and only the failing attempts of a tenant past its limit', () => {
    let t = 0;
    const l = createFailureLimiter({ perIp: 3, perTenant: 4, windowSeconds: 10 }, () => t);
    expect(l.failed('1.1.1.1', 'acme')).toBeNull();
    expect(l.failed('1.1.1.1', 'acme')).toBeNull();
    const third = l.failed('1.1.1.1', 'acme');
    expect(third).toBeInstanceOf(AppError);
    expect([third!.status, third!.code, third!.retryAfterSeconds]).toEqual([429, 'rate_limited', 10]);
    expect(() => l.checkIp('1.1.1.1')).toThrow(/Too many failed/);
    l.checkIp('2.2.2.2'); // another address is not affected
    expect(l.failed('2.2.2.2', 'acme')!.status).toBe(429); // acme's 4th failure: over the tenant limit
    l.checkIp('2.2.2.2'); // but that address may still try a good credential
    t = 10_001;
    l.checkIp('1.1.1.1');
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
      config: { authFailures: { perIp: 3, perTenant: 1000, windowSeconds: 2 } },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });
  /**
   * Waits for this address's window (2 s) to end: `good` (a request with good credentials, which a refused address does
   * not count as a failure) is answered 200 again. Polled, not slept: it ends as soon as the window does.
   */
  const windowEnded = (good: () => Promise<Response>) => expect.poll(async () => (await good()).status, { timeout: 10_000, interval: 100 }).toBe(200);
  const goodApiKey = () => t.api('/v1/orders?candidateId=x');

  it('answers wrong API keys 401, then 429 with Retry-After, then refuses even a good key from that address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await t.api('/v1/orders?candidateId=x', { token: `wrong-api-key-${i}-0123456789` })).status);
    expect(statuses).toEqual([401, 401, 429]);
    const blocked = await t.api('/v1/orders?candidateId=x');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    await windowEnded(goodApiKey);
  });

  it('counts widget tokens signed with a wrong key', async () => {
    await windowEnded(goodApiKey); // the last test's window, if it is still running
    const { token } = await mintWidgetToken({
      tenantId: 'acme',
      kid: 'k1',
      secret: 'a-wrong-widget-key-0123456789abcdef',
      role: 'recruiter',
      candidate: { id: 'c', firstName: 'A', lastName: 'B', email: 'a@example.com' },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await t.api('/v1/orders', { token })).status);
    expect(statuses).toEqual([401, 401, 429]);
    const goodToken = await t.token();
    await windowEnded(() => t.api('/v1/orders', { token: goodToken }));
  });

  it('limits wrong client secrets at /oauth/token', async () => {
    await windowEnded(goodApiKey); // the last test's window, if it is still running
    const attempt = (secret: string) =>
      fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: psi.clientId, client_secret: secret }),
      });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt(`wrong-secret-${i}`)).status);
    expect(statuses).toEqual([401, 401, 429]);
    const good = await attempt(psi.clientSecret);
    expect(good.status).toBe(429);
    expect(good.headers.get('retry-after')).toMatch(/^\d+$/);
    await windowEnded(() => attempt(psi.clientSecret));
  });
});
