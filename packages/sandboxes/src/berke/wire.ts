// Berke's wire shapes as the sandbox writes them: the `X-Response-Code` fault, the JSON layout of each answer and
// the XML layout (attributes, utf-16 declaration) of the default output format. No state, no I/O.
import { seconds, type Candidate, type SandboxJob } from './state.js';

/** Berke-style error: `X-Response-Code` `[HTTP].[Berke code]` (docs/vendors/berke.md#errors; codes other than 1003 are the sandbox's). */
export class BerkeFault extends Error {
  constructor(
    readonly http: number,
    readonly berke: number,
    message: string,
    readonly headerMessage = message,
  ) {
    super(message);
  }
}

export const OK = { status: 'ok', response: null, responseCode: '200' } as const;

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** Attributes of one element; on the root a null field is left out (the success sample in docs/vendors/berke.md#fixtures has no `response`). */
const attrs = (o: Record<string, unknown>, root = false) =>
  Object.entries(o)
    .filter(([, v]) => (typeof v !== 'object' || v === null) && !(root && v === null))
    .map(([k, v]) => ` ${k}="${escapeXml(v === null || v === undefined ? '' : String(v))}"`)
    .join('');

const fitsXml = (fits: unknown, pad: string) => ((fits ?? []) as Record<string, unknown>[]).map((f) => `${pad}<jobFit${attrs(f)} />`).join('\n');

/** One `<assessment>` of GetCompletedAssessment(s): its attributes, then its `<jobFit>` children (docs/vendors/berke.md#completed-assessments). */
const assessmentXml = (a: Record<string, unknown>, pad: string) =>
  `${pad}<assessment${attrs(a)}>\n${fitsXml(a['jobFit'], `${pad}  `)}\n${pad}</assessment>`;

/**
 * A JSON-layout answer in Berke's XML layout: `<berkeResponse>` with `assessmentStatus` + `jobFitList`
 * (PerformAssessment), `assessment` (GetCompletedAssessment), `assessments` (GetCompletedAssessments) or `jobs`.
 */
export function toXml(body: Record<string, unknown>): string {
  const head = '<?xml version="1.0" encoding="utf-16"?>\n';
  const root = attrs(body, true);
  const parts: string[] = [];
  const status = body['assessmentStatus'] as Record<string, unknown> | undefined;
  if (status) parts.push(`  <assessmentStatus${attrs(status)} />`);
  if (Array.isArray(body['jobFit'])) parts.push(`  <jobFitList>\n${fitsXml(body['jobFit'], '    ')}\n  </jobFitList>`);
  const one = body['assessment'] as Record<string, unknown> | undefined;
  if (one) parts.push(assessmentXml(one, '  '));
  const page = body['assessments'] as Record<string, unknown> | undefined;
  if (page) {
    const list = (page['assessment'] as Record<string, unknown>[]).map((a) => assessmentXml(a, '    ')).join('\n');
    parts.push(`  <assessments${attrs(page)}>\n${list}\n  </assessments>`);
  }
  const listed = body['completedAssessments'] as Record<string, unknown>[] | undefined;
  if (listed) parts.push(`  <completedAssessments>\n${listed.map((a) => assessmentXml(a, '    ')).join('\n')}\n  </completedAssessments>`);
  const jobList = (body['jobs'] as { job: Record<string, unknown>[] } | undefined)?.job;
  if (jobList) parts.push(`  <jobs>\n${jobList.map((j) => `    <job${attrs(j)} />`).join('\n')}\n  </jobs>`);
  return parts.length === 0 ? `${head}<berkeResponse${root} />` : `${head}<berkeResponse${root}>\n${parts.join('\n')}\n</berkeResponse>`;
}

/** `assessmentStatus` of PerformAssessment / GetAssessmentStatus (docs/vendors/berke.md#response). */
export function statusOf(c: Candidate, launchUrl: string, redirect: string | null): Record<string, unknown> {
  return {
    sourceCandidateId: c.sourceCandidateId,
    status: ({ 5: 'Not Started', 1: 'In Progress', 2: 'Complete' } as const)[c.statusId],
    statusId: c.statusId,
    jobFitScoresAvailable: c.scoredOn !== null,
    firstName: c.firstName,
    lastName: c.lastName,
    formalTitle: '',
    invitationCode: c.invitationCode,
    assessmentUrl: c.statusId === 2 ? '' : launchUrl,
    percentComplete: c.percent,
    createdOnUtc: seconds(c.createdOn),
    startedOnUtc: seconds(c.startedOn),
    completedOnUtc: seconds(c.completedOn),
    startCount: c.startCount,
    emailAddress: c.emailAddress,
    remindUntilUtc: seconds(c.createdOn + 14 * 86_400_000),
    onAssessmentCompleteRedirectToUrl: redirect,
  };
}

/** The `jobFit` list: every active job, fitId 0 "Not Calculated" until scored (docs/vendors/berke.md#response). */
export function fitsOf(c: Candidate, jobs: readonly SandboxJob[], reportUrl: (reportId: string) => string): Record<string, unknown>[] {
  const scored = c.scoredOn !== null;
  return jobs.map((j) => {
    const fit = scored ? c.fits.find((f) => f.sourceJobId === j.sourceJobId) : undefined;
    return {
      job: j.name,
      fitPct: fit ? fit.fitPct : -1,
      fitId: fit ? fit.fitId : 0,
      fit: fit ? fit.fit : 'Not Calculated',
      isPrimaryJob: j.sourceJobId === c.sourceJobId,
      sourceJobId: j.sourceJobId,
      reportUrl: fit && fit.fitId !== 4 && fit.fitId !== 5 ? reportUrl(fit.reportId) : '',
      fitComputedOnUtc: scored ? seconds(c.scoredOn) : null,
    };
  });
}

/** One `assessment` of GetCompletedAssessment(s): the candidate's attributes and its fits (docs/vendors/berke.md#completed-assessments). */
export function completedOf(c: Candidate, fits: Record<string, unknown>[]): Record<string, unknown> {
  return {
    sourceCandidateId: c.sourceCandidateId,
    invitationCode: c.invitationCode,
    firstName: c.firstName,
    lastName: c.lastName,
    formalTitle: '',
    emailAddress: c.emailAddress,
    phoneNumber: '',
    completedOnUtc: seconds(c.completedOn),
    jobFit: fits,
  };
}
