// Berke assessment status → unified order changes and result (a table). Decides only on statusId and
// jobFitScoresAvailable, never on the status label or percentComplete (docs/vendors/berke.md#statuses); never keeps a reportUrl.
import type { JobFit, Level, OrderStatus, Result } from '@ca/shared';
import type { OrderChange } from '../../core/vendor-port.js';
import type { BerkeAssessmentResponse, BerkeJobFit } from './wire.js';

/** docs/vendors/berke.md#statuses: "statusId will be one of the following values: 5 = Not Started, 1 = In Progress, 2 = Complete". */
export const STATUS_BY_ID: Readonly<Record<number, OrderStatus>> = {
  5: 'invited',
  1: 'in_progress',
  2: 'completed',
};

/** docs/vendors/berke.md#statuses: fitId 3 High (67-100), 2 Medium (34-66), 1 Low (0-33); 0, 4, 5 carry no level. */
export const LEVEL_BY_FIT_ID: Readonly<Record<number, Level>> = { 3: 'high', 2: 'medium', 1: 'low' };

const toDate = (unixSeconds: number | undefined): Date | null =>
  unixSeconds !== undefined && unixSeconds > 0 ? new Date(Math.round(unixSeconds * 1000)) : null;

/** Keeps the vendor's own decimal form in dedupe keys, so the same fact always gives the same key. */
const stamp = (unixSeconds: number | undefined): string => (unixSeconds !== undefined ? String(unixSeconds) : '-');

/** fitPct as 0–100, or undefined when Berke has none (-1: disabled, missing data or incomplete). */
export function fitPercent(fitPct: number | undefined): number | undefined {
  if (fitPct === undefined || fitPct < 0) return undefined;
  // The documented samples send fractions (docs/vendors/berke.md#response: 0.99 with fitId 3 "High (67-100)"); a value above 1 is already a percentage.
  const pct = fitPct <= 1 ? fitPct * 100 : fitPct;
  return Math.min(100, Math.round(pct * 10) / 10);
}

/**
 * The fit an order is about: the one of the order's package job when given and scored (docs/vendors/berke.md#response: "Berke scores both
 * the primary job and all additional jobs in your account for all candidates", so a second package for the same
 * candidate reads its job's fit from the one assessment), else the assessment's primary job.
 */
export function fitFor(fits: readonly BerkeJobFit[], jobId?: string): BerkeJobFit | undefined {
  const own = jobId ? fits.find((f) => f.sourceJobId?.toLowerCase() === jobId.toLowerCase()) : undefined;
  return own ?? fits.find((f) => f.isPrimaryJob);
}

/** Job fits in our shape, the order's job first (marked primary), the others in Berke's order. */
export function toJobFits(fits: readonly BerkeJobFit[], jobId?: string): JobFit[] {
  const mine = fitFor(fits, jobId);
  const ordered = [...fits.filter((f) => f === mine), ...fits.filter((f) => f !== mine)];
  return ordered.map((f) => {
    const fit: JobFit = { job: f.job, primary: f === mine };
    if (f.sourceJobId) fit.jobId = f.sourceJobId;
    const pct = fitPercent(f.fitPct);
    if (pct !== undefined) fit.fitPct = pct;
    const level = f.fitId !== undefined ? LEVEL_BY_FIT_ID[f.fitId] : undefined;
    if (level) fit.level = level;
    return fit;
  });
}

export function toResult(r: BerkeAssessmentResponse, jobId?: string): Result {
  const jobFits = toJobFits(r.jobFit, jobId);
  const primary = jobFits.find((f) => f.primary);
  const completedAt = toDate(r.assessmentStatus.completedOnUtc);
  const result: Result = {
    subScores: [],
    flags: [],
    jobFits,
    // With anonymous report links disabled reportUrl is empty, and GetReportForJob still delivers the document.
    reportAvailable: r.assessmentStatus.jobFitScoresAvailable && fitFor(r.jobFit, jobId) !== undefined,
  };
  if (primary?.fitPct !== undefined) result.score = primary.fitPct;
  if (primary?.level) result.level = primary.level;
  if (completedAt) result.completedAt = completedAt.toISOString();
  const startCount = r.assessmentStatus.startCount;
  // docs/vendors/berke.md#response: "We recommend asking users whether they need technical assistance if the start count is above 3."
  if (startCount !== undefined && startCount > 3) {
    result.flags.push({ code: 'restarts', label: 'Assessment restarted', value: startCount, severity: 'warning' });
  }
  return result;
}

/** The payload kept for audit: without the report links, which must not be stored (docs/vendors/berke.md#reports). */
export function auditCopy(r: BerkeAssessmentResponse): unknown {
  return { assessmentStatus: r.assessmentStatus, jobFit: r.jobFit.map(({ reportUrl: _dropped, ...rest }) => rest) };
}

/**
 * Every fact the response tells, oldest first, each with its vendor time and a stable dedupe key.
 * A poll that jumps from "not started" to "scored" still yields started → completed → scored.
 */
export function toOrderChanges(r: BerkeAssessmentResponse, observedAt: Date, jobId?: string): OrderChange[] {
  const a = r.assessmentStatus;
  const mapped = a.statusId !== undefined ? STATUS_BY_ID[a.statusId] : undefined;
  const scored = a.jobFitScoresAvailable;
  const done = mapped === 'completed' || scored;
  const raw = auditCopy(r);
  const changes: OrderChange[] = [];
  const vendorStatus = String(a.statusId ?? '');
  const progress = a.percentComplete !== undefined ? Math.max(0, Math.min(100, a.percentComplete)) : undefined;

  if (mapped === 'invited' && !scored) {
    changes.push({
      status: 'invited',
      vendorStatus,
      vendorTime: toDate(a.createdOnUtc) ?? observedAt,
      dedupeKey: `invited:${stamp(a.createdOnUtc)}`,
      raw,
    });
  }
  const started = toDate(a.startedOnUtc);
  if (mapped === 'in_progress') {
    const change: OrderChange = {
      status: 'in_progress',
      vendorStatus,
      // Berke gives no time for progress, only for the start: progress facts share the start time.
      vendorTime: started ?? observedAt,
      dedupeKey: `in_progress:${stamp(a.startedOnUtc)}:${progress ?? '-'}`,
      raw,
    };
    if (progress !== undefined) change.progress = progress;
    changes.push(change);
  } else if (done && started) {
    changes.push({
      status: 'in_progress',
      vendorStatus: '1',
      vendorTime: started,
      dedupeKey: `in_progress:${stamp(a.startedOnUtc)}:-`,
    });
  }
  const completed = toDate(a.completedOnUtc);
  if (done) {
    changes.push({
      status: 'completed',
      vendorStatus: '2',
      vendorTime: completed ?? observedAt,
      dedupeKey: `completed:${stamp(a.completedOnUtc)}`,
      progress: 100,
      raw,
    });
  }
  if (scored) {
    const computed = r.jobFit.map((f) => f.fitComputedOnUtc ?? 0).reduce((x, y) => Math.max(x, y), 0);
    changes.push({
      status: 'scored',
      vendorStatus: `${vendorStatus}:jobFitScoresAvailable`,
      // The documented sample (docs/vendors/berke.md#response) computes fits a moment *before* completedOnUtc: never date the score before completion.
      vendorTime: toDate(Math.max(computed, a.completedOnUtc ?? 0)) ?? observedAt,
      dedupeKey: `scored:${computed > 0 ? computed : stamp(a.completedOnUtc)}`,
      progress: 100,
      result: toResult(r, jobId),
      raw,
    });
  }
  return changes;
}
