// The Berke sandbox's API methods: each takes the call's parameters and answers the JSON layout of its documented
// sample (docs/vendors/berke.md), or throws a BerkeFault. Reads and changes state.ts; knows no HTTP.
import { createHash } from 'node:crypto';
import type { ContractShape } from '../types.js';
import type { BerkeState, Candidate } from './state.js';
import { BerkeFault, completedOf, fitsOf, OK, statusOf } from './wire.js';

/** Assessments on one GetCompletedAssessments page: `maxAssessmentsPerPage="50"` (docs/vendors/berke.md#completed-assessments). */
export const COMPLETED_PER_PAGE = 50;

export interface HandlerOptions {
  /** false: every `reportUrl` is empty (anonymous report access disabled, docs/vendors/berke.md#reports). */
  anonymousReports?: boolean | undefined;
  /** `altered`: answers GetCompletedAssessments in a layout the public page does not show (no paging attributes). */
  contractShape?: ContractShape | undefined;
}

export interface Links {
  launchUrl(c: Candidate): string;
  reportUrl(reportId: string): string;
}

const str = (p: Record<string, unknown>, k: string): string | undefined => {
  const v = p[k];
  if (v === null || v === undefined) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
};
export const param = str;

const required = (p: Record<string, unknown>, k: string, max: number): string => {
  const v = str(p, k);
  if (!v) throw new BerkeFault(400, 1001, `${k} is required, ${k}=[]`);
  if (v.length > max) throw new BerkeFault(400, 1002, `${k} is longer than ${max} characters, ${k}=[${v}]`);
  return v;
};

/** A Unix UTC seconds parameter, or its default (docs/vendors/berke.md#completed-assessments: "decimal-numeric"). */
const unixParam = (p: Record<string, unknown>, k: string, dflt: number): number => {
  const v = str(p, k);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new BerkeFault(400, 1002, `${k} is not a number, ${k}=[${v}]`);
  return n;
};

/**
 * GetCompletedAssessments (docs/vendors/berke.md#completed-assessments): the window's completions, oldest first,
 * 50 to a page, with the window and paging attributes. Parameter names are the sandbox's reading of the page.
 */
function completedAssessments(state: BerkeState, opts: HandlerOptions, fits: (c: Candidate) => Record<string, unknown>[], p: Record<string, unknown>): Record<string, unknown> {
  const nowS = Date.now() / 1000;
  const fromS = unixParam(p, 'dateFromUtc', 0);
  const toS = unixParam(p, 'dateToUtc', nowS);
  const page = Math.max(1, Math.floor(unixParam(p, 'page', 1)));
  // Whole Unix seconds: `to` includes the whole second it names.
  const to = (Math.floor(toS) + 1) * 1000;
  const done = [...state.candidates.values()]
    .filter((c) => (state.settle(c), c.completedOn !== null && c.completedOn >= fromS * 1000 && c.completedOn < to))
    .sort((a, b) => a.completedOn! - b.completedOn!);
  const slice = done.slice((page - 1) * COMPLETED_PER_PAGE, page * COMPLETED_PER_PAGE).map((c) => completedOf(c, fits(c)));
  if (opts.contractShape === 'altered') return { completedAssessments: slice, ...OK };
  const assessments = {
    dateFromUtc: fromS,
    dateToUtc: toS,
    totalAssessments: done.length,
    currentPageAssessments: slice.length,
    currentPage: page,
    totalPages: Math.ceil(done.length / COMPLETED_PER_PAGE),
    maxAssessmentsPerPage: COMPLETED_PER_PAGE,
    assessment: slice,
  };
  return { assessments, ...OK };
}


export function createHandlers(state: BerkeState, opts: HandlerOptions, links: Links) {
  const find = (id: string): Candidate => {
    const c = state.get(id);
    if (!c) throw new BerkeFault(404, 1050, `The assessment you requested was not found, sourceCandidateId=[${id}]`);
    state.settle(c);
    return c;
  };
  const redirectTarget = (c: Candidate) => {
    if (!c.redirectUrl) return null;
    // docs/vendors/berke.md#performassessment: Berke returns the redirect as `[url]?code=[invitationCode]&id=[sha512Hash]`.
    const id = createHash('sha512').update(`${c.invitationCode}:${c.sourceCandidateId}`).digest('hex');
    return `${c.redirectUrl}${c.redirectUrl.includes('?') ? '&' : '?'}code=${c.invitationCode}&id=${id}`;
  };
  const reportUrl = (id: string) => (opts.anonymousReports === false ? '' : links.reportUrl(id));
  const fits = (c: Candidate) => fitsOf(c, state.jobs, reportUrl);

  /** PerformAssessment's answer: status and job fits (docs/vendors/berke.md#response). */
  const performed = (c: Candidate) => ({ assessmentStatus: statusOf(c, links.launchUrl(c), redirectTarget(c)), jobFit: fits(c), ...OK });

  function performAssessment(p: Record<string, unknown>): Record<string, unknown> {
    const id = required(p, 'sourceCandidateId', 50);
    const email = required(p, 'emailAddress', 250);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new BerkeFault(400, 1004, `emailAddress is not well-formed, emailAddress=[${email}]`);
    const redirect = str(p, 'onAssessmentCompleteRedirectToUrl');
    if (redirect !== undefined && (redirect.length > 150 || !/^https?:\/\/[^\s]+$/i.test(redirect))) {
      throw new BerkeFault(400, 1060, `onAssessmentCompleteRedirectToUrl must be an absolute http(s) URL of up to 150 characters, onAssessmentCompleteRedirectToUrl=[${redirect}]`);
    }
    const jobParam = str(p, 'sourceJobId');
    let c = state.get(id);
    if (!c) {
      const job = jobParam === undefined ? state.jobs[0] : state.jobOf(jobParam);
      if (!job) {
        throw new BerkeFault(400, 1040, `The SourceJobId you passed in was not found. Visit your API job assignments in the Berke site, sourceJobId=[${jobParam}]`);
      }
      c = state.add({
        sourceCandidateId: id,
        firstName: required(p, 'firstName', 100),
        lastName: required(p, 'lastName', 100),
        emailAddress: email,
        sourceJobId: job.sourceJobId,
        redirectUrl: redirect ?? null,
      });
    } else {
      // docs/vendors/berke.md#performassessment: "changing SourceJobId on subsequent calls will create an error response".
      if (jobParam !== undefined && jobParam.toLowerCase() !== c.sourceJobId.toLowerCase()) {
        throw new BerkeFault(400, 1041, `SourceJobId cannot be changed once set, sourceJobId=[${jobParam}]`);
      }
      c.emailAddress = email;
      c.firstName = str(p, 'firstName') ?? c.firstName;
      c.lastName = str(p, 'lastName') ?? c.lastName;
      if (redirect !== undefined) c.redirectUrl = redirect;
    }
    state.settle(c);
    // docs/vendors/berke.md#performassessment: "Each time you call this method, it will send an invitation to the candidate until the assessment is complete."
    if (c.statusId !== 2) {
      c.invitationsSent += 1;
      state.counters.invitationsSent += 1;
    }
    return performed(c);
  }

  /** GetCompletedAssessment: one completed assessment's scores; refused before completion (the sandbox's code). */
  function completedAssessment(p: Record<string, unknown>): Record<string, unknown> {
    const c = find(required(p, 'sourceCandidateId', 50));
    if (c.statusId !== 2) throw new BerkeFault(400, 1070, `The assessment is not complete, sourceCandidateId=[${c.sourceCandidateId}]`);
    return { assessment: completedOf(c, fits(c)), ...OK };
  }

  const methods: Record<string, (p: Record<string, unknown>) => Record<string, unknown>> = {
    PerformAssessment: performAssessment,
    GetCompletedAssessments: (p) => completedAssessments(state, opts, fits, p),
    GetCompletedAssessment: completedAssessment,
    // docs/vendors/berke.md#statuses: the status, not the scores; GetCompletedAssessment follows a complete one.
    GetAssessmentStatus: (p) => {
      const c = find(required(p, 'sourceCandidateId', 50));
      return { assessmentStatus: statusOf(c, links.launchUrl(c), redirectTarget(c)), ...OK };
    },
    // docs/vendors/berke.md#recruiter-actions: DeleteAssessment exists (parameters as the sibling methods: apiToken, username, sourceCandidateId).
    DeleteAssessment: (p) => {
      state.remove(find(required(p, 'sourceCandidateId', 50)));
      return { ...OK };
    },
    // docs/vendors/berke.md#recruiter-actions: SendInvitation "emails a start link"; sourceCandidateId and email required, message ≤ 1000.
    SendInvitation: (p) => {
      const c = find(required(p, 'sourceCandidateId', 50));
      const email = required(p, 'email', 254);
      const message = str(p, 'message');
      if (message !== undefined && message.length > 1000) throw new BerkeFault(400, 1060, 'message must be at most 1000 characters');
      if (c.statusId === 2) throw new BerkeFault(400, 1061, `The assessment is already complete, sourceCandidateId=[${c.sourceCandidateId}]`);
      c.emailAddress = email;
      c.invitationsSent += 1;
      state.counters.invitationsSent += 1;
      return { ...OK };
    },
    GetJobs: () => ({
      jobs: { job: state.jobs.map((j) => ({ sourceJobId: j.sourceJobId, name: j.name, matchEnabled: j.matchEnabled !== false })) },
      ...OK,
    }),
  };

  return { methods, find, redirectTarget, required };
}
