// The bytes of an SSE stream on the wire: fan-out writes each frame as one prebuilt HTTP/1.1 chunk straight to the
// socket (clients.ts directSocket), so these read the raw TCP stream, not a parsed body: every chunk's size line
// matches it, the frames come whole and in order, the body ends with the last chunk, and a response that is not
// chunked (HTTP/1.0) gets bare frames.
import { createServer, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderSnapshot } from '../../testing/snapshots.js';
import { startTestBff, type TestBff } from '../../testing/harness.js';
import { createMemoryVendor } from '../../testing/memory-vendor.js';
import { appendEvent } from '../store/events.js';
import { directSocket } from './clients.js';

/** A raw connection: what the server sent, byte for byte, and whether it closed. */
function rawGet(url: string, path: string, headers: Record<string, string>, version: '1.0' | '1.1') {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let bytes = Buffer.alloc(0);
  let ended = false;
  socket.on('data', (d: Buffer) => (bytes = Buffer.concat([bytes, d])));
  socket.on('close', () => (ended = true));
  socket.write(`GET ${path} HTTP/${version}\r\nHost: ${hostname}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
  return { bytes: () => bytes, ended: () => ended, close: () => socket.destroy() };
}

/** Splits a response into its head and its body, de-chunked when chunked; throws on a malformed chunk. */
function parse(raw: Buffer): { head: string; body: string; lastChunk: boolean } {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) return { head: '', body: '', lastChunk: false };
  const head = raw.subarray(0, split).toString('latin1');
  let rest = raw.subarray(split + 4);
  if (!/^transfer-encoding: chunked$/im.test(head)) return { head, body: rest.toString('utf8'), lastChunk: false };
  const parts: Buffer[] = [];
  for (;;) {
    const nl = rest.indexOf('\r\n');
    if (nl < 0) return { head, body: Buffer.concat(parts).toString('utf8'), lastChunk: false };
    const sizeLine = rest.subarray(0, nl).toString('latin1');
    if (!/^[0-9a-f]+$/.test(sizeLine)) throw new Error(`bad chunk size line ${JSON.stringify(sizeLine)}`);
    const size = parseInt(sizeLine, 16);
    if (rest.length < nl + 2 + size + 2) return { head, body: Buffer.concat(parts).toString('utf8'), lastChunk: false };
    if (rest.subarray(nl + 2 + size, nl + 4 + size).toString('latin1') !== '\r\n') throw new Error('chunk not followed by CRLF');
    if (size === 0) return { head, body: Buffer.concat(parts).toString('utf8'), lastChunk: true };
    parts.push(rest.subarray(nl + 2, nl + 2 + size));
    rest = rest.subarray(nl + 4 + size);
  }
}

const eventIds = (body: string) => [...body.matchAll(/^id: (\d+)\nevent: order\.updated\ndata: (.*)$/gm)].map((m) => [m[1], (JSON.parse(m[2]!) as { id: string }).id]);

describe('SSE bytes on the wire', () => {
  let t: TestBff;
  beforeAll(async () => {
    t = await startTestBff({ vendors: { berke: {} }, packages: [{ id: 'p1', vendor: 'berke', name: 'Wire' }], factories: { berke: createMemoryVendor().factory } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function append(candidateId: string, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      // Multi-byte text: a size line counted in characters instead of bytes would cut the frame.
      const order = orderSnapshot({ id: `o_wire_${candidateId}_${i}`, candidateId, version: i, packageName: 'Prüfung für Zoë 山田' });
      ids.push((await t.bff.db.transaction((tx) => appendEvent(tx, 'order.updated', order, new Date()))).id);
    }
    return ids;
  }

  it('sends live frames as whole chunks, in order, and ends the body with the last chunk when the token expires', async () => {
    const token = await t.token({ candidateId: 'wire-11', ttlSeconds: 3 });
    const c = rawGet(t.url, '/v1/events', { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' }, '1.1');
    await expect.poll(() => parse(c.bytes()).body, { timeout: 10_000 }).toMatch(/event: ready/);
    const ids = await append('wire-11', 5);
    await expect.poll(() => eventIds(parse(c.bytes()).body).length, { timeout: 10_000 }).toBe(5);
    const { head, body } = parse(c.bytes());
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(eventIds(body)).toEqual(ids.map((id) => [id, id]));
    // The token expires: res.end() after direct writes still closes the chunked body properly.
    await expect.poll(() => parse(c.bytes()).lastChunk, { timeout: 10_000 }).toBe(true);
    c.close();
  });

  it('sends bare frames to an HTTP/1.0 client (no chunked body)', async () => {
    const token = await t.token({ candidateId: 'wire-10' });
    const c = rawGet(t.url, '/v1/events', { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' }, '1.0');
    await expect.poll(() => parse(c.bytes()).body, { timeout: 10_000 }).toMatch(/event: ready/);
    const ids = await append('wire-10', 3);
    await expect.poll(() => eventIds(parse(c.bytes()).body).length, { timeout: 10_000 }).toBe(3);
    const { head, body } = parse(c.bytes());
    expect(head).not.toMatch(/transfer-encoding/i);
    expect(body).not.toMatch(/\r\n/);
    expect(eventIds(body)).toEqual(ids.map((id) => [id, id]));
    c.close();
  });
});

describe('directSocket', () => {
  it('is the socket only once the headers are on the wire of a chunked response', async () => {
    const seen: Record<string, boolean> = {};
    const server = createServer((req, res: ServerResponse) => {
      const tag = req.url!.slice(1);
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      seen[`${tag}:before`] = directSocket(res) !== null;
      res.write('retry: 2000\n\n');
      seen[`${tag}:after`] = directSocket(res) === res.socket;
      res.end();
      seen[`${tag}:ended`] = directSocket(res) !== null;
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    for (const [tag, version] of [['v11', '1.1'], ['v10', '1.0']] as const) {
      const c = rawGet(`http://127.0.0.1:${port}`, `/${tag}`, { Connection: 'close' }, version);
      await expect.poll(() => c.ended(), { timeout: 5000 }).toBe(true);
    }
    server.close();
    expect(seen).toEqual({ 'v11:before': false, 'v11:after': true, 'v11:ended': false, 'v10:before': false, 'v10:after': false, 'v10:ended': false });
  });
});
