// Standard Webhooks signatures for outbound ATS webhooks (webhook-signature over id, timestamp and body).
// Pure: no I/O, no clock of its own; never logs a secret.
import { createHmac } from 'node:crypto';

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
