// pymetrics order status → unified OrderStatus (docs/contracts.md#order-status), as a table. Never guesses an unknown status.
import type { OrderStatus } from '@ca/shared';

/** docs/vendors/pymetrics.md#statuses, "Get Bulk Status": the documented statuses and what each means for us. */
export const PYMETRICS_STATUS: Readonly<Record<string, OrderStatus>> = {
  PENDING: 'requested', // received, not yet approved by pymetrics
  ACCEPTED: 'invited', // approved: the assessment URL is usable
  NOT_STARTED: 'invited', // candidate created an account, games not started
  IN_PROGRESS: 'in_progress',
  COMPLETED: 'completed', // games done; results may follow with a delay
  FULFILLED: 'scored', // results transferred to the partner
};

/** The unified status, or null for a status pymetrics has not documented (logged and skipped by the adapter). */
export function mapStatus(vendorStatus: string): OrderStatus | null {
  return PYMETRICS_STATUS[vendorStatus.trim().toUpperCase()] ?? null;
}

/** Statuses at which results can be fetched with get_bulk_results. */
export function hasResults(vendorStatus: string): boolean {
  const s = vendorStatus.trim().toUpperCase();
  return s === 'COMPLETED' || s === 'FULFILLED';
}
