// Delivers each tenant's events from the event log to its ATS webhook, one at a time in id order, at least once: a
// durable cursor per tenant moves only past what was delivered (or given up on), and a lease on it lets one replica at
// a time deliver a tenant. Reads the log like the SSE hub; never writes an order or an event, and never holds a
// transaction open across an HTTP call. See docs/architecture.md#ats-webhooks.
import type { OrderEvent } from '@ca/shared';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { Database } from '../store/db.js';
import { EVENTS_CHANNEL, tenantEventsAfter } from '../store/events.js';
import { advanceWebhookCursor, claimWebhookCursor, deferWebhookCursor, ensureWebhookCursor } from '../store/webhook-cursors.js';
import { ATS_DELIVERY_RETRY, attemptAtsDelivery, deliveryLeaseSeconds, retryDelayMs, type RetryPolicy } from './policy.js';
import type { AtsSender } from './sender.js';

export interface WebhookDispatcherOptions {
  db: Database;
  sender: AtsSender;
  log: Logger;
  metrics: Metrics;
  /** This replica's name on the leases it takes; default a random id. */
  owner?: string;
  /** Default ATS_DELIVERY_RETRY (tests: a shorter one). */
  retry?: RetryPolicy;
  /** The safety net for a missed notification or the expired lease of a dead replica; default 5 s. */
  safetyPollMs?: number;
  /** How long a lease is kept with nothing to deliver before it is given up; default 2 s. */
  idleReleaseMs?: number;
  /** The lease for a tenant's timeout, in ms; default `deliveryLeaseSeconds`. */
  leaseMs?: (timeoutMs: number) => number;
  /** pg-boss schema of the job queue that delivered webhooks before the cursors: deliveries still waiting there are not lost. */
  legacyJobSchema?: string;
}

/** Events read from the log at once. */
const PAGE = 100;
/** A delivery starting this long after the lease was last renewed renews it first (saving the cursor with it). */
const RENEW_MS = 1000;

interface Lease {
  /** Delivered (or given up) through this id; saved to the cursor row when the lease is renewed or released. */
  through: bigint;
  /** Failed attempts of the event after `through`. */
  attempts: number;
  renewedAt: number;
}

interface TenantState {
  running: Promise<void> | null;
  /** A wake-up came while a drain ran: drain once more after it. */
  again: boolean;
  lease: Lease | null;
  /** Another replica holds the lease: notifications are left to it until then (the safety poll still looks). */
  quietUntil: number;
  /** The pruned id last warned of, so a retry does not warn again. */
  warnedPruned: bigint;
  retryTimer: NodeJS.Timeout | null;
  idleTimer: NodeJS.Timeout | null;
}

export function createWebhookDispatcher(opts: WebhookDispatcherOptions) {
  const { db, sender, log, metrics } = opts;
  const owner = opts.owner ?? randomUUID();
  const retry = opts.retry ?? ATS_DELIVERY_RETRY;
  const safetyPollMs = opts.safetyPollMs ?? 5_000;
  // A lease kept a little after the last delivery saves a claim per burst of events; given up after, so that another
  // replica may take the tenant (and a stopped or dead one holds nothing).
  const idleReleaseMs = opts.idleReleaseMs ?? 2_000;
  const leaseMsFor = opts.leaseMs ?? ((timeoutMs: number) => deliveryLeaseSeconds(timeoutMs) * 1000);
  const tenants = new Map<string, TenantState>();
  const abort = new AbortController();
  let stopped = false;
  let unlisten: (() => Promise<void>) | undefined;
  let safety: NodeJS.Timeout | undefined;

  const leaseMs = (tenantId: string) => leaseMsFor(sender.timeoutMs(tenantId) ?? 0);

  /** Drains the tenant now, or once more after the drain running now. */
  function wake(tenantId: string, force = false): void {
    const s = tenants.get(tenantId);
    if (!s || stopped || (!force && Date.now() < s.quietUntil)) return;
    if (s.running) s.again = true;
    else run(tenantId, s, () => drain(tenantId, s));
  }

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

  const wakeAll = (force: boolean) => {
    for (const tenantId of tenants.keys()) wake(tenantId, force);
  };

  /** Takes the tenant's lease; false when another replica has it or a retry is not yet due (a timer is set for it). */
  async function claim(tenantId: string, s: TenantState): Promise<boolean> {
    const got = await claimWebhookCursor(db, tenantId, owner, leaseMs(tenantId));
    if ('leased' in got) {
      s.quietUntil = Date.now() + safetyPollMs;
      return false;
    }
    if ('retryInMs' in got) {
      retryIn(tenantId, s, got.retryInMs);
      return false;
    }
    const lease: Lease = { through: got.cursor.deliveredThrough, attempts: got.cursor.attempts, renewedAt: Date.now() };
    if (got.cursor.prunedThrough > lease.through && got.cursor.prunedThrough > s.warnedPruned) {
      // Retention removed events of the tenant the ATS had not had: they cannot be sent; the cursor moves past them.
      s.warnedPruned = got.cursor.prunedThrough;
      log.warn({ tenant: tenantId, after: lease.through.toString(), through: got.cursor.prunedThrough.toString() }, 'event pruned before its webhook was delivered');
      lease.attempts = 0;
    }
    s.lease = lease;
    return true;
  }

  /** Delivers the tenant's events after its cursor, in id order, until none is left or one has to wait for a retry. */
  async function drain(tenantId: string, s: TenantState): Promise<void> {
    const claimed = !s.lease;
    if (claimed && !(await claim(tenantId, s))) return;
    let delivered = false;
    for (;;) {
      const lease = s.lease;
      if (!lease) return;
      const { events, newest } = await tenantEventsAfter(db, tenantId, lease.through, PAGE);
      for (const event of events) {
        if (stopped || !(await renewIfDue(tenantId, s, lease))) return;
        if ((await deliver(tenantId, s, lease, event)) === 'wait') return;
        lease.through = BigInt(event.id);
        lease.attempts = 0;
        delivered = true;
      }
      if (events.length < PAGE) {
        // Every event of the tenant up to `newest` was among those read: none is left behind by moving past it.
        if (newest > lease.through) lease.through = newest;
        break;
      }
    }
    // Kept a while after delivering (a burst brings more); a claim that found nothing to deliver is given up at once.
    if (delivered) releaseWhenIdle(tenantId, s);
    else if (claimed) await release(tenantId, s);
  }

  /** One attempt at `event`: 'wait' when it failed and its retry is due later (the lease is given up meanwhile). */
  async function deliver(tenantId: string, s: TenantState, lease: Lease, event: OrderEvent): Promise<'done' | 'wait'> {
    const attempt = { tenantId, eventId: event.id, retryCount: lease.attempts, retryLimit: retry.retryLimit };
    try {
      await attemptAtsDelivery(attempt, () => sender.send(event, abort.signal), { log, metrics });
      return 'done';
    } catch {
      if (stopped) return 'wait'; // stopping: the event is tried again by whoever drains the tenant next
      if (lease.attempts >= retry.retryLimit) return 'done'; // given up (logged and counted): move on
      const waitMs = retryDelayMs(lease.attempts, retry);
      s.lease = null;
      if (await deferWebhookCursor(db, tenantId, owner, lease.through, lease.attempts + 1, waitMs)) retryIn(tenantId, s, waitMs);
      return 'wait';
    }
  }

  /** Renews the lease (saving the cursor) when it is due; false when another replica has taken it. */
  async function renewIfDue(tenantId: string, s: TenantState, lease: Lease): Promise<boolean> {
    if (Date.now() - lease.renewedAt < RENEW_MS) return true;
    if (await advanceWebhookCursor(db, tenantId, owner, lease.through, { leaseMs: leaseMs(tenantId) })) {
      lease.renewedAt = Date.now();
      return true;
    }
    s.lease = null;
    log.warn({ tenant: tenantId }, 'lost the lease on a tenant’s ATS webhook cursor; another replica delivers its events');
    return false;
  }

  /** Saves the cursor and gives up the lease (an idle tenant, or stopping). */
  async function release(tenantId: string, s: TenantState): Promise<void> {
    const lease = s.lease;
    if (!lease) return;
    s.lease = null;
    await advanceWebhookCursor(db, tenantId, owner, lease.through, { leaseMs: 0, release: true });
  }

  /** Gives up the lease after `idleReleaseMs` without a delivery (a drain that delivers starts the wait again). */
  function releaseWhenIdle(tenantId: string, s: TenantState): void {
    clearTimer(s, 'idleTimer');
    s.idleTimer = setTimeout(() => {
      s.idleTimer = null;
      if (stopped) return;
      if (s.running) releaseWhenIdle(tenantId, s);
      else run(tenantId, s, () => release(tenantId, s));
    }, idleReleaseMs).unref();
  }

  function retryIn(tenantId: string, s: TenantState, ms: number): void {
    clearTimer(s, 'retryTimer');
    s.retryTimer = setTimeout(() => {
      s.retryTimer = null;
      wake(tenantId, true);
    }, ms).unref();
  }

  function clearTimer(s: TenantState, which: 'retryTimer' | 'idleTimer'): void {
    if (s[which]) clearTimeout(s[which]);
    s[which] = null;
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
        await release(tenantId, s).catch((err: unknown) => log.warn({ tenant: tenantId, err: String(err) }, 'could not release an ATS webhook lease; it expires'));
      }
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
