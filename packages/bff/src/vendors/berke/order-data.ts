// What a Berke order keeps: its vendorRef is the candidate's sourceCandidateId, one Berke assessment per
// candidate. Never sends Berke an id it cannot take: such ids become a stable hash.
import { createHash } from 'node:crypto';
import { VendorError, type VendorOrder } from '../../core/vendor-port.js';

/**
 * The sourceCandidateId of a candidate: the ATS candidate id, as docs/vendors/berke.md#performassessment recommends ("Identifies the participant in
 * the customer's ATS … Berke recommends a badge ID, HRIS ID, ATS ID"). One Berke assessment per candidate: a second
 * package reads its job's fit from it instead of making the candidate take it again, and a repeated placeOrder
 * reaches the same assessment. An id Berke cannot take (over 50 characters, spaces or control characters) becomes a
 * stable `ca-` hash of it. Berke compares ids without case, so ATS ids differing only in case would meet.
 */
export function sourceCandidateIdFor(candidateId: string): string {
  if (/^[\x21-\x7e]{1,50}$/.test(candidateId)) return candidateId;
  return `ca-${createHash('sha256').update(candidateId).digest('hex').slice(0, 32)}`;
}

/** The order's sourceCandidateId, or a retryable error while it is not placed yet. */
export function refOf(order: VendorOrder): string {
  if (!order.vendorRef) {
    throw new VendorError('This Berke order has not been placed yet.', { retryable: true, code: 'not_ready' });
  }
  return order.vendorRef;
}
