// Events of the append-only log: the only thing the SSE stream and outbound webhooks carry.
import { z } from 'zod';
import { Order } from './order.js';

export const EventType = z.enum(['order.created', 'order.updated']);
export type EventType = z.infer<typeof EventType>;

export const OrderEvent = z.object({
  /** Monotonic per store; also the SSE `id:`. Serialised as a decimal string. */
  id: z.string().regex(/^\d+$/),
  type: EventType,
  orderId: z.string(),
  candidateId: z.string(),
  tenantId: z.string(),
  order: Order,
  at: z.string().datetime({ offset: true }),
});
export type OrderEvent = z.infer<typeof OrderEvent>;
