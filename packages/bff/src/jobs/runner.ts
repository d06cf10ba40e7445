// Durable jobs on pg-boss (PGlite or PostgreSQL): place orders (placement.ts), poll open orders (polls.ts), act on
// hints (hints.ts). The runner starts and stops them together; it calls the order service and is never called by it.
import type { VendorId } from '@ca/shared';
import type { PgBoss } from 'pg-boss';
import { refreshOrderSoon, startHints } from './hints.js';
import { startPlacement } from './placement.js';
import { refreshVendor, scheduledPollsSettled, startPolls, type JobDeps } from './polls.js';

export interface JobRunnerOptions extends JobDeps {
  /** The queue (jobs/queue.ts createBoss), made first so the order service's placement port can send to it. */
  boss: PgBoss;
  /** Test knobs over the placement retry schedule (placement.ts PLACE_RETRY). */
  placeRetryLimit?: number;
  placeRetryDelay?: number;
  placeRetryDelayMax?: number;
  /** Overrides every adapter's poll interval (tests: a long one, then pollNow()). */
  pollIntervalSeconds?: number;
}

export function createJobRunner(opts: JobRunnerOptions) {
  const { boss, adapters } = opts;
  const deps = { db: opts.db, adapters, orders: opts.orders, log: opts.log, metrics: opts.metrics };
  let timers: NodeJS.Timeout[] = [];
  let stopped = false;
  let started = false;

  return {
    boss,
    async start() {
      await boss.start();
      await startPlacement({ ...deps, boss, retryLimit: opts.placeRetryLimit, retryDelay: opts.placeRetryDelay, retryDelayMax: opts.placeRetryDelayMax });
      await startHints({ ...deps, boss });
      timers = await startPolls({ ...deps, boss, pollIntervalSeconds: opts.pollIntervalSeconds }, () => stopped);
      started = true;
    },
    /** Whether the queues are worked (readiness). */
    started: () => started,
    /** A hint (vendor callback, candidate returned): check this order now. */
    refreshOrderSoon: (tenantId: string, vendor: VendorId, orderId: string) => refreshOrderSoon(boss, tenantId, vendor, orderId),
    /** See polls.ts `scheduledPollsSettled`. */
    scheduledPollsSettled: () => scheduledPollsSettled(boss, adapters),
    /** Runs a refresh cycle now, in this process (tests and operators). */
    async pollNow(filter?: { tenantId?: string; vendor?: VendorId }) {
      for (const { tenantId, vendor } of adapters.all()) {
        if (filter?.tenantId && filter.tenantId !== tenantId) continue;
        if (filter?.vendor && filter.vendor !== vendor) continue;
        await refreshVendor(deps, tenantId, vendor);
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
