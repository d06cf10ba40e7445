import type { OrderEvent } from '@ca/shared';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBff, type TestBff } from '../../testing/harness.js';
import { createMemoryVendor } from '../../testing/memory-vendor.js';
import { readWebhookCursor } from '../store/webhook-cursors.js';
import { readWebhookRetries } from '../store/webhook-retries.js';
import { ATS_DELIVERY_RETRY, deliveryLeaseSeconds } from './policy.js';

const SECRET = 'ats-webhook-secret-0123456789abcdef';

describe('outbound ATS webhooks', () => {
  let t: TestBff;
  let receiver: Server;
  const received: { headers: Record<string, string>; body: string }[] = [];
  const attempts: { id: string; at: number; status: number }[] = [];
  let failFirst = 1;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const status = failFirst > 0 ? 503 : 204;
        attempts.push({ id: String(req.headers['webhook-id']), at: Date.now(), status });
        if (failFirst > 0) {
          failFirst -= 1;
          res.writeHead(503).end();
          return;
        }
        received.push({ headers: req.headers as Record<string, string>, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const mv = createMemoryVendor();
    t = await startTestBff({
      vendors: { berke: {} },
      packages: [{ id: 'p1', vendor: 'berke', name: 'P1' }],
      factories: { berke: mv.factory },
      tenant: { atsWebhook: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, secret: SECRET, timeoutMs: 2000 } },
    });
  });
  afterAll(async () => {
    await t?.stop();
    receiver?.close();
  });

  it('posts every event of an order, signed, retrying a failed delivery', async () => {
    const order = await t.order('p1');
    const until = Date.now() + 20_000;
    while (received.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const verifier = new Webhook(new TextEncoder().encode(SECRET), { format: 'raw' });
    const events = received.map((r) => verifier.verify(r.body, r.headers) as OrderEvent).sort((a, b) => Number(a.id) - Number(b.id));
    expect(events.map((e) => [e.type, e.order.status])).toEqual([
      ['order.created', 'requested'],
      ['order.updated', 'invited'],
    ]);
    expect(events.every((e) => e.orderId === order.id)).toBe(true);
    expect(received[0]!.headers['webhook-id']).toMatch(/^evt_\d+$/);
    expect(() => verifier.verify(received[0]!.body.replace(order.id, 'o_forged'), received[0]!.headers)).toThrow();
    expect(failFirst).toBe(0); // the first attempt was refused and retried
  });

  it('retries a refused delivery alone after a backoff, the tenant’s cursor under a lease that outlives the tenant timeout', async () => {
    const [refused] = attempts.filter((a) => a.status === 503);
    const retry = attempts.find((a) => a.id === refused!.id && a.status === 204);
    expect(retry!.at - refused!.at).toBeGreaterThanOrEqual(4500); // 5–10 s before the first retry
    // The refused event was parked and retried alone: the later one went out before its retry, not behind it.
    const ids = attempts.map((a) => Number(a.id.slice('evt_'.length)));
    const later = attempts.find((a) => Number(a.id.slice('evt_'.length)) > Number(refused!.id.slice('evt_'.length)));
    expect(later!.at).toBeLessThan(retry!.at);
    // Saved when the lease is renewed or given up (after 2 s without events).
    const until = Date.now() + 10_000;
    let cursor = await readWebhookCursor(t.bff.db, 'acme');
    while (cursor!.leaseOwner !== null && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      cursor = await readWebhookCursor(t.bff.db, 'acme');
    }
    expect(cursor).toMatchObject({ leaseOwner: null });
    expect(await readWebhookRetries(t.bff.db, 'acme')).toEqual([]); // nothing left parked
    expect(cursor!.deliveredThrough).toBeGreaterThanOrEqual(BigInt(Math.max(...ids)));
    expect(deliveryLeaseSeconds(2000)).toBe(32);
    expect(ATS_DELIVERY_RETRY).toEqual({ retryLimit: 32, retryDelay: 5, retryBackoff: true, retryDelayMax: 3600 });
  });

  it('delivers a burst of events without waiting a poll interval after each delivery', async () => {
    // 60 orders of 60 candidates: 120 events (created, then invited by the placement). One job per fetch and a poll
    // interval (1 s) after each fetch allowed 4 deliveries a second: over 20 s for these once the orders are in.
    const before = received.length;
    await Promise.all(Array.from({ length: 60 }, async (_, i) => t.order('p1', { token: await t.token({ candidateId: `burst-${i}` }) })));
    const placed = Date.now();
    while (received.length - before < 120 && Date.now() - placed < 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(received.length - before).toBe(120);
  });
});
