// When an ATS webhook delivery is retried, when it is given up, and how each attempt is logged and counted.
// No I/O of its own: webhooks/tenant-drain.ts and parked.ts send, park a failed delivery and move the cursor.
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';

/**
 * Retries of an ATS webhook delivery: 5 s doubling with jitter (5–10 s, 10–20 s, …) up to an hour apart; 32 retries
 * make the last attempt 23.4–24.4 hours after the first, the "about a day" docs/api.md#ats-webhooks and /openapi.json promise.
 */
export const ATS_DELIVERY_RETRY = { retryLimit: 32, retryDelay: 5, retryBackoff: true, retryDelayMax: 3600 } as const;

export type RetryPolicy = { retryLimit: number; retryDelay: number; retryDelayMax: number };

/** The wait after failed attempt `k` (0-based), in ms: min(retryDelayMax, retryDelay · 2^k · (1 + random)) seconds. */
export function retryDelayMs(k: number, policy: RetryPolicy = ATS_DELIVERY_RETRY, random = Math.random()): number {
  return Math.min(policy.retryDelayMax, policy.retryDelay * 2 ** k * (1 + random)) * 1000;
}

/**
 * How long a replica's lease on a tenant's cursor lasts from its last renewal: the tenant's timeout plus room to read
 * the log and move the cursor. Renewed before every delivery that starts more than a second after the last renewal,
 * so a healthy replica never loses it in the middle of a call; a dead one's lease ends this long after its last sign.
 */
export const deliveryLeaseSeconds = (timeoutMs: number) => Math.ceil(timeoutMs / 1000) + 30;

/** Which delivery attempt this is: the event, and the failed attempts before it out of how many retries. */
export interface AtsDeliveryAttempt {
  tenantId: string;
  eventId: string;
  retryCount: number;
  retryLimit: number;
}

/**
 * One delivery attempt, counted by outcome. A failure is retried later (a warning); the last one means the ATS will
 * not get this event by webhook: an error in the log and `gave_up` in the metric, so an operator learns of it before
 * the ATS team does. The event stays in the log, so an API-key event stream resumed from an earlier id replays it.
 */
export async function attemptAtsDelivery(a: AtsDeliveryAttempt, deliver: () => Promise<void>, o: { log: Logger; metrics: Metrics }): Promise<void> {
  const { tenantId, eventId } = a;
  try {
    await deliver();
    o.metrics.atsWebhooks.inc({ tenant: tenantId, outcome: 'delivered' });
  } catch (err) {
    const attempt = a.retryCount + 1;
    const last = a.retryCount >= a.retryLimit;
    o.metrics.atsWebhooks.inc({ tenant: tenantId, outcome: last ? 'gave_up' : 'failed' });
    const fields = { tenant: tenantId, event: eventId, attempt, attempts: a.retryLimit + 1, err: String((err as Error).message) };
    if (last) o.log.error(fields, 'gave up delivering an ATS webhook after its last retry; the event stays in the log (an API-key event stream resumed from an earlier id replays it)');
    else o.log.warn(fields, 'ATS webhook delivery failed; will retry');
    throw err;
  }
}
