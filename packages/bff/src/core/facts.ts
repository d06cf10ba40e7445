// A recorded status update as the state machine folds it. Shared by the store (which reads history)
// and orders/ (which folds it), so the store never imports the order logic.
import type { Booking, OrderError, OrderStatus, Result } from '@ca/shared';

export interface Incoming {
  status: OrderStatus;
  vendorTime: Date;
}

/** What one recorded update says, as the fold needs it. */
export interface Fact extends Incoming {
  vendorStatus: string;
  progress?: number | undefined;
  booking?: Booking | undefined;
  result?: Result | undefined;
  error?: OrderError | undefined;
}
