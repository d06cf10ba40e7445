// readText over a real Node server (the direct read of the request stream) and over app.request() (a web stream):
// the same limits, the same text, a 413 that closes the connection before an endless body is read.
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { readText } from './body.js';

const LIMIT = 1024;
const app = new Hono();
app.post('/echo', async (c) => c.json({ text: await readText(c, LIMIT) }));
app.onError((err, c) => (err instanceof AppError ? c.json({ code: err.code }, err.status) : c.json({ code: 'internal' }, 500)));

let server: ServerType;
let port: number;
beforeAll(async () => {
  await new Promise<void>((ready) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => ready());
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** POSTs chunks without a Content-Length (chunked); resolves with the status, body and whether the server closed. */
function postChunked(chunks: string[], opts: { endless?: boolean } = {}): Promise<{ status: number; body: string; closed: boolean; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let writing = true;
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        writing = false;
        const closed = res.headers.connection === 'close';
        req.destroy();
        resolve({ status: res.statusCode!, body, closed, sent });
      });
    });
    req.on('error', (err) => (writing ? reject(err) : undefined));
    const pump = () => {
      while (writing) {
        const next = chunks.length ? chunks.shift()! : opts.endless ? 'x'.repeat(512) : null;
        if (next === null) return void req.end();
        sent += next.length;
        if (!req.write(next)) return void req.once('drain', pump);
      }
    };
    pump();
  });
}

describe('readText', () => {
  it('reads a chunked body from the Node request as UTF-8 text', async () => {
    const r = await postChunked(['{"name":"Zoë', ' Ångström","n":', '1}']);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ text: '{"name":"Zoë Ångström","n":1}' });
  });

  it('takes a body of exactly the limit', async () => {
    const r = await postChunked(['"', 'a'.repeat(LIMIT - 2), '"']);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).text).toHaveLength(LIMIT);
  });

  it('answers 413 to an endless chunked body and closes the connection instead of reading the rest', async () => {
    const r = await postChunked([], { endless: true });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toEqual({ code: 'payload_too_large' });
    expect(r.closed).toBe(true);
  });

  it('refuses a declared Content-Length over the limit before reading, and a NUL in the body', async () => {
    const big = await app.request('/echo', { method: 'POST', body: 'x'.repeat(LIMIT + 1) });
    expect(big.status).toBe(413);
    const nul = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: '{"a":"\\u0000"}' });
    expect(nul.status).toBe(400);
  });

  it('reads the same text through app.request() (a web stream, no Node request)', async () => {
    const r = await app.request('/echo', { method: 'POST', body: 'héllo' });
    expect(await r.json()).toEqual({ text: 'héllo' });
  });
});
