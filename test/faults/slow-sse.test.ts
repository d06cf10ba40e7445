// A stream client that never reads: the BFF buffers a bounded amount for it, then drops it; a client beside it
// on the same tenant gets every event, in order, without a stall, and the BFF's memory stays bounded.
import type { Order } from '@ca/shared';
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSse } from '@ca/bff/testing';
import { acmeConfig, API_KEY, waitFor } from '../support/config.js';
import { freePort, startBffProcess, writeConfig, type BffProcess } from '../support/process.js';
import { createOrder, getOrder, metric, pool, PSI_PACKAGE, PSI_VENDOR, psiBooking, psiToken, sendPsi } from './support.js';

const ORDERS = 20;
const NOTIFICATIONS = 2000;
const ADDRESS = `${'Suite 100, '.repeat(600)}New York, NY 10001`; // ~6.6 KB: each event carries it in the booking

/** Opens the tenant stream over a raw socket, reads the response head, then never reads again. */
async function neverReading(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(`GET /v1/events HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${API_KEY}\r\nAccept: text/event-stream\r\n\r\n`);
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.pause();
  return socket;
}

describe('a slow SSE client', () => {
  let bff: BffProcess | undefined;
  let slow: Socket | undefined;
  afterAll(async () => {
    slow?.destroy();
    await bff?.kill('SIGTERM');
  });

  it('is dropped at its buffer bound while another client gets every event', async () => {
    const port = await freePort();
    const dataDir = join(mkdtempSync(join(tmpdir(), 'ca-faults-sse-')), 'bff');
    bff = await startBffProcess(writeConfig(acmeConfig({ port, database: `embedded:${dataDir}`, vendors: { psi: PSI_VENDOR }, packages: [PSI_PACKAGE] })));
    const url = bff.url;
    const orders: Order[] = [];
    await pool(ORDERS, 4, async (i) => {
      const res = await createOrder(url, `slow-${i}`, PSI_PACKAGE.id);
      const { order } = (await res.json()) as { order: Order };
      orders[i] = await waitFor(async () => {
        const o = await getOrder(url, order.id);
        return o.vendorRef ? o : undefined;
      }, 60_000, 'placement');
    });

    const good = await openSse(`${url}/v1/events`, { token: API_KEY });
    await good.waitForFrame((f) => f.event === 'ready');
    slow = await neverReading(url);
    await waitFor(async () => (await metric(url, 'ca_sse_clients')) === 2, 10_000, 'both streams open');
    const rssBefore = await metric(url, 'process_resident_memory_bytes');
    const droppedBefore = await metric(url, 'ca_sse_clients_dropped_total');
    const first = good.events.length;

    const token = await psiToken(url);
    const base = Math.ceil(Date.now() / 60_000) * 60_000 + 3_600_000;
    let applied = 0;
    await pool(NOTIFICATIONS, 16, async (n) => {
      const order = orders[n % ORDERS]!;
      const res = await sendPsi(url, token, psiBooking(order, base + Math.floor(n / ORDERS) * 60_000, { address: ADDRESS }));
      expect(res.status).toBe(200);
      if (((await res.json()) as { outcome: string }).outcome === 'applied') applied++;
    });
    const lastSent = Date.now();
    // Two notifications of one order in flight at once may be stored newest first: the older goes to history only.
    expect(applied).toBeGreaterThan(NOTIFICATIONS * 0.9);

    // The good client gets every one of those events, in id order, soon after the last was stored.
    await waitFor(async () => good.events.length - first >= applied, 30_000, 'every event at the reading client');
    const lag = Date.now() - lastSent;
    const got = good.events.slice(first);
    expect(got).toHaveLength(applied);
    const ids = got.map((e) => BigInt(e.id));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    expect(lag).toBeLessThan(5000);

    // The one that never read was dropped, and what it left behind was freed.
    expect(await metric(url, 'ca_sse_clients_dropped_total')).toBe(droppedBefore + 1);
    expect(await metric(url, 'ca_sse_clients')).toBe(1);
    const rssAfter = await metric(url, 'process_resident_memory_bytes');
    expect(rssAfter - rssBefore).toBeLessThan(200 * 2 ** 20);
    const bytes = got.reduce((a, e) => a + JSON.stringify(e).length, 0);
    console.log(
      `slow SSE client: ${applied} events (${Math.round(bytes / 2 ** 20)} MB) sent; the non-reading client was dropped, the reading one got all ${got.length} in order, last ${lag} ms after the last notification; RSS ${Math.round(rssBefore / 2 ** 20)} → ${Math.round(rssAfter / 2 ** 20)} MB`,
    );
    good.close();
  });
});
