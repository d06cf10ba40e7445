// The order service: the one writer of orders. Applies status updates through the state machine and
// appends the event in the same transaction. Knows no vendor wire format, no queue and no listener (SSE and ATS
// webhooks read the event log); never writes to a stream.
import type { Order, VendorId } from '@ca/shared';
import type { OrderChange, StatusUpdate } from '../core/vendor-port.js';
import type { Database, Sql, Tx } from '../store/db.js';
import { appendEvent } from '../store/events.js';
import type { OrderRow } from '../store/orders.js';
import { createOrderCreator, type EnqueuePlacement } from './create.js';
import { createUpdateBatch, type ApplyOutcome, type UpdateBatch, type UpdateSource } from './update-batch.js';

export { newOrderId, type CreateOrderInput, type EnqueuePlacement } from './create.js';
export type { ApplyOutcome, UpdateBatch, UpdateSource } from './update-batch.js';

export interface OrderServiceDeps {
  db: Database;
  now: () => Date;
  /**
   * Enqueues the durable placement job inside the order's transaction, so an accepted order always has its job. A port
   * the composition root fills (jobs/placement.ts): the order service knows no job queue.
   */
  enqueuePlacement: EnqueuePlacement;
}

export function createOrderService(deps: OrderServiceDeps) {
  const { db, now } = deps;
  const oneConnection = db.kind === 'pglite';
  const create = createOrderCreator(deps);
  /** Updates applied in one transaction (orders/update-batch.ts). */
  const batch = (tx: Tx): UpdateBatch => createUpdateBatch(tx, { now, oneConnection });

  /** Appends an `order.updated` event for a change made beside the fold (a recruiter's reminder), in the caller's transaction. */
  async function announce(tx: Sql, order: Order, at: Date): Promise<void> {
    await appendEvent(tx, 'order.updated', order, at);
  }

  /** Applies one update inside the caller's transaction. */
  async function applyIn(tx: Tx, tenantId: string, vendor: VendorId, u: StatusUpdate, source: UpdateSource): Promise<ApplyOutcome> {
    const b = batch(tx);
    const out = await b.apply(tenantId, vendor, u, source);
    await b.flush();
    return out;
  }

  return {
    create,
    batch,
    applyIn,
    announce,
    /** Applies updates, each in its own transaction, so one bad update does not hold back the rest. */
    async apply(tenantId: string, vendor: VendorId, updates: readonly StatusUpdate[], source: UpdateSource): Promise<ApplyOutcome[]> {
      const out: ApplyOutcome[] = [];
      for (const u of updates) out.push(await db.transaction((tx) => applyIn(tx, tenantId, vendor, u, source)));
      return out;
    },
    /** Records the vendor's answer to placing an order. */
    async placed(order: OrderRow, change: OrderChange & { vendorRef: string }): Promise<ApplyOutcome> {
      return db.transaction((tx) => applyIn(tx, order.tenant_id, order.vendor, { ...change, match: { orderId: order.id } }, 'placement'));
    },
    /** Ends an order the vendor refused for good, with the reason a recruiter will read. */
    async fail(order: OrderRow, error: { code: string; message: string }): Promise<ApplyOutcome> {
      const at = now();
      return db.transaction((tx) =>
        applyIn(
          tx,
          order.tenant_id,
          order.vendor,
          { match: { orderId: order.id }, status: 'failed', vendorStatus: 'error', vendorTime: at, dedupeKey: `failed:${at.toISOString()}`, error },
          'job',
        ),
      );
    },
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
