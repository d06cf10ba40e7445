// Berke's 429s: how long to hold every call, whether to wait and try again or give up with a retryable
// VendorError. Never repeats a call Berke ran: a throttled call did not run there.
import { VendorError, type VendorLogger } from '../../core/vendor-port.js';
import type { RateLimiter } from './limiter.js';
import type { BerkeThrottle } from './wire.js';

/** What the throttle handling needs of the client's options. */
export interface ThrottleOptions {
  limiter: RateLimiter;
  log: VendorLogger;
  /** Longest wait a 429 may ask for before the call gives up with a retryable VendorError. */
  maxThrottleWaitMs: number;
  /** How many 429 answers one call absorbs (waiting as told) before giving up. */
  maxThrottleRetries: number;
}

/** Throws when all calls are paused for longer than a call may wait. */
export function refuseWhilePaused(opts: ThrottleOptions): void {
  // docs/vendors/berke.md#throttling: after a daily-limit 429, wait "before calling any API method": fail fast instead of queueing for hours.
  const held = opts.limiter.pausedMs();
  if (held > opts.maxThrottleWaitMs) {
    throw new VendorError('Berke asked us to pause API calls; they resume later.', {
      retryable: true,
      code: 'vendor_rate_limited',
      retryAfterMs: held,
    });
  }
}

/**
 * After a 429 to `method`'s `attempt`: holds the limiter as Berke's hint says, and returns how long to wait before
 * the next attempt, or throws when the limit is daily or the call has waited enough.
 */
export function afterThrottled(opts: ThrottleOptions, method: string, attempt: number, hint: BerkeThrottle | undefined): number {
  const waitMs = throttleWait(hint, attempt);
  opts.log.warn(
    { vendor: 'berke', method, attempt, waitMs, daily: hint?.isDailyLimit ?? false, simultaneous: hint?.callExpiresOnCompletion ?? false },
    'berke throttled the call',
  );
  // The denied call did not run at Berke, so repeating it (even PerformAssessment) sends nothing twice.
  if (hint?.callExpiresOnCompletion) opts.limiter.congested();
  else {
    opts.limiter.pauseFor(waitMs);
    if (!hint?.isDailyLimit) opts.limiter.overLimit();
  }
  if (hint?.isDailyLimit) {
    throw new VendorError('Berke daily API call limit reached; calls resume later.', {
      retryable: true,
      code: 'vendor_rate_limited',
      vendorCode: '429',
      retryAfterMs: waitMs,
    });
  }
  if (attempt >= opts.maxThrottleRetries || waitMs > opts.maxThrottleWaitMs) {
    throw new VendorError('Berke is throttling API calls; try again shortly.', {
      retryable: true,
      code: 'vendor_rate_limited',
      vendorCode: '429',
      retryAfterMs: waitMs,
    });
  }
  return waitMs;
}

/** How long to hold all calls after a 429. */
export function throttleWait(hint: BerkeThrottle | undefined, attempt: number): number {
  const est = hint?.estimatedMillisecondsToNextAllowedCall;
  // docs/vendors/berke.md#throttling: with callExpiresOnCompletion the estimate is 0 ("dependent on numerous factors"): back off instead.
  if (hint?.callExpiresOnCompletion || est === undefined || est <= 0) {
    const backoff = Math.min(100 * 2 ** attempt, 5_000);
    return Math.round(backoff / 2 + Math.random() * (backoff / 2));
  }
  return Math.ceil(est);
}
