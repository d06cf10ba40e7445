// The ATS webhook sender against a real loopback ATS that hangs, trickles, redirects or is slow: every delivery ends
// within `atsWebhook.timeoutMs` plus a small margin and leaves no connection open behind it.
import type { OrderEvent } from '@ca/shared';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { orderSnapshot } from '../../testing/snapshots.js';
import { deliveryLeaseSeconds } from './policy.js';
import { AtsDeliveryError, createAtsSender } from './sender.js';

const TIMEOUT_MS = 1000;
/** Scheduling slack on a busy 2-core machine; far below the 15 s the sender used to wait whatever the config said. */
const MARGIN_MS = 700;

const tenantConfig = (atsWebhook: Record<string, unknown>) => ({
  publicUrl: 'http://127.0.0.1:8787',
  database: 'memory:',
  tenants: { acme: { name: 'Acme', widgetKeys: { k1: 'w'.repeat(32) }, atsWebhook } },
});

const webhooksFor = (url: string, timeoutMs = TIMEOUT_MS) =>
  createAtsSender({
    config: parseConfig(tenantConfig({ url, secret: 'timeout-test-webhook-secret-0123456789', timeoutMs }), {}),
    now: () => new Date(),
  });

/** An `order.created` event of tenant acme, as the dispatcher reads it from the log. */
const event = (id = '1', tenantId = 'acme'): OrderEvent => {
  const order = orderSnapshot({ id: `o_${id}`, candidateId: 'c1', tenantId });
  return { id, type: 'order.created', orderId: order.id, candidateId: order.candidateId, tenantId, order, at: new Date().toISOString() };
};

/**
 * A loopback ATS that answers with `handle`, counting requests and noting when each connection that carried one closes.
 * (After an abort, the HTTP client may open a spare connection that carries no request; it is closed after 4 s idle.
 * Only connections that carried a request are watched.)
 */
async function loopbackAts(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const sockets = new Set<Socket>();
  const used = new Map<Socket, number | null>();
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    used.set(req.socket, null);
    handle(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => {
      sockets.delete(s);
      if (used.has(s)) used.set(s, performance.now());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const closedAt = () => [...used.values()];
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    get requests() {
      return requests;
    },
    /** Resolves with the time the last connection that carried a request closed, or null if one is still open after `ms`. */
    async requestConnectionsClosed(ms: number): Promise<number | null> {
      const until = performance.now() + ms;
      while (closedAt().includes(null) && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
      const times = closedAt();
      return times.length === 0 || times.includes(null) ? null : Math.max(...(times as number[]));
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
type LoopbackAts = Awaited<ReturnType<typeof loopbackAts>>;

/** Runs one delivery and measures it; never throws (the error is returned). */
async function timed(run: () => Promise<void>): Promise<{ ms: number; error: unknown; end: number }> {
  const start = performance.now();
  const error = await run().then(
    () => null,
    (err: unknown) => err,
  );
  const end = performance.now();
  return { ms: end - start, error, end };
}

describe('ATS webhook deliveries against a loopback ATS', () => {
  let ats: LoopbackAts | undefined;

  afterEach(async () => {
    await ats?.stop();
    ats = undefined;
  });

  it('gives up on an ATS that accepts the connection and never answers, within the timeout, and closes the socket', { timeout: 10_000 }, async () => {
    ats = await loopbackAts((req) => req.resume());
    const r = await timed(() => webhooksFor(ats!.url).send(event()));
    expect(r.error).toBeInstanceOf(AtsDeliveryError);
    expect((r.error as Error).message).toBe(`ATS webhook did not answer within ${TIMEOUT_MS} ms (atsWebhook.timeoutMs)`);
    expect(r.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(r.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    expect(ats.requests).toBe(1);
    const closed = await ats.requestConnectionsClosed(MARGIN_MS);
    expect(closed, 'the ATS saw the connection close').not.toBeNull();
  });

  it('gives up on an ATS that trickles its header lines forever', { timeout: 10_000 }, async () => {
    ats = await loopbackAts((req) => {
      req.resume();
      req.socket.write('HTTP/1.1 200 OK\r\n');
      const drip = setInterval(() => req.socket.write('X-Drip: 1\r\n'), 100);
      req.socket.on('close', () => clearInterval(drip));
    });
    const r = await timed(() => webhooksFor(ats!.url).send(event()));
    expect((r.error as Error).message).toMatch(/^ATS webhook did not answer within 1000 ms/);
    expect(r.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    expect(await ats.requestConnectionsClosed(MARGIN_MS)).not.toBeNull();
  });

  it.each([
    [200, null],
    [500, 'ATS webhook answered 500'],
  ])('settles on the status of an ATS that answers %i and never finishes the body, and closes the socket', { timeout: 10_000 }, async (status, message) => {
    ats = await loopbackAts((req, res) => {
      req.resume();
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.write('.');
      const drip = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(drip));
    });
    const r = await timed(() => webhooksFor(ats!.url).send(event()));
    if (message) expect((r.error as Error).message).toBe(message);
    else expect(r.error).toBeNull();
    expect(r.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    const closed = await ats.requestConnectionsClosed(MARGIN_MS);
    expect(closed, 'the body was cancelled, closing the connection').not.toBeNull();
    expect(closed! - r.end).toBeLessThan(MARGIN_MS);
  });

  it('succeeds when the ATS answers 2xx after a delay shorter than the timeout', { timeout: 10_000 }, async () => {
    const delay = TIMEOUT_MS - 400;
    ats = await loopbackAts((req, res) => {
      req.resume();
      setTimeout(() => res.writeHead(204).end(), delay);
    });
    const r = await timed(() => webhooksFor(ats!.url).send(event()));
    expect(r.error).toBeNull();
    expect(r.ms).toBeGreaterThanOrEqual(delay - 50);
    expect(ats.requests).toBe(1);
  });

  it('waits as long as the configured timeout allows, not a fixed one', { timeout: 10_000 }, async () => {
    ats = await loopbackAts((req, res) => {
      req.resume();
      setTimeout(() => res.writeHead(200).end(), 1500);
    });
    const short = await timed(() => webhooksFor(ats!.url, 1000).send(event()));
    expect((short.error as Error).message).toMatch(/within 1000 ms/);
    const longer = await timed(() => webhooksFor(ats!.url, 3000).send(event()));
    expect(longer.error).toBeNull();
    expect(longer.ms).toBeGreaterThanOrEqual(1450);
  });

  it('does not follow a redirect: a 3xx is a failed delivery', async () => {
    const paths: string[] = [];
    ats = await loopbackAts((req, res) => {
      paths.push(req.url!);
      req.resume();
      res.writeHead(307, { Location: '/elsewhere' }).end();
    });
    const r = await timed(() => webhooksFor(ats!.url).send(event()));
    expect((r.error as Error).message).toBe('ATS webhook answered 307');
    expect(paths).toEqual(['/hooks']);
  });

  it('aborts the call at once when the dispatcher stops', { timeout: 10_000 }, async () => {
    ats = await loopbackAts((req) => req.resume());
    const job = new AbortController();
    setTimeout(() => job.abort(), 200);
    const r = await timed(() => webhooksFor(ats!.url, 30_000).send(event(), job.signal));
    expect((r.error as Error).message).toBe('ATS webhook call aborted: the delivery job was stopped');
    expect(r.ms).toBeLessThan(200 + MARGIN_MS);
    expect(await ats.requestConnectionsClosed(MARGIN_MS)).not.toBeNull();
  });

  it('sends nothing for a tenant without an ATS webhook', async () => {
    ats = await loopbackAts((req, res) => {
      req.resume();
      res.writeHead(204).end();
    });
    const w = webhooksFor(ats.url);
    await w.send(event('2', 'globex'));
    await w.send(event('3'));
    expect(ats.requests).toBe(1);
    expect(w.tenants()).toEqual(['acme']);
  });
});

describe('atsWebhook.timeoutMs', () => {
  const parse = (timeoutMs?: unknown) =>
    parseConfig(tenantConfig({ url: 'https://ats.example.com/hooks', secret: 's'.repeat(24), ...(timeoutMs === undefined ? {} : { timeoutMs }) }), {});

  it('defaults to the 15 s deliveries always had', () => {
    expect(parse().tenants.acme!.atsWebhook!.timeoutMs).toBe(15_000);
    expect(parse(2500).tenants.acme!.atsWebhook!.timeoutMs).toBe(2500);
  });

  it.each([999, 60_001, 1500.5, '5000'])('refuses %j, naming the field', (v) => {
    expect(() => parse(v)).toThrow(/^tenants\.acme\.atsWebhook\.timeoutMs: /);
  });

  it('gives every delivery a lease that outlasts its call by the time to read the log and move the cursor', () => {
    for (const ms of [1000, 15_000, 60_000]) expect(deliveryLeaseSeconds(ms) * 1000).toBeGreaterThanOrEqual(ms + 30_000);
  });
});
