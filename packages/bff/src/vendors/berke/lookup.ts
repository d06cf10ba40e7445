// Looking up what an earlier placement attempt created. docs/vendors/berke.md#performassessment: PerformAssessment
// creates the candidate's assessment and "sends an invitation on every call". A retry after a call that may have
// reached Berke (a timeout) asks GetAssessmentStatus by sourceCandidateId first: when the assessment is there, it is
// recorded and PerformAssessment is not called again, so the candidate is invited once.
import { VendorError, type PlacedOrder, type VendorContext, type VendorOrder } from '../../core/vendor-port.js';
import type { BerkeClient } from './client.js';
import { sourceCandidateIdFor } from './order-data.js';
import { toOrderChanges } from './status.js';

/** The Berke candidate of an order: the ATS candidate, or for a retake its own new attempt. */
export function berkeCandidateOf(order: VendorOrder): string {
  return sourceCandidateIdFor(order.retakeOf ? `${order.candidateId} retake ${order.id}` : order.candidateId);
}

/** The assessment an earlier attempt placed, as placing it would record it; null when Berke has none. */
export async function findPlaced(
  t: { ctx: VendorContext; client: BerkeClient; jobOf(order: VendorOrder): string | undefined },
  order: VendorOrder,
): Promise<PlacedOrder | null> {
  const sourceCandidateId = berkeCandidateOf(order);
  let res;
  try {
    res = await t.client.getAssessmentStatus(sourceCandidateId);
  } catch (err) {
    if (err instanceof VendorError && !err.retryable) return null; // Berke knows no such candidate
    throw err;
  }
  const sourceJobId = t.jobOf(order);
  const change = toOrderChanges(res, t.ctx.now(), sourceJobId).at(-1) ?? {
    status: 'invited' as const,
    vendorStatus: String(res.assessmentStatus.statusId ?? ''),
    vendorTime: t.ctx.now(),
    dedupeKey: `invited:${sourceCandidateId}`,
  };
  const vendorData: Record<string, unknown> = { sourceCandidateId, ...(sourceJobId ? { sourceJobId } : {}) };
  t.ctx.log.info({ vendor: 'berke', orderId: order.id, status: change.status }, 'berke assessment found from an earlier attempt');
  return { vendorRef: sourceCandidateId, vendorData, change: { ...change, vendorRef: sourceCandidateId } };
}
