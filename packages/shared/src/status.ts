// The unified order status of docs/contracts.md#order-status. Every vendor status maps to one of these.
import { z } from 'zod';

export const ORDER_STATUSES = [
  'requested',
  'invited',
  'scheduled',
  'in_progress',
  'completed',
  'scored',
  'expired',
  'cancelled',
  'no_show',
  'excused',
  'failed',
] as const;

export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;

/** Statuses in which the vendor still has work to do: these orders are polled. */
export const OPEN_STATUSES: readonly OrderStatus[] = ['requested', 'invited', 'scheduled', 'in_progress', 'completed'];

export const isOpenStatus = (s: OrderStatus): boolean => OPEN_STATUSES.includes(s);
