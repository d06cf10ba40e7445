// An order row as an adapter sees it (the port's VendorOrder), its package taken from the vendor host: the one
// place where a store row becomes what the vendors are given.
import type { VendorOrder } from '../core/vendor-port.js';
import type { OrderRow } from '../store/orders.js';
import type { VendorHost } from './host.js';

/** The order as an adapter sees it, or null when its package is no longer configured. */
export function toVendorOrder(r: OrderRow, host: VendorHost): VendorOrder | null {
  const pkg = host.packageOf(r.tenant_id, r.vendor, r.package_id);
  if (!pkg) return null;
  return {
    id: r.id,
    tenantId: r.tenant_id,
    candidateId: r.candidate_id,
    candidate: r.candidate,
    ...(r.job ? { job: r.job } : {}),
    package: pkg,
    vendorRef: r.vendor_ref,
    vendorData: r.vendor_data,
    status: r.status,
    vendorStatus: r.vendor_status,
    createdAt: new Date(r.created_at),
    statusChangedAt: new Date(r.status_changed_at),
    ...(r.retake_of ? { retakeOf: r.retake_of } : {}),
  };
}
