// A Mettl-compatible REST server for the demo and tests: checks `ak`/`ts`/`asgn`, keeps assessments,
// schedules and candidates, issues one-time candidate URLs and posts the real notification JSON
// (docs/vendors/mettl.md#notifications) when told to move a candidate on. Test tool only: never point production at it.
// State in state.ts, the REST API in handlers.ts, candidate steps and notifications in steps.ts, results in results.ts.
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { listenSandbox } from '../http.js';
import { StepRefused, type ContractShape, type OutageMode, type VendorSandbox } from '../types.js';
import { mountApi, scheduleView } from './handlers.js';
import { layout, PAGE_CSP, reportPage, takePage } from './pages.js';
import { createState, type Counters, type Delivery, type MettlState, type SbCandidate } from './state.js';
import { advance, redeliver, SANDBOX_ACTIONS, type AdvanceOptions, type SandboxAction } from './steps.js';
import { parseJsonParam, redactSc } from './wire.js';

export type { Delivery } from './state.js';
export { SANDBOX_ACTIONS, type AdvanceOptions, type SandboxAction } from './steps.js';

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
  /**
   * Most candidates a page of Get Results of All Candidates in Schedule holds, whatever `limit` asks (default 25):
   * a server may cap pages, and only `paging.next` says more follow (docs/vendors/mettl.md#results-of-all-candidates).
   */
  resultsPageCap?: number;
  /**
   * `documented` (default) answers the shapes of Mettl's pages and public clients; `altered` answers schedule results
   * as a bare `results` list without `paging`, so a contract check can show the contradiction.
   */
  contractShape?: ContractShape;
  host?: string;
  port?: number;
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
   * The next `times` registrations of candidates answer a per-candidate error entry `{email, status: "ERROR", message:
   * "E028 : …", url: null}`, the code in the message, as Mettl does inside a SUCCESS body; `null` stops it.
   */
  failRegistrations(error: { code: string; message: string } | null, times?: number): void;
  /** The next `times` API calls (signed correctly) answer `{"status":"ERROR","error":{code,message}}` with HTTP 200; `null` stops it. */
  failCalls(error: { code: string; message: string } | null, times?: number): void;
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

const OutageBody = z.union([z.object({ mode: z.enum(['none', 'error', 'hang', 'drop']) }), z.object({ on: z.boolean() })]);

const AdvanceBody = z.object({
  drop: z.boolean().optional(),
  percentage: z.number().min(0).max(100).optional(),
  credibility: z.string().optional(),
});

export async function startMettlSandbox(opts: MettlSandboxOptions = {}): Promise<MettlSandbox> {
  const publicKey = opts.publicKey ?? `sandbox-ak-${randomBytes(6).toString('hex')}`;
  const privateKey = opts.privateKey ?? `sandbox-pk-${randomBytes(16).toString('hex')}`;
  const st: Sandbox = Object.assign(
    createState({
      keys: { publicKey, privateKey },
      gradePercentage: opts.gradePercentage,
      assessments: opts.assessments ?? [
        { id: '123456', name: 'Java coding test' },
        { id: '1225766', name: 'Ruby on Rails' },
        { id: '555000', name: 'Workplace personality', psychometric: true },
      ],
      registrationLimit: opts.registrationLimit,
      resultsPageCap: opts.resultsPageCap ?? 25,
      contractShape: opts.contractShape ?? 'documented',
    }),
    { autoGradeMs: opts.autoGradeMs ?? 300 },
  );
  const app = new Hono();
  mountApi(app, st);
  mountControl(app, st);
  mountPages(app, st);

  const listening = await listenSandbox(app, opts.host, opts.port);
  st.url = listening.url;

  return {
    url: st.url,
    baseUrl: `${st.url}/v2`,
    publicKey,
    privateKey,
    candidates: () => [...st.candidates.values()].map(view),
    schedules: () =>
      [...st.schedules.values()].map((s) => ({ accessKey: s.accessKey, name: s.name, assessmentId: s.assessmentId, sc: { ...s.sc } })),
    deliveries: () => st.deliveries.map((d) => ({ ...d })),
    advance: (ref, action, o) => advance(st, ref, action, o),
    failRegistrations(error, times = 1) {
      st.failingRegistrations = error ? { ...error, times } : null;
    },
    failCalls(error, times = 1) {
      st.failingCalls = error ? { ...error, times } : null;
    },
    redeliver: (index) => redeliver(st, index),
    counters: () => snapshot(st),
    async outage(mode) {
      st.outage = mode;
    },
    calls: () => ({ ...st.counters.calls }),
    resetCalls: () => {
      st.counters.calls = {};
    },
    stop: () => {
      for (const t of st.timers) clearTimeout(t);
      st.timers.clear();
      return listening.close();
    },
  };
}

/** The state with what only the pages need: when a finished test is graded on its own. */
type Sandbox = MettlState & { autoGradeMs: number | false };

const snapshot = (st: MettlState): Counters => ({ ...st.counters, calls: { ...st.counters.calls } });

const view = (cand: SbCandidate): SandboxCandidateView => ({
  accessKey: cand.accessKey,
  email: cand.email,
  name: `${cand.firstName} ${cand.lastName}`.trim(),
  status: cand.status,
  completionMode: cand.completionMode,
  graded: cand.graded !== null,
  linksIssued: cand.linksIssued,
});


/** The control API at `/_sandbox/...`: candidates, schedules, deliveries, steps, outages. */
function mountControl(app: Hono, st: Sandbox) {
  app.get('/_sandbox/candidates', (c) => c.json({ candidates: [...st.candidates.values()].map(view) }));
  app.get('/_sandbox/schedules', (c) =>
    c.json({ schedules: [...st.schedules.values()].map((s) => ({ ...scheduleView(st, s), sc: redactSc(s.sc) })) }),
  );
  app.get('/_sandbox/counters', (c) => c.json(snapshot(st)));
  app.get('/_sandbox/webhooks', (c) => c.json({ deliveries: st.deliveries }));
  app.post('/_sandbox/candidates/:ak/:email/:action', async (c) => {
    const action = c.req.param('action');
    if (!SANDBOX_ACTIONS.includes(action as SandboxAction)) return c.json({ error: 'unknown action' }, 404);
    const text = await c.req.text();
    const body = AdvanceBody.safeParse(text ? parseJsonParam(text) : {});
    if (!body.success) return c.json({ error: 'body must be {drop?, percentage?, credibility?}' }, 400);
    try {
      return c.json({ deliveries: await advance(st, `${c.req.param('ak')}:${c.req.param('email')}`, action as SandboxAction, body.data) });
    } catch (e) {
      if (e instanceof StepRefused) return c.json({ error: e.message }, 409);
      throw e;
    }
  });
  app.post('/_sandbox/webhooks/:index/redeliver', async (c) => {
    const d = st.deliveries[Number(c.req.param('index'))];
    if (!d) return c.json({ error: 'no such delivery' }, 404);
    return c.json({ delivery: await redeliver(st, d.index) });
  });
  app.post('/_sandbox/outage', async (c) => {
    const body = OutageBody.safeParse(parseJsonParam(await c.req.text()));
    if (!body.success) return c.json({ error: 'body must be {"mode": "none"|"error"|"hang"|"drop"} or {"on": boolean}' }, 400);
    st.outage = 'mode' in body.data ? body.data.mode : body.data.on ? 'error' : 'none';
    return c.json({ outage: st.outage });
  });
}

/** The candidate-facing pages: plain HTML forms, no script. */
function mountPages(app: Hono, st: Sandbox) {
  const page = (c: Context, title: string, inner: string, status = 200) => {
    c.header('content-security-policy', PAGE_CSP);
    c.header('cache-control', 'no-store');
    return c.html(layout(title, inner), status as 200);
  };

  app.get('/test/:token', (c) => {
    const key = st.links.get(c.req.param('token'));
    if (!key) return page(c, 'This test link cannot be used', '<p>Each test link works once. Please ask for a new one.</p>', 410);
    st.links.delete(c.req.param('token'));
    const cand = st.candidates.get(key)!;
    if (cand.currentLink === c.req.param('token')) cand.currentLink = null;
    st.counters.linksUsed += 1;
    const sid = randomBytes(18).toString('base64url');
    st.sessions.set(sid, key);
    return c.redirect(`/take/${sid}`, 303);
  });

  app.get('/take/:sid', (c) => {
    const key = st.sessions.get(c.req.param('sid'));
    const cand = key ? st.candidates.get(key) : undefined;
    if (!cand) return page(c, 'Session not found', '<p>Open the test from your invitation again.</p>', 404);
    const schedule = st.schedules.get(cand.accessKey)!;
    const assessment = st.assessments.find((a) => a.id === schedule.assessmentId);
    return page(
      c,
      assessment?.name ?? 'Assessment',
      takePage({ sid: c.req.param('sid'), name: `${cand.firstName} ${cand.lastName}`, status: cand.status, completionMode: cand.completionMode }),
    );
  });

  app.post('/take/:sid/:action', async (c) => {
    const sid = c.req.param('sid');
    const key = st.sessions.get(sid);
    const cand = key ? st.candidates.get(key) : undefined;
    const action = c.req.param('action');
    if (!cand || !['start', 'finish', 'expire'].includes(action)) return page(c, 'Not found', '<p>Unknown test session.</p>', 404);
    try {
      await advance(st, `${cand.accessKey}:${cand.email}`, action as SandboxAction);
    } catch (e) {
      if (!(e instanceof StepRefused)) throw e;
    }
    if (action !== 'start' && st.autoGradeMs !== false) {
      const t = setTimeout(() => {
        st.timers.delete(t);
        advance(st, `${cand.accessKey}:${cand.email}`, 'grade').catch(() => undefined);
      }, st.autoGradeMs);
      st.timers.add(t);
    }
    // docs/vendors/mettl.md#schedules: after "Finish Test" the candidate goes to the exit redirection URL when one is set.
    const exit = Object.entries(st.schedules.get(cand.accessKey)!.sc).find(([k]) => k.toLowerCase() === 'exitredirectionurl')?.[1];
    if (action !== 'start' && cand.status === 'Completed' && typeof exit === 'string' && /^https?:\/\//.test(exit)) return c.redirect(exit, 303);
    return c.redirect(`/take/${sid}`, 303);
  });

  app.get('/report/:key', (c) => {
    const cand = [...st.candidates.values()].find((x) => x.reportKey === c.req.param('key'));
    if (!cand?.graded) return page(c, 'Report not found', '<p>No report for this key.</p>', 404);
    return page(c, `Report: ${cand.firstName} ${cand.lastName}`, reportPage(cand.graded));
  });
}
