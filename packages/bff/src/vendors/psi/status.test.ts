import type { OrderStatus } from '@ca/shared';
import { describe, expect, it } from 'vitest';
import { CHANGE_REASONS, STATUS_BY_CHANGE_REASON, type ChangeReason } from './status.js';

const table: [ChangeReason, OrderStatus][] = [
  ['BOOKING_CREATED', 'scheduled'],
  ['BOOKING_RESCHEDULED', 'scheduled'],
  // docs/vendors/psi.md#change-reasons: a cancelled booking leaves the assessment open; the candidate books again.
  ['BOOKING_CANCELLED', 'invited'],
  ['EXAM_COMPLETED', 'completed'],
  ['ABSENT', 'no_show'],
  ['EXCUSED_ABSENT', 'invited'],
];

describe('PSI status table', () => {
  it.each(table)('maps %s to %s', (reason, status) => {
    expect(STATUS_BY_CHANGE_REASON[reason]).toBe(status);
  });

  it('covers exactly the change reasons PSI documents (docs/vendors/psi.md#change-reasons)', () => {
    expect([...CHANGE_REASONS].sort()).toEqual(table.map(([r]) => r).sort());
    expect(Object.keys(STATUS_BY_CHANGE_REASON).sort()).toEqual([...CHANGE_REASONS].sort());
  });
});
