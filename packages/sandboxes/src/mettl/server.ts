// A Mettl-compatible REST server for the demo and tests: checks `ak`/`ts`/`asgn`, keeps assessments,
// schedules and candidates, issues one-time candidate URLs and posts the real notification JSON
// (docs/vendors/mettl.md#notifications) when told to move a candidate on. Test tool only: never point production at it.
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { listenSandbox, outageAnswer } from '../http.js';
import { StepRefused, type AdvanceContext, type OutageMode, type VendorSandbox } from '../types.js';
import { layout, PAGE_CSP, reportPage, takePage } from './pages.js';
import { checkMettlRequest } from './signature.js';
import { errorBody, gmt, ist, parseJsonParam, RdSchema, redactSc, SC_URL_KEYS, ScSchema, utc } from './wire.js';

type Params = Record<string, string>;

export interface MettlSandboxOptions {
  publicKey?: string;
  privateKey?: string;
  /** `psychometric`: graded results carry a recommendation and response style (docs/vendors/mettl.md#results), on demand only with `ir`/`rs`. */
  assessments?: { id: string; name: string; psychometric?: boolean }[];
  /** Candidates the account may register in all; the next one gets E607 "Candidate registration limit exceeded". */
  registrationLimit?: number;
  /** After a candidate finishes on the candidate page, grade after this many ms; `false`: only when told. */
  autoGradeMs?: number | false;
  /** Grade percentage when a grade step names none (default 70). */
  gradePercentage?: number;
  host?: string;
  port?: number;
}

export type SandboxAction = 'start' | 'finish' | 'expire' | 'grade' | 'resume';
export const SANDBOX_ACTIONS: readonly SandboxAction[] = ['start', 'finish', 'expire', 'grade', 'resume'];

export interface AdvanceOptions extends AdvanceContext {
  /** Don't deliver the notification this step sends (it is recorded as dropped). */
  drop?: boolean;
  /** Grade: percentage 0–100 of the marks (default 70). */
  percentage?: number;
  /** Grade: `candidateCredibilityIndex` (default High). */
  credibility?: string;
}

export interface Delivery {
  index: number;
  event: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  dropped: boolean;
  status?: number;
  error?: string;
}

export interface SandboxCandidateView {
  accessKey: string;
  email: string;
  name: string;
  status: string;
  completionMode: string | null;
  graded: boolean;
  linksIssued: number;
}

export interface MettlSandbox extends VendorSandbox {
  /** Origin, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** What goes in `vendors.mettl.baseUrl`: `{url}/v2`. */
  baseUrl: string;
  publicKey: string;
  privateKey: string;
  candidates(): SandboxCandidateView[];
  schedules(): { accessKey: string; name: string; assessmentId: string; sc: Record<string, unknown> }[];
  deliveries(): Delivery[];
  /**
   * Moves a candidate on and sends the notification the step causes. `ref` is `<accessKey>:<email>` (Mettl knows a
   * candidate by email within a schedule) or the BFF's vendorRef `<accessKey>:<orderId>`: the candidate registered with
   * a context_data that starts with that order id.
   */
  advance(ref: string, action: SandboxAction, opts?: AdvanceOptions): Promise<Delivery[]>;
  /**
   * The next `times` registrations of candidates answer a per-candidate error entry `{email, status: "error", code,
   * message}` (e.g. E028, E401), as Mettl does inside a SUCCESS body; `null` stops it.
   */
  failRegistrations(error: { code: string; message: string } | null, times?: number): void;
  /** Sends a recorded notification again, byte for byte (a vendor retry). */
  redeliver(index: number): Promise<Delivery>;
  counters(): Counters;
  /** `error`: every API call answers 503 with Mettl's error body; `hang`/`drop` as the modes say. Pages stay up. */
  outage(mode: OutageMode): Promise<void>;
  /** API calls per operation (`createSchedule`, `registerCandidates`, `candidateResult`…) that passed authentication. */
  calls(): Record<string, number>;
  resetCalls(): void;
  stop(): Promise<void>;
}

interface Counters {
  requests: number;
  calls: Record<string, number>;
  signatureFailures: number;
  keyFailures: number;
  timestampFailures: number;
  linksIssued: number;
  linksUsed: number;
  webhooksSent: number;
  webhooksDropped: number;
  webhooksFailed: number;
}

interface SbSchedule {
  id: number;
  accessKey: string;
  assessmentId: string;
  name: string;
  sc: Record<string, unknown>;
}

interface SbCandidate {
  accessKey: string;
  email: string;
  firstName: string;
  lastName: string;
  contextData: string | null;
  instanceId: number;
  status: 'ToBeTaken' | 'InProgress' | 'Completed';
  completionMode: 'Completed' | 'Expired' | null;
  finishMode: 'NormalSubmission' | 'TestExpired' | null;
  startedAt: Date | null;
  endedAt: Date | null;
  graded: { marks: number; max: number; percentile: number; credibility: string; sections: { name: string; marks: number; max: number }[] } | null;
  reportKey: string;
  currentLink: string | null;
  linksIssued: number;
  lastTick: number;
}

const OutageBody = z.union([z.object({ mode: z.enum(['none', 'error', 'hang', 'drop']) }), z.object({ on: z.boolean() })]);

const AdvanceBody = z.object({
  drop: z.boolean().optional(),
  percentage: z.number().min(0).max(100).optional(),
  credibility: z.string().optional(),
});

export async function startMettlSandbox(opts: MettlSandboxOptions = {}): Promise<MettlSandbox> {
  const publicKey = opts.publicKey ?? `sandbox-ak-${randomBytes(6).toString('hex')}`;
  const privateKey = opts.privateKey ?? `sandbox-pk-${randomBytes(16).toString('hex')}`;
  const assessments = opts.assessments ?? [
    { id: '123456', name: 'Java coding test' },
    { id: '1225766', name: 'Ruby on Rails' },
    { id: '555000', name: 'Workplace personality', psychometric: true },
  ];
  const autoGradeMs = opts.autoGradeMs ?? 300;
  let registered = 0;
  let failing: { code: string; message: string; times: number } | null = null;
  const schedules = new Map<string, SbSchedule>();
  const candidates = new Map<string, SbCandidate>();
  /** One-time candidate link token → candidate key; removed when used or superseded. */
  const links = new Map<string, string>();
  /** Candidate page session → candidate key (the one-time link opens a session). */
  const sessions = new Map<string, string>();
  const deliveries: Delivery[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const counters: Counters = {
    requests: 0,
    calls: {},
    signatureFailures: 0,
    keyFailures: 0,
    timestampFailures: 0,
    linksIssued: 0,
    linksUsed: 0,
    webhooksSent: 0,
    webhooksDropped: 0,
    webhooksFailed: 0,
  };
  let outage: OutageMode = 'none';
  let url = '';
  let nextInstance = 1452533;
  let nextScheduleId = 700;

  /**
   * Notification instants are whole seconds (Mettl's format); each event of a candidate gets a later one
   * than the last, so their order survives, and other candidates' events do not push the clock ahead.
   */
  function tick(cand: SbCandidate): Date {
    const now = Math.floor(Date.now() / 1000) * 1000;
    cand.lastTick = Math.max(now, cand.lastTick + 1000);
    return new Date(cand.lastTick);
  }
  const ckey = (accessKey: string, email: string) => `${accessKey}|${email.toLowerCase()}`;
  const err = (c: Context, http: number, code: string, message: string) => c.json(errorBody(code, message), http as 400);

  const app = new Hono();

  // --- Mettl REST API (v2) -------------------------------------------------------------------------
  app.use('/v2/*', async (c, next) => {
    counters.requests += 1;
    // Mettl documents no server-fault code; E500 with the documented error body is the sandbox's choice.
    if (outage !== 'none') return outageAnswer(c, outage, () => err(c, 503, 'E500', 'Service temporarily unavailable'));
    const raw = new URL(c.req.url);
    const params: Params = {};
    for (const [k, v] of raw.searchParams) params[k] = v;
    if (c.req.method === 'POST') {
      const type = c.req.header('content-type') ?? '';
      if (type.startsWith('application/x-www-form-urlencoded')) {
        for (const [k, v] of new URLSearchParams(await c.req.text())) params[k] = v;
      }
    }
    const failure = checkMettlRequest({
      method: c.req.method,
      // The endpoint URL as called: scheme, host, path exactly as sent (percent-encoding kept), no query.
      endpointUrl: `${raw.origin}${raw.pathname}`,
      params: new Map(Object.entries(params)),
      publicKey,
      privateKey,
      nowSeconds: Date.now() / 1000,
    });
    if (failure) {
      if (failure.code === 'E403') counters.keyFailures += 1;
      else if (failure.code === 'E504') counters.timestampFailures += 1;
      else counters.signatureFailures += 1;
      return err(c, failure.http, failure.code, failure.message);
    }
    c.set('params' as never, params as never);
    await next();
  });
  const paramsOf = (c: Context): Params => c.get('params' as never) as Params;
  const count = (op: string) => {
    counters.calls[op] = (counters.calls[op] ?? 0) + 1;
  };

  app.get('/v2/account', (c) => {
    count('account');
    return c.json({ status: 'SUCCESS', account: { name: 'Sandbox account', publicKey } });
  });

  app.get('/v2/assessments', (c) => {
    count('listAssessments');
    const p = paramsOf(c);
    const limit = p.limit === undefined ? 20 : Number(p.limit);
    const offset = p.offset === undefined ? 0 : Number(p.offset);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100 || !Number.isInteger(offset) || offset < 0) {
      return err(c, 400, 'E400', 'limit must be 1-100 and offset >= 0');
    }
    const page = assessments.slice(offset, offset + limit).map((a) => ({ id: Number(a.id) || a.id, name: a.name }));
    return c.json({ status: 'SUCCESS', assessments: page, paging: { limit, offset, total: assessments.length } });
  });

  const scheduleView = (s: SbSchedule) => ({
    id: s.id,
    name: s.name,
    accessKey: s.accessKey,
    accessUrl: `${url}/schedule/${s.accessKey}`,
    assessmentId: Number(s.assessmentId) || s.assessmentId,
    status: 'Active',
  });

  app.get('/v2/assessments/:id/schedules', (c) => {
    count('listSchedules');
    const id = c.req.param('id');
    if (!assessments.some((a) => a.id === id)) return err(c, 404, 'E404', 'Assessment not found');
    return c.json({
      status: 'SUCCESS',
      schedules: [...schedules.values()].filter((s) => s.assessmentId === id).map(scheduleView),
    });
  });

  app.post('/v2/assessments/:id/schedules', (c) => {
    count('createSchedule');
    const id = c.req.param('id');
    if (!assessments.some((a) => a.id === id)) return err(c, 404, 'E404', 'Assessment not found');
    const sc = ScSchema.safeParse(parseJsonParam(paramsOf(c).sc));
    if (!sc.success) return err(c, 400, 'E400', 'Invalid schedule details (sc): name, sourceApp and access.type are mandatory');
    if ([...schedules.values()].some((s) => s.assessmentId === id && s.name === sc.data.name)) {
      return err(c, 409, 'E409', 'A schedule with this name already exists for the assessment');
    }
    const schedule: SbSchedule = {
      id: nextScheduleId++,
      accessKey: randomBytes(4).toString('hex'),
      assessmentId: id,
      name: sc.data.name,
      sc: sc.data,
    };
    schedules.set(schedule.accessKey, schedule);
    return c.json({ status: 'SUCCESS', createdSchedule: scheduleView(schedule) });
  });

  app.post('/v2/schedules/:ak/edit', (c) => {
    count('editSchedule');
    const schedule = schedules.get(c.req.param('ak'));
    if (!schedule) return err(c, 404, 'E404', 'Schedule not found');
    const sc = parseJsonParam(paramsOf(c).sc);
    if (!sc || typeof sc !== 'object') return err(c, 400, 'E400', 'Invalid schedule details (sc)');
    schedule.sc = { ...schedule.sc, ...(sc as Record<string, unknown>) };
    return c.json({ status: 'SUCCESS' });
  });

  function issueLink(cand: SbCandidate): string {
    // docs/vendors/mettl.md#registration: "a candidate specific encrypted URL is generated which can be used by the candidate only once".
    if (cand.currentLink) links.delete(cand.currentLink);
    const token = randomBytes(18).toString('base64url');
    links.set(token, ckey(cand.accessKey, cand.email));
    cand.currentLink = token;
    cand.linksIssued += 1;
    counters.linksIssued += 1;
    return `${url}/test/${token}`;
  }

  app.post('/v2/schedules/:ak/candidates', (c) => {
    count('registerCandidates');
    const schedule = schedules.get(c.req.param('ak'));
    if (!schedule) return err(c, 404, 'E404', 'Schedule not found');
    const p = paramsOf(c);
    const rd = RdSchema.safeParse(parseJsonParam(p.rd));
    if (!rd.success) return err(c, 400, 'E400', 'Invalid registration details (rd)');
    const out = [];
    for (const details of rd.data.registrationDetails) {
      const email = typeof details['Email Address'] === 'string' ? details['Email Address'] : '';
      const first = typeof details['First Name'] === 'string' ? details['First Name'] : '';
      if (!email.includes('@') || !first) {
        out.push({ email, status: 'Failed', message: 'Email Address and First Name cannot be skipped' });
        continue;
      }
      const last = typeof details['Last Name'] === 'string' ? details['Last Name'] : '';
      const optional = rd.data.optionalParams?.find((o) => o.email.toLowerCase() === email.toLowerCase());
      const key = ckey(schedule.accessKey, email);
      let cand = candidates.get(key);
      const access = schedule.sc.access as { type?: string; candidates?: unknown } | undefined;
      const invited = Array.isArray(access?.candidates) && access.candidates.some((x) => JSON.stringify(x).toLowerCase().includes(email.toLowerCase()));
      if (!cand && access?.type === 'ByInvitation' && !invited) {
        // register-candidates KB: in a ByInvitation schedule links are generated only for candidates added to it.
        out.push({ email, status: 'error', code: 'E028', message: 'Candidate is not invited to this schedule' });
        continue;
      }
      if (failing && failing.times > 0) {
        failing.times -= 1;
        out.push({ email, status: 'error', code: failing.code, message: failing.message });
        continue;
      }
      if (!cand && opts.registrationLimit !== undefined && registered >= opts.registrationLimit) {
        out.push({ email, status: 'error', code: 'E607', message: 'Candidate registration limit exceeded' });
        continue;
      }
      if (!cand) {
        registered += 1;
        cand = {
          accessKey: schedule.accessKey,
          email,
          firstName: first,
          lastName: last,
          contextData: null,
          instanceId: nextInstance++,
          status: 'ToBeTaken',
          completionMode: null,
          finishMode: null,
          startedAt: null,
          endedAt: null,
          graded: null,
          reportKey: randomBytes(12).toString('base64url'),
          currentLink: null,
          linksIssued: 0,
          lastTick: 0,
        };
        candidates.set(key, cand);
      }
      if (cand.status === 'Completed') {
        // api-integration-with-mettl: "a unique email Id can only take a test once in a schedule".
        out.push({ email, status: 'Completed', message: `Candidate ('${email}') has already taken the test` });
        continue;
      }
      if (optional?.context_data !== undefined) cand.contextData = optional.context_data;
      out.push({
        email,
        status: cand.status,
        message: `Candidate ('${email}') successfully registered for the test`,
        url: issueLink(cand),
      });
    }
    return c.json({ status: 'SUCCESS', registrationStatus: out });
  });

  /** docs/vendors/mettl.md#results: a psychometric report's recommendation and response style; on demand only when `ir` / `rs` ask. */
  function testStatusOf(cand: SbCandidate, ask: { recommendation: boolean; responseStyle: boolean } = { recommendation: true, responseStyle: true }) {
    const assessment = assessments.find((a) => a.id === schedules.get(cand.accessKey)?.assessmentId);
    const psycho = assessment?.psychometric === true;
    const g = cand.graded;
    return {
      start_time_GMT: cand.startedAt ? utc(cand.startedAt) : null,
      end_time_GMT: cand.endedAt ? utc(cand.endedAt) : null,
      status: cand.status,
      overallStatus: cand.status === 'ToBeTaken' ? 'Yet to Start' : cand.status === 'InProgress' ? 'In Progress' : 'Completed',
      detailedStatus: cand.status === 'ToBeTaken' ? 'Registered' : cand.status === 'InProgress' ? 'Test-taker In Progress' : 'Test-taker Completed',
      startTime: cand.startedAt ? ist(cand.startedAt) : null,
      endTime: cand.endedAt ? ist(cand.endedAt) : null,
      completionMode: cand.completionMode,
      compensatoryTime: 'false',
      result: g
        ? {
            totalMarks: g.marks,
            maxMarks: g.max,
            percentile: g.percentile,
            attemptTime: cand.startedAt && cand.endedAt ? (cand.endedAt.getTime() - cand.startedAt.getTime()) / 1000 : 0,
            candidateCredibilityIndex: g.credibility,
            codePlagiarism: 'NA',
            totalQuestion: g.max,
            totalCorrectAnswers: g.marks,
            totalUnAnswered: 0,
            sectionMarks: g.sections.map((s) => ({
              sectionName: s.name,
              totalMarks: s.marks,
              maxMarks: s.max,
              timeTaken: 0,
              totalQuestion: s.max,
              totalCorrectAnswers: s.marks,
              totalUnAnswered: 0,
              skillMarks: [],
              difficultyMarks: [],
              questionWiseResponse: null,
            })),
            performanceCategory: g.marks / g.max >= 0.6 ? 'Good' : 'Poor',
            performanceCategoryVersion: 1,
            difficultyMarks: [],
            analysis: {
              responseStyles: psycho && ask.responseStyle ? [{ type: 'Response Style', value: g.marks / g.max >= 0.5 ? 'Consistent' : 'Inconsistent' }] : [],
              recommendation:
                psycho && ask.recommendation
                  ? [{ type: 'Overall Recommendation', value: g.marks / g.max >= 0.6 ? 'Recommended' : 'Not Recommended' }]
                  : !psycho
                    ? [{ type: 'Performance Category', value: g.marks / g.max >= 0.6 ? 'Good' : 'Poor' }]
                    : [],
            },
          }
        : null,
      pdfReport: g ? `${url}/report/${cand.reportKey}?format=pdf` : null,
      htmlReport: g ? `${url}/report/${cand.reportKey}` : null,
      assessmentName: assessment?.name,
    };
  }

  /** `ir={"recommendation":true}` and `rs=true` (docs/vendors/mettl.md#results). */
  const asked = (p: Params) => ({
    recommendation: (parseJsonParam(p.ir) as { recommendation?: unknown } | undefined)?.recommendation === true,
    responseStyle: p.rs === 'true',
  });

  // get-results-of-all-candidates-in-schedule-api: paged with limit/offset (MettlHelper.java asks limit=500).
  app.get('/v2/schedules/:ak/candidates', (c) => {
    count('scheduleResults');
    const schedule = schedules.get(c.req.param('ak'));
    if (!schedule) return err(c, 404, 'E404', 'Schedule not found');
    const p = paramsOf(c);
    const limit = p.limit === undefined ? 20 : Number(p.limit);
    const offset = p.offset === undefined ? 0 : Number(p.offset);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500 || !Number.isInteger(offset) || offset < 0) {
      return err(c, 400, 'E400', 'limit must be 1-500 and offset >= 0');
    }
    const all = [...candidates.values()].filter((x) => x.accessKey === schedule.accessKey);
    const page = all.slice(offset, offset + limit).map((cand) => {
      const { assessmentName: _unused, ...testStatus } = testStatusOf(cand, asked(p));
      return {
        email: cand.email,
        registration: { 'Email Address': cand.email, 'First Name': cand.firstName, 'Last Name': cand.lastName },
        testStatus,
      };
    });
    return c.json({ status: 'SUCCESS', candidates: page, paging: { limit, offset, total: all.length } });
  });

  app.get('/v2/schedules/:ak/candidates/:email', (c) => {
    count('candidateResult');
    const cand = candidates.get(ckey(c.req.param('ak'), c.req.param('email')));
    if (!cand) return err(c, 404, 'E404', 'Candidate not registered in this schedule');
    const { assessmentName: _unused, ...testStatus } = testStatusOf(cand, asked(paramsOf(c)));
    return c.json({
      status: 'SUCCESS',
      candidate: {
        email: cand.email,
        registration: { 'Email Address': cand.email, 'First Name': cand.firstName, 'Last Name': cand.lastName },
        testStatus,
      },
    });
  });

  // --- Notifications (docs/vendors/mettl.md#notifications shapes) ---------------------------------------------------------
  function notificationUrl(schedule: SbSchedule, which: keyof typeof SC_URL_KEYS): string | null {
    for (const [k, v] of Object.entries(schedule.sc)) {
      if (k.toLowerCase() === SC_URL_KEYS[which] && typeof v === 'string' && v) return v;
    }
    return null;
  }

  function common(cand: SbCandidate, schedule: SbSchedule, event: string, notifyUrl: string, at: Date) {
    return {
      EVENT_TYPE: event,
      invitation_key: cand.accessKey,
      assessment_id: Number(schedule.assessmentId) || schedule.assessmentId,
      candidate_instance_id: cand.instanceId,
      context_data: cand.contextData ?? '',
      timestamp_GMT: gmt(at),
      source_app: String(schedule.sc.sourceApp ?? ''),
      notification_url: notifyUrl,
      name: `${cand.firstName} ${cand.lastName}`.trim(),
      email: cand.email,
    };
  }

  function gradedPayload(cand: SbCandidate, schedule: SbSchedule, notifyUrl: string, at: Date) {
    // The 2024 shape (priyadharshini-lnu/psychometrics mettl_controller_spec.rb): `assessmentId` in camelCase,
    // `sectional_scores` as a JSON string, the full testStatus object.
    const { assessment_id, ...base } = common(cand, schedule, 'gradedAssessment', notifyUrl, at);
    const g = cand.graded!;
    const ts = testStatusOf(cand);
    const { assessmentName, start_time_GMT: _s, end_time_GMT: _e, ...testStatus } = ts;
    return {
      ...base,
      assessmentId: assessment_id,
      finish_mode: cand.finishMode,
      start_time_GMT: ts.start_time_GMT,
      end_time_GMT: ts.end_time_GMT,
      marks_scored: g.marks,
      max_marks: g.max,
      total_attempt_time: ts.result?.attemptTime ?? 0,
      percentile: g.percentile,
      assessment_name: assessmentName ?? '',
      client_id: 611691,
      schedule_title: schedule.name,
      start_time: ts.startTime,
      end_time: ts.endTime,
      sectional_scores: JSON.stringify(
        g.sections.map((s) => ({ sectionName: s.name, sectionScore: s.marks, sectionMaxScore: s.max })),
      ),
      grading_type: 'NormalGrading',
      registrationDetails: { 'Email Address': cand.email, 'First Name': cand.firstName, 'Last Name': cand.lastName },
      proctoringDetails: null,
      testStatus,
    };
  }

  async function deliver(d: Delivery): Promise<Delivery> {
    if (d.dropped) {
      counters.webhooksDropped += 1;
      return d;
    }
    try {
      const res = await fetch(d.url, { method: 'POST', headers: d.headers, body: d.body, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      d.status = res.status;
      counters.webhooksSent += 1;
      if (!res.ok) counters.webhooksFailed += 1;
    } catch (e) {
      d.error = e instanceof Error ? e.message : String(e);
      counters.webhooksFailed += 1;
    }
    return d;
  }

  async function notify(
    cand: SbCandidate,
    which: keyof typeof SC_URL_KEYS,
    build: (notifyUrl: string) => Record<string, unknown>,
    drop: boolean,
  ): Promise<Delivery[]> {
    const schedule = schedules.get(cand.accessKey)!;
    const target = notificationUrl(schedule, which);
    if (!target) return [];
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const auth = schedule.sc.testNotificationBasicAuthHeader;
    if (typeof auth === 'string' && auth) headers.authorization = `Basic ${auth}`;
    const body = build(target);
    const d: Delivery = {
      index: deliveries.length,
      event: String(body.EVENT_TYPE),
      url: target,
      body: JSON.stringify(body),
      headers,
      dropped: drop,
    };
    deliveries.push(d);
    return [await deliver(d)];
  }

  async function advance(ref: string, action: SandboxAction, o: AdvanceOptions = {}): Promise<Delivery[]> {
    const i = ref.indexOf(':');
    const [accessKey, who] = [ref.slice(0, i), ref.slice(i + 1)];
    // `who` is an email, or the BFF's order id, which starts the context_data it registered the candidate with.
    const cand =
      i <= 0
        ? undefined
        : who.includes('@')
          ? candidates.get(ckey(accessKey, who))
          : [...candidates.values()].find((c) => c.accessKey === accessKey && c.contextData?.startsWith(`${who}.`));
    if (!cand) throw new StepRefused(`no candidate ${who} in schedule ${accessKey}`);
    const schedule = schedules.get(cand.accessKey)!;
    const drop = o.drop ?? false;
    switch (action) {
      case 'start': {
        if (cand.status === 'InProgress') return []; // docs/vendors/mettl.md#expiry-and-resume: refreshing the link continues the test
        if (cand.status !== 'ToBeTaken') throw new StepRefused(`cannot start a test that is ${cand.status}`);
        const at = tick(cand);
        cand.status = 'InProgress';
        cand.startedAt = at;
        return notify(cand, 'start', (u) => common(cand, schedule, 'startAssessment', u, at), drop);
      }
      case 'finish':
      case 'expire': {
        if (cand.status !== 'InProgress') throw new StepRefused(`cannot finish a test that is ${cand.status}`);
        const at = tick(cand);
        cand.status = 'Completed';
        cand.endedAt = at;
        // docs/vendors/mettl.md#expiry-and-resume: an expired test has finish_mode TestExpired in notifications, completionMode Expired on demand.
        cand.finishMode = action === 'expire' ? 'TestExpired' : 'NormalSubmission';
        cand.completionMode = action === 'expire' ? 'Expired' : 'Completed';
        const finishMode = cand.finishMode;
        return notify(cand, 'finish', (u) => ({ ...common(cand, schedule, 'finishTest', u, at), finish_mode: finishMode }), drop);
      }
      case 'grade': {
        if (cand.status !== 'Completed') throw new StepRefused(`cannot grade a test that is ${cand.status}`);
        const pct = o.percentage ?? opts.gradePercentage ?? 70;
        const max = 10;
        const marks = Math.round((pct / 100) * max * 10) / 10;
        const first = Math.min(5, Math.round(marks * 10) / 20);
        cand.graded = {
          marks,
          max,
          percentile: Math.round(pct * 0.9 * 100) / 100,
          credibility: o.credibility ?? 'High',
          sections: [
            { name: 'Section #1', marks: first, max: 5 },
            { name: 'Section #2', marks: Math.round((marks - first) * 10) / 10, max: 5 },
          ],
        };
        const at = tick(cand);
        return notify(cand, 'graded', (u) => gradedPayload(cand, schedule, u, at), drop);
      }
      case 'resume': {
        if (cand.finishMode !== 'TestExpired') throw new StepRefused('only an expired test can be resumed');
        const at = tick(cand);
        // docs/vendors/mettl.md#expiry-and-resume: an admin re-enables the expired test; Mettl calls testResumeEnabledForExpiredTestURL.
        cand.status = 'InProgress';
        cand.completionMode = null;
        cand.finishMode = null;
        cand.endedAt = null;
        cand.graded = null;
        // docs/vendors/mettl.md#unconfirmed: this payload is not public; the common fields with an inferred EVENT_TYPE.
        return notify(cand, 'resume', (u) => common(cand, schedule, 'resumeEnabledForExpiredTest', u, at), drop);
      }
      default:
        throw new StepRefused(`unknown step ${String(action)}`);
    }
  }

  // --- Control API ---------------------------------------------------------------------------------------
  const view = (cand: SbCandidate): SandboxCandidateView => ({
    accessKey: cand.accessKey,
    email: cand.email,
    name: `${cand.firstName} ${cand.lastName}`.trim(),
    status: cand.status,
    completionMode: cand.completionMode,
    graded: cand.graded !== null,
    linksIssued: cand.linksIssued,
  });

  app.get('/_sandbox/candidates', (c) => c.json({ candidates: [...candidates.values()].map(view) }));
  app.get('/_sandbox/schedules', (c) =>
    c.json({ schedules: [...schedules.values()].map((s) => ({ ...scheduleView(s), sc: redactSc(s.sc) })) }),
  );
  app.get('/_sandbox/counters', (c) => c.json(snapshot()));
  app.get('/_sandbox/webhooks', (c) => c.json({ deliveries }));
  app.post('/_sandbox/candidates/:ak/:email/:action', async (c) => {
    const action = c.req.param('action');
    if (!SANDBOX_ACTIONS.includes(action as SandboxAction)) return c.json({ error: 'unknown action' }, 404);
    const text = await c.req.text();
    const body = AdvanceBody.safeParse(text ? parseJsonParam(text) : {});
    if (!body.success) return c.json({ error: 'body must be {drop?, percentage?, credibility?}' }, 400);
    try {
      return c.json({ deliveries: await advance(`${c.req.param('ak')}:${c.req.param('email')}`, action as SandboxAction, body.data) });
    } catch (e) {
      if (e instanceof StepRefused) return c.json({ error: e.message }, 409);
      throw e;
    }
  });
  app.post('/_sandbox/webhooks/:index/redeliver', async (c) => {
    const d = deliveries[Number(c.req.param('index'))];
    if (!d) return c.json({ error: 'no such delivery' }, 404);
    return c.json({ delivery: await redeliver(d.index) });
  });
  app.post('/_sandbox/outage', async (c) => {
    const body = OutageBody.safeParse(parseJsonParam(await c.req.text()));
    if (!body.success) return c.json({ error: 'body must be {"mode": "none"|"error"|"hang"|"drop"} or {"on": boolean}' }, 400);
    outage = 'mode' in body.data ? body.data.mode : body.data.on ? 'error' : 'none';
    return c.json({ outage });
  });

  async function redeliver(index: number): Promise<Delivery> {
    const d = deliveries[index];
    if (!d) throw new Error(`no delivery ${index}`);
    const again: Delivery = { ...d, index: deliveries.length, dropped: false };
    delete again.status;
    delete again.error;
    deliveries.push(again);
    return deliver(again);
  }

  // --- Candidate-facing pages (plain HTML forms, no script) ----------------------------------------------
  const page = (c: Context, title: string, inner: string, status = 200) => {
    c.header('content-security-policy', PAGE_CSP);
    c.header('cache-control', 'no-store');
    return c.html(layout(title, inner), status as 200);
  };

  app.get('/test/:token', (c) => {
    const key = links.get(c.req.param('token'));
    if (!key) return page(c, 'This test link cannot be used', '<p>Each test link works once. Please ask for a new one.</p>', 410);
    links.delete(c.req.param('token'));
    const cand = candidates.get(key)!;
    if (cand.currentLink === c.req.param('token')) cand.currentLink = null;
    counters.linksUsed += 1;
    const sid = randomBytes(18).toString('base64url');
    sessions.set(sid, key);
    return c.redirect(`/take/${sid}`, 303);
  });

  app.get('/take/:sid', (c) => {
    const key = sessions.get(c.req.param('sid'));
    const cand = key ? candidates.get(key) : undefined;
    if (!cand) return page(c, 'Session not found', '<p>Open the test from your invitation again.</p>', 404);
    const schedule = schedules.get(cand.accessKey)!;
    const assessment = assessments.find((a) => a.id === schedule.assessmentId);
    return page(
      c,
      assessment?.name ?? 'Assessment',
      takePage({ sid: c.req.param('sid'), name: `${cand.firstName} ${cand.lastName}`, status: cand.status, completionMode: cand.completionMode }),
    );
  });

  app.post('/take/:sid/:action', async (c) => {
    const sid = c.req.param('sid');
    const key = sessions.get(sid);
    const cand = key ? candidates.get(key) : undefined;
    const action = c.req.param('action');
    if (!cand || !['start', 'finish', 'expire'].includes(action)) return page(c, 'Not found', '<p>Unknown test session.</p>', 404);
    try {
      await advance(`${cand.accessKey}:${cand.email}`, action as SandboxAction);
    } catch (e) {
      if (!(e instanceof StepRefused)) throw e;
    }
    if (action !== 'start' && autoGradeMs !== false) {
      const t = setTimeout(() => {
        timers.delete(t);
        advance(`${cand.accessKey}:${cand.email}`, 'grade').catch(() => undefined);
      }, autoGradeMs);
      timers.add(t);
    }
    // docs/vendors/mettl.md#schedules: after "Finish Test" the candidate goes to the exit redirection URL when one is set.
    const exit = Object.entries(schedules.get(cand.accessKey)!.sc).find(([k]) => k.toLowerCase() === 'exitredirectionurl')?.[1];
    if (action !== 'start' && cand.status === 'Completed' && typeof exit === 'string' && /^https?:\/\//.test(exit)) return c.redirect(exit, 303);
    return c.redirect(`/take/${sid}`, 303);
  });

  app.get('/report/:key', (c) => {
    const cand = [...candidates.values()].find((x) => x.reportKey === c.req.param('key'));
    if (!cand?.graded) return page(c, 'Report not found', '<p>No report for this key.</p>', 404);
    return page(c, `Report: ${cand.firstName} ${cand.lastName}`, reportPage(cand.graded));
  });

  function snapshot(): Counters {
    return { ...counters, calls: { ...counters.calls } };
  }

  const listening = await listenSandbox(app, opts.host, opts.port);
  url = listening.url;

  return {
    url,
    baseUrl: `${url}/v2`,
    publicKey,
    privateKey,
    candidates: () => [...candidates.values()].map(view),
    schedules: () =>
      [...schedules.values()].map((s) => ({ accessKey: s.accessKey, name: s.name, assessmentId: s.assessmentId, sc: { ...s.sc } })),
    deliveries: () => deliveries.map((d) => ({ ...d })),
    advance,
    failRegistrations(error, times = 1) {
      failing = error ? { ...error, times } : null;
    },
    redeliver,
    counters: snapshot,
    async outage(mode) {
      outage = mode;
    },
    calls: () => ({ ...counters.calls }),
    resetCalls: () => {
      counters.calls = {};
    },
    stop: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return listening.close();
    },
  };
}
