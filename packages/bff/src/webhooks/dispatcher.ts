// Delivers each tenant's events from the event log to its ATS webhook, at least once: first attempts in id order with up
// to 16 in flight, a failed one parked and retried alone later, so it holds none of the tenant's later events. A
// durable cursor per tenant moves only past what was delivered, given up on or parked, and a lease on it lets one
// replica at a time deliver a tenant (tenant-drain.ts). This module decides when a tenant is drained: on the log's
// new-event notification, on a slow safety poll, when a parked retry is due. Never writes an order or an event. See
// docs/architecture.md#ats-webhooks.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { Database } from '../store/db.js';
import { EVENTS_CHANNEL } from '../store/events.js';
import { ensureWebhookCursor } from '../store/webhook-cursors.js';
import { ATS_DELIVERY_RETRY, deliveryLeaseSeconds, type RetryPolicy } from './policy.js';
import type { AtsSender } from './sender.js';
import { drainTenant, releaseLease, type DrainContext, type TenantCursor } from './tenant-drain.js';

export interface WebhookDispatcherOptions {
  db: Database;
  sender: AtsSender;
  log: Logger;
  metrics: Metrics;
  /** This replica's name on the leases it takes; default a random id. */
  owner?: string;
  /** Default ATS_DELIVERY_RETRY (tests: a shorter one). */
  retry?: RetryPolicy;
  /**
   * The safety net for a missed notification or the expired lease of a dead replica; default 5 s on PostgreSQL, 60 s on
   * PGlite (one process, whose notifications never leave it: only a retry's timer and a notification wake it).
   */
  safetyPollMs?: number;
  /** How long a lease is kept with nothing to deliver before it is given up; default 2 s. */
  idleReleaseMs?: number;
  /** The lease for a tenant's timeout, in ms; default `deliveryLeaseSeconds`. */
  leaseMs?: (timeoutMs: number) => number;
  /** pg-boss schema of the job queue that delivered webhooks before the cursors: deliveries still waiting there are not lost. */
  legacyJobSchema?: string;
}

interface TenantState extends TenantCursor {
  running: Promise<void> | null;
  /** A wake-up came while a task ran: drain once more after it. */
  again: boolean;
  /** Another replica holds the lease: notifications are left to it until then (the safety poll still looks). */
  quietUntil: number;
  retryTimer: NodeJS.Timeout | null;
  idleTimer: NodeJS.Timeout | null;
}

export function createWebhookDispatcher(opts: WebhookDispatcherOptions) {
  const { db, sender, log } = opts;
  const safetyPollMs = opts.safetyPollMs ?? (db.kind === 'pglite' ? 60_000 : 5_000);
  // A lease kept a little after the last delivery saves a claim per burst of events; given up after, so that another
  // replica may take the tenant (and a stopped or dead one holds nothing).
  const idleReleaseMs = opts.idleReleaseMs ?? 2_000;
  const leaseMsFor = opts.leaseMs ?? ((timeoutMs: number) => deliveryLeaseSeconds(timeoutMs) * 1000);
  const tenants = new Map<string, TenantState>();
  const abort = new AbortController();
  let stopped = false;
  let unlisten: (() => Promise<void>) | undefined;
  let safety: NodeJS.Timeout | undefined;
  const ctx: DrainContext = {
    db,
    sender,
    log,
    metrics: opts.metrics,
    owner: opts.owner ?? randomUUID(),
    retry: opts.retry ?? ATS_DELIVERY_RETRY,
    leaseMs: (tenantId) => leaseMsFor(sender.timeoutMs(tenantId) ?? 0),
    signal: abort.signal,
    stopped: () => stopped,
  };

  /** Drains the tenant now, or once more after its task running now. */
  function wake(tenantId: string, force = false): void {
    const s = tenants.get(tenantId);
    if (!s || stopped || (!force && Date.now() < s.quietUntil)) return;
    if (s.running) s.again = true;
    else run(tenantId, s, () => drain(tenantId, s));
  }

  const wakeAll = (force: boolean) => {
    for (const tenantId of tenants.keys()) wake(tenantId, force);
  };

  /**
   * Runs one task of the tenant's (a drain, or giving up the lease) with no other of its tasks beside it, so the
   * lease is never claimed and given up at once; a wake-up that came meanwhile drains again after it.
   */
  function run(tenantId: string, s: TenantState, task: () => Promise<void>): void {
    s.again = false;
    s.running = task()
      .catch((err: unknown) => log.warn({ tenant: tenantId, err: String(err) }, 'ATS webhook delivery stopped on an error; the next wake-up resumes it'))
      .finally(() => {
        s.running = null;
        if (s.again) wake(tenantId, true);
      });
  }

  async function drain(tenantId: string, s: TenantState): Promise<void> {
    const out = await drainTenant(ctx, tenantId, s);
    if (out.kind === 'delivered') releaseWhenIdle(tenantId, s);
    else if (out.kind === 'leased') s.quietUntil = Date.now() + safetyPollMs;
    if ('nextRetryInMs' in out && out.nextRetryInMs !== null) retryIn(tenantId, s, out.nextRetryInMs);
  }

  /** Gives up the lease after `idleReleaseMs` without a delivery (a drain that delivers starts the wait again). */
  function releaseWhenIdle(tenantId: string, s: TenantState): void {
    clearTimer(s, 'idleTimer');
    s.idleTimer = setTimeout(() => {
      s.idleTimer = null;
      if (stopped) return;
      if (s.running) releaseWhenIdle(tenantId, s);
      else run(tenantId, s, () => releaseLease(ctx, tenantId, s));
    }, idleReleaseMs).unref();
  }

  function retryIn(tenantId: string, s: TenantState, ms: number): void {
    clearTimer(s, 'retryTimer');
    s.retryTimer = setTimeout(() => {
      s.retryTimer = null;
      wake(tenantId, true);
    }, ms).unref();
  }

  return {
    /** Creates missing cursors (at the end of the log), listens for new events and delivers what is waiting. */
    async start(): Promise<void> {
      for (const tenantId of sender.tenants()) {
        await ensureWebhookCursor(db, tenantId, opts.legacyJobSchema);
        tenants.set(tenantId, { running: null, again: false, lease: null, quietUntil: 0, warnedPruned: 0n, retryTimer: null, idleTimer: null });
      }
      if (tenants.size === 0) return;
      unlisten = await db.listen(
        EVENTS_CHANNEL,
        () => wakeAll(false),
        () => wakeAll(true),
      );
      safety = setInterval(() => wakeAll(true), safetyPollMs).unref();
      wakeAll(true);
    },
    /** Stops delivering: aborts calls in flight (their events are sent again later), saves the cursors, gives up the leases. */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(safety);
      abort.abort();
      await unlisten?.();
      for (const [tenantId, s] of tenants) {
        clearTimer(s, 'retryTimer');
        clearTimer(s, 'idleTimer');
        await s.running;
        await releaseLease(ctx, tenantId, s).catch((err: unknown) => log.warn({ tenant: tenantId, err: String(err) }, 'could not release an ATS webhook lease; it expires'));
      }
    },
  };
}

function clearTimer(s: TenantState, which: 'retryTimer' | 'idleTimer'): void {
  if (s[which]) clearTimeout(s[which]);
  s[which] = null;
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
