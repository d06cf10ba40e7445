// One ATS webhook delivery attempt (attemptAtsDelivery): counted by outcome, a failure before the last retry is a
// warning, and the last failed retry is an error naming the event, so an operator learns the ATS will not get it.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics.js';
import { ATS_DELIVERY_RETRY, attemptAtsDelivery, retryDelayMs } from './policy.js';

function rig() {
  const lines: { level: number; msg: string; event?: string; attempt?: number; attempts?: number }[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
  const metrics = createMetrics();
  const count = async (outcome: string) =>
    (await metrics.registry.getSingleMetric('ca_ats_webhook_attempts_total')!.get()).values.find((v) => v.labels.outcome === outcome && v.labels.tenant === 'acme')?.value ?? 0;
  return { lines, log, metrics, count };
}

const job = (retryCount: number) => ({ tenantId: 'acme', eventId: '42', retryCount, retryLimit: 32 });
const refused = () => Promise.reject(new Error('ATS webhook answered 503'));

describe('an ATS webhook delivery attempt', () => {
  it('counts a delivery', async () => {
    const r = rig();
    await attemptAtsDelivery(job(0), async () => {}, r);
    expect(await r.count('delivered')).toBe(1);
    expect(r.lines).toEqual([]);
  });

  it('warns and rethrows (so the dispatcher retries) when an attempt before the last fails', async () => {
    const r = rig();
    await expect(attemptAtsDelivery(job(3), refused, r)).rejects.toThrow('503');
    expect(await r.count('failed')).toBe(1);
    expect(await r.count('gave_up')).toBe(0);
    expect(r.lines).toMatchObject([{ level: 40, event: '42', attempt: 4, attempts: 33 }]);
  });

  it('logs an error and counts gave_up when the last retry fails', async () => {
    const r = rig();
    await expect(attemptAtsDelivery(job(32), refused, r)).rejects.toThrow('503');
    expect(await r.count('gave_up')).toBe(1);
    expect(r.lines).toMatchObject([{ level: 50, event: '42', attempt: 33, attempts: 33 }]);
    expect(r.lines[0]!.msg).toMatch(/gave up/);
  });
});

describe('ATS delivery retries', () => {
  // The backoff pg-boss applied when each delivery was a job of its own (dist/plans.js, failJobsBody), kept as it was:
  // after failed attempt k (0-based), wait min(retryDelayMax, retryDelay · 2^k · (1 + random)).
  const waits = (jitter: 0 | 1) => Array.from({ length: ATS_DELIVERY_RETRY.retryLimit }, (_, k) => retryDelayMs(k, ATS_DELIVERY_RETRY, jitter) / 1000);
  const hours = (s: number[]) => s.reduce((a, b) => a + b, 0) / 3600;

  it('back off from 5 s to an hour apart and keep trying for about a day', () => {
    expect(ATS_DELIVERY_RETRY.retryBackoff).toBe(true);
    expect(waits(0).slice(0, 4)).toEqual([5, 10, 20, 40]);
    expect(waits(0).at(-1)).toBe(3600);
    expect(hours(waits(0))).toBeGreaterThan(23);
    expect(hours(waits(1))).toBeLessThan(25);
  });

  it('waits between 1 and 2 times the doubled delay, never over the cap', () => {
    for (let k = 0; k < 5; k++) {
      const ms = retryDelayMs(k);
      expect(ms).toBeGreaterThanOrEqual(5000 * 2 ** k);
      expect(ms).toBeLessThanOrEqual(10_000 * 2 ** k);
    }
    expect(retryDelayMs(40)).toBe(3_600_000);
  });
});
