// Polling vendors for the status of open orders: one refresh cycle per tenant and vendor every poll interval, run on
// one replica per slot (a throttled job), each cycle asking about every open order in the adapter's batch size.
import type { VendorId } from '@ca/shared';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { VendorAdapter, VendorOrder } from '../core/vendor-port.js';
import type { Metrics } from '../metrics.js';
import type { OrderService } from '../orders/service.js';
import type { Database } from '../store/db.js';
import { listOpenOrders, listOpenOrdersByIds } from '../store/order-lookups.js';
import type { VendorHost } from '../vendor-host/host.js';
import { toVendorOrder } from '../vendor-host/vendor-order.js';
import { HEARTBEAT, POLLING, Q } from './queue.js';

export interface RefreshData {
  tenantId: string;
  vendor: VendorId;
}

/** What every job needs: the database, the vendors, the order service (the one writer), logs and metrics. */
export interface JobDeps {
  db: Database;
  adapters: VendorHost;
  orders: OrderService;
  log: Logger;
  metrics: Metrics;
}

/** What a refresh cycle needs. */
export type RefreshDeps = JobDeps;

/** One refresh cycle of a tenant's vendor: every open order (or those named), in the adapter's batch size. */
export async function refreshVendor(d: RefreshDeps, tenantId: string, vendor: VendorId, onlyOrderIds?: readonly string[]): Promise<number> {
  const adapter = d.adapters.get(tenantId, vendor);
  if (!adapter?.refresh) return 0;
  const rows = onlyOrderIds ? await listOpenOrdersByIds(d.db, tenantId, vendor, onlyOrderIds) : await listOpenOrders(d.db, tenantId, vendor, 100_000);
  const orders = rows.map((r) => toVendorOrder(r, d.adapters)).filter((o): o is VendorOrder => o !== null);
  const size = adapter.refreshBatchSize ?? (orders.length || 1);
  let applied = 0;
  for (let i = 0; i < orders.length; i += size) {
    const batch = orders.slice(i, i + size);
    const started = performance.now();
    try {
      const updates = await adapter.refresh(batch);
      d.metrics.vendorCalls.inc({ vendor, op: 'refresh', outcome: 'ok' });
      const results = await d.orders.apply(tenantId, vendor, updates, 'poll');
      applied += results.filter((r) => r.outcome === 'applied').length;
    } catch (err) {
      d.metrics.vendorCalls.inc({ vendor, op: 'refresh', outcome: 'error' });
      d.log.warn({ tenant: tenantId, vendor, err: String((err as Error).message) }, 'refreshing orders failed; next cycle retries');
    } finally {
      d.metrics.vendorLatency.observe({ vendor, op: 'refresh' }, (performance.now() - started) / 1000);
    }
  }
  return applied;
}

/**
 * Creates the poll queue, works it, and sends each polled tenant and vendor's cycle every poll interval (the first
 * within 10 s). Returns the timers, for stopping; `isStopped` ends the sends of a stopped runner.
 */
export async function startPolls(
  d: RefreshDeps & { boss: PgBoss; pollIntervalSeconds?: number | undefined },
  isStopped: () => boolean,
): Promise<NodeJS.Timeout[]> {
  await d.boss.createQueue(Q.refresh, { policy: 'stately', retryLimit: 0, expireInSeconds: 600, heartbeatSeconds: HEARTBEAT, notify: true });
  await d.boss.work<RefreshData>(Q.refresh, { batchSize: 1, ...POLLING }, async ([job]) => {
    await refreshVendor(d, job!.data.tenantId, job!.data.vendor);
  });
  const pollSeconds = (a: VendorAdapter) => d.pollIntervalSeconds ?? a.pollIntervalSeconds;
  const timers: NodeJS.Timeout[] = [];
  for (const { tenantId, vendor, adapter } of d.adapters.all()) {
    if (!adapter.refresh) continue;
    const seconds = pollSeconds(adapter);
    const key = `${tenantId}:${vendor}`;
    const tick = () => {
      if (isStopped()) return;
      // Throttled by key: whichever replica sends first in a slot wins; the others' sends are no-ops.
      d.boss
        .sendThrottled(Q.refresh, { tenantId, vendor } satisfies RefreshData, { singletonKey: key }, seconds, key)
        .catch((err) => d.log.warn({ err: String(err) }, 'could not schedule a poll'));
    };
    const jitter = Math.random() * Math.min(seconds, 10) * 1000;
    timers.push(setTimeout(tick, jitter).unref());
    timers.push(setInterval(tick, seconds * 1000).unref());
  }
  return timers;
}

/**
 * Whether the scheduled refresh cycle of every polled tenant and vendor has run at least once (the first is sent
 * within 10 s of start) and none waits or runs: from then on a cycle run by `pollNow` is the only one for the poll
 * interval (tests and benches that count a cycle's vendor calls wait for this).
 */
export async function scheduledPollsSettled(boss: PgBoss, adapters: VendorHost): Promise<boolean> {
  const jobs = await boss.findJobs(Q.refresh);
  const polled = adapters.all().filter(({ adapter }) => adapter.refresh).length;
  return jobs.filter((j) => j.state === 'completed').length >= polled && !jobs.some((j) => ['created', 'retry', 'active'].includes(j.state));
}
