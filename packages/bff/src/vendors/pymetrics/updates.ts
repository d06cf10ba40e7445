// Turns parsed pymetrics status and result records into unified order changes. Pure: no I/O, no clock of its own.
// Never reports `scored` without the result it stands for.
import type { Result } from '@ca/shared';
import type { OrderChange } from '../../core/vendor-port.js';
import type { AssessmentResult, AssessmentStatus } from './codec.js';
import { mapStatus } from './status.js';

/** What the adapter keeps in an order's vendorData (JSON only). */
export interface PymetricsOrderData {
  /** docs/vendors/pymetrics.md#statuses: `assessment_url` of the order response, later `invite_url` of get_bulk_status. */
  assessmentUrl?: string;
  /** docs/vendors/pymetrics.md#results: present when the candidate is eligible for video evaluation. */
  evaluationUrl?: string;
  assessmentType?: string;
}

function statusData(s: AssessmentStatus): PymetricsOrderData {
  const d: PymetricsOrderData = {};
  if (s.invite_url) d.assessmentUrl = s.invite_url;
  if (s.evaluation_url) d.evaluationUrl = s.evaluation_url;
  if (s.assessment_type) d.assessmentType = s.assessment_type;
  return d;
}

/**
 * The change a status record states, or null for an undocumented status. FULFILLED says results were
 * transferred but carries none: the adapter fetches them and reports `scored` through `resultChange`.
 */
export function statusChange(s: AssessmentStatus, now: Date): OrderChange | null {
  const vendorStatus = s.status.trim().toUpperCase();
  const mapped = mapStatus(vendorStatus);
  if (mapped === null) return null;
  const status = mapped === 'scored' ? 'completed' : mapped;
  return {
    status,
    vendorStatus,
    vendorTime: now,
    // The same status seen again is the same fact; a newly offered video evaluation is a new one.
    dedupeKey: `${vendorStatus}${s.evaluation_url ? '+evaluation' : ''}`,
    vendorData: { ...statusData(s) },
    raw: s,
  };
}

/** The unified result of one pymetrics result record (docs/vendors/pymetrics.md#results, "Get Bulk Results" response attributes). */
export function toResult(r: AssessmentResult, evaluationUrl?: string): Result {
  const result: Result = { subScores: [], flags: [], jobFits: [], reportAvailable: true };
  // docs/vendors/pymetrics.md#results: fitscore is "the assessment result, expressed as a percentile"; the attribute table calls it `score`.
  const score = r.fitscore ?? r.score;
  if (score !== undefined && score >= 0 && score <= 100) {
    result.score = score;
    result.maxScore = 100;
  }
  if (r.band) result.band = r.band;
  if (r.passed !== undefined) result.passed = r.passed;
  if (evaluationUrl) {
    result.flags.push({ code: 'video_evaluation', label: 'Video evaluation available', value: true, severity: 'info' });
  }
  return result;
}

/** `scored` for the order this result belongs to: results are transferred, which pymetrics calls FULFILLED. */
export function resultChange(r: AssessmentResult, now: Date, status?: AssessmentStatus): OrderChange {
  const data: PymetricsOrderData = status ? statusData(status) : {};
  if (r.assessment_type && !data.assessmentType) data.assessmentType = r.assessment_type;
  return {
    status: 'scored',
    vendorStatus: 'FULFILLED',
    vendorTime: now,
    dedupeKey: `results:${r.order_id}`,
    result: toResult(r, status?.evaluation_url),
    vendorData: { ...data },
    raw: r,
  };
}
