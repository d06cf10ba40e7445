// One tenant's ATS webhook delivery: claim the lease, retry the parked deliveries that are due (each alone), then read
// the tenant's events after the cursor and start their first attempts in id order, up to WINDOW in flight, moving the
// cursor only to the highest id below which every first attempt has settled (delivered, given up or parked). Never
// holds a transaction open across an HTTP call: every write is one statement between calls.
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { Sql } from '../store/db.js';
import { tenantEventsAfter } from '../store/events.js';
import { advanceWebhookCursor, claimWebhookCursor } from '../store/webhook-cursors.js';
import { nextWebhookRetryInMs } from '../store/webhook-retries.js';
import { dueParked, firstAttempt, retryParked } from './parked.js';
import type { RetryPolicy } from './policy.js';
import type { AtsSender } from './sender.js';
import { DeliveryWindow } from './window.js';

/** Events (or due retries) read from the database at once. */
const PAGE = 100;
/** Deliveries of one tenant in flight at once. */
export const WINDOW = 16;
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
  /** Settled through this id; saved to the cursor row when the lease is renewed or released. */
  through: bigint;
  renewedAt: number;
}

/** What this replica knows of a tenant's cursor between drains. */
export interface TenantCursor {
  lease: Lease | null;
  /** The pruned id last warned of, so that a later claim does not warn again. */
  warnedPruned: bigint;
}

/**
 * How a drain ended: `delivered` (something went out; the lease is kept a while), `idle` (nothing to send; a lease it
 * claimed for this is given up), `leased` (another replica has the tenant), `stopped`. After `delivered` or `idle`,
 * `nextRetryInMs` is when the tenant's next parked retry is due (null: none is parked).
 */
export type DrainOutcome = { kind: 'leased' | 'stopped' } | { kind: 'delivered' | 'idle'; nextRetryInMs: number | null };

/** Retries what is due and delivers the tenant's events after its cursor, until none is left to start. */
export async function drainTenant(c: DrainContext, tenantId: string, t: TenantCursor): Promise<DrainOutcome> {
  const claimed = !t.lease;
  if (claimed && !(await claim(c, tenantId, t))) return { kind: 'leased' };
  const lease = t.lease!;
  const w = new DeliveryWindow(WINDOW, lease.through);
  let started = 0;
  /** Waits for a free place in the window; why not to start, if so. */
  const mayStart = async (): Promise<'stopped' | 'leased' | null> => {
    await w.slot();
    if (c.stopped()) return 'stopped';
    if (!(await renewIfDue(c, tenantId, t, lease, w.through))) return 'leased';
    started += 1;
    return null;
  };
  const end = await fill(c, tenantId, w, mayStart);
  await w.idle();
  lease.through = w.through;
  if (end !== 'done') return { kind: end };
  if (!t.lease) return { kind: 'leased' };
  const nextRetryInMs = await nextWebhookRetryInMs(c.db, tenantId);
  if (started > 0) return { kind: 'delivered', nextRetryInMs };
  if (claimed) await releaseLease(c, tenantId, t);
  return { kind: 'idle', nextRetryInMs };
}

/** Starts the due retries, then the first attempts of the events after the cursor in id order, as the window allows. */
async function fill(c: DrainContext, tenantId: string, w: DeliveryWindow, mayStart: () => Promise<'stopped' | 'leased' | null>): Promise<'done' | 'stopped' | 'leased'> {
  for (const parked of await dueParked(c, tenantId, PAGE)) {
    const not = await mayStart();
    if (not) return not;
    w.start(async () => (await retryParked(c, tenantId, parked), true));
  }
  for (;;) {
    const { events, newest } = await tenantEventsAfter(c.db, tenantId, w.frontier, PAGE);
    for (const event of events) {
      const not = await mayStart();
      if (not) return not;
      w.start(() => firstAttempt(c, tenantId, event), BigInt(event.id));
    }
    if (events.length < PAGE) {
      // Every event of the tenant up to `newest` was among those read (or is parked): none is left behind past it.
      w.reach(newest);
      return 'done';
    }
  }
}

/** Takes the tenant's lease into `t.lease`; false when another replica has it. */
async function claim(c: DrainContext, tenantId: string, t: TenantCursor): Promise<boolean> {
  const got = await claimWebhookCursor(c.db, tenantId, c.owner, c.leaseMs(tenantId));
  if ('leased' in got) return false;
  const lease: Lease = { through: got.cursor.deliveredThrough, renewedAt: Date.now() };
  if (got.cursor.prunedThrough > lease.through && got.cursor.prunedThrough > t.warnedPruned) {
    // Retention removed events of the tenant the ATS had not had: they cannot be sent; the cursor moves past them.
    t.warnedPruned = got.cursor.prunedThrough;
    c.log.warn({ tenant: tenantId, after: lease.through.toString(), through: got.cursor.prunedThrough.toString() }, 'event pruned before its webhook was delivered');
  }
  t.lease = lease;
  return true;
}

/**
 * Renews the lease (saving the cursor at `through`) when it is due; false when another replica has taken it. Every
 * delivery starts within RENEW_MS of a renewal and ends within the tenant's timeout, well inside the lease, so a
 * window in flight never outlives it.
 */
async function renewIfDue(c: DrainContext, tenantId: string, t: TenantCursor, lease: Lease, through: bigint): Promise<boolean> {
  if (Date.now() - lease.renewedAt < RENEW_MS) return true;
  if (await advanceWebhookCursor(c.db, tenantId, c.owner, through, { leaseMs: c.leaseMs(tenantId) })) {
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
