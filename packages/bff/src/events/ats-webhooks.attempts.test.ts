// One ATS webhook delivery attempt (attemptAtsDelivery): counted by outcome, a failure before the last retry is a
// warning, and the last failed retry is an error naming the event, so an operator learns the ATS will not get it.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics.js';
import { attemptAtsDelivery } from './ats-webhooks.js';

function rig() {
  const lines: { level: number; msg: string; event?: string; attempt?: number; attempts?: number }[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
  const metrics = createMetrics();
  const count = async (outcome: string) =>
    (await metrics.registry.getSingleMetric('ca_ats_webhook_attempts_total')!.get()).values.find((v) => v.labels.outcome === outcome && v.labels.tenant === 'acme')?.value ?? 0;
  return { lines, log, metrics, count };
}

const job = (retryCount: number) => ({ data: { tenantId: 'acme', eventId: '42' }, retryCount, retryLimit: 32 });
const refused = () => Promise.reject(new Error('ATS webhook answered 503'));

describe('an ATS webhook delivery attempt', () => {
  it('counts a delivery', async () => {
    const r = rig();
    await attemptAtsDelivery(job(0), async () => {}, r);
    expect(await r.count('delivered')).toBe(1);
    expect(r.lines).toEqual([]);
  });

  it('warns and rethrows (so the job retries) when an attempt before the last fails', async () => {
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
