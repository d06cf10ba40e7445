// Limits failed credential attempts (API keys, widget tokens, OAuth client secrets) per client address and per
// tenant, in fixed windows, in this process's memory: each replica counts on its own, and a restart forgets.
// Credentials are checked first and only a failure is counted or refused: an attempt that fails past a limit is
// answered 429 instead of 401, and valid credentials are never refused here, so nobody sharing an address (behind a
// proxy, a NAT) can lock the working callers out. The address is the client's (auth/client-address.ts).
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
    /**
     * Records a failed attempt. Returns the 429 to answer instead of the 401 when the address or the tenant it named
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
