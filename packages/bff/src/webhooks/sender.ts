// Sends one order event to a tenant's ATS webhook: signed per Standard Webhooks, bounded by `atsWebhook.timeoutMs`.
// Knows nothing of the log, cursors or retries (webhooks/dispatcher.ts and policy.ts decide those).
import type { OrderEvent } from '@ca/shared';
import { Agent, request } from 'undici';
import type { Config } from '../config.js';
import { signerFor } from './signing.js';

export interface AtsWebhookTarget {
  url: string;
  secret: string;
  /** The tenant's `atsWebhook.timeoutMs`: connect, send and status line, all within it. */
  timeoutMs: number;
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

export function createAtsSender(opts: { config: Config; now: () => Date }) {
  const targets = new Map<string, { target: AtsWebhookTarget; signer: ReturnType<typeof signerFor> }>();
  for (const [tenantId, t] of Object.entries(opts.config.tenants)) {
    if (t.atsWebhook) targets.set(tenantId, { target: t.atsWebhook, signer: signerFor(t.atsWebhook.secret) });
  }

  /**
   * Posts `event` to its tenant's ATS; throws an `AtsDeliveryError` on anything but a 2xx. A redirect is not followed: it
   * is a failure like any other non-2xx. `signal` (the dispatcher's) aborts the call when it stops.
   */
  async function send(event: OrderEvent, signal?: AbortSignal): Promise<void> {
    const t = targets.get(event.tenantId);
    if (!t) return;
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
    /** The tenants whose events go to an ATS webhook. */
    tenants: (): string[] => [...targets.keys()],
    /** The tenant's delivery timeout in ms; undefined without a webhook. */
    timeoutMs: (tenantId: string): number | undefined => targets.get(tenantId)?.target.timeoutMs,
    send,
  };
}

export type AtsSender = ReturnType<typeof createAtsSender>;
