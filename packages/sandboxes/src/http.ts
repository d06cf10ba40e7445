// Starts a vendor sandbox's Hono app on loopback and stops it: the one piece every sandbox shares.
// Sandboxes are for the demo and tests; production config points at the vendors.
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AddressInfo } from 'node:net';

export interface ListeningSandbox {
  url: string;
  port: number;
  server: ServerType;
  /** Closes the listener and drops open connections (keep-alive, SSE). */
  close(): Promise<void>;
}

export function listenSandbox(app: Hono<any>, host = '127.0.0.1', port = 0): Promise<ListeningSandbox> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        server,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}
