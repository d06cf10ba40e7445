// Berke wire shapes (API answers) as zod schemas, lenient where JSON and XML differ. Never the place for
// mapping to our model (status.ts) or for reading a body (codec.ts).
import { z } from 'zod';

// @see https://site.berkeassessment.com/api/documentation/PerformAssessment (docs/vendors/berke.md#performassessment)
// The JSON form is a mechanical translation of the XML form, where every value is an attribute string,
// so every field accepts both (docs/vendors/berke.md#response).

/** A number sent as a JSON number or an XML attribute string; empty, null and absent mean "not set". */
const wireNumber = z.preprocess((v) => {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : Number(v);
  return v;
}, z.number().finite().optional());

const wireBoolean = z.preprocess((v) => {
  if (typeof v === 'string') return v.trim().toLowerCase() === 'true';
  if (v === null || v === undefined) return false;
  return v;
}, z.boolean());

const wireString = z.preprocess((v) => (v === null || v === undefined ? undefined : String(v)), z.string().optional());

/** `assessmentStatus` of PerformAssessment / GetAssessmentStatus. */
export const BerkeAssessmentStatus = z.object({
  sourceCandidateId: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1)),
  /** A label; never used to decide anything (docs/vendors/berke.md#statuses: "Do not use percent complete or the status label"). */
  status: wireString,
  /** 5 = Not Started, 1 = In Progress, 2 = Complete. */
  statusId: wireNumber,
  jobFitScoresAvailable: wireBoolean,
  invitationCode: wireString,
  /** Empty after the assessment is completed (docs/vendors/berke.md#response). */
  assessmentUrl: wireString,
  percentComplete: wireNumber,
  /** Unix seconds with decimals, e.g. 1545228051.155 (docs/vendors/berke.md#response). */
  createdOnUtc: wireNumber,
  startedOnUtc: wireNumber,
  completedOnUtc: wireNumber,
  startCount: wireNumber,
  onAssessmentCompleteRedirectToUrl: wireString,
});
export type BerkeAssessmentStatus = z.infer<typeof BerkeAssessmentStatus>;

/** One `jobFit`: every active job of the account is scored, the assessment's own job has isPrimaryJob. */
export const BerkeJobFit = z.object({
  job: z.preprocess((v) => (v === null || v === undefined ? '' : String(v)), z.string()),
  /** 0–1; -1 when matching is disabled, data is missing or the assessment is incomplete (docs/vendors/berke.md#response). */
  fitPct: wireNumber,
  /** 0 not calculated, 1 Low, 2 Medium, 3 High, 4 job not configured, 5 not enough data (docs/vendors/berke.md#statuses). */
  fitId: wireNumber,
  fit: wireString,
  isPrimaryJob: wireBoolean,
  sourceJobId: wireString,
  /** Unauthenticated link that dies when the API key changes: fetched fresh, never stored (docs/vendors/berke.md#response). */
  reportUrl: wireString,
  fitComputedOnUtc: wireNumber,
});
export type BerkeJobFit = z.infer<typeof BerkeJobFit>;

/** One element or a list of them (XML with a single child, JSON translated from it); empty and absent are none. */
const listOf = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === null || v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));

export const BerkeAssessmentResponse = z.object({
  assessmentStatus: BerkeAssessmentStatus,
  jobFit: listOf(BerkeJobFit),
});
export type BerkeAssessmentResponse = z.infer<typeof BerkeAssessmentResponse>;

const sourceCandidateId = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1));

/**
 * One `assessment` of GetCompletedAssessment(s): the candidate's attributes and its `jobFit` children, the scores
 * (docs/vendors/berke.md#completed-assessments). No status: only completed assessments are listed.
 */
export const BerkeCompletedAssessment = z.object({
  sourceCandidateId,
  invitationCode: wireString,
  completedOnUtc: wireNumber,
  jobFit: listOf(BerkeJobFit),
});
export type BerkeCompletedAssessment = z.infer<typeof BerkeCompletedAssessment>;

/** GetCompletedAssessment: `berkeResponse > assessment > jobFit` (docs/vendors/berke.md#completed-assessments). */
export const BerkeCompletedResponse = z.object({
  assessment: z.preprocess((v) => (Array.isArray(v) && v.length === 1 ? v[0] : v), BerkeCompletedAssessment),
});

/** A page count or number: required, whole, not negative. */
const wireCount = z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), z.number().int().min(0));

/**
 * GetCompletedAssessments: `berkeResponse > assessments` with the window and paging attributes `> assessment >
 * jobFit`, at most `maxAssessmentsPerPage` (50) on a page (docs/vendors/berke.md#completed-assessments).
 */
export const BerkeCompletedPage = z.object({
  assessments: z.object({
    dateFromUtc: wireNumber,
    dateToUtc: wireNumber,
    totalAssessments: wireCount,
    currentPageAssessments: wireCount.optional(),
    currentPage: wireCount,
    totalPages: wireCount,
    maxAssessmentsPerPage: wireCount.optional(),
    assessment: listOf(BerkeCompletedAssessment),
  }),
});
export type BerkeCompletedPage = z.infer<typeof BerkeCompletedPage>['assessments'];

/**
 * GetJobs: the account's active jobs. JSON nests `{"jobs":{"job":[...]}}`; XML has `<jobs><job .../></jobs>`.
 * @see https://site.berkeassessment.com/api/Documentation/GetJobs (docs/vendors/berke.md#response)
 */
export const BerkeJob = z.object({
  sourceJobId: wireString,
  name: z.preprocess((v) => (v === null || v === undefined ? '' : String(v)), z.string()),
  matchEnabled: wireBoolean.optional(),
});
export const BerkeJobsResponse = z.object({
  jobs: z.preprocess(
    (v) => (v === '' || v === null || v === undefined ? { job: [] } : v),
    z.object({ job: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(BerkeJob)) }),
  ),
});
export type BerkeJob = z.infer<typeof BerkeJob>;

/** The 429 body (docs/vendors/berke.md#throttling, "API requests exceeded the maximum allowed per time-frame"). */
export const BerkeThrottle = z.object({
  callExpiresOnCompletion: wireBoolean,
  countCallsExceeded: wireNumber,
  estimatedMillisecondsToNextAllowedCall: wireNumber,
  isDailyLimit: wireBoolean,
  maximumCallsPerTimeFrame: wireNumber,
  timeFrameMilliseconds: wireNumber,
});
export type BerkeThrottle = z.infer<typeof BerkeThrottle>;

/** The envelope every method shares: `status` "ok" or not, `response` the error text, `responseCode`. */
export const BerkeEnvelope = z.object({
  status: wireString,
  response: wireString,
  responseCode: wireString,
});
