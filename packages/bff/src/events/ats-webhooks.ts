// Outbound webhooks to the ATS back end, signed per the Standard Webhooks spec (webhook-id,
// webhook-timestamp, webhook-signature). Reads only from the event log; a delivery job per event is
// enqueued in the event's own transaction, so no committed change goes unannounced.
import type { OrderEvent } from '@ca/shared';
import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import type { Config } from '../config.js';
import type { Sql } from '../store/db.js';
import { eventsAfter } from '../store/events.js';

export interface AtsWebhookTarget {
  url: string;
  secret: string;
}

/** `whsec_…` secrets are base64 as the spec defines; any other string is used as raw key bytes. */
export function signerFor(secret: string): Webhook {
  return secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(new TextEncoder().encode(secret), { format: 'raw' });
}

export class AtsDeliveryError extends Error {}

export function createAtsWebhooks(opts: { config: Config; log: Logger; fetch?: typeof fetch; now: () => Date }) {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const targets = new Map<string, { target: AtsWebhookTarget; signer: Webhook }>();
  for (const [tenantId, t] of Object.entries(opts.config.tenants)) {
    if (t.atsWebhook) targets.set(tenantId, { target: t.atsWebhook, signer: signerFor(t.atsWebhook.secret) });
  }
  return {
    wants: (tenantId: string) => targets.has(tenantId),
    /** Delivers one event; throws so the job retries on anything but a 2xx. */
    async deliver(db: Sql, tenantId: string, eventId: string): Promise<void> {
      const t = targets.get(tenantId);
      if (!t) return;
      const [event] = await eventsAfter(db, BigInt(eventId) - 1n, 1, { tenantId });
      if (!event || event.id !== eventId) {
        opts.log.warn({ tenant: tenantId, event: eventId }, 'event pruned before its webhook was delivered');
        return;
      }
      const body = JSON.stringify(event satisfies OrderEvent);
      const msgId = `evt_${event.id}`;
      const at = opts.now();
      const res = await doFetch(t.target.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'webhook-id': msgId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': t.signer.sign(msgId, at, body),
          'User-Agent': 'candidate-assessment-webhooks/1',
        },
        body,
        signal: AbortSignal.timeout(15_000),
        redirect: 'manual',
      }).catch((err: Error) => {
        throw new AtsDeliveryError(`ATS webhook unreachable: ${err.message}`);
      });
      await res.body?.cancel().catch(() => {});
      if (res.status < 200 || res.status > 299) throw new AtsDeliveryError(`ATS webhook answered ${res.status}`);
    },
  };
}

export type AtsWebhooks = ReturnType<typeof createAtsWebhooks>;
