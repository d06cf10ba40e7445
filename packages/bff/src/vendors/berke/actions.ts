// Berke's own calls for recruiter actions: cancel is DeleteAssessment, remind is SendInvitation (VENDOR-NOTES §2.4,
// https://site.berkeassessment.com/Api/Documentation/SendInvitation). Never PerformAssessment: it would create again.
import { VendorError, type Reminder, type VendorActionResult, type VendorOrder } from '../../core/vendor-port.js';
import type { BerkeClient } from './client.js';

export function berkeActions(client: BerkeClient) {
  const refOf = (order: VendorOrder) => {
    if (!order.vendorRef) throw new VendorError('This Berke order has not been placed yet.', { retryable: true, code: 'not_ready' });
    return order.vendorRef;
  };
  return {
    async cancel(order: VendorOrder): Promise<VendorActionResult> {
      await client.deleteAssessment(refOf(order));
      return { call: 'Berke DeleteAssessment' };
    },
    async remind(order: VendorOrder): Promise<Reminder> {
      await client.sendInvitation({ sourceCandidateId: refOf(order), email: order.candidate.email });
      return { call: 'Berke SendInvitation', sentBy: 'vendor' };
    },
  };
}
