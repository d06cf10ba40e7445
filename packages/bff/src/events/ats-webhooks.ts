// Outbound webhooks to the ATS back end, signed per the Standard Webhooks spec (webhook-id,
// webhook-timestamp, webhook-signature). Reads only from the event log; a delivery job per event is
// enqueued in the event's own transaction, so no committed change goes unannounced.
import type { OrderEvent } from '@ca/shared';
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { Agent, request } from 'undici';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { Sql } from '../store/db.js';
import { eventsByIds } from '../store/events.js';

export interface AtsWebhookTarget {
  url: string;
  secret: string;
  /** The tenant's `atsWebhook.timeoutMs`: connect, send and status line, all within it. */
  timeoutMs: number;
}

/**
 * Standard Webhooks' `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`. A `whsec_…`
 * secret is base64 as the spec defines; any other string is used as raw key bytes. (node:crypto: the reference
 * library's pure-JavaScript SHA-256 cost a few percent of the main thread under load. Tests verify with that library.)
 */
export function signerFor(secret: string): { sign(msgId: string, at: Date, body: string): string } {
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
  return {
    sign: (msgId, at, body) => `v1,${createHmac('sha256', key).update(`${msgId}.${Math.floor(at.getTime() / 1000)}.${body}`).digest('base64')}`,
  };
}

/**
 * Connections to ATS endpoints, kept alive between deliveries. undici's `request` rather than `fetch`: fetch's WHATWG
 * layers (streams, abort signals made transferable) took a quarter of the main thread while deliveries ran beside an
 * ingest (measured). Neither follows redirects.
 */
const atsAgent = new Agent({ keepAliveTimeout: 4_000, connections: 32 });

export class AtsDeliveryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AtsDeliveryError';
  }
}

export function createAtsWebhooks(opts: { config: Config; log: Logger; now: () => Date }) {
  const targets = new Map<string, { target: AtsWebhookTarget; signer: ReturnType<typeof signerFor> }>();
  for (const [tenantId, t] of Object.entries(opts.config.tenants)) {
    if (t.atsWebhook) targets.set(tenantId, { target: t.atsWebhook, signer: signerFor(t.atsWebhook.secret) });
  }
  /** The events of a batch of deliveries, read in one statement; one of another tenant than its job names is left out. */
  async function read(db: Sql, jobs: readonly { tenantId: string; eventId: string }[]): Promise<Map<string, OrderEvent>> {
    const tenantOf = new Map(jobs.map((j) => [j.eventId, j.tenantId]));
    const events = await eventsByIds(db, [...tenantOf.keys()]);
    return new Map(events.filter((e) => tenantOf.get(e.id) === e.tenantId).map((e) => [e.id, e]));
  }

  /** Delivers `event` (read by `read`; undefined when the log no longer holds it), as `deliver` does. */
  async function send(tenantId: string, eventId: string, event: OrderEvent | undefined, signal?: AbortSignal): Promise<void> {
    const t = targets.get(tenantId);
    if (!t) return;
    if (!event) {
      opts.log.warn({ tenant: tenantId, event: eventId }, 'event pruned before its webhook was delivered');
      return;
    }
    const body = JSON.stringify(event satisfies OrderEvent);
    const msgId = `evt_${event.id}`;
    const at = opts.now();
    const timeout = AbortSignal.timeout(t.target.timeoutMs);
    const res = await request(t.target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': msgId,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': t.signer.sign(msgId, at, body),
        'user-agent': 'candidate-assessment-webhooks/1',
      },
      body,
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      dispatcher: atsAgent,
    }).catch((err: Error) => {
      if (timeout.aborted) {
        throw new AtsDeliveryError(`ATS webhook did not answer within ${t.target.timeoutMs} ms (atsWebhook.timeoutMs)`, { cause: err });
      }
      if (signal?.aborted) throw new AtsDeliveryError('ATS webhook call aborted: the delivery job was stopped', { cause: err });
      throw new AtsDeliveryError(`ATS webhook unreachable: ${err.message}`, { cause: err });
    });
    // Only the status counts. The body is never read, so an ATS that trickles it or never ends it cannot hold the
    // delivery; destroying an unfinished body closes the connection (a finished one leaves it open for the next).
    res.body.on('error', () => {}).destroy();
    if (res.statusCode < 200 || res.statusCode > 299) throw new AtsDeliveryError(`ATS webhook answered ${res.statusCode}`);
  }

  return {
    /** The tenant's delivery timeout in ms (its delivery jobs must be allowed to run longer); undefined without a webhook. */
    timeoutMs: (tenantId: string): number | undefined => targets.get(tenantId)?.target.timeoutMs,
    /**
     * Delivers one event; throws so the job retries on anything but a 2xx. A redirect is not followed: it is a failure
     * like any other non-2xx. `signal` (the job's) aborts the call when the job runner gives up on it or stops.
     */
    async deliver(db: Sql, tenantId: string, eventId: string, signal?: AbortSignal): Promise<void> {
      return send(tenantId, eventId, (await read(db, [{ tenantId, eventId }])).get(eventId), signal);
    },
    read,
    send,
  };
}

export type AtsWebhooks = ReturnType<typeof createAtsWebhooks>;

/** What a delivery attempt needs to know of its job: which event, and which attempt of how many. */
export interface AtsDeliveryJob {
  data: { tenantId: string; eventId: string };
  retryCount: number;
  retryLimit: number;
}

/**
 * One delivery attempt of a job, counted by outcome. A failure is retried later (a warning); the last one means the
 * ATS will not get this event by webhook: an error in the log and `gave_up` in the metric, so an operator learns of it
 * before the ATS team does. The event stays in the log, so an API-key event stream resumed from an earlier id replays it.
 */
export async function attemptAtsDelivery(job: AtsDeliveryJob, deliver: () => Promise<void>, o: { log: Logger; metrics: Metrics }): Promise<void> {
  const { tenantId, eventId } = job.data;
  try {
    await deliver();
    o.metrics.atsWebhooks.inc({ tenant: tenantId, outcome: 'delivered' });
  } catch (err) {
    const attempt = job.retryCount + 1;
    const last = job.retryCount >= job.retryLimit;
    o.metrics.atsWebhooks.inc({ tenant: tenantId, outcome: last ? 'gave_up' : 'failed' });
    const fields = { tenant: tenantId, event: eventId, attempt, attempts: job.retryLimit + 1, err: String((err as Error).message) };
    if (last) o.log.error(fields, 'gave up delivering an ATS webhook after its last retry; the event stays in the log (an API-key event stream resumed from an earlier id replays it)');
    else o.log.warn(fields, 'ATS webhook delivery failed; will retry');
    throw err;
  }
}
