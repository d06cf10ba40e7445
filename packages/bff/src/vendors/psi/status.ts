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
  // A later BOOKING_CREATED reopens a cancelled order (docs/architecture.md#order-state-machine): the core's state machine allows it.
  BOOKING_CANCELLED: 'cancelled',
  // docs/vendors/psi.md#change-reasons: no score in the payload; EXAM_COMPLETED is a status signal only.
  EXAM_COMPLETED: 'completed',
  ABSENT: 'no_show',
  EXCUSED_ABSENT: 'excused',
};

/** Our vendorStatus right after ordering: PSI has no word for it, the eligibility exists only on our side. */
export const ELIGIBILITY_CREATED = 'ELIGIBILITY_CREATED';
