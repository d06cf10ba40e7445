// Compact HMAC-signed tickets (`value.signature`) for URLs and vendor round-trips. Stateless: a ticket
// proves we issued it for this scope; single use, where needed, is enforced by the store.
import { createHmac, timingSafeEqual } from 'node:crypto';

const SIG_CHARS = 22; // 128 bits of HMAC-SHA256, base64url

export interface TicketSigner {
  sign(value: string): string;
  verify(ticket: string): string | null;
}

/**
 * @param secret server secret shared by all replicas
 * @param scope binds tickets to one use (e.g. `return:berke:acme`): a ticket of one scope fails in another
 */
export function createTicketSigner(secret: Uint8Array, scope: string): TicketSigner {
  const mac = (value: string) =>
    createHmac('sha256', secret).update(scope).update('\0').update(value).digest('base64url').slice(0, SIG_CHARS);
  // Tickets found valid: a ticket's validity never changes (same secret, same scope), and a vendor echoes one ticket
  // in every notification of its order. Bounded; emptied when full. Invalid ones are checked each time.
  const valid = new Map<string, string>();
  return {
    sign(value) {
      return `${value}.${mac(value)}`;
    },
    verify(ticket) {
      const known = valid.get(ticket);
      if (known !== undefined) return known;
      const dot = ticket.lastIndexOf('.');
      if (dot <= 0) return null;
      const value = ticket.slice(0, dot);
      const given = Buffer.from(ticket.slice(dot + 1));
      const expected = Buffer.from(mac(value));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      if (valid.size >= 4096) valid.clear();
      valid.set(ticket, value);
      return value;
    },
  };
}
