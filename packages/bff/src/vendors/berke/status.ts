// Berke assessment status → unified order changes and result (a table). Decides only on statusId and
// jobFitScoresAvailable, never on the status label or percentComplete (docs/vendors/berke.md#statuses); never keeps a reportUrl.
import type { JobFit, Level, OrderStatus, Result } from '@ca/shared';
import type { OrderChange } from '../../core/vendor-port.js';
import type { BerkeAssessmentResponse, BerkeCompletedAssessment, BerkeJobFit } from './wire.js';

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

/** What a scored result is read from: the fits and completion of a GetCompletedAssessment(s) or PerformAssessment answer. */
export interface BerkeScores {
  completedOnUtc?: number | undefined;
  startCount?: number | undefined;
  jobFit: readonly BerkeJobFit[];
}

/**
 * fitIds that carry no level but are Berke's last word on the job (docs/vendors/berke.md#statuses): 4 the job's
 * matching is disabled, 5 "Not Enough Assessment Data". The recruiter reads Berke's own label, not an empty score.
 */
const FINAL_WITHOUT_LEVEL: Readonly<Record<number, { text: string; severity: 'info' | 'warning' }>> = {
  4: { text: 'Match Disabled In Job', severity: 'info' },
  5: { text: 'Not Enough Assessment Data', severity: 'warning' },
};

/** Whether the order's job has its fit: a level, or a final fitId without one. fitId 0 ("not calculated") is not yet. */
export function hasFinalFit(fits: readonly BerkeJobFit[], jobId?: string): boolean {
  const fit = fitFor(fits, jobId);
  return fit?.fitId !== undefined && (LEVEL_BY_FIT_ID[fit.fitId] !== undefined || FINAL_WITHOUT_LEVEL[fit.fitId] !== undefined);
}

export function toResult(r: BerkeScores, jobId?: string): Result {
  const jobFits = toJobFits(r.jobFit, jobId);
  const primary = jobFits.find((f) => f.primary);
  const own = fitFor(r.jobFit, jobId);
  const completedAt = toDate(r.completedOnUtc);
  const result: Result = {
    subScores: [],
    flags: [],
    jobFits,
    // With anonymous report links disabled reportUrl is empty, and GetReportForJob still delivers the document; a job
    // without enough data has no report (the documented sample's fitId 5 has an empty reportUrl).
    reportAvailable: own !== undefined && own.fitId !== 5,
  };
  if (primary?.fitPct !== undefined) result.score = primary.fitPct;
  if (primary?.level) result.level = primary.level;
  const unscored = own?.fitId !== undefined ? FINAL_WITHOUT_LEVEL[own.fitId] : undefined;
  if (own && unscored) {
    // docs/vendors/berke.md#statuses: say why there is no fit, in Berke's words (its `fit` label, else the documented one).
    result.flags.push({ code: 'job_fit_unavailable', label: `Job fit (${own.job || 'this job'})`, value: own.fit || unscored.text, severity: unscored.severity });
  }
  if (completedAt) result.completedAt = completedAt.toISOString();
  const startCount = r.startCount;
  // docs/vendors/berke.md#response: "We recommend asking users whether they need technical assistance if the start count is above 3."
  if (startCount !== undefined && startCount > 3) {
    result.flags.push({ code: 'restarts', label: 'Assessment restarted', value: startCount, severity: 'warning' });
  }
  return result;
}

/** The payload kept for audit: without the report links, which must not be stored (docs/vendors/berke.md#reports). */
export function auditCopy(r: { jobFit: readonly BerkeJobFit[] } & Record<string, unknown>): unknown {
  return { ...r, jobFit: r.jobFit.map(({ reportUrl: _dropped, ...rest }) => rest) };
}

/**
 * What a GetAssessmentStatus answer tells: invited, in progress, completed. Never `scored`: the status method's page
 * says to follow a complete status with GetCompletedAssessment "to retrieve the assessment's job fit scores"
 * (docs/vendors/berke.md#statuses), so scores come from `scoredChanges`.
 */
export function statusChanges(r: BerkeAssessmentResponse, observedAt: Date): OrderChange[] {
  const a = r.assessmentStatus;
  const mapped = a.statusId !== undefined ? STATUS_BY_ID[a.statusId] : undefined;
  const done = mapped === 'completed' || a.jobFitScoresAvailable;
  const raw = auditCopy(r);
  const changes: OrderChange[] = [];
  const vendorStatus = String(a.statusId ?? '');
  const progress = a.percentComplete !== undefined ? Math.max(0, Math.min(100, a.percentComplete)) : undefined;

  if (mapped === 'invited' && !done) {
    changes.push({ status: 'invited', vendorStatus, vendorTime: toDate(a.createdOnUtc) ?? observedAt, dedupeKey: `invited:${stamp(a.createdOnUtc)}`, raw });
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
    changes.push({ status: 'in_progress', vendorStatus: '1', vendorTime: started, dedupeKey: `in_progress:${stamp(a.startedOnUtc)}:-` });
  }
  if (done) changes.push(completedChange(a.completedOnUtc, observedAt, raw));
  return changes;
}

function completedChange(completedOnUtc: number | undefined, observedAt: Date, raw: unknown): OrderChange {
  return { status: 'completed', vendorStatus: '2', vendorTime: toDate(completedOnUtc) ?? observedAt, dedupeKey: `completed:${stamp(completedOnUtc)}`, progress: 100, raw };
}

/**
 * What an answer with scores tells (GetCompletedAssessment(s), or PerformAssessment for a finished assessment):
 * completed, then scored once the order's job has its fit. Fits not computed yet (fitId 0, or none) give no `scored`.
 */
export function scoredChanges(r: BerkeScores & Record<string, unknown>, observedAt: Date, jobId?: string): OrderChange[] {
  const raw = auditCopy(r);
  const changes = [completedChange(r.completedOnUtc, observedAt, raw)];
  if (!hasFinalFit(r.jobFit, jobId)) return changes;
  const computed = r.jobFit.map((f) => f.fitComputedOnUtc ?? 0).reduce((x, y) => Math.max(x, y), 0);
  changes.push({
    status: 'scored',
    vendorStatus: '2:jobFitScoresAvailable',
    // The documented sample (docs/vendors/berke.md#response) computes fits a moment *before* completedOnUtc: never date the score before completion.
    vendorTime: toDate(Math.max(computed, r.completedOnUtc ?? 0)) ?? observedAt,
    dedupeKey: `scored:${computed > 0 ? computed : stamp(r.completedOnUtc)}`,
    progress: 100,
    result: toResult(r, jobId),
    raw,
  });
  return changes;
}

/** A GetCompletedAssessment(s) entry as scores. */
export const completedScores = (a: BerkeCompletedAssessment): BerkeScores & Record<string, unknown> => ({ ...a });

/**
 * Every fact a PerformAssessment answer tells, oldest first, each with its vendor time and a stable dedupe key. The
 * method answers scores once the assessment is complete (docs/vendors/berke.md#performassessment), so its fits count
 * when `jobFitScoresAvailable`; a placement that jumps from nothing to scored still yields started → completed → scored.
 */
export function toOrderChanges(r: BerkeAssessmentResponse, observedAt: Date, jobId?: string): OrderChange[] {
  const changes = statusChanges(r, observedAt);
  if (!r.assessmentStatus.jobFitScoresAvailable || !hasFinalFit(r.jobFit, jobId)) return changes;
  const a = r.assessmentStatus;
  const scored = scoredChanges({ completedOnUtc: a.completedOnUtc, startCount: a.startCount, jobFit: r.jobFit, assessmentStatus: a }, observedAt, jobId);
  return [...changes.filter((c) => c.status !== 'completed'), ...scored];
}
