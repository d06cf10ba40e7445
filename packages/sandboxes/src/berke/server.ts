// A Berke-compatible server for the demo and tests: the REST methods with Berke's headers, JSON/XML bodies and
// burst limit, a candidate page, and a `/_sandbox/...` control API. Never used in production config. State is in
// state.ts, the methods in handlers.ts, the answers' layout in wire.ts.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { listenSandbox, outageAnswer } from '../http.js';
import { StepRefused, type AdvanceContext, type ContractShape, type OutageMode, type VendorSandbox } from '../types.js';
import { createHandlers, param as str } from './handlers.js';
import { assessPage, layout, PAGE_HEADERS, reportPage } from './pages.js';
import { code, createState, DEFAULT_JOBS, type BerkeState, type Candidate, type SandboxCounters, type SandboxJob } from './state.js';
import { createThrottle } from './throttle.js';
import { BerkeFault, toXml } from './wire.js';

export type { SandboxCounters, SandboxJob } from './state.js';

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
  /**
   * `documented` (default) answers the layouts of Berke's public pages; `altered` answers GetCompletedAssessments
   * without its paging attributes, so a contract check can show the contradiction (docs/vendors/berke.md#assumptions).
   */
  contractShape?: ContractShape;
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
  /** score: jobs (sourceJobId) the candidate answered too little for: fitId 5 "Not Enough Assessment Data". */
  notEnoughDataFor?: readonly string[];
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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const ControlAdvance = z.object({
  step: z.enum(['start', 'progress', 'complete', 'score']),
  percent: z.number().min(0).max(100).optional(),
  fitPct: z.number().min(0).max(1).optional(),
  notEnoughDataFor: z.array(z.string()).optional(),
});
const ControlOutage = z.union([z.object({ mode: z.enum(['none', 'error', 'hang', 'drop']) }), z.object({ on: z.boolean() })]);

export async function startBerkeSandbox(opts: BerkeSandboxOptions = {}): Promise<BerkeSandbox> {
  const apiToken = opts.apiToken ?? `sbx-${code(12)}`;
  const state = createState({ jobs: opts.jobs ?? DEFAULT_JOBS, autoScoreMs: opts.autoScoreMs ?? null });
  const { counters } = state;
  const throttle = createThrottle(
    { burst: opts.burstLimit ?? { calls: 120, perMs: 60_000 }, dailyLimit: opts.dailyLimit, maxSimultaneous: opts.maxSimultaneous },
    counters,
  );
  let url = '';
  const launchUrl = (c: Candidate) => `${url}/assess/${c.invitationCode}`;
  const handlers = createHandlers(state, opts, { launchUrl, reportUrl: (id) => `${url}/GetReport/${id}` });

  function view(c: Candidate): SandboxCandidateView {
    state.settle(c);
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

  /** An answer like Berke's: JSON, or XML with attributes (the default, docs/vendors/berke.md#transport). */
  function answer(c: Context, http: number, berkeCode: number, message: string, body: Record<string, unknown>, json: boolean) {
    const headers: Record<string, string> = { 'X-Response-Code': `${http}.${berkeCode}`, 'X-Response-Message': message };
    if (json) return c.body(JSON.stringify(body), http as 200, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    const xml = toXml(body);
    if (opts.xmlCharset === 'utf-16') {
      return c.body(new Uint8Array(Buffer.from(`\uFEFF${xml}`, 'utf16le')), http as 200, { ...headers, 'content-type': 'text/xml; charset=utf-16' });
    }
    if (opts.xmlCharset === 'utf-16-nobom') {
      return c.body(new Uint8Array(Buffer.from(xml, 'utf16le')), http as 200, { ...headers, 'content-type': 'text/xml' });
    }
    return c.body(xml, http as 200, { ...headers, 'content-type': 'text/xml; charset=utf-8' });
  }

  function advanceNow(id: string, step: SandboxStep, o: AdvanceOptions = {}): SandboxCandidateView {
    const cand = state.get(id);
    if (!cand) throw new StepRefused(`unknown candidate ${id}`);
    if (step === 'start') state.start(cand);
    else if (step === 'progress') state.progress(cand, o.percent);
    else if (step === 'complete') state.complete(cand);
    else if (step === 'score') {
      for (const job of o.notEnoughDataFor ?? []) cand.insufficientFor.add(job.toLowerCase());
      state.score(cand, o.fitPct);
    } else throw new StepRefused(`unknown step ${String(step)}`);
    return view(cand);
  }

  const sb: Sandbox = { state, opts, apiToken, outage: 'none', throttle, handlers, answer, view, advance: advanceNow };
  const app = new Hono();
  mountApi(app, sb);
  mountPages(app, sb);
  mountControl(app, sb);

  const listening = await listenSandbox(app, opts.host, opts.port);
  url = listening.url;

  return {
    url,
    baseUrl: `${url}/api`,
    apiToken,
    candidates: () => [...state.candidates.values()].map(view),
    candidate: (id) => {
      const cand = state.get(id);
      return cand ? view(cand) : null;
    },
    advance: async (ref, step, o) => advanceNow(ref, step, o),
    counters: () => ({ ...counters, calls: { ...counters.calls }, accepted: [...counters.accepted] }),
    async outage(mode) {
      sb.outage = mode;
    },
    calls: () => ({ ...counters.calls }),
    resetCalls: () => {
      counters.calls = {};
    },
    stop: () => listening.close(),
  };
}

/** What the route groups share of one started sandbox. */
interface Sandbox {
  state: BerkeState;
  opts: BerkeSandboxOptions;
  apiToken: string;
  outage: OutageMode;
  throttle: ReturnType<typeof createThrottle>;
  handlers: ReturnType<typeof createHandlers>;
  answer(c: Context, http: number, berkeCode: number, message: string, body: Record<string, unknown>, json: boolean): Response;
  view(c: Candidate): SandboxCandidateView;
  advance(id: string, step: SandboxStep, o?: AdvanceOptions): SandboxCandidateView;
}

/** The REST methods at `/api/{Method}`: token, outage, throttling, then the method's handler. */
function mountApi(app: Hono, sb: Sandbox) {
  const { state, opts, throttle, answer } = sb;
  const { counters } = state;
  const { methods } = sb.handlers;
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
    if (sb.outage !== 'none') return outageAnswer(c, sb.outage, () => fail(new BerkeFault(503, 1500, 'API is disabled for all companies (maintenance)')));
    const sent = str(params, 'apiToken') ?? '';
    if (sent !== sb.apiToken) {
      // docs/vendors/berke.md#errors: X-Response-Message "API key '[API.Key.Sent.To.Berke]' is invalid or inactive" echoes the key.
      return fail(new BerkeFault(403, 1003, `API key is invalid or inactive, apiToken=[${sent}]`, `API key '${sent}' is invalid or inactive`));
    }
    const denied = throttle.check(Date.now());
    if (denied) return answer(c, 429, 1429, 'Too many requests', denied, json);
    if (method === 'GetReportForJob') return reportForJob(sb, c, params, fail);
    const handler = methods[method];
    if (!handler) return fail(new BerkeFault(404, 1404, `Unknown API method, method=[${method}]`));
    throttle.enter();
    try {
      if (opts.latencyMs) await sleep(opts.latencyMs);
      return answer(c, 200, 0, 'OK', handler(params), json);
    } catch (err) {
      if (err instanceof BerkeFault) return fail(err);
      throw err;
    } finally {
      throttle.leave();
    }
  });

}

function mountPages(app: Hono, sb: Sandbox) {
  const { state, opts } = sb;
  const { redirectTarget } = sb.handlers;
  // Candidate pages (plain forms, no script) and anonymous report links

  app.get('/assess/:code', (c) => {
    const cand = state.byInvitation.get(c.req.param('code'));
    if (!cand) return c.html(layout('Assessment not found', '<p>This invitation code is not valid.</p>'), 404, PAGE_HEADERS);
    state.settle(cand);
    if (cand.statusId === 2) {
      // docs/vendors/berke.md#performassessment: "If the candidate re-opens his or her assessment after completion, the assessment will continue to redirect".
      const target = redirectTarget(cand);
      if (target) return c.redirect(target, 302);
      return c.html(layout('Assessment complete', '<p>Thank you. Your assessment is complete.</p>'), 200, PAGE_HEADERS);
    }
    return c.html(assessPage(cand), 200, PAGE_HEADERS);
  });

  app.post('/assess/:code/:action', (c) => {
    const cand = state.byInvitation.get(c.req.param('code'));
    if (!cand) return c.html(layout('Assessment not found', '<p>This invitation code is not valid.</p>'), 404, PAGE_HEADERS);
    const action = c.req.param('action');
    if (action === 'start') state.start(cand);
    else if (action === 'progress') state.progress(cand);
    else if (action === 'finish') {
      state.complete(cand);
      state.settle(cand);
      const target = redirectTarget(cand);
      if (target) return c.redirect(target, 303);
    } else return c.html(layout('Unknown action', ''), 404, PAGE_HEADERS);
    return c.redirect(`/assess/${cand.invitationCode}`, 303);
  });

  app.get('/GetReport/:id', (c) => {
    // docs/vendors/berke.md#reports: anonymous report access can be disabled in the API settings.
    if (opts.anonymousReports === false) return c.html(layout('Report access disabled', '<p>Anonymous report access is disabled.</p>'), 403, PAGE_HEADERS);
    const r = state.reports.get(c.req.param('id'));
    if (!r) return c.html(layout('Report not found', ''), 404, PAGE_HEADERS);
    return c.html(reportPage(state.jobOf(r.fit.sourceJobId)!.name, r.candidate, r.fit), 200, PAGE_HEADERS);
  });

}

/**
 * GetReportForJob (docs/vendors/berke.md#reports): the document itself, `outputFormat` 0 PDF (default) or 1 HTML, for the job
 * `sourceJobId` (null = primary). Refused like Berke: assessment not complete, unknown SourceJobId.
 */
function reportForJob(sb: Sandbox, c: Context, p: Record<string, unknown>, fail: (f: BerkeFault) => Response) {
  const { state } = sb;
  const { find, required } = sb.handlers;
  try {
    const cand = find(required(p, 'sourceCandidateId', 50));
    state.settle(cand);
    if (cand.scoredOn === null) throw new BerkeFault(400, 1070, `The assessment is not complete, sourceCandidateId=[${cand.sourceCandidateId}]`);
    const jobId = str(p, 'sourceJobId') ?? cand.sourceJobId;
    const fit = cand.fits.find((f) => f.sourceJobId.toLowerCase() === jobId.toLowerCase());
    if (!fit || !state.jobOf(jobId)) throw new BerkeFault(400, 1040, `The SourceJobId you passed in was not found, sourceJobId=[${jobId}]`);
    const headers = { 'X-Response-Code': '200.0', 'X-Response-Message': 'OK' };
    if (str(p, 'outputFormat') === '1') {
      return c.html(reportPage(state.jobOf(jobId)!.name, cand, fit), 200, { ...headers, ...PAGE_HEADERS });
    }
    const text = `Berke report ${cand.firstName} ${cand.lastName} ${state.jobOf(jobId)!.name} fit ${fit.fit}`;
    const pdf = `%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`;
    return c.body(pdf, 200, { ...headers, 'content-type': 'application/pdf' });
  } catch (err) {
    if (err instanceof BerkeFault) return fail(err);
    throw err;
  }
}


/** The control API at `/_sandbox/...`: candidates, steps, counters, outages. */
function mountControl(app: Hono, sb: Sandbox) {
  const { state } = sb;
  const { counters } = state;
  // Control API

  app.get('/_sandbox/candidates', (c) => c.json({ candidates: [...state.candidates.values()].map(sb.view) }));
  app.get('/_sandbox/candidates/:id', (c) => {
    const cand = state.get(c.req.param('id'));
    return cand ? c.json(sb.view(cand)) : c.json({ error: 'unknown candidate' }, 404);
  });
  app.post('/_sandbox/candidates/:id/advance', async (c) => {
    const parsed = ControlAdvance.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: parsed.error.issues[0]?.message ?? 'invalid body' }, 400);
    const id = c.req.param('id');
    if (!state.get(id)) return c.json({ error: 'unknown candidate' }, 404);
    const { step, ...o } = parsed.data;
    return c.json(sb.advance(id, step, o));
  });
  app.get('/_sandbox/counters', (c) => c.json({ ...counters, accepted: counters.accepted.length }));
  app.post('/_sandbox/outage', async (c) => {
    const parsed = ControlOutage.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: 'body must be {"mode": "none"|"error"|"hang"|"drop"} or {"on": boolean}' }, 400);
    sb.outage = 'mode' in parsed.data ? parsed.data.mode : parsed.data.on ? 'error' : 'none';
    return c.json({ outage: sb.outage });
  });

}
