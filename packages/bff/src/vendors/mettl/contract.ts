// Mettl's go-live contract check (docs/vendors/mettl.md#assumptions): read-only calls only (Get Account Info, a
// request signed with a wrong key, Get All Assessments, Get All Schedules of each package's assessment, and every page
// of Get Results of All Candidates of one schedule). Never creates or edits a schedule or registers anyone.
import { collectFindings, type ContractAssumption, type ContractDrift, type ContractFinding, type VendorContract } from '../../core/contract.js';
import { VendorError } from '../../core/vendor-port.js';
import type { MettlClient } from './client.js';
import type { MettlPackage } from './config.js';

export const METTL_ASSUMPTIONS = [
  { id: 'mettl.auth', summary: 'a request signed with our keys (HMAC-SHA256 of method, URL and sorted values) is accepted' },
  { id: 'mettl.errors.body', summary: 'a refused request answers {"status":"ERROR","error":{code,message}} with a Mettl code (E401 for a wrong signature)' },
  { id: 'mettl.assessments.layout', summary: 'Get All Assessments answers assessments[] with id and name' },
  { id: 'mettl.schedules.layout', summary: "Get All Schedules answers schedules[] with name and accessKey for each package's assessment" },
  { id: 'mettl.results.layout', summary: 'Get Results of All Candidates in Schedule answers candidates[] (email, testStatus) and paging' },
  { id: 'mettl.results.paging', summary: 'paging.next leads through every page (offset) and is null on the last; paging.total counts them all' },
  { id: 'mettl.registration.code-in-message', summary: 'a refused candidate is an entry {status, message "E607 : …", email, url} of a SUCCESS answer' },
  { id: 'mettl.notifications', summary: 'notifications are the documented JSON (EVENT_TYPE, invitation_key, context_data, timestamp_GMT, …)' },
] as const satisfies readonly ContractAssumption[];

type Id = (typeof METTL_ASSUMPTIONS)[number]['id'];

export interface CheckClients {
  /** A client for the check; `lastDrift()` is the redacted answer its last call could not parse. */
  client: MettlClient;
  lastDrift(): ContractDrift | null;
  /** The same account signed with a wrong private key: Mettl must refuse it. */
  wrongKey: MettlClient;
  packages: readonly MettlPackage[];
}

export function mettlContract(make: () => CheckClients): VendorContract {
  return { assumptions: METTL_ASSUMPTIONS, check: () => runCheck(make()) };
}

/** Pages read at most when following `paging.next` through one schedule. */
const MAX_PAGES = 40;

async function runCheck(k: CheckClients): Promise<ContractFinding[]> {
  const { say, failed, list } = collectFindings(METTL_ASSUMPTIONS, k.lastDrift);

  try {
    const page = await k.client.listAssessments(5, 0);
    say('mettl.auth', 'held', 'signed GET /assessments accepted');
    say('mettl.assessments.layout', 'held', `${page.assessments.length} assessment(s) on the first page`);
  } catch (err) {
    failed(['mettl.auth', 'mettl.assessments.layout'], 'Get All Assessments', err);
  }
  await checkErrorBody(k, say);

  let accessKey: string | null = null;
  for (const pkg of k.packages) {
    try {
      const list = await k.client.listSchedules(pkg.assessmentId);
      say('mettl.schedules.layout', 'held', `assessment ${pkg.assessmentId}: ${list.schedules.length} schedule(s)`);
      accessKey ??= list.schedules[0]?.accessKey ?? null;
    } catch (err) {
      failed(['mettl.schedules.layout'], `Get All Schedules of assessment ${pkg.assessmentId}`, err);
    }
  }
  if (k.packages.length === 0) say('mettl.schedules.layout', 'not_exercised', 'no Mettl package configured');

  if (accessKey) await checkResults(k, accessKey, say, failed);
  else {
    say('mettl.results.layout', 'not_exercised', 'no schedule of a configured assessment to read');
    say('mettl.results.paging', 'not_exercised', 'no schedule of a configured assessment to read');
  }
  say('mettl.registration.code-in-message', 'not_exercised', 'only a registration shows it, and registering is not read-only; refusals are checked as they come (drift)');
  say('mettl.notifications', 'not_exercised', 'Mettl pushes notifications; each arriving one is checked and counted as drift when it does not match');
  return list();
}

type Say = (id: Id, verdict: ContractFinding['verdict'], detail: string, sample?: string) => void;

async function checkErrorBody(k: CheckClients, say: Say) {
  try {
    await k.wrongKey.listAssessments(1, 0);
    say('mettl.errors.body', 'contradicted', 'a request signed with a wrong private key was accepted');
  } catch (err) {
    const code = err instanceof VendorError ? err.vendorCode : undefined;
    if (code && /^E\d{3,4}$/.test(code)) say('mettl.errors.body', 'held', `a wrongly signed request answered the error body with ${code}`);
    else if (err instanceof VendorError && !err.retryable) {
      say('mettl.errors.body', 'contradicted', `a wrongly signed request was refused without Mettl's error body (${err.message})`);
    } else say('mettl.errors.body', 'not_exercised', `Mettl could not be asked: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Follows `paging.next` through one schedule with a small page, checking that the pages add up to `paging.total`. */
async function checkResults(k: CheckClients, accessKey: string, say: Say, failed: (ids: readonly Id[], call: string, err: unknown) => void) {
  let offset = 0;
  let seen = 0;
  let total: number | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await k.client.scheduleResults(accessKey, 10, offset);
      if (page === 0) say('mettl.results.layout', 'held', `schedule results: ${res.candidates.length} candidate(s) on the first page`);
      total ??= res.total;
      seen += res.candidates.length;
      if (res.nextOffset === null) break;
      if (res.nextOffset < 0 || res.nextOffset <= offset) {
        say('mettl.results.paging', 'contradicted', `paging.next has no offset past ${offset}`, `offset=${offset} next=${res.nextOffset}`);
        return;
      }
      offset = res.nextOffset;
    }
  } catch (err) {
    failed(['mettl.results.layout', 'mettl.results.paging'], 'Get Results of All Candidates in Schedule', err);
    return;
  }
  if (total === undefined) say('mettl.results.paging', 'held', `followed paging.next through ${seen} candidate(s) (no total given)`);
  else if (total === seen) say('mettl.results.paging', 'held', `followed paging.next through all ${total} candidate(s)`);
  else say('mettl.results.paging', 'contradicted', `paging.total says ${total}, the pages held ${seen}`, `total=${total} seen=${seen}`);
}
