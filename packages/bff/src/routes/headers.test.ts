// Response headers that keep tokens and candidate data out of caches and our HTML pages out of frames, the one
// redirect check, and metrics behind a token or on their own listener.
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { startTestBff, type TestBff } from '../../testing/harness.js';
import { createMemoryVendor } from '../../testing/memory-vendor.js';
import { redirectTo } from './redirect.js';

const CSP = /default-src 'none'.*frame-ancestors 'none'/;
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

// One BFF for the response-header and HEAD cases (each start loads a database: seconds of CPU).
let t: TestBff;
describe('response headers', () => {
  beforeAll(async () => {
    t = await startTestBff({
      vendors: { berke: {} },
      packages: [{ id: 'p1', vendor: 'berke', name: 'Headers' }],
      factories: { berke: createMemoryVendor().factory },
      config: { metrics: { token: METRICS_TOKEN } },
    });
  });

  it('sends a CSP that loads nothing and forbids framing on the link and return pages', async () => {
    const link = await fetch(`${t.url}/v1/links/AAAAAAAAAAAAAAAAAAAAAAAAAAAA`, { headers: { accept: 'text/html' } });
    expect(link.status).toBe(404);
    expect(link.headers.get('content-type')).toMatch(/text\/html/);
    expect(link.headers.get('content-security-policy')).toMatch(CSP);
    const back = await fetch(`${t.url}/return/berke/acme/not-a-ticket`);
    expect(back.status).toBe(404);
    expect(back.headers.get('content-security-policy')).toMatch(CSP);
  });

  it('sends Cache-Control: no-store on every /v1 response, errors and the event stream included', async () => {
    const tok = await t.token();
    const responses = [
      await t.api('/v1/orders', { token: tok }),
      await t.api('/v1/packages', { token: tok }),
      await t.api('/v1/orders/o_nope', { token: tok }),
      await fetch(`${t.url}/v1/orders`),
      await fetch(`${t.url}/v1/links/AAAAAAAAAAAAAAAAAAAAAAAAAAAA`),
      await t.api('/v1/widget-sessions', { method: 'POST', body: '{}' }),
    ];
    for (const r of responses) {
      expect(r.headers.get('cache-control'), `${r.url} ${r.status}`).toBe('no-store');
      await r.body?.cancel();
    }
    const ctrl = new AbortController();
    const stream = await fetch(`${t.url}/v1/events`, { headers: { authorization: `Bearer ${tok}` }, signal: ctrl.signal });
    expect(stream.headers.get('cache-control')).toMatch(/no-store/);
    expect(stream.headers.get('cache-control')).toMatch(/no-transform/);
    ctrl.abort();
  });

  it('serves /metrics only with the metrics bearer token when one is configured', async () => {
    const none = await fetch(`${t.url}/metrics`);
    expect(none.status).toBe(401);
    expect(await none.text()).not.toMatch(/ca_http_requests_total/);
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.apiKey}` } })).status).toBe(401);
    const ok = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/ca_http_requests_total/);
  });
});

afterAll(async () => {
  await t?.stop();
});

describe('metrics on their own listener', () => {
  it('serves /metrics only on metrics.listen, not on the public listener', async () => {
    const t = await startTestBff({
      vendors: { berke: {} },
      packages: [{ id: 'p1', vendor: 'berke', name: 'Metrics' }],
      factories: { berke: createMemoryVendor().factory },
      config: { metrics: { listen: { host: '127.0.0.1', port: 0 } } },
    });
    try {
      expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
      expect(t.bff.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const res = await fetch(t.bff.metricsUrl!);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/ca_http_requests_total/);
    } finally {
      await t.stop();
    }
  });
});

describe('redirects', () => {
  it('redirects only to http(s) URLs', async () => {
    const app = new Hono();
    app.get('/go', (c) => redirectTo(c, c.req.query('to')!));
    app.onError((err, c) => c.text(err.message, 502));
    const go = (to: string) => app.request(`/go?to=${encodeURIComponent(to)}`);
    expect((await go('https://vendor.example/start')).headers.get('location')).toBe('https://vendor.example/start');
    for (const bad of ['javascript:alert(1)', 'data:text/html,<script>1</script>', '//evil.example', 'vbscript:x', 'not a url']) {
      const res = await go(bad);
      expect(res.status, bad).toBe(502);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('refuses a candidateReturnUrl that is not http(s) at start', () => {
    const tenant = { name: 'A', widgetKeys: { k: 'x'.repeat(32) }, candidateReturnUrl: 'javascript:alert(1)' };
    expect(() => parseConfig({ publicUrl: 'http://127.0.0.1:1', tenants: { acme: tenant } }, {})).toThrow(/candidateReturnUrl: must be an http\(s\) URL/);
  });
});

describe('HEAD on the event stream', () => {
  it('answers the headers without opening a stream (no "headers already sent" error)', async () => {
    // The event stream an earlier case opened and aborted is gone first: the HEAD below must open none.
    await expect.poll(() => t.bff.hub.size(), { timeout: 5_000 }).toBe(0);
    const errors: unknown[] = [];
    const onError = (...a: unknown[]) => errors.push(a);
    const original = console.error;
    console.error = onError;
    try {
      const res = await fetch(`${t.url}/v1/events`, { method: 'HEAD', headers: { authorization: `Bearer ${t.apiKey}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      await new Promise((r) => setTimeout(r, 100));
      expect(errors).toEqual([]);
      expect(t.bff.hub.size()).toBe(0);
    } finally {
      console.error = original;
    }
  });
});
