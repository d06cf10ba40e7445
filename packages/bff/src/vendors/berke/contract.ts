// Berke's go-live contract check (docs/vendors/berke.md#assumptions): read-only calls only (GetJobs, a window of
// GetCompletedAssessments, GetAssessmentStatus and GetCompletedAssessment of an assessment that window lists, and a
// look-up of an id nobody has). Never PerformAssessment, SendInvitation or DeleteAssessment: they invite or remove.
import { randomBytes } from 'node:crypto';
import { collectFindings, type ContractAssumption, type ContractDrift, type ContractFinding, type VendorContract } from '../../core/contract.js';
import { VendorError } from '../../core/vendor-port.js';
import type { BerkeClient } from './client.js';
import type { BerkeCompletedPage } from './wire.js';

export const BERKE_ASSUMPTIONS = [
  { id: 'berke.auth', summary: 'the API token is accepted: GetJobs answers berkeResponse > jobs > job' },
  { id: 'berke.completed.layout', summary: 'GetCompletedAssessments answers berkeResponse > assessments > assessment > jobFit' },
  { id: 'berke.completed.paging', summary: 'its assessments carry totalAssessments, currentPageAssessments, currentPage, totalPages; at most 50 a page' },
  { id: 'berke.completed.window', summary: 'the window we ask for (dateFromUtc/dateToUtc) is the window it answers' },
  { id: 'berke.completed.page-param', summary: 'asking for page 2 answers currentPage 2' },
  { id: 'berke.completed-one.layout', summary: 'GetCompletedAssessment answers berkeResponse > assessment > jobFit for a completed assessment' },
  { id: 'berke.status.layout', summary: 'GetAssessmentStatus answers assessmentStatus with statusId (2 for a completed one) and no scores to rely on' },
  { id: 'berke.status.not-found', summary: 'an unknown sourceCandidateId answers an error (X-Response-Code [4xx].[≥1000]), not an empty assessment' },
  { id: 'berke.fit-ids', summary: 'fitId is one of 0–5 (not calculated, low, medium, high, job not configured, not enough data)' },
] as const satisfies readonly ContractAssumption[];

type Id = (typeof BERKE_ASSUMPTIONS)[number]['id'];

/** A client for the check and the drift its last call reported (the redacted answer that failed our parsing). */
export interface CheckClient {
  client: BerkeClient;
  lastDrift(): ContractDrift | null;
}

export function berkeContract(make: () => CheckClient): VendorContract {
  return { assumptions: BERKE_ASSUMPTIONS, check: () => runCheck(make()) };
}

async function runCheck({ client, lastDrift }: CheckClient): Promise<ContractFinding[]> {
  const { say, failed, list } = collectFindings(BERKE_ASSUMPTIONS, lastDrift);

  try {
    const jobs = await client.getJobs();
    say('berke.auth', 'held', `GetJobs: ${jobs.length} active job(s)`);
  } catch (err) {
    failed(['berke.auth'], 'GetJobs', err);
  }

  const toUtc = Math.floor(Date.now() / 1000);
  const fromUtc = toUtc - 365 * 86_400;
  let page: BerkeCompletedPage | null = null;
  try {
    page = await client.getCompletedAssessments({ fromUtc, toUtc, page: 1 });
    say('berke.completed.layout', 'held', `GetCompletedAssessments: ${page.assessment.length} assessment(s) on page 1 of the last 365 days`);
    checkPaging(page, say);
    const echoed = page.dateFromUtc !== undefined && Math.abs(page.dateFromUtc - fromUtc) < 1 && page.dateToUtc !== undefined && Math.abs(page.dateToUtc - toUtc) < 1;
    if (echoed) say('berke.completed.window', 'held', `answered dateFromUtc ${page.dateFromUtc}, dateToUtc ${page.dateToUtc} as asked`);
    else say('berke.completed.window', 'contradicted', `asked ${fromUtc}–${toUtc}, answered ${page.dateFromUtc ?? '?'}–${page.dateToUtc ?? '?'}`, `dateFromUtc=${page.dateFromUtc} dateToUtc=${page.dateToUtc}`);
  } catch (err) {
    failed(['berke.completed.layout', 'berke.completed.paging', 'berke.completed.window', 'berke.completed.page-param'], 'GetCompletedAssessments', err);
  }
  if (page) await checkPageParam(client, page, { fromUtc, toUtc }, say, failed);

  const listed = page?.assessment[0];
  const fitIds = new Set<number>((page?.assessment ?? []).flatMap((a) => a.jobFit.flatMap((f) => (f.fitId === undefined ? [] : [f.fitId]))));
  if (listed) {
    try {
      const one = await client.getCompletedAssessment(listed.sourceCandidateId);
      for (const f of one.jobFit) if (f.fitId !== undefined) fitIds.add(f.fitId);
      say('berke.completed-one.layout', 'held', `GetCompletedAssessment of a listed assessment: ${one.jobFit.length} job fit(s)`);
    } catch (err) {
      failed(['berke.completed-one.layout'], 'GetCompletedAssessment', err);
    }
    try {
      const status = await client.getAssessmentStatus(listed.sourceCandidateId);
      const id = status.assessmentStatus.statusId;
      if (id === 2) say('berke.status.layout', 'held', 'GetAssessmentStatus of a listed (completed) assessment: statusId 2');
      else say('berke.status.layout', 'contradicted', `GetAssessmentStatus of a completed assessment: statusId ${id ?? 'absent'}`, `statusId=${id ?? ''}`);
    } catch (err) {
      failed(['berke.status.layout'], 'GetAssessmentStatus', err);
    }
  } else {
    const why = 'no assessment completed in the last 365 days to read';
    say('berke.completed-one.layout', 'not_exercised', why);
    say('berke.status.layout', 'not_exercised', why);
  }
  if (fitIds.size === 0) say('berke.fit-ids', 'not_exercised', 'no job fit seen');
  else {
    const odd = [...fitIds].filter((f) => !Number.isInteger(f) || f < 0 || f > 5);
    if (odd.length === 0) say('berke.fit-ids', 'held', `fitIds seen: ${[...fitIds].sort().join(', ')}`);
    else say('berke.fit-ids', 'contradicted', `undocumented fitId(s): ${odd.join(', ')}`, `fitId=${odd.join(',')}`);
  }

  await checkNotFound(client, say, failed);
  return list();
}

type Say = (id: Id, verdict: ContractFinding['verdict'], detail: string, sample?: string) => void;
type Failed = (ids: readonly Id[], call: string, err: unknown) => void;

function checkPaging(page: BerkeCompletedPage, say: Say) {
  const problems: string[] = [];
  if (page.currentPage !== 1) problems.push(`currentPage ${page.currentPage} for page 1`);
  if (page.currentPageAssessments !== undefined && page.currentPageAssessments !== page.assessment.length) {
    problems.push(`currentPageAssessments ${page.currentPageAssessments} but ${page.assessment.length} listed`);
  }
  if (page.assessment.length > 50) problems.push(`${page.assessment.length} on one page`);
  if (page.totalPages < Math.ceil(page.totalAssessments / 50)) problems.push(`totalPages ${page.totalPages} for ${page.totalAssessments} assessments`);
  const attrs = `totalAssessments=${page.totalAssessments} currentPageAssessments=${page.currentPageAssessments ?? ''} currentPage=${page.currentPage} totalPages=${page.totalPages} maxAssessmentsPerPage=${page.maxAssessmentsPerPage ?? ''}`;
  if (problems.length === 0) say('berke.completed.paging', 'held', attrs);
  else say('berke.completed.paging', 'contradicted', problems.join('; '), attrs);
}

async function checkPageParam(client: BerkeClient, first: BerkeCompletedPage, w: { fromUtc: number; toUtc: number }, say: Say, failed: Failed) {
  if (first.totalPages < 2) {
    say('berke.completed.page-param', 'not_exercised', `one page in the window (${first.totalAssessments} assessment(s))`);
    return;
  }
  try {
    const second = await client.getCompletedAssessments({ ...w, page: 2 });
    if (second.currentPage === 2) say('berke.completed.page-param', 'held', 'page 2 answered currentPage 2');
    else say('berke.completed.page-param', 'contradicted', `page 2 answered currentPage ${second.currentPage}`, `currentPage=${second.currentPage}`);
  } catch (err) {
    failed(['berke.completed.page-param'], 'GetCompletedAssessments page 2', err);
  }
}

async function checkNotFound(client: BerkeClient, say: Say, failed: Failed) {
  const nobody = `ca-contract-${randomBytes(8).toString('hex')}`;
  try {
    const res = await client.getAssessmentStatus(nobody);
    say('berke.status.not-found', 'contradicted', 'an unknown sourceCandidateId answered an assessment', `sourceCandidateId=${res.assessmentStatus.sourceCandidateId}`);
  } catch (err) {
    const code = err instanceof VendorError ? (err.vendorCode ?? '') : '';
    if (err instanceof VendorError && !err.retryable && /^4\d\d\.(\d{4,})$/.test(code)) {
      say('berke.status.not-found', 'held', `an unknown sourceCandidateId answered X-Response-Code ${code}`);
    } else if (err instanceof VendorError && err.code !== 'vendor_bad_response' && !err.retryable) {
      say('berke.status.not-found', 'contradicted', `an unknown sourceCandidateId answered ${code || 'an error'} without a Berke code`, code);
    } else failed(['berke.status.not-found'], 'GetAssessmentStatus of an unknown id', err);
  }
}
