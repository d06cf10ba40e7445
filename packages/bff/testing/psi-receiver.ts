// Test support: the BFF's two PSI endpoints reduced to the adapter's part (real OAuth issuer, real parseWebhook,
// real HTTP), for adapter and sandbox tests that run without the core. Never used by the BFF itself.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createOAuthIssuer } from '../src/auth/oauth.js';
import { WebhookInvalid, type StatusUpdate, type VendorAdapter } from '../src/core/vendor-port.js';

export interface TestReceiver {
  url: string;
  /** Every update parsed from an accepted notification, in arrival order. */
  updates: StatusUpdate[];
  /** Status codes answered on the hook, in order. */
  answers: number[];
  stop(): Promise<void>;
}

export async function startTestReceiver(adapter: VendorAdapter, tenantId = 'acme'): Promise<TestReceiver> {
  const oauth = createOAuthIssuer({ secret: randomBytes(32), ttlSeconds: 300 });
  const updates: StatusUpdate[] = [];
  const answers: number[] = [];
  const app = new Hono();
  app.post('/oauth/token', async (c) => {
    const res = await oauth.token({ headers: c.req.raw.headers, body: await c.req.text() }, (id) => {
      const client = adapter.oauthClients?.find((x) => x.clientId === id);
      return client && { tenantId, vendor: adapter.vendor, clientSecret: client.clientSecret };
    });
    return c.json(res.body, res.status as 200, res.headers);
  });
  app.put('/hooks/psi/:tenant', async (c) => {
    const claims = await oauth.verify(c.req.header('authorization') ?? null);
    let status = 200;
    if (!claims || claims.tenantId !== c.req.param('tenant') || claims.vendor !== 'psi') status = 401;
    else {
      try {
        const parsed = await adapter.parseWebhook!({
          method: 'PUT',
          headers: c.req.raw.headers,
          query: new URLSearchParams(),
          body: await c.req.text(),
        });
        updates.push(...parsed);
      } catch (err) {
        if (!(err instanceof WebhookInvalid)) throw err;
        status = 400;
      }
    }
    answers.push(status);
    return c.json(status === 200 ? { ok: true } : { error: { code: String(status), message: 'refused' } }, status as 200);
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    updates,
    answers,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
