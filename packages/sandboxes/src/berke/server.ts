// A Berke-compatible server for the demo and tests: the REST methods with Berke's headers, JSON/XML bodies and
// burst limit, a candidate page, and a `/_sandbox/...` control API. Never used in production config.
import { createHash, randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { listenSandbox, outageAnswer } from '../http.js';
import { StepRefused, type AdvanceContext, type OutageMode, type VendorSandbox } from '../types.js';
import { assessPage, layout, PAGE_HEADERS, reportPage } from './pages.js';
import { BerkeFault, toXml } from './wire.js';

export interface SandboxJob {
  sourceJobId: string;
  name: string;
  /** false: "Match Disabled In Job" (fitId 4). */
  matchEnabled?: boolean;
}

export interface BerkeSandboxOptions {
  /** The one API token the sandbox accepts (default: random). */
  apiToken?: string;
  /** Active jobs; the first is the company's default job. */
  jobs?: SandboxJob[];
  /** Burst limit per API token (the sample in docs/vendors/berke.md#throttling: 120 calls / 60 000 ms). */
  burstLimit?: { calls: number; perMs: number };
  /** Calls per UTC day before `isDailyLimit` 429s (default: none). */
  dailyLimit?: number;
  /** Calls allowed at once before `callExpiresOnCompletion` 429s (default: none). */
  maxSimultaneous?: number;
  /** Delay before answering each API call. */
  latencyMs?: number;
  /** Scores arrive this long after completion on their own; null (default) = only when told (`score`). */
  autoScoreMs?: number | null;
  /**
   * How XML bodies are encoded on the wire; the declaration always says utf-16 (docs/vendors/berke.md#transport). `utf-16` has a BOM and a
   * charset, `utf-16-nobom` neither (the bytes alone say it), `utf-8` is what a .NET server often really sends.
   */
  xmlCharset?: 'utf-8' | 'utf-16' | 'utf-16-nobom';
  /**
   * docs/vendors/berke.md#reports: "You can disable unauthenticated report access via your API Settings". false: every `reportUrl` is
   * empty, `/GetReport/…` answers 403, and reports come only from GetReportForJob.
   */
  anonymousReports?: boolean;
  /** Answer XML whatever `formatOutput` asks (a server that ignores it; XML is Berke's default). */
  ignoreFormatOutput?: boolean;
  host?: string;
  port?: number;
}

export type SandboxStep = 'start' | 'progress' | 'complete' | 'score';
export const SANDBOX_STEPS: readonly SandboxStep[] = ['start', 'progress', 'complete', 'score'];

export interface AdvanceOptions extends AdvanceContext {
  /** progress: percent complete to report. */
  percent?: number;
  /** score: fit of the primary job, 0..1. */
  fitPct?: number;
}

export interface SandboxCandidateView {
  sourceCandidateId: string;
  firstName: string;
  lastName: string;
  emailAddress: string;
  sourceJobId: string;
  statusId: 5 | 1 | 2;
  percentComplete: number;
  scored: boolean;
  launchUrl: string;
  redirectUrl: string | null;
  invitationsSent: number;
  startCount: number;
}

export interface SandboxCounters {
  /** API calls received per method, throttled ones included. */
  calls: Record<string, number>;
  /** 429 answers sent. */
  throttled: number;
  /** Arrival times (ms) of the calls that were let through, for measuring windows. */
  accepted: number[];
  invitationsSent: number;
}

export interface BerkeSandbox extends VendorSandbox {
  /** `http://127.0.0.1:<port>`: the candidate pages and `/_sandbox/...`. */
  url: string;
  /** `{url}/api`: what goes into the tenant's `vendors.berke.baseUrl`. */
  baseUrl: string;
  apiToken: string;
  candidates(): SandboxCandidateView[];
  candidate(sourceCandidateId: string): SandboxCandidateView | null;
  /** Moves a candidate on; `ref` is the `sourceCandidateId` (the BFF's vendorRef). */
  advance(ref: string, step: SandboxStep, opts?: AdvanceOptions): Promise<SandboxCandidateView>;
  counters(): SandboxCounters;
  /** `error`: every API call answers 503 (maintenance), as when Berke disables its API. Pages stay up. */
  outage(mode: OutageMode): Promise<void>;
  /** API calls received per method (`PerformAssessment`, `GetAssessmentStatus`…), refused and throttled ones included. */
  calls(): Record<string, number>;
  resetCalls(): void;
  stop(): Promise<void>;
}

interface Fit {
  sourceJobId: string;
  fitPct: number;
  fitId: number;
  fit: string;
  reportId: string;
}

interface Candidate {
  sourceCandidateId: string;
  firstName: string;
  lastName: string;
  emailAddress: string;
  sourceJobId: string;
  redirectUrl: string | null;
  invitationCode: string;
  statusId: 5 | 1 | 2;
  percent: number;
  createdOn: number;
  startedOn: number | null;
  completedOn: number | null;
  scoredOn: number | null;
  startCount: number;
  invitationsSent: number;
  fits: Fit[];
}

const DEFAULT_JOBS: SandboxJob[] = [
  { sourceJobId: 'customer-support', name: 'Customer Support Agent' },
  { sourceJobId: 'sales-rep', name: 'Sales Representative' },
  { sourceJobId: 'warehouse', name: 'Warehouse Associate', matchEnabled: false },
];

const code = (n: number) => randomBytes(n).toString('hex').toUpperCase();
const seconds = (ms: number | null) => (ms === null ? null : Number((ms / 1000).toFixed(3)));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const ControlAdvance = z.object({
  step: z.enum(['start', 'progress', 'complete', 'score']),
  percent: z.number().min(0).max(100).optional(),
  fitPct: z.number().min(0).max(1).optional(),
});
const ControlOutage = z.union([z.object({ mode: z.enum(['none', 'error', 'hang', 'drop']) }), z.object({ on: z.boolean() })]);

export async function startBerkeSandbox(opts: BerkeSandboxOptions = {}): Promise<BerkeSandbox> {
  const apiToken = opts.apiToken ?? `sbx-${code(12)}`;
  const jobs = opts.jobs ?? DEFAULT_JOBS;
  const burst = opts.burstLimit ?? { calls: 120, perMs: 60_000 };
  const candidates = new Map<string, Candidate>();
  const byInvitation = new Map<string, Candidate>();
  const reports = new Map<string, { candidate: Candidate; fit: Fit }>();
  const counters: SandboxCounters = { calls: {}, throttled: 0, accepted: [], invitationsSent: 0 };
  const window: number[] = [];
  let deniedInWindow = 0;
  let firstDeniedAt: number | null = null;
  let dailyCount = 0;
  let dailyDay = '';
  let inFlight = 0;
  let outage: OutageMode = 'none';
  let url = '';

  const jobOf = (id: string | undefined) => jobs.find((j) => j.sourceJobId.toLowerCase() === id?.toLowerCase());
  const launchUrl = (c: Candidate) => `${url}/assess/${c.invitationCode}`;
  const redirectTarget = (c: Candidate) => {
    if (!c.redirectUrl) return null;
    // docs/vendors/berke.md#performassessment: Berke returns the redirect as `[url]?code=[invitationCode]&id=[sha512Hash]`.
    const id = createHash('sha512').update(`${c.invitationCode}:${c.sourceCandidateId}`).digest('hex');
    return `${c.redirectUrl}${c.redirectUrl.includes('?') ? '&' : '?'}code=${c.invitationCode}&id=${id}`;
  };

  function settle(c: Candidate) {
    const auto = opts.autoScoreMs;
    if (c.statusId === 2 && c.scoredOn === null && auto !== null && auto !== undefined && Date.now() >= c.completedOn! + auto) {
      score(c);
    }
  }

  function start(c: Candidate) {
    if (c.statusId === 2) return;
    if (c.statusId === 5) {
      c.statusId = 1;
      c.startedOn = Date.now();
    }
    c.startCount += 1;
  }
  function progress(c: Candidate, percent?: number) {
    if (c.statusId === 5) start(c);
    if (c.statusId !== 1) return;
    c.percent = Math.min(99, Math.max(c.percent, percent ?? c.percent + 25));
  }
  function complete(c: Candidate) {
    if (c.statusId === 2) return;
    if (c.statusId === 5) start(c);
    c.statusId = 2;
    c.percent = 100;
    c.completedOn = Date.now();
  }
  function score(c: Candidate, primaryFitPct?: number) {
    if (c.statusId !== 2) complete(c);
    if (c.scoredOn !== null) return;
    c.scoredOn = Date.now();
    c.fits = jobs.map((j) => {
      const reportId = code(13);
      if (j.matchEnabled === false) {
        return { sourceJobId: j.sourceJobId, fitPct: -1, fitId: 4, fit: 'Match Disabled In Job', reportId };
      }
      const primary = j.sourceJobId === c.sourceJobId;
      const derived = parseInt(createHash('sha256').update(`${c.sourceCandidateId}:${j.sourceJobId}`).digest('hex').slice(0, 4), 16) % 101;
      const pct = primary && primaryFitPct !== undefined ? primaryFitPct : derived / 100;
      const fitId = pct >= 0.67 ? 3 : pct >= 0.34 ? 2 : 1;
      return { sourceJobId: j.sourceJobId, fitPct: pct, fitId, fit: ['', 'Low', 'Medium', 'High'][fitId]!, reportId };
    });
    for (const fit of c.fits) if (fit.fitId !== 4) reports.set(fit.reportId, { candidate: c, fit });
  }

  function view(c: Candidate): SandboxCandidateView {
    settle(c);
    return {
      sourceCandidateId: c.sourceCandidateId,
      firstName: c.firstName,
      lastName: c.lastName,
      emailAddress: c.emailAddress,
      sourceJobId: c.sourceJobId,
      statusId: c.statusId,
      percentComplete: c.percent,
      scored: c.scoredOn !== null,
      launchUrl: launchUrl(c),
      redirectUrl: c.redirectUrl,
      invitationsSent: c.invitationsSent,
      startCount: c.startCount,
    };
  }

  function find(id: string): Candidate {
    const c = candidates.get(id.toLowerCase());
    if (!c) throw new BerkeFault(404, 1050, `The assessment you requested was not found, sourceCandidateId=[${id}]`);
    return c;
  }

  /** The response of PerformAssessment / GetAssessmentStatus, in the JSON layout of docs/vendors/berke.md#response. */
  function assessment(c: Candidate): Record<string, unknown> {
    settle(c);
    const scored = c.scoredOn !== null;
    return {
      assessmentStatus: {
        sourceCandidateId: c.sourceCandidateId,
        status: ({ 5: 'Not Started', 1: 'In Progress', 2: 'Complete' } as const)[c.statusId],
        statusId: c.statusId,
        jobFitScoresAvailable: scored,
        firstName: c.firstName,
        lastName: c.lastName,
        formalTitle: '',
        invitationCode: c.invitationCode,
        assessmentUrl: c.statusId === 2 ? '' : launchUrl(c),
        percentComplete: c.percent,
        createdOnUtc: seconds(c.createdOn),
        startedOnUtc: seconds(c.startedOn),
        completedOnUtc: seconds(c.completedOn),
        startCount: c.startCount,
        emailAddress: c.emailAddress,
        remindUntilUtc: seconds(c.createdOn + 14 * 86_400_000),
        onAssessmentCompleteRedirectToUrl: redirectTarget(c),
      },
      jobFit: jobs.map((j) => {
        const fit = scored ? c.fits.find((f) => f.sourceJobId === j.sourceJobId) : undefined;
        return {
          job: j.name,
          fitPct: fit ? fit.fitPct : -1,
          fitId: fit ? fit.fitId : 0,
          fit: fit ? fit.fit : 'Not Calculated',
          isPrimaryJob: j.sourceJobId === c.sourceJobId,
          sourceJobId: j.sourceJobId,
          reportUrl: fit && fit.fitId !== 4 && opts.anonymousReports !== false ? `${url}/GetReport/${fit.reportId}` : '',
          fitComputedOnUtc: scored ? seconds(c.scoredOn) : null,
        };
      }),
      status: 'ok',
      response: null,
      responseCode: '200',
    };
  }

  // -------------------------------------------------------------------------------------------------
  // Encoding answers like Berke: JSON, or XML with attributes (the default, docs/vendors/berke.md#transport)
  // -------------------------------------------------------------------------------------------------

  function answer(c: Context, http: number, berkeCode: number, message: string, body: Record<string, unknown>, json: boolean) {
    const headers: Record<string, string> = {
      'X-Response-Code': `${http}.${berkeCode}`,
      'X-Response-Message': message,
    };
    if (json) {
      return c.body(JSON.stringify(body), http as 200, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    }
    const xml = toXml(body);
    if (opts.xmlCharset === 'utf-16') {
      const bytes = Buffer.from(`\uFEFF${xml}`, 'utf16le');
      return c.body(new Uint8Array(bytes), http as 200, { ...headers, 'content-type': 'text/xml; charset=utf-16' });
    }
    if (opts.xmlCharset === 'utf-16-nobom') {
      return c.body(new Uint8Array(Buffer.from(xml, 'utf16le')), http as 200, { ...headers, 'content-type': 'text/xml' });
    }
    return c.body(xml, http as 200, { ...headers, 'content-type': 'text/xml; charset=utf-8' });
  }

  // -------------------------------------------------------------------------------------------------
  // Throttling (docs/vendors/berke.md#throttling: burst limit, daily limit, simultaneous calls)
  // -------------------------------------------------------------------------------------------------

  function throttle(now: number): Record<string, unknown> | null {
    while (window.length > 0 && window[0]! <= now - burst.perMs) window.shift();
    if (window.length === 0) {
      deniedInWindow = 0;
      firstDeniedAt = null;
    }
    const day = new Date(now).toISOString().slice(0, 10);
    if (day !== dailyDay) {
      dailyDay = day;
      dailyCount = 0;
    }
    let deny: { est: number; expiresOnCompletion: boolean; daily: boolean; max: number; frame: number } | null = null;
    if (opts.dailyLimit !== undefined && dailyCount >= opts.dailyLimit) {
      const midnight = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
      deny = { est: midnight - now, expiresOnCompletion: false, daily: true, max: opts.dailyLimit, frame: 86_400_000 };
    } else if (window.length >= burst.calls) {
      deny = { est: window[0]! + burst.perMs - now, expiresOnCompletion: false, daily: false, max: burst.calls, frame: burst.perMs };
    } else if (opts.maxSimultaneous !== undefined && inFlight >= opts.maxSimultaneous) {
      // docs/vendors/berke.md#throttling: "If callExpiresUponCompletion is true then this value will be zero".
      deny = { est: 0, expiresOnCompletion: true, daily: false, max: opts.maxSimultaneous, frame: 0 };
    }
    if (!deny) {
      window.push(now);
      dailyCount += 1;
      counters.accepted.push(now);
      return null;
    }
    deniedInWindow += 1;
    firstDeniedAt ??= now;
    counters.throttled += 1;
    const iso = (t: number) => new Date(t).toISOString();
    return {
      callDeniedDateTime: iso(now),
      callExpiresOnCompletion: deny.expiresOnCompletion,
      countCallsExceeded: deniedInWindow,
      estimatedMillisecondsToNextAllowedCall: Math.max(0, Math.ceil(deny.est)),
      firstCallDeniedDateTime: iso(firstDeniedAt),
      isDailyLimit: deny.daily,
      maximumCallsPerTimeFrame: deny.max,
      timeFrameMilliseconds: deny.frame,
      status: 'error',
      response: `API method requests exceeded burst limit of ${deny.max} occurrences within ${deny.frame} milliseconds. Excess requests occurred ${deniedInWindow} times from [${iso(firstDeniedAt)}] to [${iso(now)}].`,
      responseCode: '429',
    };
  }

  // -------------------------------------------------------------------------------------------------
  // API methods
  // -------------------------------------------------------------------------------------------------

  const str = (p: Record<string, unknown>, k: string): string | undefined => {
    const v = p[k];
    if (v === null || v === undefined) return undefined;
    const s = String(v).trim();
    return s === '' ? undefined : s;
  };
  const required = (p: Record<string, unknown>, k: string, max: number): string => {
    const v = str(p, k);
    if (!v) throw new BerkeFault(400, 1001, `${k} is required, ${k}=[]`);
    if (v.length > max) throw new BerkeFault(400, 1002, `${k} is longer than ${max} characters, ${k}=[${v}]`);
    return v;
  };

  function performAssessment(p: Record<string, unknown>): Record<string, unknown> {
    const id = required(p, 'sourceCandidateId', 50);
    const email = required(p, 'emailAddress', 250);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new BerkeFault(400, 1004, `emailAddress is not well-formed, emailAddress=[${email}]`);
    const redirect = str(p, 'onAssessmentCompleteRedirectToUrl');
    if (redirect !== undefined && (redirect.length > 150 || !/^https?:\/\/[^\s]+$/i.test(redirect))) {
      throw new BerkeFault(
        400,
        1060,
        `onAssessmentCompleteRedirectToUrl must be an absolute http(s) URL of up to 150 characters, onAssessmentCompleteRedirectToUrl=[${redirect}]`,
      );
    }
    const jobParam = str(p, 'sourceJobId');
    let c = candidates.get(id.toLowerCase());
    if (!c) {
      const firstName = required(p, 'firstName', 100);
      const lastName = required(p, 'lastName', 100);
      const job = jobParam === undefined ? jobs[0] : jobOf(jobParam);
      if (!job) {
        throw new BerkeFault(
          400,
          1040,
          `The SourceJobId you passed in was not found. Visit your API job assignments in the Berke site, sourceJobId=[${jobParam}]`,
        );
      }
      c = {
        sourceCandidateId: id,
        firstName,
        lastName,
        emailAddress: email,
        sourceJobId: job.sourceJobId,
        redirectUrl: redirect ?? null,
        invitationCode: code(13),
        statusId: 5,
        percent: 0,
        createdOn: Date.now(),
        startedOn: null,
        completedOn: null,
        scoredOn: null,
        startCount: 0,
        invitationsSent: 0,
        fits: [],
      };
      candidates.set(id.toLowerCase(), c);
      byInvitation.set(c.invitationCode, c);
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
    settle(c);
    // docs/vendors/berke.md#performassessment: "Each time you call this method, it will send an invitation to the candidate until the assessment is complete."
    if (c.statusId !== 2) {
      c.invitationsSent += 1;
      counters.invitationsSent += 1;
    }
    return assessment(c);
  }

  /**
   * GetCompletedAssessments (docs/vendors/berke.md#polling): "date span in Unix UTC (from default 1/1/1970, to default now), page
   * number, ≤50 per page". The parameter and wrapper names are the sandbox's (no public sample): `fromDateUtc`,
   * `toDateUtc`, `pageNumber` (from 1), and `assessments.assessment[]` nested like GetJobs' `jobs.job[]`.
   */
  function completedAssessments(p: Record<string, unknown>): Record<string, unknown> {
    const num = (k: string, dflt: number) => {
      const v = str(p, k);
      if (v === undefined) return dflt;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new BerkeFault(400, 1002, `${k} is not a number, ${k}=[${v}]`);
      return n;
    };
    const from = num('fromDateUtc', 0) * 1000;
    // Whole Unix seconds: `to` includes the whole second it names.
    const to = (Math.floor(num('toDateUtc', Date.now() / 1000)) + 1) * 1000;
    const page = Math.max(1, Math.floor(num('pageNumber', 1)));
    const done = [...candidates.values()]
      .filter((c) => (settle(c), c.completedOn !== null && c.completedOn >= from && c.completedOn < to))
      .sort((a, b) => a.completedOn! - b.completedOn!);
    const slice = done.slice((page - 1) * 50, page * 50).map((c) => {
      const { status: _s, response: _r, responseCode: _c, ...one } = assessment(c);
      return one;
    });
    return { assessments: { assessment: slice }, pageNumber: page, pageCount: Math.max(1, Math.ceil(done.length / 50)), status: 'ok', response: null, responseCode: '200' };
  }

  const methods: Record<string, (p: Record<string, unknown>) => Record<string, unknown>> = {
    GetCompletedAssessments: completedAssessments,
    PerformAssessment: performAssessment,
    GetAssessmentStatus: (p) => assessment(find(required(p, 'sourceCandidateId', 50))),
    // docs/vendors/berke.md#recruiter-actions: DeleteAssessment exists (parameters as the sibling methods: apiToken, username, sourceCandidateId).
    DeleteAssessment: (p) => {
      const c = find(required(p, 'sourceCandidateId', 50));
      candidates.delete(c.sourceCandidateId.toLowerCase());
      byInvitation.delete(c.invitationCode);
      return { status: 'ok', response: null, responseCode: '200' };
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
      counters.invitationsSent += 1;
      return { status: 'ok', response: null, responseCode: '200' };
    },
    GetJobs: () => ({
      jobs: {
        job: jobs.map((j) => ({ sourceJobId: j.sourceJobId, name: j.name, matchEnabled: j.matchEnabled !== false })),
      },
      status: 'ok',
      response: null,
      responseCode: '200',
    }),
  };

  const app = new Hono();

  app.all('/api/:method', async (c) => {
    const method = c.req.param('method');
    counters.calls[method] = (counters.calls[method] ?? 0) + 1;
    let params: Record<string, unknown> = Object.fromEntries(new URL(c.req.url).searchParams);
    const type = c.req.header('content-type') ?? '';
    try {
      if (type.includes('application/json')) params = { ...params, ...((await c.req.json()) as Record<string, unknown>) };
      else if (type.includes('form')) params = { ...params, ...(await c.req.parseBody()) };
    } catch {
      return answer(c, 400, 1000, 'The request body could not be read', { status: 'error', response: 'The request body could not be read', responseCode: '400' }, false);
    }
    const json = !opts.ignoreFormatOutput && str(params, 'formatOutput')?.toLowerCase() === 'json';
    const fail = (f: BerkeFault) =>
      answer(c, f.http, f.berke, f.headerMessage, { status: 'error', response: f.message, responseCode: String(f.http) }, json);

    // Berke documents no maintenance code; 503.1500 is the sandbox's choice.
    if (outage !== 'none') return outageAnswer(c, outage, () => fail(new BerkeFault(503, 1500, 'API is disabled for all companies (maintenance)')));
    const sent = str(params, 'apiToken') ?? '';
    if (sent !== apiToken) {
      // docs/vendors/berke.md#errors: X-Response-Message "API key '[API.Key.Sent.To.Berke]' is invalid or inactive" echoes the key.
      return fail(
        new BerkeFault(403, 1003, `API key is invalid or inactive, apiToken=[${sent}]`, `API key '${sent}' is invalid or inactive`),
      );
    }
    const denied = throttle(Date.now());
    if (denied) return answer(c, 429, 1429, 'Too many requests', denied, json);
    if (method === 'GetReportForJob') return reportForJob(c, params, fail);
    const handler = methods[method];
    if (!handler) return fail(new BerkeFault(404, 1404, `Unknown API method, method=[${method}]`));
    inFlight += 1;
    try {
      if (opts.latencyMs) await sleep(opts.latencyMs);
      return answer(c, 200, 0, 'OK', handler(params), json);
    } catch (err) {
      if (err instanceof BerkeFault) return fail(err);
      throw err;
    } finally {
      inFlight -= 1;
    }
  });

  // -------------------------------------------------------------------------------------------------
  // Candidate pages (plain forms, no script) and anonymous report links
  // -------------------------------------------------------------------------------------------------

  app.get('/assess/:code', (c) => {
    const cand = byInvitation.get(c.req.param('code'));
    if (!cand) return c.html(layout('Assessment not found', '<p>This invitation code is not valid.</p>'), 404, PAGE_HEADERS);
    settle(cand);
    if (cand.statusId === 2) {
      // docs/vendors/berke.md#performassessment: "If the candidate re-opens his or her assessment after completion, the assessment will continue to redirect".
      const target = redirectTarget(cand);
      if (target) return c.redirect(target, 302);
      return c.html(layout('Assessment complete', '<p>Thank you. Your assessment is complete.</p>'), 200, PAGE_HEADERS);
    }
    return c.html(assessPage(cand), 200, PAGE_HEADERS);
  });

  app.post('/assess/:code/:action', (c) => {
    const cand = byInvitation.get(c.req.param('code'));
    if (!cand) return c.html(layout('Assessment not found', '<p>This invitation code is not valid.</p>'), 404, PAGE_HEADERS);
    const action = c.req.param('action');
    if (action === 'start') start(cand);
    else if (action === 'progress') progress(cand);
    else if (action === 'finish') {
      complete(cand);
      settle(cand);
      const target = redirectTarget(cand);
      if (target) return c.redirect(target, 303);
    } else return c.html(layout('Unknown action', ''), 404, PAGE_HEADERS);
    return c.redirect(`/assess/${cand.invitationCode}`, 303);
  });

  /**
   * GetReportForJob (docs/vendors/berke.md#reports): the document itself, `outputFormat` 0 PDF (default) or 1 HTML, for the job
   * `sourceJobId` (null = primary). Refused like Berke: assessment not complete, unknown SourceJobId.
   */
  function reportForJob(c: Context, p: Record<string, unknown>, fail: (f: BerkeFault) => Response) {
    try {
      const cand = find(required(p, 'sourceCandidateId', 50));
      settle(cand);
      if (cand.scoredOn === null) throw new BerkeFault(400, 1070, `The assessment is not complete, sourceCandidateId=[${cand.sourceCandidateId}]`);
      const jobId = str(p, 'sourceJobId') ?? cand.sourceJobId;
      const fit = cand.fits.find((f) => f.sourceJobId.toLowerCase() === jobId.toLowerCase());
      if (!fit || !jobOf(jobId)) throw new BerkeFault(400, 1040, `The SourceJobId you passed in was not found, sourceJobId=[${jobId}]`);
      const headers = { 'X-Response-Code': '200.0', 'X-Response-Message': 'OK' };
      if (str(p, 'outputFormat') === '1') {
        return c.html(reportPage(jobOf(jobId)!.name, cand, fit), 200, { ...headers, ...PAGE_HEADERS });
      }
      const text = `Berke report ${cand.firstName} ${cand.lastName} ${jobOf(jobId)!.name} fit ${fit.fit}`;
      const pdf = `%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`;
      return c.body(pdf, 200, { ...headers, 'content-type': 'application/pdf' });
    } catch (err) {
      if (err instanceof BerkeFault) return fail(err);
      throw err;
    }
  }

  app.get('/GetReport/:id', (c) => {
    // docs/vendors/berke.md#reports: anonymous report access can be disabled in the API settings.
    if (opts.anonymousReports === false) return c.html(layout('Report access disabled', '<p>Anonymous report access is disabled.</p>'), 403, PAGE_HEADERS);
    const r = reports.get(c.req.param('id'));
    if (!r) return c.html(layout('Report not found', ''), 404, PAGE_HEADERS);
    return c.html(reportPage(jobOf(r.fit.sourceJobId)!.name, r.candidate, r.fit), 200, PAGE_HEADERS);
  });

  // -------------------------------------------------------------------------------------------------
  // Control API
  // -------------------------------------------------------------------------------------------------

  function advanceNow(id: string, step: SandboxStep, o: AdvanceOptions = {}): SandboxCandidateView {
    const cand = candidates.get(id.toLowerCase());
    if (!cand) throw new StepRefused(`unknown candidate ${id}`);
    if (step === 'start') start(cand);
    else if (step === 'progress') progress(cand, o.percent);
    else if (step === 'complete') complete(cand);
    else if (step === 'score') score(cand, o.fitPct);
    else throw new StepRefused(`unknown step ${String(step)}`);
    return view(cand);
  }

  app.get('/_sandbox/candidates', (c) => c.json({ candidates: [...candidates.values()].map(view) }));
  app.get('/_sandbox/candidates/:id', (c) => {
    const cand = candidates.get(c.req.param('id').toLowerCase());
    return cand ? c.json(view(cand)) : c.json({ error: 'unknown candidate' }, 404);
  });
  app.post('/_sandbox/candidates/:id/advance', async (c) => {
    const parsed = ControlAdvance.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: parsed.error.issues[0]?.message ?? 'invalid body' }, 400);
    const id = c.req.param('id');
    if (!candidates.has(id.toLowerCase())) return c.json({ error: 'unknown candidate' }, 404);
    const o: { percent?: number; fitPct?: number } = {};
    if (parsed.data.percent !== undefined) o.percent = parsed.data.percent;
    if (parsed.data.fitPct !== undefined) o.fitPct = parsed.data.fitPct;
    return c.json(advanceNow(id, parsed.data.step, o));
  });
  app.get('/_sandbox/counters', (c) => c.json({ ...counters, accepted: counters.accepted.length }));
  app.post('/_sandbox/outage', async (c) => {
    const parsed = ControlOutage.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: 'body must be {"mode": "none"|"error"|"hang"|"drop"} or {"on": boolean}' }, 400);
    outage = 'mode' in parsed.data ? parsed.data.mode : parsed.data.on ? 'error' : 'none';
    return c.json({ outage });
  });

  const listening = await listenSandbox(app, opts.host, opts.port);
  url = listening.url;

  return {
    url,
    baseUrl: `${url}/api`,
    apiToken,
    candidates: () => [...candidates.values()].map(view),
    candidate: (id) => {
      const cand = candidates.get(id.toLowerCase());
      return cand ? view(cand) : null;
    },
    advance: async (ref, step, o) => advanceNow(ref, step, o),
    counters: () => ({ ...counters, calls: { ...counters.calls }, accepted: [...counters.accepted] }),
    async outage(mode) {
      outage = mode;
    },
    calls: () => ({ ...counters.calls }),
    resetCalls: () => {
      counters.calls = {};
    },
    stop: () => listening.close(),
  };
}
