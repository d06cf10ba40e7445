// Starts a vendor sandbox's Hono app on loopback and stops it, and plays the outage modes on a request: the
// pieces every sandbox shares. Sandboxes are for the demo and tests; production config points at the vendors.
import { serve, type ServerType } from '@hono/node-server';
import type { Context, Hono } from 'hono';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OutageMode } from './types.js';

export interface ListeningSandbox {
  url: string;
  port: number;
  server: ServerType;
  /** Closes the listener and drops open connections (keep-alive, SSE, hung requests). */
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

/** A response that never comes: the request stays open until the client gives up or the sandbox stops. */
const never = () => new Promise<Response>(() => undefined);

/**
 * The answer to a Hono request during an outage: `error` is the vendor's own fault answer, `hang` never answers,
 * `drop` destroys the socket. Needs @hono/node-server (its env carries the Node request).
 */
export function outageAnswer(c: Context, mode: Exclude<OutageMode, 'none'>, error: () => Response | Promise<Response>): Response | Promise<Response> {
  if (mode === 'error') return error();
  if (mode === 'drop') (c.env as { incoming?: IncomingMessage }).incoming?.socket.destroy();
  return never();
}

/** The same for a plain Node request: true when the outage took the request (`hang` or `drop`). */
export function interruptNode(req: IncomingMessage, res: ServerResponse, mode: OutageMode, hung: Set<ServerResponse>): boolean {
  if (mode === 'drop') {
    req.socket.destroy();
    return true;
  }
  if (mode === 'hang') {
    hung.add(res);
    res.on('close', () => hung.delete(res));
    return true;
  }
  return false;
}
