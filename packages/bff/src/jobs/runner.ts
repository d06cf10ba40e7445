// Durable jobs on pg-boss (PGlite or PostgreSQL): place orders, poll open orders, act on hints.
// A vendor outage never loses an order: placement retries with backoff and jitter, then fails the
// order with a reason. The runner decides retries; the order service decides statuses.
import type { VendorId } from '@ca/shared';
import { PgBoss, type JobInsert, type JobWithMetadata } from 'pg-boss';
import type { Logger } from 'pino';
import type { OrderService } from '../orders/service.js';
import type { Database, Sql } from '../store/db.js';
import { countOtherOpenOrdersWithRef } from '../store/actions.js';
import { getOrder, listOpenOrders, listOpenOrdersByIds } from '../store/order-lookups.js';
import type { OrderRow } from '../store/orders.js';
import type { VendorHost } from '../vendor-host/host.js';
import { toVendorOrder } from '../vendor-host/vendor-order.js';
import { VendorError, type VendorAdapter, type VendorOrder } from '../core/vendor-port.js';
import type { Metrics } from '../metrics.js';
import { attemptAtsDelivery, type AtsDeliveryJob, type AtsWebhooks } from '../events/ats-webhooks.js';
import type { OrderEvent } from '@ca/shared';
import { ATS_WEBHOOK_TIMEOUT_MAX_MS } from '../config.js';

/** Seconds without a worker heartbeat after which an active job counts as orphaned. */
const HEARTBEAT = 10;

/** Placement jobs fetched (and settled) together. */
const PLACE_BATCH = 8;
/** Orders to check now (pings, returns) fetched together, and asked about together per tenant and vendor. */
const REFRESH_ORDER_BATCH = 16;
/** ATS webhook deliveries fetched (and settled) together; two batches at once. */
const ATS_BATCH = 16;

/** Runs `fn` for every job of a batch at once and settles each job alone: a failure fails (and retries) only its job. */
function settleEach<J extends { id: string }>(jobs: J[], fn: (job: J) => Promise<unknown>) {
  return Promise.all(
    jobs.map(async (job) => {
      try {
        await fn(job);
        return { id: job.id, status: 'completed' as const };
      } catch (err) {
        return { id: job.id, status: 'failed' as const, output: { message: String((err as Error).message) } };
      }
    }),
  );
}

const Q = {
  place: 'place-order',
  refresh: 'refresh-vendor',
  refreshOrder: 'refresh-order',
  atsWebhook: 'ats-webhook',
} as const;

export interface JobRunnerOptions {
  db: Database;
  adapters: VendorHost;
  orders: () => OrderService;
  log: Logger;
  metrics: Metrics;
  atsWebhooks: AtsWebhooks;
  /** Placement attempts before the order fails (default 8: about 4 minutes of backoff). */
  placeRetryLimit?: number;
  /** First retry delay in seconds; doubles with jitter (pg-boss retryBackoff). */
  placeRetryDelay?: number;
  /** Overrides every adapter's poll interval (tests: a long one, then pollNow()). */
  pollIntervalSeconds?: number;
}

/**
 * Retries of an ATS webhook delivery: 5 s doubling with jitter (5–10 s, 10–20 s, …) up to an hour apart; 32 retries
 * make the last attempt 23.4–24.4 hours after the first, the "about a day" README and /openapi.json promise.
 */
export const ATS_DELIVERY_RETRY = { retryLimit: 32, retryDelay: 5, retryBackoff: true, retryDelayMax: 3600 } as const;

/**
 * How long a delivery job may run: the tenant's timeout plus room to read the event. Until then pg-boss neither fails
 * the job nor starts a retry beside a fetch that is still running. Set on every job, because a queue created by an
 * earlier version keeps the options it was created with.
 */
export const atsDeliveryExpirySeconds = (timeoutMs: number) => Math.ceil(timeoutMs / 1000) + 30;

interface RefreshData {
  tenantId: string;
  vendor: VendorId;
}

export function createJobRunner(opts: JobRunnerOptions) {
  const { db, adapters, log, metrics } = opts;
  const retryLimit = opts.placeRetryLimit ?? 8;
  const boss = new PgBoss({
    db: db.boss,
    schema: db.jobSchema,
    ...(db.kind === 'pglite' ? { backend: 'pglite' as const } : {}),
    useListenNotify: true,
    supervise: true,
    // A job left active by a killed process is failed (and retried) once its heartbeat is 10 s stale;
    // otherwise it would hold a `stately` poll queue for its whole expiry.
    superviseIntervalSeconds: 5,
    monitorIntervalSeconds: 10,
    schedule: false,
    migrate: true,
  } as ConstructorParameters<typeof PgBoss>[0]);
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;

  const pollSeconds = (a: VendorAdapter) => opts.pollIntervalSeconds ?? a.pollIntervalSeconds;

  /** Longest vendor-requested wait we honour by deferring the job (Berke's daily limit asks for hours). */
  const MAX_DEFERRALS = 48;

  async function place(orderId: string, attempt: number, deferrals: number): Promise<void> {
    const row = await getOrder(db, orderId);
    if (!row || row.status !== 'requested' || row.vendor_ref) return; // already placed or gone: nothing to do
    const adapter = adapters.get(row.tenant_id, row.vendor);
    const vo = toVendorOrder(row, adapters);
    if (!adapter || !vo) {
      await opts.orders().fail(row, { code: 'package_not_found', message: 'This package is no longer configured.' });
      return;
    }
    const started = performance.now();
    try {
      const placed = await adapter.placeOrder(vo);
      metrics.vendorCalls.inc({ vendor: row.vendor, op: 'place', outcome: 'ok' });
      const recorded = await opts.orders().placed(row, {
        ...placed.change,
        vendorRef: placed.vendorRef,
        vendorData: { ...placed.vendorData, ...placed.change.vendorData },
      });
      if (recorded.outcome !== 'no_match' && recorded.order.status === 'cancelled') await withdrawLate(row, adapter, { ...vo, vendorRef: placed.vendorRef });
    } catch (err) {
      const ve = err instanceof VendorError ? err : null;
      metrics.vendorCalls.inc({ vendor: row.vendor, op: 'place', outcome: ve && !ve.retryable ? 'rejected' : 'error' });
      if (ve && !ve.retryable) {
        log.warn({ order: orderId, vendor: row.vendor, code: ve.code }, 'vendor refused the order');
        await opts.orders().fail(row, { code: ve.code, message: ve.message });
        return;
      }
      if (ve?.retryAfterMs && deferrals < MAX_DEFERRALS) {
        // The vendor said when to come back (a rate limit): wait that long without using up a retry.
        const seconds = Math.ceil((ve.retryAfterMs * (1 + Math.random() * 0.1)) / 1000); // up to 10 % jitter
        log.warn({ order: orderId, vendor: row.vendor, seconds }, 'vendor asked us to wait; placement deferred');
        await boss.send(Q.place, { orderId, deferrals: deferrals + 1 }, { startAfter: seconds });
        return;
      }
      if (attempt >= retryLimit) {
        log.error({ order: orderId, vendor: row.vendor, err: String((err as Error).message) }, 'giving up placing the order');
        await opts.orders().fail(row, {
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
   * An order cancelled while the vendor was placing it: the vendor now holds an assessment nobody will take (and may
   * invite the candidate to it). Withdrawn where the vendor has a call for that, unless another open order of the
   * candidate uses the same vendor record; recorded in the order's history either way.
   */
  async function withdrawLate(row: OrderRow, adapter: VendorAdapter, vo: VendorOrder): Promise<void> {
    const shared = await countOtherOpenOrdersWithRef(db, { tenantId: row.tenant_id, vendor: row.vendor, vendorRef: vo.vendorRef!, exceptId: row.id });
    let vendorStatus: string;
    if (typeof adapter.cancel !== 'function') vendorStatus = 'placed after cancel; the vendor has no call to withdraw it';
    else if (shared > 0) vendorStatus = 'placed after cancel; kept at the vendor for another open order';
    else {
      try {
        vendorStatus = `withdrawn after a late placement (${(await adapter.cancel(vo)).call})`;
        metrics.vendorCalls.inc({ vendor: row.vendor, op: 'cancel', outcome: 'ok' });
      } catch (err) {
        metrics.vendorCalls.inc({ vendor: row.vendor, op: 'cancel', outcome: 'error' });
        vendorStatus = 'placed after cancel; withdrawing it failed';
        log.error({ order: row.id, vendor: row.vendor, err: String((err as Error).message) }, 'could not withdraw an order placed after it was cancelled');
      }
    }
    log.warn({ order: row.id, vendor: row.vendor, vendorStatus }, 'order placed at the vendor after it was cancelled');
    await opts.orders().apply(row.tenant_id, row.vendor as VendorId, [
      { match: { orderId: row.id }, status: 'cancelled', vendorStatus, vendorTime: new Date(), dedupeKey: `late-placement:${vo.vendorRef}` },
    ], 'job');
  }

  /** One refresh cycle of a tenant's vendor: every open order, in the adapter's batch size. */
  async function refreshVendor(tenantId: string, vendor: VendorId, onlyOrderIds?: readonly string[]): Promise<number> {
    const adapter = adapters.get(tenantId, vendor);
    if (!adapter?.refresh) return 0;
    const rows = onlyOrderIds ? await listOpenOrdersByIds(db, tenantId, vendor, onlyOrderIds) : await listOpenOrders(db, tenantId, vendor, 100_000);
    const orders = rows.map((r) => toVendorOrder(r, adapters)).filter((o): o is VendorOrder => o !== null);
    const size = adapter.refreshBatchSize ?? (orders.length || 1);
    let applied = 0;
    for (let i = 0; i < orders.length; i += size) {
      const batch = orders.slice(i, i + size);
      const started = performance.now();
      try {
        const updates = await adapter.refresh(batch);
        metrics.vendorCalls.inc({ vendor, op: 'refresh', outcome: 'ok' });
        const results = await opts.orders().apply(tenantId, vendor, updates, 'poll');
        applied += results.filter((r) => r.outcome === 'applied').length;
      } catch (err) {
        metrics.vendorCalls.inc({ vendor, op: 'refresh', outcome: 'error' });
        log.warn({ tenant: tenantId, vendor, err: String((err as Error).message) }, 'refreshing orders failed; next cycle retries');
      } finally {
        metrics.vendorLatency.observe({ vendor, op: 'refresh' }, (performance.now() - started) / 1000);
      }
    }
    return applied;
  }

  async function schedulePolls() {
    for (const { tenantId, vendor, adapter } of adapters.all()) {
      if (!adapter.refresh) continue;
      const seconds = pollSeconds(adapter);
      const key = `${tenantId}:${vendor}`;
      const tick = () => {
        if (stopped) return;
        // Throttled by key: whichever replica sends first in a slot wins; the others' sends are no-ops.
        boss
          .sendThrottled(Q.refresh, { tenantId, vendor } satisfies RefreshData, { singletonKey: key }, seconds, key)
          .catch((err) => log.warn({ err: String(err) }, 'could not schedule a poll'));
      };
      const jitter = Math.random() * Math.min(seconds, 10) * 1000;
      timers.push(setTimeout(tick, jitter).unref());
      timers.push(setInterval(tick, seconds * 1000).unref());
    }
  }

  return {
    boss,
    async start() {
      await boss.start();
      await boss.createQueue(Q.place, {
        retryLimit,
        retryDelay: opts.placeRetryDelay ?? 2,
        retryBackoff: true,
        retryDelayMax: 300,
        expireInSeconds: 120,
        heartbeatSeconds: HEARTBEAT,
        notify: true,
      });
      await boss.createQueue(Q.refresh, { policy: 'stately', retryLimit: 0, expireInSeconds: 600, heartbeatSeconds: HEARTBEAT, notify: true });
      await boss.createQueue(Q.refreshOrder, { policy: 'stately', retryLimit: 2, retryDelay: 5, expireInSeconds: 120, heartbeatSeconds: HEARTBEAT, notify: true });
      // NOTIFY wakes workers for new jobs; delayed retries are found by polling, so poll often (a cheap indexed query).
      const polling = { pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 };
      // Several placements at once: each waits on a vendor round trip, not on this process. Jobs are fetched in
      // batches (one fetch and one completion statement for many), settled one by one so one failure retries alone,
      // and a full batch fetches the next at once instead of after a poll interval.
      await boss.work<{ orderId: string; deferrals?: number }>(
        Q.place,
        { includeMetadata: true, batchSize: PLACE_BATCH, localConcurrency: 2, perJobResults: true, burstWhenBatchFull: true, ...polling },
        (jobs) => settleEach(jobs, (job) => place(job.data.orderId, (job as JobWithMetadata).retryCount ?? 0, job.data.deferrals ?? 0)),
      );
      await boss.work<RefreshData>(Q.refresh, { batchSize: 1, ...polling }, async ([job]) => {
        await refreshVendor(job!.data.tenantId, job!.data.vendor);
      });
      // Orders to check now (a vendor's ping, a candidate back from the vendor): those of a batch are asked about
      // together, per tenant and vendor, in the vendor's bulk call where it has one (pymetrics get_bulk_status), and
      // a full batch fetches the next at once. One job per fetch cost a vendor call each and a poll interval after it.
      await boss.work<RefreshData & { orderId: string }>(
        Q.refreshOrder,
        { batchSize: REFRESH_ORDER_BATCH, localConcurrency: 2, perJobResults: true, burstWhenBatchFull: true, ...polling },
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
              const status = await refreshVendor(tenantId, vendor, group.map((j) => j.data.orderId)).then(
                () => 'completed' as const,
                () => 'failed' as const, // the orders could not be read: retried
              );
              return group.map((j) => ({ id: j.id, status }));
            }),
          );
          return settled.flat();
        },
      );
      await boss.createQueue(Q.atsWebhook, {
        ...ATS_DELIVERY_RETRY,
        expireInSeconds: atsDeliveryExpirySeconds(ATS_WEBHOOK_TIMEOUT_MAX_MS),
        heartbeatSeconds: HEARTBEAT,
        notify: true,
      });
      // As placements: fetched in batches, settled one by one (a failed delivery retries alone), and a full batch fetches
      // the next at once. One job per fetch waited a poll interval after each: about 4 deliveries a second per replica
      // (measured: a tenant's ATS had 545 of 1,500 events two minutes after an ingest of 1,500 notifications).
      await boss.work(
        Q.atsWebhook,
        { batchSize: ATS_BATCH, localConcurrency: 2, includeMetadata: true, perJobResults: true, burstWhenBatchFull: true, ...polling },
        async (jobs: JobWithMetadata<AtsDeliveryJob['data']>[]) => {
          const events = await opts.atsWebhooks.read(db, jobs.map((j) => j.data)); // one statement for the batch
          return settleEach(jobs, (job) =>
            attemptAtsDelivery(job, () => opts.atsWebhooks.send(job.data.tenantId, job.data.eventId, events.get(job.data.eventId), job.signal), { log, metrics }),
          );
        },
      );
      await schedulePolls();
    },
    /** Enqueues placement inside the order's transaction, so an accepted order always has its job. */
    async enqueuePlacement(tx: Sql, orderId: string) {
      await boss.send(Q.place, { orderId }, { db: tx.boss });
    },
    /** Whether the tenant's events go to an ATS webhook (`enqueueEventDeliveries` would write). */
    deliversEvents(tenantId: string): boolean {
      return opts.atsWebhooks.timeoutMs(tenantId) !== undefined;
    },
    /** Enqueues the ATS webhook deliveries of events, in the events' transaction: one statement for all of them. */
    async enqueueEventDeliveries(tx: Sql, events: readonly OrderEvent[]) {
      const jobs: JobInsert<AtsDeliveryJob['data']>[] = [];
      for (const event of events) {
        const timeoutMs = opts.atsWebhooks.timeoutMs(event.tenantId);
        if (timeoutMs === undefined) continue;
        jobs.push({ data: { tenantId: event.tenantId, eventId: event.id }, ...ATS_DELIVERY_RETRY, expireInSeconds: atsDeliveryExpirySeconds(timeoutMs) });
      }
      if (jobs.length) await boss.insert(Q.atsWebhook, jobs, { db: tx.boss });
    },
    /** A hint (vendor callback, candidate returned): check this order now. */
    async refreshOrderSoon(tenantId: string, vendor: VendorId, orderId: string) {
      await boss.send(Q.refreshOrder, { tenantId, vendor, orderId }, { singletonKey: orderId });
    },
    /**
     * Whether the scheduled refresh cycle of every polled tenant and vendor has run at least once (the first is sent
     * within 10 s of start) and none waits or runs: from then on a cycle run by `pollNow` is the only one for the poll
     * interval (tests and benches that count a cycle's vendor calls wait for this).
     */
    async scheduledPollsSettled(): Promise<boolean> {
      const jobs = await boss.findJobs(Q.refresh);
      const polled = adapters.all().filter(({ adapter }) => adapter.refresh).length;
      return jobs.filter((j) => j.state === 'completed').length >= polled && !jobs.some((j) => ['created', 'retry', 'active'].includes(j.state));
    },
    /** Runs a refresh cycle now, in this process (tests and operators). */
    async pollNow(filter?: { tenantId?: string; vendor?: VendorId }) {
      for (const { tenantId, vendor } of adapters.all()) {
        if (filter?.tenantId && filter.tenantId !== tenantId) continue;
        if (filter?.vendor && filter.vendor !== vendor) continue;
        await refreshVendor(tenantId, vendor);
      }
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await boss.stop({ graceful: true, timeout: 5000 }); // v12 resolves once workers have finished
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
