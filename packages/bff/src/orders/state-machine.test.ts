import type { OrderStatus } from '@ca/shared';
import { describe, expect, it } from 'vitest';
import { decide, fold, initialState, type Fact } from './state-machine.js';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
type Row = [from: OrderStatus, fromAt: number, to: OrderStatus, toAt: number, expected: 'apply' | 'same' | 'stale' | 'sticky' | 'backwards'];

// docs/architecture.md#order-state-machine: ordering by vendor time, progress never goes backwards except real reopenings, scored/failed sticky.
const table: Row[] = [
  ['requested', 10, 'invited', 5, 'apply'], // our own clock never makes the vendor's first word stale
  ['requested', 0, 'failed', 1, 'apply'],
  ['invited', 0, 'in_progress', 1, 'apply'],
  ['invited', 0, 'scheduled', 1, 'apply'],
  ['in_progress', 0, 'completed', 1, 'apply'],
  ['completed', 0, 'scored', 1, 'apply'],
  ['invited', 0, 'scored', 1, 'apply'], // a missed start and finish: jump ahead
  ['in_progress', 5, 'invited', 6, 'backwards'], // a poll lagging behind a webhook
  ['completed', 5, 'in_progress', 6, 'backwards'],
  ['completed', 5, 'in_progress', 4, 'stale'],
  ['scheduled', 5, 'scheduled', 6, 'same'], // reschedule: new booking data, same status
  ['scheduled', 5, 'scheduled', 4, 'stale'], // an older booking arriving late
  ['scheduled', 5, 'cancelled', 6, 'apply'],
  ['scheduled', 5, 'cancelled', 4, 'stale'], // PSI: order by effective_date, not arrival
  ['cancelled', 5, 'scheduled', 6, 'apply'], // PSI re-booking after cancel
  ['cancelled', 5, 'scheduled', 4, 'stale'],
  ['cancelled', 5, 'completed', 6, 'backwards'],
  ['scheduled', 5, 'no_show', 6, 'apply'],
  ['scheduled', 5, 'excused', 6, 'apply'],
  ['no_show', 5, 'scheduled', 6, 'apply'],
  ['scheduled', 5, 'invited', 6, 'apply'], // PSI: a booking cancelled, the candidate books again
  ['scheduled', 5, 'invited', 4, 'stale'],
  ['no_show', 5, 'invited', 6, 'apply'], // PSI: an excused absence, the candidate books again
  ['cancelled', 5, 'invited', 6, 'backwards'], // a recruiter's cancel is not undone by a vendor's booking news
  ['completed', 5, 'invited', 6, 'backwards'],
  ['scheduled', 5, 'completed', 6, 'apply'],
  ['in_progress', 5, 'expired', 6, 'apply'],
  ['expired', 5, 'in_progress', 6, 'apply'], // Mettl resume after expiry
  ['expired', 5, 'invited', 6, 'backwards'],
  ['expired', 5, 'scored', 6, 'apply'],
  ['scored', 5, 'in_progress', 6, 'sticky'],
  ['scored', 5, 'expired', 6, 'sticky'],
  ['scored', 5, 'scored', 6, 'same'], // re-graded: fresh result data
  ['scored', 5, 'scored', 4, 'sticky'],
  ['failed', 5, 'invited', 6, 'sticky'],
  ['failed', 5, 'failed', 6, 'sticky'],
  ['invited', 5, 'invited', 5, 'same'],
];

describe('order state machine', () => {
  it.each(table)('%s@%i + %s@%i → %s', (from, fromAt, to, toAt, expected) => {
    const d = decide({ status: from, statusVendorTime: t(fromAt) }, { status: to, vendorTime: t(toAt) });
    const got = d.apply ? (d.statusChanges ? 'apply' : 'same') : d.reason;
    expect(got).toBe(expected);
  });

  const permutations = <T,>(xs: T[]): T[][] =>
    xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
  const byTime = (facts: Fact[]) => [...facts].sort((a, b) => a.vendorTime.getTime() - b.vendorTime.getTime());
  const fact = (status: OrderStatus, at: number, extra: Partial<Fact> = {}): Fact => ({ status, vendorTime: t(at), vendorStatus: status, ...extra });

  it('folds a history to the status its latest vendor time implies, whatever the arrival order', () => {
    const facts = [fact('scheduled', 1), fact('cancelled', 2), fact('scheduled', 3), fact('scheduled', 4), fact('completed', 5)];
    for (const arrival of permutations(facts)) {
      expect(fold(initialState(t(0)), byTime(arrival)).status).toBe('completed');
    }
  });

  it('keeps the newest booking and drops a stale one', () => {
    const b = (h: number) => ({ startsAt: `2026-02-0${h}T09:00:00Z`, timeZone: 'Europe/Paris' });
    const s = fold(initialState(t(0)), byTime([fact('scheduled', 2, { booking: b(2) }), fact('scheduled', 1, { booking: b(1) })]));
    expect(s.booking).toEqual(b(2));
  });

  it('marks the booking an order held cancelled when it goes back to invited, and keeps a new one booked', () => {
    const b = (h: number) => ({ startsAt: `2026-02-0${h}T09:00:00Z`, timeZone: 'Europe/Paris' });
    const cancelled = fold(initialState(t(0)), [fact('invited', 1), fact('scheduled', 2, { booking: b(2) }), fact('invited', 3)]);
    expect(cancelled).toMatchObject({ status: 'invited', booking: { ...b(2), cancelled: true } });
    const rebooked = fold(initialState(t(0)), [fact('scheduled', 2, { booking: b(2) }), fact('invited', 3), fact('scheduled', 4, { booking: b(4) })]);
    expect(rebooked).toMatchObject({ status: 'scheduled', booking: b(4) });
    expect(rebooked.booking?.cancelled).toBeUndefined();
  });

  it('ignores a lagging poll that reports an earlier stage after a webhook moved on', () => {
    const s = fold(initialState(t(0)), [fact('invited', 1), fact('completed', 5), fact('in_progress', 6)]);
    expect(s.status).toBe('completed');
    expect(s.statusVendorTime).toEqual(t(5));
  });

  it('clears progress when the status moves on and keeps the result once scored', () => {
    const result = { subScores: [], flags: [], jobFits: [], reportAvailable: true, score: 80 };
    const s = fold(initialState(t(0)), [fact('in_progress', 1, { progress: 40 }), fact('completed', 2), fact('scored', 3, { result }), fact('in_progress', 4)]);
    expect(s).toMatchObject({ status: 'scored', progress: null, result });
  });
});
