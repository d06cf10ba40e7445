// Two BFF processes on one PostgreSQL: an event committed by one reaches SSE clients of the other through
// LISTEN/NOTIFY, each poll cycle runs on one replica at a time, and the tenant's ATS webhook gets each event once,
// whichever replica wrote it. Needs TEST_DATABASE_URL.
import type { Order, OrderEvent } from '@ca/shared';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, withSchema } from '@ca/bff/testing';
import { startBerkeSandbox, type BerkeSandbox } from '@ca/sandboxes';
import { acmeConfig, api, waitFor } from '../support/config.js';
import { freePort, startBffProcess, writeConfig, type BffProcess } from '../support/process.js';

const pgUrl = process.env.TEST_DATABASE_URL!;

describe('two replicas on PostgreSQL', () => {
  let sandbox: BerkeSandbox;
  let a: BffProcess;
  let b: BffProcess;
  let ats: Server;
  /** The events the ATS received, in the order it received them. */
  const atsEvents: OrderEvent[] = [];

  beforeAll(async () => {
    if (!pgUrl) throw new Error('TEST_DATABASE_URL is required for the PostgreSQL suite');
    ats = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        atsEvents.push(JSON.parse(body) as OrderEvent);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => ats.listen(0, '127.0.0.1', r));
    const atsWebhook = { url: `http://127.0.0.1:${(ats.address() as AddressInfo).port}/hooks`, secret: 'replicas-test-webhook-secret-0123456789' };
    const withAts = (c: ReturnType<typeof acmeConfig>) => ({ ...c, tenants: { acme: { ...c.tenants.acme, atsWebhook } } });
    sandbox = await startBerkeSandbox();
    const database = withSchema(pgUrl, `rep_${randomBytes(5).toString('hex')}`);
    const vendors = { berke: { baseUrl: sandbox.baseUrl, apiToken: sandbox.apiToken, pollIntervalSeconds: 1 } };
    const packages = [{ id: 'berke-sales', vendor: 'berke', name: 'Sales personality', sourceJobId: 'sales-rep' }];
    const [pa, pb] = [await freePort(), await freePort()];
    a = await startBffProcess(writeConfig(withAts(acmeConfig({ port: pa, database, vendors, packages }))));
    b = await startBffProcess(writeConfig(withAts(acmeConfig({ port: pb, database, vendors, packages }))));
  });
  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await sandbox?.stop();
    ats?.close();
  });

  it('delivers events committed on replica B to a recruiter streaming from replica A', async () => {
    const minted = await api(a.url, '/v1/widget-sessions', {
      method: 'POST',
      body: JSON.stringify({ role: 'recruiter', candidate: { id: 'rep-1', firstName: 'Ada', lastName: 'L', email: 'ada@example.com' } }),
    });
    const { token } = (await minted.json()) as { token: string };
    const stream = await openSse(`${a.url}/v1/events`, { token });
    await stream.waitForFrame((f) => f.event === 'ready');

    const res = await api(b.url, '/v1/orders', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ packageId: 'berke-sales' }) });
    expect(res.status).toBe(202);
    const { order } = (await res.json()) as { order: Order };

    await stream.waitFor((e) => e.orderId === order.id && e.type === 'order.created', 10_000);
    const invited = await stream.waitFor((e) => e.orderId === order.id && e.order.status === 'invited', 20_000);
    await sandbox.advance(invited.order.vendorRef!, 'start');
    await stream.waitFor((e) => e.orderId === order.id && e.order.status === 'in_progress', 20_000);
    await sandbox.advance(invited.order.vendorRef!, 'complete');
    await sandbox.advance(invited.order.vendorRef!, 'score');
    const scored = await stream.waitFor((e) => e.orderId === order.id && e.order.status === 'scored', 20_000);
    expect(scored.order.result?.jobFits.length).toBeGreaterThan(0);
    const ids = stream.events.map((e) => BigInt(e.id));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    stream.close();
  });

  it('runs each poll cycle on one replica at a time', async () => {
    const before = sandbox.calls().GetAssessmentStatus ?? 0;
    const open = (await (await api(a.url, '/v1/orders?candidateId=rep-1')).json()) as { orders: Order[] };
    expect(open.orders.length).toBeGreaterThan(0);
    const res = await api(b.url, '/v1/orders', {
      method: 'POST',
      body: JSON.stringify({ packageId: 'berke-sales', candidateId: 'rep-2', candidate: { firstName: 'B', lastName: 'C', email: 'b@example.com' } }),
    });
    const { order } = (await res.json()) as { order: Order };
    await waitFor(async () => ((await (await api(a.url, `/v1/orders/${order.id}`)).json()) as { order: Order }).order.status === 'invited', 20_000, 'invited');
    const start = sandbox.calls().GetAssessmentStatus ?? 0;
    await new Promise((r) => setTimeout(r, 6000));
    const calls = (sandbox.calls().GetAssessmentStatus ?? 0) - start;
    // one open order, 1 s interval: about 6 status calls in 6 s when one replica polls per slot, twice that if both did
    expect(calls).toBeGreaterThan(2);
    expect(calls).toBeLessThanOrEqual(8);
    expect(start).toBeGreaterThanOrEqual(before);
  });

  it('sends each event to the ATS webhook once while both replicas run', async () => {
    const orders: Order[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await api(i % 2 ? b.url : a.url, '/v1/orders', {
        method: 'POST',
        body: JSON.stringify({ packageId: 'berke-sales', candidateId: `rep-ats-${i}`, candidate: { firstName: 'A', lastName: 'T', email: `ats${i}@example.com` } }),
      });
      expect(res.status).toBe(202);
      orders.push(((await res.json()) as { order: Order }).order);
    }
    // Each order's created event (written by the replica that took it) and invited event (by the one that placed it).
    const got = (o: Order, status: string) => atsEvents.some((e) => e.orderId === o.id && e.order.status === status);
    await waitFor(async () => orders.every((o) => got(o, 'requested') && got(o, 'invited')), 30_000, 'every order created and invited at the ATS');
    // Each event once. Up to 16 go out at once, started in id order (webhooks/dispatcher.test.ts checks the start
    // order), so the ATS may receive two of them in either order: receivers order by the event's own `version`.
    const ids = atsEvents.map((e) => Number(e.id));
    expect(new Set(ids).size).toBe(ids.length); // no event twice
  });
});
