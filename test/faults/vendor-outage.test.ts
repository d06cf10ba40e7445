// Vendor outages against the real sandboxes: each vendor hangs, then drops connections, then answers errors,
// then recovers. Every outbound call ends within its timeout in a retryable failure (the order waits, it does not
// fail), the BFF stays responsive, every order is placed once the vendor is back, and memory stays bounded. Except
// pymetrics: an order call that timed out may have created the order there, and pymetrics has no call to find it
// (docs/vendors/pymetrics.md#ordering), so its orders stop as `placement_unconfirmed` instead of ordering again.
// Placement retries come a second apart here (CA_TEST_PLACE_RETRY) so each phase is waited out by attempts, not by
// the production backoff, which jobs/placement.test.ts checks.
import type { Order } from '@ca/shared';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxModuleFor, type VendorSandbox } from '@ca/sandboxes';
import { acmeConfig, waitFor } from '../support/config.js';
import { freePort, startBffProcess, writeConfig, type BffProcess } from '../support/process.js';
import { createOrder, getOrder, metric, pool } from './support.js';

const VENDORS = ['pymetrics', 'mettl', 'berke'] as const; // the vendors we call (PSI calls us)
const TIMEOUT_MS = 1000;
const PER_VENDOR = 5;
/** A retry a second after each failure, and enough of them that no order fails for good during the outage. */
const PLACE_RETRY = { limit: 100, delay: 1, delayMax: 1 };

describe('vendor outages', () => {
  const sandboxes: VendorSandbox[] = [];
  let bff: BffProcess | undefined;
  afterAll(async () => {
    await bff?.kill('SIGTERM');
    await Promise.all(sandboxes.map((s) => s.stop()));
  });

  it('waits out a hanging, dropping, then failing vendor, places every order it can confirm once it is back', async () => {
    const port = await freePort();
    const link = { bffUrl: `http://127.0.0.1:${port}`, tenantId: 'acme' };
    const vendors: Record<string, unknown> = {};
    const packages: { id: string; vendor: string }[] = [];
    for (const v of VENDORS) {
      const mod = sandboxModuleFor(v)!;
      const sandbox = await mod.start(mod.demoOptions);
      sandboxes.push(sandbox);
      const setup = mod.connect(sandbox, link);
      vendors[v] = { ...setup.config, timeoutMs: TIMEOUT_MS };
      packages.push(setup.packages[0]!);
    }
    await Promise.all(sandboxes.map((s) => s.outage('hang')));
    const dataDir = join(mkdtempSync(join(tmpdir(), 'ca-faults-outage-')), 'bff');
    bff = await startBffProcess(writeConfig(acmeConfig({ port, database: `embedded:${dataDir}`, vendors, packages })), {
      CA_TEST_PLACE_RETRY: JSON.stringify(PLACE_RETRY),
    });
    const url = bff.url;
    const rssBefore = await metric(url, 'process_resident_memory_bytes');

    const created: { order: Order; at: number }[] = [];
    await pool(VENDORS.length * PER_VENDOR, 5, async (i) => {
      const pkg = packages[i % VENDORS.length]!;
      const res = await createOrder(url, `outage-${i}`, pkg.id);
      expect(res.status).toBe(202);
      created.push({ order: ((await res.json()) as { order: Order }).order, at: Date.now() });
    });

    // While every vendor hangs, each placement attempt ends by its timeout and is retried; nothing fails for good.
    const retries = () =>
      bff!.output
        .map((l) => {
          try {
            return JSON.parse(l) as { msg?: string; order?: string; vendor?: string; time?: number; attempt?: number; err?: string };
          } catch {
            return {};
          }
        })
        .filter((l) => l.msg === 'placing the order failed; will retry');
    const unconfirmed = created.filter(({ order }) => order.vendor === 'pymetrics');
    const waiting = created.filter(({ order }) => order.vendor !== 'pymetrics');
    for (const { order } of unconfirmed) {
      const stopped = await waitFor(async () => {
        const o = await getOrder(url, order.id);
        return o.status === 'failed' ? o : undefined;
      }, 30_000, 'a pymetrics order stopped as unconfirmed');
      expect(stopped.error?.code).toBe('placement_unconfirmed');
    }
    await waitFor(async () => waiting.every(({ order }) => retries().some((r) => r.order === order.id && (r.attempt ?? 0) >= 1)), 30_000, 'a second timed-out attempt of every order');
    for (const { order, at } of waiting) {
      const first = retries().find((r) => r.order === order.id)!;
      // The first attempt ended within its timeout (plus the time to get the job picked up on a loaded machine).
      expect(first.time! - at, `${order.vendor}: ${first.err}`).toBeLessThan(TIMEOUT_MS + 4000);
    }
    const healthStarted = performance.now();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(performance.now() - healthStarted).toBeLessThan(1000);
    for (const { order } of waiting) expect(await getOrder(url, order.id)).toMatchObject({ status: 'requested', vendorRef: null });

    // Connections dropped, then errors: each order is tried again under each (two failures after the switch: the
    // second attempt started after the first had failed, so wholly in the new mode), and is still waiting.
    for (const mode of ['drop', 'error'] as const) {
      const since = Date.now();
      await Promise.all(sandboxes.map((s) => s.outage(mode)));
      const failedSince = (id: string) => retries().filter((r) => r.order === id && r.time! >= since).length;
      await waitFor(async () => waiting.every(({ order }) => failedSince(order.id) >= 2), 30_000, `an attempt of every order while the vendors ${mode}`);
      for (const { order } of waiting) expect(await getOrder(url, order.id)).toMatchObject({ status: 'requested', vendorRef: null });
    }
    const attempts = retries().length;

    await Promise.all(sandboxes.map((s) => s.outage('none')));
    for (const { order } of waiting) {
      const placed = await waitFor(async () => {
        const o = await getOrder(url, order.id);
        return o.vendorRef ? o : undefined; // placed: pymetrics keeps it `requested` (PENDING) until it accepts
      }, 90_000, `placement of the ${order.vendor} order after the outage`);
      expect(placed.status).not.toBe('failed');
    }
    const rssAfter = await metric(url, 'process_resident_memory_bytes');
    expect(rssAfter - rssBefore).toBeLessThan(150 * 2 ** 20);
    console.log(
      `vendor outage: ${created.length} orders (${unconfirmed.length} pymetrics ones stopped as unconfirmed), ${attempts} failed attempts during hang/drop/error (timeout ${TIMEOUT_MS} ms), the others all placed after recovery; RSS ${Math.round(rssBefore / 2 ** 20)} → ${Math.round(rssAfter / 2 ** 20)} MB`,
    );
  });
});
