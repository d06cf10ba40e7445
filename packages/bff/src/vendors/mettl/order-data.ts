// What a Mettl order keeps: its vendorRef (`<accessKey>:<orderId>`) and vendorData (schedule, email, attempt).
// Never guesses a schedule: an order that has none was not placed, and says so.
import { VendorError, type VendorOrder } from '../../core/vendor-port.js';

/**
 * `vendorRef` is `<accessKey>:<orderId>`: the schedule and our order, which Mettl knows by the candidate's email in
 * that schedule (docs/vendors/mettl.md#registration). The email stays in vendorData, where the calls need it: the
 * reference goes out in events and ATS webhooks and names no one. An access key never contains ":".
 */
export function formatVendorRef(accessKey: string, orderId: string): string {
  return `${accessKey}:${orderId}`;
}

/** The schedule of a reference, and the email of one written before references were pseudonymous (`<accessKey>:<email>`). */
export function parseVendorRef(ref: string): { accessKey: string; email?: string } | null {
  const i = ref.indexOf(':');
  if (i <= 0 || i >= ref.length - 1) return null;
  const rest = ref.slice(i + 1);
  return rest.includes('@') ? { accessKey: ref.slice(0, i), email: rest } : { accessKey: ref.slice(0, i) };
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
