// ATS webhook deliveries parked after a failed attempt, retried alone on the retry schedule (policy.ts), later than
// and apart from the first attempts of the tenant's later events: one that keeps failing holds none of them. Only the
// holder of the tenant's lease retries (tenant-drain.ts); never moves the cursor.
import type { OrderEvent } from '@ca/shared';
import { eventsByIds, prunedThrough } from '../store/events.js';
import { dropWebhookRetry, dueWebhookRetries, parkWebhookRetry, rescheduleWebhookRetry, type DueRetry } from '../store/webhook-retries.js';
import { attemptAtsDelivery, retryDelayMs } from './policy.js';
import type { DrainContext } from './tenant-drain.js';

/** A due retry and its event, null when the event is no longer in the log. */
export interface ParkedDelivery extends DueRetry {
  event: OrderEvent | null;
  /** Retention removed the event (rather than an erasure): its loss is worth a warning. */
  pruned: boolean;
}

/** Up to `limit` of the tenant's parked deliveries whose retry is due, with their events. */
export async function dueParked(c: DrainContext, tenantId: string, limit: number): Promise<ParkedDelivery[]> {
  const due = await dueWebhookRetries(c.db, tenantId, limit);
  if (due.length === 0) return [];
  const events = new Map((await eventsByIds(c.db, due.map((r) => r.eventId))).map((e) => [e.id, e]));
  const pruned = due.length > events.size ? await prunedThrough(c.db) : 0n;
  return due.map((r) => ({ ...r, event: events.get(r.eventId) ?? null, pruned: !events.has(r.eventId) && BigInt(r.eventId) <= pruned }));
}

/**
 * The first attempt at `event`; true once it is settled: delivered, given up (a retry limit of 0), or parked for a
 * retry. False when it is not (the replica is stopping, or the lease is lost before it was parked): the cursor stays
 * before it, and whoever delivers the tenant next sends it again.
 */
export async function firstAttempt(c: DrainContext, tenantId: string, event: OrderEvent): Promise<boolean> {
  try {
    await attemptAtsDelivery({ tenantId, eventId: event.id, retryCount: 0, retryLimit: c.retry.retryLimit }, () => c.sender.send(event, c.signal), c);
    return true;
  } catch (err) {
    if (c.stopped()) return false;
    if (c.retry.retryLimit <= 0) return true;
    return parkWebhookRetry(c.db, tenantId, c.owner, event.id, retryDelayMs(0, c.retry), errorText(err));
  }
}

/**
 * One retry of a parked delivery, alone: delivered or given up (logged and counted by attemptAtsDelivery), it leaves
 * the parking; failed before its last retry, it waits there for the next. An event gone from the log leaves with a
 * warning when retention removed it (an erased candidate's events leave quietly).
 */
export async function retryParked(c: DrainContext, tenantId: string, p: ParkedDelivery): Promise<void> {
  if (!p.event) {
    if (p.pruned) c.log.warn({ tenant: tenantId, event: p.eventId }, 'event pruned before its webhook was delivered');
    await dropWebhookRetry(c.db, tenantId, c.owner, p.eventId);
    return;
  }
  const event = p.event;
  try {
    await attemptAtsDelivery({ tenantId, eventId: event.id, retryCount: p.attempts, retryLimit: c.retry.retryLimit }, () => c.sender.send(event, c.signal), c);
  } catch (err) {
    if (c.stopped()) return;
    if (p.attempts < c.retry.retryLimit) {
      await rescheduleWebhookRetry(c.db, tenantId, c.owner, { eventId: p.eventId, attempts: p.attempts + 1 }, retryDelayMs(p.attempts, c.retry), errorText(err));
      return;
    }
  }
  await dropWebhookRetry(c.db, tenantId, c.owner, p.eventId);
}

const errorText = (err: unknown) => String((err as Error)?.message ?? err);
