// Mettl wire shapes (API responses and webhook payloads) as zod schemas. Lenient on what Mettl varies
// (casing, numbers as strings, missing fields); never the place for mapping to our model.
import { z } from 'zod';

/** Ids arrive as numbers in some payloads and strings in others. */
const Id = z.union([z.string(), z.number()]).transform(String);
/** Numbers that sometimes arrive as strings ("false", "7.75"); absent or unparsable → undefined. */
const Num = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((v) => {
    if (v === null || v === undefined || v === '') return undefined;
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isFinite(n) ? n : undefined;
  });
const Str = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined ? undefined : String(v)));

/**
 * `{"status":"ERROR","error":{"code","message"}}`.
 * @see docs/vendors/mettl.md#transport (GaneshKdt/Jforce-Project MettlHelper.java reads error.code / error.message)
 */
export const ErrorBody = z.object({
  status: z.literal('ERROR'),
  error: z.object({ code: Str, message: Str }).optional(),
});

/** @see https://support.mettl.com/portal/en/kb/articles/get-all-assessments-api */
export const AssessmentsPage = z.object({
  status: z.literal('SUCCESS'),
  assessments: z.array(z.object({ id: Id, name: z.string() })).default([]),
  paging: z.object({ total: Num }).optional(),
});

/** A schedule as listed or created. docs/vendors/mettl.md#schedules: create answers `createdSchedule` {id,name,accessKey,accessUrl,…}. */
export const Schedule = z.object({
  id: Id.optional(),
  name: z.string(),
  accessKey: z.string().min(1),
  accessUrl: z.string().optional(),
});
export type Schedule = z.infer<typeof Schedule>;

/** @see https://support.mettl.com/portal/en/kb/articles/get-all-schedules-in-assessment-api */
export const SchedulesList = z.object({
  status: z.literal('SUCCESS'),
  schedules: z.array(Schedule).default([]),
});

/** @see https://support.mettl.com/portal/en/kb/articles/create-schedule-api */
export const ScheduleCreated = z.object({ status: z.literal('SUCCESS'), createdSchedule: Schedule });

/** @see https://support.mettl.com/portal/en/kb/articles/edit-schedule-api */
export const ScheduleEdited = z.object({ status: z.literal('SUCCESS') });

/**
 * `registrationStatus[i].url` is the candidate's single-use link (docs/vendors/mettl.md#registration); absent when the
 * candidate cannot take the test in this schedule any more (status `Completed`, grv07/clat views.py).
 * @see https://support.mettl.com/portal/en/kb/articles/register-candidates-in-schedule-api
 */
export const Registration = z.object({
  status: z.literal('SUCCESS'),
  registrationStatus: z
    .array(
      z.object({
        email: Str,
        /** `ToBeTaken`, `Completed`, … or `error` for a refused candidate (e.g. E607 "Candidate registration limit exceeded"). */
        status: Str,
        message: Str,
        url: Str,
        /** Error entries carry Mettl's code here or in a nested `error` object (both seen shapes are read). */
        code: Str,
        error: z.object({ code: Str, message: Str }).nullish(),
      }),
    )
    .min(1),
});
export type RegistrationEntry = z.infer<typeof Registration>['registrationStatus'][number];

const SectionMark = z.object({ sectionName: Str, totalMarks: Num, maxMarks: Num });

/** `testStatus.result` of a graded notification or an on-demand result (docs/vendors/mettl.md#notifications, docs/vendors/mettl.md#results). */
export const TestResult = z.object({
  totalMarks: Num,
  maxMarks: Num,
  percentile: Num,
  candidateCredibilityIndex: Str,
  sectionMarks: z.array(SectionMark).nullish(),
  performanceCategory: Str,
  /**
   * `analysis.recommendation[{type, value}]` and `responseStyles` (2024 graded fixture; docs/vendors/mettl.md#results: psychometric reports,
   * asked for on demand with `ir={"recommendation":true}` and `rs=true`).
   */
  analysis: z
    .object({
      recommendation: z.array(z.object({ type: Str, value: Str }).loose()).nullish(),
      responseStyles: z.array(z.union([z.string(), z.object({ type: Str, value: Str, name: Str }).loose()])).nullish(),
    })
    .loose()
    .nullish(),
});

export const TestStatus = z.object({
  status: Str,
  overallStatus: Str,
  detailedStatus: Str,
  completionMode: Str,
  start_time_GMT: Str,
  end_time_GMT: Str,
  startTime: Str,
  endTime: Str,
  result: TestResult.nullish(),
  htmlReport: Str,
  pdfReport: Str,
});
export type TestStatus = z.infer<typeof TestStatus>;

/**
 * Get Result of Candidate in Schedule (v2): `{"status":"SUCCESS","candidate":{"email",…,"testStatus":{…}}}`;
 * the v1 sample has `testStatus` at the top level (grv07/clat utilities.py), so both are accepted.
 * @see https://support.mettl.com/portal/en/kb/articles/get-result-of-candidate-in-schedule-api
 */
export const CandidateResult = z
  .object({
    status: z.literal('SUCCESS'),
    candidate: z.object({ email: Str, testStatus: TestStatus.nullish() }).optional(),
    testStatus: TestStatus.nullish(),
  })
  .transform((r) => ({ email: r.candidate?.email, testStatus: r.candidate?.testStatus ?? r.testStatus ?? undefined }));

/** The `offset` a paging URL asks for, or null when there is no such URL (the last page). */
function offsetOf(link: string | null | undefined): number | null {
  if (!link) return null;
  try {
    const n = Number(new URL(link, 'https://api.mettl.com').searchParams.get('offset'));
    return Number.isInteger(n) && n >= 0 ? n : null;
  } catch {
    return null;
  }
}

/**
 * Get Results of All Candidates in Schedule: one page of `candidates[]`, each with its `testStatus`, and `paging` with
 * the `next` and `previous` URLs ("uses the offset query parameter to cycle through the full list … reused for
 * generating the next and previous URLs in pagination response", docs/vendors/mettl.md#results-of-all-candidates).
 * `next` null or absent is the last page; its `offset` is where the next page starts, whatever this page's length.
 * @see https://support.mettl.com/portal/en/kb/articles/get-results-of-all-candidates-in-schedule-api
 */
export const ScheduleResults = z
  .object({
    status: z.literal('SUCCESS'),
    candidates: z.array(z.unknown()),
    paging: z.object({ next: z.string().nullish(), previous: z.string().nullish(), total: Num, offset: Num, limit: Num }).loose(),
  })
  .loose()
  .transform((r) => ({
    candidates: r.candidates.flatMap((c) => {
      const e = z.object({ email: Str, testStatus: TestStatus.nullish() }).loose().safeParse(c);
      return e.success && e.data.email ? [{ email: e.data.email, testStatus: e.data.testStatus ?? undefined }] : [];
    }),
    /** Where the next page starts; null on the last page. */
    nextOffset: r.paging.next ? (offsetOf(r.paging.next) ?? -1) : null,
    total: r.paging.total,
  }));
export type ScheduleResultsPage = z.output<typeof ScheduleResults>;

/**
 * Any notification Mettl POSTs (start / finish / graded / resume-enabled). Casing varies between events
 * (`assessment_id` in finish, `assessmentId` in graded, 2024 fixtures) and `sectional_scores` is a JSON
 * string, so everything but `EVENT_TYPE` is optional here and checked where it is used.
 * @see docs/vendors/mettl.md#notifications
 */
export const Notification = z.object({
  EVENT_TYPE: z.string().min(1).optional(),
  invitation_key: Str,
  assessment_id: Str,
  assessmentId: Str,
  candidate_instance_id: Str,
  context_data: Str,
  timestamp_GMT: Str,
  email: Str,
  name: Str,
  finish_mode: Str,
  start_time_GMT: Str,
  end_time_GMT: Str,
  marks_scored: Num,
  max_marks: Num,
  percentile: Num,
  sectional_scores: z.union([z.string(), z.array(z.unknown()), z.null()]).optional(),
  testStatus: TestStatus.nullish(),
  htmlReport: Str,
  pdfReport: Str,
});
export type Notification = z.infer<typeof Notification>;

/** One entry of `sectional_scores` (2024 graded fixture: `[{"sectionName","sectionScore","sectionMaxScore"}]`). */
export const SectionalScore = z.object({ sectionName: Str, sectionScore: Num, sectionMaxScore: Num });
