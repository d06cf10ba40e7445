// What each audience may see of an order. Candidates never see results or vendor references.
import type { Order } from '@ca/shared';

export type Audience = 'recruiter' | 'candidate' | 'api';

export function forRole(order: Order, role: Audience): Order {
  if (role !== 'candidate') return order;
  return { ...order, vendorRef: null, result: null };
}
