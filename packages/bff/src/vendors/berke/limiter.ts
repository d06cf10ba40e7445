// Client-side limiter for one tenant's Berke calls: at most `calls` per sliding `perMs` window, a few at a time,
// and a shared pause when Berke says to wait. Never lets a call start that could put Berke's window over its limit.
//
// Why windows count a call until `perMs` after it *ended*: Berke counts a call when it arrives, which is some
// time between our start and our end. Counting from the end (and in-flight calls always) keeps the calls Berke
// sees in any window ≤ `calls`, whatever the network latency (docs/vendors/berke.md#throttling: burst limit 120 per 60 000 ms).

export interface RateLimitOptions {
  calls: number;
  perMs: number;
  /** Calls in flight at once; Berke also limits simultaneous calls (docs/vendors/berke.md#throttling: `callExpiresOnCompletion`). */
  maxConcurrent?: number;
  now?: () => number;
}

export interface LimiterStats {
  /** Calls granted so far. */
  granted: number;
  /** Start times (ms) of the most recent granted calls, oldest first, for measuring windows. */
  starts: number[];
  /** Largest number of calls that started within any `perMs` window (measured on `starts`). */
  maxStartsInWindow: number;
  /** Calls currently allowed in flight (lowered by `congested()`). */
  concurrency: number;
  /** Calls currently allowed per window (lowered by `overLimit()`). */
  windowCalls: number;
}

export interface RateLimiter {
  readonly calls: number;
  readonly perMs: number;
  /** Waits for a slot; the returned function must be called when the call has ended. */
  acquire(): Promise<() => void>;
  /** Holds every call for this long (a 429's `estimatedMillisecondsToNextAllowedCall`). */
  pauseFor(ms: number): void;
  /** How long calls are still held by `pauseFor` (0 when not paused). */
  pausedMs(): number;
  /**
   * Berke refused a call for too many simultaneous calls: halve the calls allowed in flight (at least one).
   * Each run of that many calls ending without another refusal allows one more, up to `maxConcurrent`.
   */
  congested(): void;
  /**
   * Berke refused a call for its rate limit although this limiter let it start: Berke's window is full with fewer
   * calls than `calls` (a configured limit looser than the account's). Halves the calls allowed per window (from
   * those the window holds now, less the refused one), so the calls waiting for the pause do not all go out when it
   * ends and all be refused again, each refusal costing a call one of its retries; each window's worth of calls
   * ending without another refusal allows one more, up to `calls`.
   */
  overLimit(): void;
  stats(): LimiterStats;
}

interface Slot {
  end: number | null;
}

const KEEP_STARTS = 10_000;

export function createRateLimiter(opts: RateLimitOptions): RateLimiter {
  const now = opts.now ?? Date.now;
  const maxConcurrent = opts.maxConcurrent ?? 8;
  const slots: Slot[] = [];
  const waiters: ((release: () => void) => void)[] = [];
  const starts: number[] = [];
  let granted = 0;
  let maxStartsInWindow = 0;
  let windowHead = 0;
  let pausedUntil = 0;
  let concurrency = maxConcurrent;
  let calmReleases = 0;
  let windowCalls = opts.calls;
  let calmWindowReleases = 0;
  let timer: NodeJS.Timeout | null = null;
  let timerAt = Infinity;

  function schedule(at: number) {
    if (timer && timerAt <= at) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(
      () => {
        timer = null;
        timerAt = Infinity;
        pump();
      },
      Math.max(0, at - now()),
    );
    timer.unref?.();
  }

  function recordStart(t: number) {
    starts.push(t);
    if (starts.length > KEEP_STARTS) {
      starts.shift();
      windowHead = Math.max(0, windowHead - 1);
    }
    while (windowHead < starts.length && starts[windowHead]! <= t - opts.perMs) windowHead++;
    maxStartsInWindow = Math.max(maxStartsInWindow, starts.length - windowHead);
  }

  function pump() {
    while (waiters.length > 0) {
      const t = now();
      // Forget calls that ended a full window ago.
      for (let i = slots.length - 1; i >= 0; i--) {
        const end = slots[i]!.end;
        if (end !== null && end <= t - opts.perMs) slots.splice(i, 1);
      }
      if (pausedUntil > t) return schedule(pausedUntil);
      const inFlight = slots.reduce((n, s) => n + (s.end === null ? 1 : 0), 0);
      if (inFlight >= concurrency) return; // a release pumps again
      if (slots.length >= windowCalls) {
        const ended = slots.filter((s) => s.end !== null).map((s) => s.end!);
        if (ended.length > 0) schedule(Math.min(...ended) + opts.perMs + 1);
        return; // otherwise a release pumps again
      }
      const slot: Slot = { end: null };
      slots.push(slot);
      granted += 1;
      recordStart(t);
      const resolve = waiters.shift()!;
      let released = false;
      resolve(() => {
        if (released) return;
        released = true;
        slot.end = now();
        if (concurrency < maxConcurrent && ++calmReleases >= concurrency) {
          concurrency += 1;
          calmReleases = 0;
        }
        if (windowCalls < opts.calls && ++calmWindowReleases >= windowCalls) {
          windowCalls += 1;
          calmWindowReleases = 0;
        }
        pump();
      });
    }
  }

  return {
    calls: opts.calls,
    perMs: opts.perMs,
    acquire() {
      return new Promise((resolve) => {
        waiters.push(resolve);
        pump();
      });
    },
    pauseFor(ms) {
      pausedUntil = Math.max(pausedUntil, now() + Math.max(0, ms));
    },
    pausedMs() {
      return Math.max(0, pausedUntil - now());
    },
    congested() {
      concurrency = Math.max(1, Math.floor(concurrency / 2));
      calmReleases = 0;
    },
    overLimit() {
      windowCalls = Math.max(1, Math.floor(Math.min(windowCalls, slots.length - 1) / 2));
      calmWindowReleases = 0;
    },
    stats() {
      return { granted, starts: [...starts], maxStartsInWindow, concurrency, windowCalls };
    },
  };
}

/** The largest number of timestamps within any window of `perMs` (sorted input). */
export function maxInWindow(times: readonly number[], perMs: number): number {
  let head = 0;
  let max = 0;
  for (let i = 0; i < times.length; i++) {
    while (times[head]! <= times[i]! - perMs) head++;
    max = Math.max(max, i - head + 1);
  }
  return max;
}
