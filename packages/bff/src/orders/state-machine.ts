// The order status state machine of docs/architecture.md#order-state-machine: ordering by vendor time, sticky terminal states,
// and the few reopenings vendors really do. Pure: no I/O, no clock.
import type { Booking, OrderError, OrderStatus, Result } from '@ca/shared';
import type { Fact, Incoming } from '../core/facts.js';

export type { Fact, Incoming } from '../core/facts.js';

/** Progress of an open order. Closed and terminal states are handled apart. */
const RANK: Partial<Record<OrderStatus, number>> = {
  requested: 0,
  invited: 1,
  scheduled: 2,
  in_progress: 3,
  completed: 4,
  scored: 5,
};

const CLOSED: readonly OrderStatus[] = ['expired', 'cancelled', 'no_show', 'excused'];

/**
 * Where a closed order may go again when the vendor reopens it: Mettl re-enables an expired test
 * (docs/vendors/mettl.md#expiry-and-resume, resume-enabled notification); PSI re-books after a cancellation or a missed exam,
 * and an excused absence lets the candidate book again (docs/vendors/psi.md#change-reasons).
 */
const REOPEN: Partial<Record<OrderStatus, readonly OrderStatus[]>> = {
  expired: ['in_progress', 'completed', 'scored'],
  cancelled: ['scheduled'],
  no_show: ['scheduled', 'invited'],
  excused: ['scheduled', 'invited'],
};

/** The one step back an open order takes: a booking cancelled leaves the candidate invited to book again (PSI). */
const BACK: Partial<Record<OrderStatus, readonly OrderStatus[]>> = {
  scheduled: ['invited'],
};

export type Decision =
  | { apply: true; statusChanges: boolean }
  | { apply: false; reason: 'stale' | 'sticky' | 'backwards' };

export interface Current {
  status: OrderStatus;
  /** Vendor time of the update that set the current status. */
  statusVendorTime: Date;
}

/** Decides whether an update changes the order or only goes to its history. */
export function decide(current: Current, update: Incoming): Decision {
  const same = update.status === current.status;
  if (current.status === 'failed') return { apply: false, reason: 'sticky' };
  if (current.status === 'scored') {
    // A newer result for a scored order (re-grading, job fits recomputed) refreshes the data, never the status.
    return same && update.vendorTime >= current.statusVendorTime ? { apply: true, statusChanges: false } : { apply: false, reason: 'sticky' };
  }
  // `requested` is our own state, stamped with our clock: a vendor clock a little behind must not make its first word stale.
  if (current.status !== 'requested' && update.vendorTime < current.statusVendorTime) return { apply: false, reason: 'stale' };
  if (same) return { apply: true, statusChanges: false };
  if (update.status === 'failed') return { apply: true, statusChanges: true };
  if (CLOSED.includes(update.status)) return { apply: true, statusChanges: true };
  if (CLOSED.includes(current.status)) {
    return REOPEN[current.status]?.includes(update.status) ? { apply: true, statusChanges: true } : { apply: false, reason: 'backwards' };
  }
  const from = RANK[current.status]!;
  const to = RANK[update.status]!;
  if (to < from && BACK[current.status]?.includes(update.status)) return { apply: true, statusChanges: true };
  return to > from ? { apply: true, statusChanges: true } : { apply: false, reason: 'backwards' };
}

export interface OrderState {
  status: OrderStatus;
  vendorStatus: string | null;
  statusVendorTime: Date;
  progress: number | null;
  booking: Booking | null;
  result: Result | null;
  error: OrderError | null;
}

/** The state of a newly accepted order, before any vendor word. */
export const initialState = (createdAt: Date): OrderState => ({
  status: 'requested',
  vendorStatus: null,
  statusVendorTime: createdAt,
  progress: null,
  booking: null,
  result: null,
  error: null,
});

/** The state after one more fact, taken after every fact already folded into `s` (a later vendor time, or a tie that arrived later). */
export function step(s: OrderState, f: Fact): OrderState {
  const d = decide(s, f);
  if (!d.apply) return s;
  return {
    status: f.status,
    vendorStatus: f.vendorStatus,
    statusVendorTime: f.vendorTime,
    progress: f.progress ?? (d.statusChanges ? null : s.progress),
    // Back to `invited` the candidate holds no booking: one the vendor did not restate shows as cancelled.
    booking: f.booking ?? (f.status === 'invited' && s.booking ? { ...s.booking, cancelled: true } : s.booking),
    result: f.result ?? s.result,
    error: f.error ?? s.error,
  };
}

/**
 * The order's state from its whole history, taken in vendor-time order (ties in arrival order).
 * Folding the history, rather than applying each update to the last state, makes the result the same
 * whatever order deliveries arrive in (PSI: "order events by timestamp, not arrival").
 */
export function fold(initial: OrderState, facts: readonly Fact[]): OrderState {
  return facts.reduce(step, initial);
}
