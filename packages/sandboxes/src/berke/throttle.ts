// The Berke sandbox's limits (docs/vendors/berke.md#throttling): a burst window, an optional daily limit and an
// optional cap on simultaneous calls, answered with the documented 429 body.
import type { SandboxCounters } from './state.js';

export interface ThrottleOptions {
  burst: { calls: number; perMs: number };
  dailyLimit?: number | undefined;
  maxSimultaneous?: number | undefined;
}

export function createThrottle(opts: ThrottleOptions, counters: SandboxCounters) {
  const window: number[] = [];
  let deniedInWindow = 0;
  let firstDeniedAt: number | null = null;
  let dailyCount = 0;
  let dailyDay = '';
  let inFlight = 0;

  /** null when the call may go on; else the 429 body. */
  function check(now: number): Record<string, unknown> | null {
    const { burst } = opts;
    while (window.length > 0 && window[0]! <= now - burst.perMs) window.shift();
    if (window.length === 0) {
      deniedInWindow = 0;
      firstDeniedAt = null;
    }
    const day = new Date(now).toISOString().slice(0, 10);
    if (day !== dailyDay) {
      dailyDay = day;
      dailyCount = 0;
    }
    let deny: { est: number; expiresOnCompletion: boolean; daily: boolean; max: number; frame: number } | null = null;
    if (opts.dailyLimit !== undefined && dailyCount >= opts.dailyLimit) {
      const midnight = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
      deny = { est: midnight - now, expiresOnCompletion: false, daily: true, max: opts.dailyLimit, frame: 86_400_000 };
    } else if (window.length >= burst.calls) {
      deny = { est: window[0]! + burst.perMs - now, expiresOnCompletion: false, daily: false, max: burst.calls, frame: burst.perMs };
    } else if (opts.maxSimultaneous !== undefined && inFlight >= opts.maxSimultaneous) {
      // docs/vendors/berke.md#throttling: "If callExpiresUponCompletion is true then this value will be zero".
      deny = { est: 0, expiresOnCompletion: true, daily: false, max: opts.maxSimultaneous, frame: 0 };
    }
    if (!deny) {
      window.push(now);
      dailyCount += 1;
      counters.accepted.push(now);
      return null;
    }
    deniedInWindow += 1;
    firstDeniedAt ??= now;
    counters.throttled += 1;
    const iso = (t: number) => new Date(t).toISOString();
    return {
      callDeniedDateTime: iso(now),
      callExpiresOnCompletion: deny.expiresOnCompletion,
      countCallsExceeded: deniedInWindow,
      estimatedMillisecondsToNextAllowedCall: Math.max(0, Math.ceil(deny.est)),
      firstCallDeniedDateTime: iso(firstDeniedAt),
      isDailyLimit: deny.daily,
      maximumCallsPerTimeFrame: deny.max,
      timeFrameMilliseconds: deny.frame,
      status: 'error',
      response: `API method requests exceeded burst limit of ${deny.max} occurrences within ${deny.frame} milliseconds. Excess requests occurred ${deniedInWindow} times from [${iso(firstDeniedAt)}] to [${iso(now)}].`,
      responseCode: '429',
    };
  }

  return {
    check,
    enter: () => void (inFlight += 1),
    leave: () => void (inFlight -= 1),
  };
}
