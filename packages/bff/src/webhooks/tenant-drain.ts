// One tenant's ATS webhook delivery from its cursor: claim the lease, read the tenant's events after the cursor,
// send them one at a time in id order, and move the cursor only past what was delivered or given up on. Never holds
// a transaction open across an HTTP call: every cursor write is one statement between calls.
import type { OrderEvent } from '@ca/shared';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { Sql } from '../store/db.js';
import { tenantEventsAfter } from '../store/events.js';
import { advanceWebhookCursor, claimWebhookCursor, deferWebhookCursor } from '../store/webhook-cursors.js';
import { attemptAtsDelivery, retryDelayMs, type RetryPolicy } from './policy.js';
import type { AtsSender } from './sender.js';

/** Events read from the log at once. */
const PAGE = 100;
/** A delivery starting this long after the lease was last renewed renews it first (saving the cursor with it). */
const RENEW_MS = 1000;

/** What a drain needs of its replica. */
export interface DrainContext {
  db: Sql;
  sender: AtsSender;
  log: Logger;
  metrics: Metrics;
  /** This replica's name on its leases. */
  owner: string;
  retry: RetryPolicy;
  /** The lease for a tenant, in ms: its timeout and some room. */
  leaseMs(tenantId: string): number;
  /** Aborts calls in flight when the replica stops. */
  signal: AbortSignal;
  stopped(): boolean;
}

/** The lease this replica holds on a tenant's cursor. */
export interface Lease {
  /** Delivered (or given up) through this id; saved to the cursor row when the lease is renewed or released. */
  through: bigint;
  /** Failed attempts of the event after `through`. */
  attempts: number;
  renewedAt: number;
}

/** What this replica knows of a tenant's cursor between drains. */
export interface TenantCursor {
  lease: Lease | null;
  /** The pruned id last warned of, so that a retry does not warn again. */
  warnedPruned: bigint;
}

/**
 * How a drain ended: `delivered` (something went out; the lease is kept a while), `idle` (nothing to send; a lease it
 * claimed for this is given up), `leased` (another replica has the tenant), `retry` (an event waits `inMs` for its next
 * attempt; the lease is given up meanwhile), `stopped`.
 */
export type DrainOutcome = { kind: 'delivered' | 'idle' | 'leased' | 'stopped' } | { kind: 'retry'; inMs: number };

/** Delivers the tenant's events after its cursor, in id order, until none is left or one has to wait for a retry. */
export async function drainTenant(c: DrainContext, tenantId: string, t: TenantCursor): Promise<DrainOutcome> {
  const claimed = !t.lease;
  if (claimed) {
    const got = await claim(c, tenantId, t);
    if (got) return got;
  }
  let delivered = false;
  for (;;) {
    const lease = t.lease;
    if (!lease) return { kind: 'leased' };
    const { events, newest } = await tenantEventsAfter(c.db, tenantId, lease.through, PAGE);
    for (const event of events) {
      if (c.stopped()) return { kind: 'stopped' };
      if (!(await renewIfDue(c, tenantId, t, lease))) return { kind: 'leased' };
      const waitMs = await deliver(c, tenantId, lease, event);
      if (waitMs === 'stopped') return { kind: 'stopped' };
      if (waitMs !== null) {
        t.lease = null;
        const deferred = await deferWebhookCursor(c.db, tenantId, c.owner, lease.through, lease.attempts + 1, waitMs);
        return deferred ? { kind: 'retry', inMs: waitMs } : { kind: 'leased' };
      }
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
  if (delivered) return { kind: 'delivered' };
  if (claimed) await releaseLease(c, tenantId, t);
  return { kind: 'idle' };
}

/** Takes the tenant's lease into `t.lease`; resolves to why not when another replica has it or a retry is not yet due. */
async function claim(c: DrainContext, tenantId: string, t: TenantCursor): Promise<DrainOutcome | null> {
  const got = await claimWebhookCursor(c.db, tenantId, c.owner, c.leaseMs(tenantId));
  if ('leased' in got) return { kind: 'leased' };
  if ('retryInMs' in got) return { kind: 'retry', inMs: got.retryInMs };
  const lease: Lease = { through: got.cursor.deliveredThrough, attempts: got.cursor.attempts, renewedAt: Date.now() };
  if (got.cursor.prunedThrough > lease.through && got.cursor.prunedThrough > t.warnedPruned) {
    // Retention removed events of the tenant the ATS had not had: they cannot be sent; the cursor moves past them.
    t.warnedPruned = got.cursor.prunedThrough;
    c.log.warn({ tenant: tenantId, after: lease.through.toString(), through: got.cursor.prunedThrough.toString() }, 'event pruned before its webhook was delivered');
    lease.attempts = 0;
  }
  t.lease = lease;
  return null;
}

/**
 * One attempt at `event`: null when it is done (delivered, or given up after its last retry: logged and counted), the
 * wait before its next attempt when it failed, 'stopped' when the replica is stopping (whoever drains the tenant next
 * sends it again).
 */
async function deliver(c: DrainContext, tenantId: string, lease: Lease, event: OrderEvent): Promise<number | null | 'stopped'> {
  const attempt = { tenantId, eventId: event.id, retryCount: lease.attempts, retryLimit: c.retry.retryLimit };
  try {
    await attemptAtsDelivery(attempt, () => c.sender.send(event, c.signal), c);
    return null;
  } catch {
    if (c.stopped()) return 'stopped';
    if (lease.attempts >= c.retry.retryLimit) return null;
    return retryDelayMs(lease.attempts, c.retry);
  }
}

/** Renews the lease (saving the cursor) when it is due; false when another replica has taken it. */
async function renewIfDue(c: DrainContext, tenantId: string, t: TenantCursor, lease: Lease): Promise<boolean> {
  if (Date.now() - lease.renewedAt < RENEW_MS) return true;
  if (await advanceWebhookCursor(c.db, tenantId, c.owner, lease.through, { leaseMs: c.leaseMs(tenantId) })) {
    lease.renewedAt = Date.now();
    return true;
  }
  t.lease = null;
  c.log.warn({ tenant: tenantId }, 'lost the lease on a tenant’s ATS webhook cursor; another replica delivers its events');
  return false;
}

/** Saves the cursor and gives up the lease (an idle tenant, or stopping). */
export async function releaseLease(c: DrainContext, tenantId: string, t: TenantCursor): Promise<void> {
  const lease = t.lease;
  if (!lease) return;
  t.lease = null;
  await advanceWebhookCursor(c.db, tenantId, c.owner, lease.through, { leaseMs: 0, release: true });
}
