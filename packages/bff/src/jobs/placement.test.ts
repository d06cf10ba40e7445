// The production retry schedule of a placement (PLACE_RETRY), which the fault tests shorten through a test knob: its
// values, how long it waits in all before an order fails, and that a knob replaces only what it sets.
import { describe, expect, it } from 'vitest';
import { PLACE_RETRY, placeRetryOptions } from './placement.js';

/**
 * The delay before retry k (1-based) as pg-boss computes it with retryBackoff: retryDelay · (2^k/2 + 2^k/2 · random),
 * capped at retryDelayMax; `random` 0 gives the shortest, 1 the longest.
 */
const delay = (k: number, random: 0 | 1) => Math.min(PLACE_RETRY.retryDelayMax, PLACE_RETRY.retryDelay * (2 ** k / 2) * (1 + random));
const total = (random: 0 | 1) => Array.from({ length: PLACE_RETRY.retryLimit }, (_, i) => delay(i + 1, random)).reduce((a, b) => a + b, 0);

describe('placement retries in production', () => {
  it('retry 8 times, 2 s doubling with jitter up to 5 minutes apart', () => {
    expect(PLACE_RETRY).toEqual({ retryLimit: 8, retryDelay: 2, retryBackoff: true, retryDelayMax: 300 });
    expect(placeRetryOptions({})).toEqual(PLACE_RETRY);
    expect([1, 2, 3].map((k) => [delay(k, 0), delay(k, 1)])).toEqual([[2, 4], [4, 8], [8, 16]]);
    expect(delay(8, 1)).toBe(300);
  });

  it('fail an order 8.5 to 13.5 minutes after its first failed attempt', () => {
    expect(total(0)).toBe(510);
    expect(total(1)).toBe(808);
  });

  it('take a test knob over only what it sets', () => {
    expect(placeRetryOptions({ retryDelay: 1, retryDelayMax: 1 })).toEqual({ ...PLACE_RETRY, retryDelay: 1, retryDelayMax: 1 });
    expect(placeRetryOptions({ retryLimit: 2 })).toEqual({ ...PLACE_RETRY, retryLimit: 2 });
  });
});
