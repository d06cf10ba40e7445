// Hints that an order changed at its vendor (a vendor's ping, a candidate back from the vendor): the order is checked
// now, in a job, instead of at the next poll. Never applies a status itself: the refresh asks the vendor.
import type { VendorId } from '@ca/shared';
import type { PgBoss } from 'pg-boss';
import { HEARTBEAT, POLLING, Q } from './queue.js';
import { refreshVendor, type RefreshData, type RefreshDeps } from './polls.js';

/** Orders to check now fetched together, and asked about together per tenant and vendor. */
const REFRESH_ORDER_BATCH = 16;

/** A hint: check this order soon (one job per order at a time). */
export async function refreshOrderSoon(boss: PgBoss, tenantId: string, vendor: VendorId, orderId: string): Promise<void> {
  await boss.send(Q.refreshOrder, { tenantId, vendor, orderId }, { singletonKey: orderId });
}

/**
 * Creates the hint queue and works it. The orders of a batch are asked about together, per tenant and vendor, in the
 * vendor's bulk call where it has one (pymetrics get_bulk_status), and a full batch fetches the next at once. One job
 * per fetch cost a vendor call each and a poll interval after it.
 */
export async function startHints(d: RefreshDeps & { boss: PgBoss }): Promise<void> {
  await d.boss.createQueue(Q.refreshOrder, { policy: 'stately', retryLimit: 2, retryDelay: 5, expireInSeconds: 120, heartbeatSeconds: HEARTBEAT, notify: true });
  await d.boss.work<RefreshData & { orderId: string }>(
    Q.refreshOrder,
    { batchSize: REFRESH_ORDER_BATCH, localConcurrency: 2, perJobResults: true, burstWhenBatchFull: true, ...POLLING },
    async (jobs) => {
      const groups = new Map<string, typeof jobs>();
      for (const j of jobs) {
        const key = `${j.data.tenantId}\n${j.data.vendor}`;
        const group = groups.get(key);
        if (group) group.push(j);
        else groups.set(key, [j]);
      }
      const settled = await Promise.all(
        [...groups.values()].map(async (group) => {
          const { tenantId, vendor } = group[0]!.data;
          const status = await refreshVendor(d, tenantId, vendor, group.map((j) => j.data.orderId)).then(
            () => 'completed' as const,
            () => 'failed' as const, // the orders could not be read: retried
          );
          return group.map((j) => ({ id: j.id, status }));
        }),
      );
      return settled.flat();
    },
  );
}
