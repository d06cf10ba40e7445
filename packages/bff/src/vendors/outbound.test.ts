// Outbound vendor calls: redirects are never followed (a 3xx is a clear VendorError and nothing reaches the
// Location), and vendor base URLs are https outside loopback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config.js';
import { VendorError } from '../core/vendor-port.js';
import { checkVendorConfig, createVendorHost } from '../vendor-host/host.js';
import { outboundFetch } from './outbound.js';
import { vendorModules } from './registry.js';

const listen = (s: Server) => new Promise<string>((r) => s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));

const blocks = (base: string) => ({
  berke: { baseUrl: `${base}/api`, apiToken: 'berke-token-0123456789' },
  mettl: { baseUrl: `${base}/v2`, publicKey: 'pk', privateKey: 'sk', webhookUser: 'u', webhookPassword: 'p' },
  pymetrics: { endpoint: `${base}/pym/`, clientId: 'cid', clientSecret: 'pymetrics-secret-0123' },
});

const configWith = (vendors: Record<string, unknown>) =>
  parseConfig({ publicUrl: 'http://127.0.0.1:8787', tenants: { acme: { name: 'Acme', widgetKeys: { k1: 'k'.repeat(32) }, vendors } } }, {});

describe('outbound vendor calls', () => {
  const trapped: string[] = [];
  let trap: Server;
  let redirector: Server;
  let base: string;
  beforeAll(async () => {
    trap = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        trapped.push(`${req.method} ${req.url} ${body}`);
        res.end('{}');
      });
    });
    const trapUrl = await listen(trap);
    redirector = createServer((req, res) => {
      req.resume();
      res.writeHead(req.url!.includes('/api/') ? 307 : 302, { Location: `${trapUrl}${req.url}` }).end();
    });
    base = await listen(redirector);
  });
  afterAll(async () => {
    trap.closeAllConnections();
    redirector.closeAllConnections();
    await Promise.all([new Promise((r) => trap.close(r)), new Promise((r) => redirector.close(r))]);
  });

  it.each(['berke', 'mettl', 'pymetrics'])('%s: a 3xx answer is a VendorError naming the redirect, and nothing is resent to its Location', async (vendor) => {
    const config = configWith({ [vendor]: blocks(base)[vendor as 'berke'] });
    const adapters = createVendorHost({ config, vendors: vendorModules, secret: new Uint8Array(32), log: pino({ level: 'silent' }), now: () => new Date() });
    const adapter = adapters.get('acme', vendor)!;
    const err = await adapter.probe!().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VendorError);
    expect((err as VendorError).message).toMatch(/redirect \(HTTP 30[27]\)/);
    expect(trapped).toEqual([]);
    await adapters.close();
  });

  it('asks fetch not to follow redirects', async () => {
    const seen: RequestInit[] = [];
    const fake = (async (_: unknown, init?: RequestInit) => {
      seen.push(init!);
      return new Response('ok');
    }) as typeof fetch;
    await outboundFetch(fake)('https://vendor.example/x', { method: 'POST', redirect: 'follow' });
    expect(seen[0]!.redirect).toBe('manual');
  });

  it.each([
    ['berke', 'baseUrl', 'http://site.berkeassessment.com/api'],
    ['mettl', 'baseUrl', 'http://api.mettl.com/v2'],
    ['pymetrics', 'endpoint', 'http://www.pymetrics.com/integrations/webservice/v3/'],
  ])('%s: refuses a plain-http %s outside loopback at start, accepts https and loopback', async (vendor, field, url) => {
    const block = (u: string) => ({ ...blocks('https://x.example')[vendor as 'berke'], [field]: u });
    await expect(checkVendorConfig(configWith({ [vendor]: block(url) }), vendorModules)).rejects.toThrow(ConfigError);
    await expect(checkVendorConfig(configWith({ [vendor]: block(url) }), vendorModules)).rejects.toThrow(new RegExp(`${field}: must be an https URL`));
    await checkVendorConfig(configWith({ [vendor]: block(url.replace('http:', 'https:')) }), vendorModules);
    await checkVendorConfig(configWith({ [vendor]: block(url.replace(/^http:\/\/[^/]+/, 'http://127.0.0.1:9')) }), vendorModules);
  });
});
