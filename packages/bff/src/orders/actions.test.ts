// What the state machine does with recruiter actions: a cancel closes any open order and later vendor progress does
// not reopen it; a reminder is a note at the current status that moves nothing, whatever order facts arrive in.
import type { OrderStatus } from '@ca/shared';
import { describe, expect, it } from 'vitest';
import { fold, initialState, type Fact } from './state-machine.js';

const t0 = new Date('2026-05-01T10:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const fact = (status: OrderStatus, s: number, vendorStatus: string = status): Fact => ({ status, vendorStatus, vendorTime: at(s) });
const path: Record<string, Fact[]> = {
  requested: [],
  invited: [fact('invited', 1)],
  scheduled: [fact('invited', 1), fact('scheduled', 2)],
  in_progress: [fact('invited', 1), fact('in_progress', 2)],
};

describe('recruiter actions in the state machine', () => {
  it.each(Object.keys(path))('cancels an order that is %s', (from) => {
    const s = fold(initialState(t0), [...path[from]!, fact('cancelled', 10, 'Berke DeleteAssessment')]);
    expect(s.status).toBe('cancelled');
    expect(s.vendorStatus).toBe('Berke DeleteAssessment');
  });

  it('does not reopen a cancelled order when the vendor later reports progress', () => {
    const s = fold(initialState(t0), [fact('invited', 1), fact('cancelled', 10), fact('in_progress', 20), fact('completed', 30)]);
    expect(s.status).toBe('cancelled');
  });

  it('keeps status and vendor word for a reminder, and still applies a vendor fact from before it that arrives after', () => {
    const remind = fact('invited', 10, '5');
    expect(fold(initialState(t0), [fact('invited', 1, '5'), remind])).toMatchObject({ status: 'invited', vendorStatus: '5' });
    // History is folded in vendor-time order: a start at 5 s folds before the reminder at 10 s, which then goes backwards.
    const late = fold(initialState(t0), [fact('invited', 1, '5'), fact('in_progress', 5, '1'), remind]);
    expect(late).toMatchObject({ status: 'in_progress', vendorStatus: '1' });
  });
});
