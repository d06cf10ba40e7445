import { describe, expect, it } from 'vitest';
import { createRateLimiter, maxInWindow } from './limiter.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `n` calls of `latencyMs` each through the limiter; returns each call's [start, end]. */
async function run(limiter: ReturnType<typeof createRateLimiter>, n: number, latencyMs: number) {
  const spans: [number, number][] = [];
  await Promise.all(
    Array.from({ length: n }, async () => {
      const release = await limiter.acquire();
      const start = Date.now();
      await sleep(latencyMs);
      spans.push([start, Date.now()]);
      release();
    }),
  );
  return spans;
}

describe('Berke rate limiter', () => {
  it('never lets more calls than the limit run within any window, counting until each call ended', async () => {
    const limiter = createRateLimiter({ calls: 10, perMs: 200, maxConcurrent: 4 });
    const t0 = Date.now();
    const spans = await run(limiter, 40, 5);
    const elapsed = Date.now() - t0;
    // What a server counting arrivals anywhere in [start, end] could see: both ends are checked.
    expect(maxInWindow(spans.map((s) => s[0]).sort((a, b) => a - b), 200)).toBeLessThanOrEqual(10);
    expect(maxInWindow(spans.map((s) => s[1]).sort((a, b) => a - b), 200)).toBeLessThanOrEqual(10);
    expect(limiter.stats().maxStartsInWindow).toBeLessThanOrEqual(10);
    expect(limiter.stats().granted).toBe(40);
    // 40 calls at 10 per 200 ms need at least three full windows after the first batch.
    expect(elapsed).toBeGreaterThanOrEqual(600);
  });

  it('keeps at most maxConcurrent calls in flight', async () => {
    const limiter = createRateLimiter({ calls: 1000, perMs: 1000, maxConcurrent: 3 });
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        const release = await limiter.acquire();
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await sleep(5);
        inFlight -= 1;
        release();
      }),
    );
    expect(peak).toBe(3);
  });

  it('halves the calls in flight on congestion and grows back as calls end calmly', async () => {
    const limiter = createRateLimiter({ calls: 1000, perMs: 1000, maxConcurrent: 8 });
    limiter.congested();
    limiter.congested();
    expect(limiter.stats().concurrency).toBe(2);
    let inFlight = 0;
    let peak = 0;
    const once = async () => {
      const release = await limiter.acquire();
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await sleep(2);
      inFlight -= 1;
      release();
    };
    await Promise.all([once(), once(), once(), once()]);
    expect(peak).toBe(2);
    await Promise.all(Array.from({ length: 60 }, once));
    expect(limiter.stats().concurrency).toBe(8);
  });

  it('holds every call while paused by a 429 hint', async () => {
    const limiter = createRateLimiter({ calls: 100, perMs: 1000 });
    limiter.pauseFor(150);
    const t0 = Date.now();
    const release = await limiter.acquire();
    release();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('after a refusal for the rate limit holds its window to what the server allowed, so the waiting calls are not refused together again', async () => {
    // A server that accepts 10 calls per sliding 200 ms, behind a limiter configured for 100: the calls that pile up
    // behind the first refusal's pause must not all go out when it ends (each refusal costs a call one of its retries).
    const limiter = createRateLimiter({ calls: 100, perMs: 200, maxConcurrent: 8 });
    const accepted: number[] = [];
    let refused = 0;
    let mostRefusalsOfOneCall = 0;
    const call = async () => {
      for (let refusals = 0; ; refusals++) {
        const release = await limiter.acquire();
        const t = Date.now();
        const inWindow = accepted.filter((a) => a > t - 200).length;
        await sleep(2);
        release();
        if (inWindow < 10) {
          accepted.push(t);
          mostRefusalsOfOneCall = Math.max(mostRefusalsOfOneCall, refusals);
          return;
        }
        refused += 1;
        limiter.pauseFor(Math.max(1, accepted.filter((a) => a > t - 200)[0]! + 200 - Date.now()));
        limiter.overLimit();
      }
    };
    await Promise.all(Array.from({ length: 60 }, call));
    expect(accepted).toHaveLength(60);
    expect(limiter.stats().windowCalls).toBeLessThan(100);
    // Measured: 9 refusals, none of a call twice. Without overLimit() each pause's end sends up to 8 calls at a
    // window with room for few: 34-44 refusals, up to 4 of one call (the client gives a call up after 5).
    expect(refused).toBeLessThanOrEqual(16);
    expect(mostRefusalsOfOneCall).toBeLessThanOrEqual(2);
  });

  it.each([
    { times: [], perMs: 10, max: 0 },
    { times: [0, 5, 9, 10, 19, 20], perMs: 10, max: 3 },
    { times: [0, 100, 200], perMs: 50, max: 1 },
  ])('measures the busiest window of $times in $perMs ms as $max', ({ times, perMs, max }) => {
    expect(maxInWindow(times, perMs)).toBe(max);
  });
});
