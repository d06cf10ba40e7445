// Limits failed credential attempts (API keys, widget tokens, OAuth client secrets) per client IP and per tenant,
// in fixed windows, in this process's memory: each replica counts on its own, and a restart forgets. An IP over
// its limit is refused 429 before its credentials are checked; failures naming a tenant over its limit are
// answered 429 instead of 401, so that tenant's working callers are not locked out by someone else's guesses.
import type { Context } from 'hono';
import { rateLimited } from '../errors.js';

export interface FailureLimits {
  perIp: number;
  perTenant: number;
  windowSeconds: number;
}

export const DEFAULT_FAILURE_LIMITS: FailureLimits = { perIp: 30, perTenant: 300, windowSeconds: 60 };

/** Keys kept at most; past this, expired windows are swept, then the oldest go. */
const MAX_KEYS = 50_000;

export function createFailureLimiter(limits: FailureLimits = DEFAULT_FAILURE_LIMITS, now: () => number = Date.now) {
  const windows = new Map<string, { count: number; resetAt: number }>();

  function current(key: string): { count: number; resetAt: number } | undefined {
    const w = windows.get(key);
    if (w && w.resetAt <= now()) {
      windows.delete(key);
      return undefined;
    }
    return w;
  }

  function bump(key: string): void {
    const w = current(key);
    if (w) {
      w.count++;
      return;
    }
    if (windows.size >= MAX_KEYS) {
      const t = now();
      for (const [k, v] of windows) if (v.resetAt <= t) windows.delete(k);
      for (const k of windows.keys()) {
        if (windows.size < MAX_KEYS) break;
        windows.delete(k);
      }
    }
    windows.set(key, { count: 1, resetAt: now() + limits.windowSeconds * 1000 });
  }

  const over = (key: string, max: number) => {
    const w = current(key);
    return w && w.count >= max ? Math.ceil((w.resetAt - now()) / 1000) : null;
  };

  return {
    /** Throws 429 when this IP has failed too often in the current window. */
    checkIp(ip: string): void {
      const wait = over(`ip\0${ip}`, limits.perIp);
      if (wait !== null) throw rateLimited('Too many failed authentication attempts from this address; try again later.', wait);
    },
    /**
     * Records a failed attempt. Returns the 429 to answer instead of the 401 when the IP or the tenant it named
     * is now over its limit, or null.
     */
    failed(ip: string, tenantId?: string): ReturnType<typeof rateLimited> | null {
      bump(`ip\0${ip}`);
      if (tenantId !== undefined) bump(`tenant\0${tenantId}`);
      const wait = over(`ip\0${ip}`, limits.perIp) ?? (tenantId === undefined ? null : over(`tenant\0${tenantId}`, limits.perTenant));
      return wait === null ? null : rateLimited('Too many failed authentication attempts; try again later.', wait);
    },
  };
}

export type FailureLimiter = ReturnType<typeof createFailureLimiter>;

/** The peer address of the connection (no proxy header is trusted); `unknown` outside a Node server (tests). */
export function clientIp(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
