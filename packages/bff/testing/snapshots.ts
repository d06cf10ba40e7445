// An order snapshot as the event log stores it, for tests that append events directly (no order service).
import type { Order } from '@ca/shared';

export const orderSnapshot = (over: Partial<Order> & Pick<Order, 'id' | 'candidateId'>): Order => ({
  tenantId: 'acme',
  packageId: 'p1',
  packageName: 'P',
  vendor: 'berke',
  vendorName: 'Berke',
  vendorRef: null,
  status: 'requested',
  vendorStatus: null,
  progress: null,
  version: 1,
  statusChangedAt: new Date(0).toISOString(),
  createdAt: new Date(0).toISOString(),
  booking: null,
  result: null,
  error: null,
  retakeOf: null,
  lastAction: null,
  ...over,
});
