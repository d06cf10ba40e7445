// What a Mettl order keeps: its vendorRef (`<accessKey>:<email>`) and vendorData (schedule, email, attempt).
// Never guesses a schedule: an order that has none was not placed, and says so.
import { VendorError, type VendorOrder } from '../../core/vendor-port.js';

/**
 * `vendorRef` is `<accessKey>:<email>`: a Mettl candidate is identified by email within a schedule
 * (docs/vendors/mettl.md#registration), and an access key never contains ":", so the first ":" splits it.
 */
export function formatVendorRef(accessKey: string, email: string): string {
  return `${accessKey}:${email}`;
}

export function parseVendorRef(ref: string): { accessKey: string; email: string } | null {
  const i = ref.indexOf(':');
  return i > 0 && i < ref.length - 1 ? { accessKey: ref.slice(0, i), email: ref.slice(i + 1) } : null;
}

/** What placeOrder saves in `vendorData`. */
export interface MettlOrderData {
  accessKey: string;
  email: string;
  attempt: number;
  assessmentId: string;
}

/** The order's schedule and email, from vendorData or else its vendorRef. */
export function orderData(order: VendorOrder): MettlOrderData {
  const d = order.vendorData as Partial<MettlOrderData>;
  const fromRef = order.vendorRef ? parseVendorRef(order.vendorRef) : null;
  const accessKey = typeof d.accessKey === 'string' ? d.accessKey : fromRef?.accessKey;
  const email = typeof d.email === 'string' ? d.email : (fromRef?.email ?? order.candidate.email);
  if (!accessKey) {
    throw new VendorError('This Mettl order has no schedule yet.', { retryable: false, code: 'order_not_placed' });
  }
  return {
    accessKey,
    email,
    attempt: typeof d.attempt === 'number' ? d.attempt : 1,
    assessmentId: typeof d.assessmentId === 'string' ? d.assessmentId : '',
  };
}
