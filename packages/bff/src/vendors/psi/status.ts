// PSI change_reason → unified OrderStatus (docs/vendors/psi.md#change-reasons). A table and nothing else: ordering and reopening are the core's.
import type { OrderStatus } from '@ca/shared';

/** @see docs/vendors/psi.md#change-reasons "change_reason … Possible values are" */
export const CHANGE_REASONS = [
  'BOOKING_CREATED',
  'BOOKING_RESCHEDULED',
  'BOOKING_CANCELLED',
  'EXAM_COMPLETED',
  'ABSENT',
  'EXCUSED_ABSENT',
] as const;
export type ChangeReason = (typeof CHANGE_REASONS)[number];

export const STATUS_BY_CHANGE_REASON: Readonly<Record<ChangeReason, OrderStatus>> = {
  BOOKING_CREATED: 'scheduled',
  BOOKING_RESCHEDULED: 'scheduled',
  // docs/vendors/psi.md#change-reasons: a cancelled booking is not a cancelled assessment. The eligibility stays, the
  // candidate may book again through the same link: the order is open again (`invited`), its booking marked cancelled.
  BOOKING_CANCELLED: 'invited',
  // docs/vendors/psi.md#change-reasons: no score in the payload; EXAM_COMPLETED is a status signal only.
  EXAM_COMPLETED: 'completed',
  ABSENT: 'no_show',
  // An excused absence frees the candidate to book again, like a cancelled booking.
  EXCUSED_ABSENT: 'invited',
};

/** The change reasons after which the candidate has no booking but may book again (the booking shows as cancelled). */
export const BOOKING_RELEASED: readonly ChangeReason[] = ['BOOKING_CANCELLED', 'EXCUSED_ABSENT'];

/** Our vendorStatus right after ordering: PSI has no word for it, the eligibility exists only on our side. */
export const ELIGIBILITY_CREATED = 'ELIGIBILITY_CREATED';
