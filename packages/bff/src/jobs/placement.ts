// Placing orders at their vendor, as durable jobs: an accepted order always has its job, a vendor outage is retried
// with backoff and jitter, and a refusal or the last failed retry fails the order with a reason. The queue decides
// retries; the order service decides statuses.
import type { VendorId } from '@ca/shared';
import type { JobWithMetadata, PgBoss } from 'pg-boss';
import { VendorError, type VendorAdapter, type VendorOrder } from '../core/vendor-port.js';
import type { EnqueuePlacement } from '../orders/service.js';
import { countOtherOpenOrdersWithRef } from '../store/actions.js';
import { getOrder } from '../store/order-lookups.js';
import { isErasedOrder, noteOnErasedOrder } from '../store/retention.js';
import type { OrderRow } from '../store/orders.js';
import { toVendorOrder } from '../vendor-host/vendor-order.js';
import type { JobDeps } from './polls.js';
import { HEARTBEAT, POLLING, Q, settleEach } from './queue.js';

/** Placement jobs fetched (and settled) together. */
const PLACE_BATCH = 8;

/** Longest vendor-requested wait we honour by deferring the job (Berke's daily limit asks for hours). */
const MAX_DEFERRALS = 48;

export interface PlacementOptions extends JobDeps {
  boss: PgBoss;
  /** Test knobs over PLACE_RETRY: retries before the order fails, the first delay and the longest, in seconds. */
  retryLimit?: number | undefined;
  retryDelay?: number | undefined;
  retryDelayMax?: number | undefined;
}

/**
 * How a placement that failed is retried in production: 2 s doubling with jitter (2–4 s, 4–8 s, …, pg-boss
 * retryBackoff) up to 5 minutes apart, 8 times; the last failure, 8.5–13.5 minutes after the first, fails the order.
 */
export const PLACE_RETRY = { retryLimit: 8, retryDelay: 2, retryBackoff: true, retryDelayMax: 300 } as const;

/** The placement queue's retry options: PLACE_RETRY with any test knob over it. */
export function placeRetryOptions(o: Pick<PlacementOptions, 'retryLimit' | 'retryDelay' | 'retryDelayMax'>) {
  return {
    retryLimit: o.retryLimit ?? PLACE_RETRY.retryLimit,
    retryDelay: o.retryDelay ?? PLACE_RETRY.retryDelay,
    retryBackoff: PLACE_RETRY.retryBackoff,
    retryDelayMax: o.retryDelayMax ?? PLACE_RETRY.retryDelayMax,
  };
}

/** The order service's `enqueuePlacement` port: the placement job is sent in the order's own transaction. */
export function placementEnqueuer(boss: PgBoss): EnqueuePlacement {
  return async (tx, orderId) => {
    await boss.send(Q.place, { orderId }, { db: tx.boss });
  };
}

/** Creates the placement queue and works it. */
export async function startPlacement(o: PlacementOptions): Promise<void> {
  const retry = placeRetryOptions(o);
  const { retryLimit } = retry;
  await o.boss.createQueue(Q.place, {
    ...retry,
    expireInSeconds: 120,
    heartbeatSeconds: HEARTBEAT,
    notify: true,
  });
  // Several placements at once: each waits on a vendor round trip, not on this process. Jobs are fetched in
  // batches (one fetch and one completion statement for many), settled one by one so one failure retries alone,
  // and a full batch fetches the next at once instead of after a poll interval.
  await o.boss.work<{ orderId: string; deferrals?: number }>(
    Q.place,
    { includeMetadata: true, batchSize: PLACE_BATCH, localConcurrency: 2, perJobResults: true, burstWhenBatchFull: true, ...POLLING },
    (jobs) => settleEach(jobs, (job) => place(o, retryLimit, job.data.orderId, (job as JobWithMetadata).retryCount ?? 0, job.data.deferrals ?? 0)),
  );
}

async function place(o: PlacementOptions, retryLimit: number, orderId: string, attempt: number, deferrals: number): Promise<void> {
  const { adapters, orders, log, metrics } = o;
  const row = await getOrder(o.db, orderId);
  if (!row || row.status !== 'requested' || row.vendor_ref) return; // already placed or gone: nothing to do
  const adapter = adapters.get(row.tenant_id, row.vendor);
  const vo = toVendorOrder(row, adapters);
  if (!adapter || !vo) {
    await orders.fail(row, { code: 'package_not_found', message: 'This package is no longer configured.' });
    return;
  }
  const started = performance.now();
  try {
    // A retry may follow a call the vendor acted on (a timeout after it created the order): where the vendor can
    // tell, ask it first, so the candidate gets one assessment and one invitation.
    const found = attempt > 0 && typeof adapter.findPlaced === 'function' ? await adapter.findPlaced(vo) : null;
    if (found) log.warn({ order: orderId, vendor: row.vendor, attempt }, 'an earlier attempt had placed the order at the vendor; recorded, not placed again');
    const placed = found ?? (await adapter.placeOrder(vo));
    metrics.vendorCalls.inc({ vendor: row.vendor, op: 'place', outcome: 'ok' });
    const recorded = await orders.placed(row, {
      ...placed.change,
      vendorRef: placed.vendorRef,
      vendorData: { ...placed.vendorData, ...placed.change.vendorData },
    });
    const placedVo = { ...vo, vendorRef: placed.vendorRef, vendorData: { ...vo.vendorData, ...placed.vendorData, ...placed.change.vendorData } };
    if (recorded.outcome === 'no_match') await withdrawAfterErasure(o, row, adapter, placedVo);
    else if (recorded.order.status === 'cancelled') await withdrawLate(o, row, adapter, placedVo);
  } catch (err) {
    const ve = err instanceof VendorError ? err : null;
    metrics.vendorCalls.inc({ vendor: row.vendor, op: 'place', outcome: ve && !ve.retryable ? 'rejected' : 'error' });
    if (ve?.mayHaveActed && typeof adapter.findPlaced !== 'function') {
      // The vendor may hold the order now and has no way to tell us: ordering again could create a second one and
      // invite the candidate twice. The recruiter sees why it stopped.
      log.error({ order: orderId, vendor: row.vendor, err: ve.message }, 'placement unconfirmed; not placing the order again');
      await orders.fail(row, {
        code: 'placement_unconfirmed',
        message:
          `${o.adapters.displayName(row.vendor)} may have created this assessment, but its answer did not come through (${ve.message}). ` +
          'It was not sent again, so the candidate is not invited twice: check with the provider before ordering a new attempt.',
      });
      return;
    }
    if (ve && !ve.retryable) {
      log.warn({ order: orderId, vendor: row.vendor, code: ve.code }, 'vendor refused the order');
      await orders.fail(row, { code: ve.code, message: ve.message });
      return;
    }
    if (ve?.retryAfterMs && deferrals < MAX_DEFERRALS) {
      // The vendor said when to come back (a rate limit): wait that long without using up a retry.
      const seconds = Math.ceil((ve.retryAfterMs * (1 + Math.random() * 0.1)) / 1000); // up to 10 % jitter
      log.warn({ order: orderId, vendor: row.vendor, seconds }, 'vendor asked us to wait; placement deferred');
      await o.boss.send(Q.place, { orderId, deferrals: deferrals + 1 }, { startAfter: seconds });
      return;
    }
    if (attempt >= retryLimit) {
      log.error({ order: orderId, vendor: row.vendor, err: String((err as Error).message) }, 'giving up placing the order');
      await orders.fail(row, {
        code: 'vendor_unavailable',
        message: `The ${row.vendor} service could not be reached after ${attempt + 1} attempts: ${ve?.message ?? 'unexpected error'}`,
      });
      return;
    }
    log.warn({ order: orderId, vendor: row.vendor, attempt, err: String((err as Error).message) }, 'placing the order failed; will retry');
    throw err;
  } finally {
    metrics.vendorLatency.observe({ vendor: row.vendor, op: 'place' }, (performance.now() - started) / 1000);
  }
}

/**
 * The candidate was erased while the vendor was placing the order: the erasure found no vendor reference to withdraw,
 * and the order is gone from every lookup. What the vendor now holds is withdrawn where it has a call for that, and
 * the erased order's history says what became of it (no personal data; the log names only order and vendor).
 */
async function withdrawAfterErasure(o: PlacementOptions, row: OrderRow, adapter: VendorAdapter, vo: VendorOrder): Promise<void> {
  const { log } = o;
  if (!(await isErasedOrder(o.db, row.id))) return; // gone for another reason: nothing placed on its behalf to undo
  let vendorStatus: string;
  if (typeof adapter.cancel !== 'function') vendorStatus = 'placed after erasure; the vendor has no call to withdraw it';
  else {
    const call = await withdraw(o, row, adapter, vo, 'could not withdraw an order placed after its candidate was erased');
    vendorStatus = call ? `withdrawn after a placement that finished after erasure (${call})` : 'placed after erasure; withdrawing it failed';
  }
  log.warn({ order: row.id, vendor: row.vendor, vendorStatus }, 'order placed at the vendor after its candidate was erased');
  await noteOnErasedOrder(o.db, row.id, vendorStatus, new Date());
}

/**
 * An order cancelled while the vendor was placing it: the vendor now holds an assessment nobody will take (and may
 * invite the candidate to it). Withdrawn where the vendor has a call for that, unless another open order of the
 * candidate uses the same vendor record; recorded in the order's history either way.
 */
async function withdrawLate(o: PlacementOptions, row: OrderRow, adapter: VendorAdapter, vo: VendorOrder): Promise<void> {
  const { log } = o;
  const shared = await countOtherOpenOrdersWithRef(o.db, { tenantId: row.tenant_id, vendor: row.vendor, vendorRef: vo.vendorRef!, exceptId: row.id });
  let vendorStatus: string;
  if (typeof adapter.cancel !== 'function') vendorStatus = 'placed after cancel; the vendor has no call to withdraw it';
  else if (shared > 0) vendorStatus = 'placed after cancel; kept at the vendor for another open order';
  else {
    const call = await withdraw(o, row, adapter, vo, 'could not withdraw an order placed after it was cancelled');
    vendorStatus = call ? `withdrawn after a late placement (${call})` : 'placed after cancel; withdrawing it failed';
  }
  log.warn({ order: row.id, vendor: row.vendor, vendorStatus }, 'order placed at the vendor after it was cancelled');
  await o.orders.apply(row.tenant_id, row.vendor as VendorId, [
    { match: { orderId: row.id }, status: 'cancelled', vendorStatus, vendorTime: new Date(), dedupeKey: `late-placement:${vo.vendorRef}` },
  ], 'job');
}

/** Cancels the order at the vendor, counted; the vendor call's name, or null when it failed (logged as `failedMsg`). */
async function withdraw(o: PlacementOptions, row: OrderRow, adapter: VendorAdapter, vo: VendorOrder, failedMsg: string): Promise<string | null> {
  try {
    const { call } = await adapter.cancel!(vo);
    o.metrics.vendorCalls.inc({ vendor: row.vendor, op: 'cancel', outcome: 'ok' });
    return call;
  } catch (err) {
    o.metrics.vendorCalls.inc({ vendor: row.vendor, op: 'cancel', outcome: 'error' });
    o.log.error({ order: row.id, vendor: row.vendor, err: String((err as Error).message) }, failedMsg);
    return null;
  }
}
