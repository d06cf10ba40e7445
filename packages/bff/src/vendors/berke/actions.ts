// Berke's own calls for recruiter actions: cancel is DeleteAssessment, remind is SendInvitation (docs/vendors/berke.md#recruiter-actions,
// https://site.berkeassessment.com/Api/Documentation/SendInvitation). Never PerformAssessment: it would create again.
import type { Reminder, VendorActionResult, VendorOrder } from '../../core/vendor-port.js';
import type { BerkeClient } from './client.js';
import { refOf } from './order-data.js';

export function berkeActions(client: BerkeClient) {
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
