// API floor (a child process): a bare Hono app on @hono/node-server (the versions the BFF uses) with a
// JSON GET that returns the BFF's own response body and a JSON POST that parses its body and answers 202.
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { serve as childServe } from '../lib/child.js';

const fromBff = createRequire(import.meta.resolve('@ca/bff').replace('file://', ''));
const { Hono } = (await import(pathToFileURL(fromBff.resolve('hono')).href)) as typeof import('hono');
const { serve } = (await import(pathToFileURL(fromBff.resolve('@hono/node-server')).href)) as typeof import('@hono/node-server');

let server: ReturnType<typeof serve> | undefined;

childServe({
  /** `getBody` and `postBody` are real BFF responses, so both sides send the same bytes. */
  async start({ getBody, postBody }: { getBody: unknown; postBody: { order: Record<string, unknown> } }) {
    const app = new Hono();
    app.get('/v1/orders', (c) => c.json(getBody as object));
    app.post('/v1/orders', async (c) => {
      const body = (await c.req.json()) as { packageId?: string };
      return c.json({ order: { ...postBody.order, packageId: body.packageId } }, 202);
    });
    const url = await new Promise<string>((resolve) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`));
    });
    return { url };
  },
  async stop() {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    return true;
  },
});
