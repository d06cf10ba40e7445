// A vendor URL that is not http(s) never leaves the BFF, whichever call brought it: the remind answer's link for the
// ATS to send, a launch link, a report link. Checked once at the vendor host, so no adapter can skip it.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VendorAdapterFactory } from '../core/vendor-port.js';
import { createMemoryVendor } from '../../testing/memory-vendor.js';
import { parseConfig } from '../config.js';
import { startTestBff, TEST_WIDGET_KEY, type TestBff } from '../../testing/harness.js';
import { createVendorHost } from './host.js';
import { isWebUrl } from './checked-urls.js';

describe('vendor URLs at the host', () => {
  let t: TestBff;
  let url = 'javascript:alert(document.domain)';
  const mv = createMemoryVendor();
  // A vendor whose every link is whatever the test says.
  const factory: VendorAdapterFactory = (ctx) => ({
    ...mv.factory(ctx),
    launchUrl: async () => ({ url }),
    reportUrl: async () => ({ url }),
    remind: async () => ({ call: 'Memory invite link', sentBy: 'ats', url }),
  });
  beforeAll(async () => {
    t = await startTestBff({ vendors: { berke: {} }, packages: [{ id: 'p1', vendor: 'berke', name: 'P' }], factories: { berke: factory } });
  });
  afterAll(() => t.stop());

  it('refuses a remind answer whose link is javascript:, data: or relative, with a clear error and no link', async () => {
    const token = await t.token({ role: 'recruiter', candidateId: 'url-1' });
    const order = await t.order('p1', { token });
    await t.waitForOrder(order.id, (o) => o.status === 'invited');
    for (const bad of ['javascript:alert(document.domain)', ' JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', '/relative', 'vbscript:x']) {
      url = bad;
      const res = await t.api(`/v1/orders/${order.id}/remind`, { method: 'POST', token });
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(res.status, bad).toBe(502);
      expect(body.error.code).toBe('vendor_rejected');
      expect(body.error.message).toMatch(/not an http\(s\) address/);
      expect(JSON.stringify(body)).not.toContain(bad.trim().slice(0, 8));
    }
    url = 'https://vendor.example/invite/1';
    const ok = await t.api(`/v1/orders/${order.id}/remind`, { method: 'POST', token });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { url?: string }).url).toBe(url);
  });

  it('refuses a launch or report link that is not http(s) at the host too, and keeps what the adapter lacks absent', async () => {
    const config = parseConfig({
      publicUrl: 'http://127.0.0.1:1',
      tenants: { acme: { name: 'Acme', widgetKeys: { k1: TEST_WIDGET_KEY }, vendors: { berke: {} }, packages: [{ id: 'p1', vendor: 'berke', name: 'P' }] } },
    });
    const host = createVendorHost({ config, vendors: [{ id: 'berke', displayName: 'Berke', create: factory }], secret: new Uint8Array(32), log: pino({ level: 'silent' }), now: () => new Date() });
    const adapter = host.get('acme', 'berke')!;
    url = 'javascript:alert(1)';
    const vo = { vendorRef: 'r', vendorData: {} } as never;
    await expect(adapter.launchUrl(vo)).rejects.toMatchObject({ code: 'vendor_bad_url', retryable: false });
    await expect(adapter.reportUrl!(vo)).rejects.toMatchObject({ code: 'vendor_bad_url' });
    url = 'http://vendor.example/x';
    await expect(adapter.launchUrl(vo)).resolves.toEqual({ url });
    expect(adapter.evaluationUrl).toBeUndefined();
    expect(adapter.vendor).toBe('berke');
    await host.close();
  });

  it('knows a web URL', () => {
    expect(['https://a.example/x', 'http://a.example'].every(isWebUrl)).toBe(true);
    expect(['javascript:alert(1)', 'data:,x', '//a.example', '', 'https//x', 42].some(isWebUrl)).toBe(false);
  });
});
