// The Mettl sandbox's REST API (v2): signature check, then the documented calls over state.ts. Errors are Mettl's
// body `{"status":"ERROR","error":{code,message}}`; a refused candidate is an entry of a SUCCESS registration answer
// with the code at the start of its message (docs/vendors/mettl.md#registration).
import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { outageAnswer } from '../http.js';
import { asked, testStatusOf } from './results.js';
import { checkMettlRequest } from './signature.js';
import type { MettlState, SbSchedule } from './state.js';
import { ckey } from './state.js';
import { errorBody, parseJsonParam, RdSchema, ScSchema } from './wire.js';

type Params = Record<string, string>;

const paramsOf = (c: Context): Params => c.get('params' as never) as Params;

/** A refused candidate as Mettl lists it: `status`, `message` with the code in front, `email`, no link. */
const refusedEntry = (email: string, code: string, message: string) => ({ email, status: 'ERROR', message: `${code} : ${message}`, url: null });

export const scheduleView = (st: MettlState, s: SbSchedule) => ({
  id: s.id,
  name: s.name,
  accessKey: s.accessKey,
  accessUrl: `${st.url}/schedule/${s.accessKey}`,
  assessmentId: Number(s.assessmentId) || s.assessmentId,
  status: 'Active',
});

/**
 * Get Results of All Candidates in Schedule: `candidates[]` and `paging` with `next`/`previous` URLs that repeat the
 * optional parameters (docs/vendors/mettl.md#results-of-all-candidates). A page holds at most `resultsPageCap`
 * candidates whatever `limit` asks: only `next` says whether more follow.
 */
function scheduleResults(st: MettlState, c: Context) {
  st.count('scheduleResults');
  const schedule = st.schedules.get(c.req.param('ak')!);
  if (!schedule) return c.json(errorBody('E404', 'Schedule not found'), 404);
  const p = paramsOf(c);
  const limit = p.limit === undefined ? 20 : Number(p.limit);
  const offset = p.offset === undefined ? 0 : Number(p.offset);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500 || !Number.isInteger(offset) || offset < 0) {
    return c.json(errorBody('E400', 'limit must be 1-500 and offset >= 0'), 400);
  }
  const all = [...st.candidates.values()].filter((x) => x.accessKey === schedule.accessKey);
  const served = Math.min(limit, st.opts.resultsPageCap);
  const page = all.slice(offset, offset + served).map((cand) => {
    const { assessmentName: _unused, ...testStatus } = testStatusOf(st, cand, asked(p));
    return { email: cand.email, registration: { 'Email Address': cand.email, 'First Name': cand.firstName, 'Last Name': cand.lastName }, testStatus };
  });
  if (st.opts.contractShape === 'altered') return c.json({ status: 'SUCCESS', results: page });
  const link = (at: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(p)) if (!['ak', 'ts', 'asgn', 'offset'].includes(k)) q.set(k, v);
    q.set('offset', String(at));
    return `${st.url}/v2/schedules/${schedule.accessKey}/candidates?${q}`;
  };
  const next = offset + page.length < all.length ? link(offset + page.length) : null;
  const previous = offset > 0 ? link(Math.max(0, offset - served)) : null;
  return c.json({ status: 'SUCCESS', candidates: page, paging: { limit, offset, total: all.length, next, previous } });
}

export function mountApi(app: Hono, st: MettlState) {
  const err = (c: Context, http: number, code: string, message: string) => c.json(errorBody(code, message), http as 400);
  const { publicKey, privateKey } = st.keys;

  app.use('/v2/*', async (c, next) => {
    st.counters.requests += 1;
    // Mettl documents no server-fault code; E500 with the documented error body is the sandbox's choice.
    if (st.outage !== 'none') return outageAnswer(c, st.outage, () => err(c, 503, 'E500', 'Service temporarily unavailable'));
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
      if (failure.code === 'E403') st.counters.keyFailures += 1;
      else if (failure.code === 'E504') st.counters.timestampFailures += 1;
      else st.counters.signatureFailures += 1;
      return err(c, failure.http, failure.code, failure.message);
    }
    c.set('params' as never, params as never);
    const failing = st.failingCalls;
    if (failing && failing.times > 0) {
      // docs/vendors/mettl.md#errors: an error body delivered with HTTP 200.
      failing.times -= 1;
      return c.json(errorBody(failing.code, failing.message), 200);
    }
    await next();
  });

  app.get('/v2/account', (c) => {
    st.count('account');
    return c.json({ status: 'SUCCESS', account: { name: 'Sandbox account', publicKey } });
  });

  app.get('/v2/assessments', (c) => {
    st.count('listAssessments');
    const p = paramsOf(c);
    const limit = p.limit === undefined ? 20 : Number(p.limit);
    const offset = p.offset === undefined ? 0 : Number(p.offset);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100 || !Number.isInteger(offset) || offset < 0) {
      return err(c, 400, 'E400', 'limit must be 1-100 and offset >= 0');
    }
    const page = st.assessments.slice(offset, offset + limit).map((a) => ({ id: Number(a.id) || a.id, name: a.name }));
    return c.json({ status: 'SUCCESS', assessments: page, paging: { limit, offset, total: st.assessments.length } });
  });

  app.get('/v2/assessments/:id/schedules', (c) => {
    st.count('listSchedules');
    const id = c.req.param('id');
    if (!st.assessments.some((a) => a.id === id)) return err(c, 404, 'E404', 'Assessment not found');
    return c.json({
      status: 'SUCCESS',
      schedules: [...st.schedules.values()].filter((s) => s.assessmentId === id).map((x) => scheduleView(st, x)),
    });
  });

  mountWrites(app, st, err);
  app.get('/v2/schedules/:ak/candidates', (c) => scheduleResults(st, c));

  app.get('/v2/schedules/:ak/candidates/:email', (c) => {
    st.count('candidateResult');
    const cand = st.candidates.get(ckey(c.req.param('ak'), c.req.param('email')));
    if (!cand) return err(c, 404, 'E404', 'Candidate not registered in this schedule');
    const { assessmentName: _unused, ...testStatus } = testStatusOf(st, cand, asked(paramsOf(c)));
    return c.json({
      status: 'SUCCESS',
      candidate: {
        email: cand.email,
        registration: { 'Email Address': cand.email, 'First Name': cand.firstName, 'Last Name': cand.lastName },
        testStatus,
      },
    });
  });

}

/** The calls that create or change: Create/Edit Schedule, Register Candidates in Schedule. */
function mountWrites(app: Hono, st: MettlState, err: (c: Context, http: number, code: string, message: string) => Response) {
  app.post('/v2/assessments/:id/schedules', (c) => {
    st.count('createSchedule');
    const id = c.req.param('id');
    if (!st.assessments.some((a) => a.id === id)) return err(c, 404, 'E404', 'Assessment not found');
    const sc = ScSchema.safeParse(parseJsonParam(paramsOf(c).sc));
    if (!sc.success) return err(c, 400, 'E400', 'Invalid schedule details (sc): name, sourceApp and access.type are mandatory');
    if ([...st.schedules.values()].some((s) => s.assessmentId === id && s.name === sc.data.name)) {
      return err(c, 409, 'E409', 'A schedule with this name already exists for the assessment');
    }
    const schedule: SbSchedule = {
      id: st.nextScheduleId++,
      accessKey: randomBytes(4).toString('hex'),
      assessmentId: id,
      name: sc.data.name,
      sc: sc.data,
    };
    st.schedules.set(schedule.accessKey, schedule);
    return c.json({ status: 'SUCCESS', createdSchedule: scheduleView(st, schedule) });
  });

  app.post('/v2/schedules/:ak/edit', (c) => {
    st.count('editSchedule');
    const schedule = st.schedules.get(c.req.param('ak'));
    if (!schedule) return err(c, 404, 'E404', 'Schedule not found');
    const sc = parseJsonParam(paramsOf(c).sc);
    if (!sc || typeof sc !== 'object') return err(c, 400, 'E400', 'Invalid schedule details (sc)');
    schedule.sc = { ...schedule.sc, ...(sc as Record<string, unknown>) };
    return c.json({ status: 'SUCCESS' });
  });

  app.post('/v2/schedules/:ak/candidates', (c) => {
    st.count('registerCandidates');
    const schedule = st.schedules.get(c.req.param('ak'));
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
      let cand = st.candidates.get(key);
      const access = schedule.sc.access as { type?: string; candidates?: unknown } | undefined;
      const invited = Array.isArray(access?.candidates) && access.candidates.some((x) => JSON.stringify(x).toLowerCase().includes(email.toLowerCase()));
      if (!cand && access?.type === 'ByInvitation' && !invited) {
        // register-candidates KB: in a ByInvitation schedule links are generated only for candidates added to it.
        out.push(refusedEntry(email, 'E028', 'Candidate is not invited to this schedule'));
        continue;
      }
      const failing = st.failingRegistrations;
      if (failing && failing.times > 0) {
        failing.times -= 1;
        out.push(refusedEntry(email, failing.code, failing.message));
        continue;
      }
      if (!cand && st.opts.registrationLimit !== undefined && st.registered >= st.opts.registrationLimit) {
        out.push(refusedEntry(email, 'E607', 'Candidate registration limit exceeded'));
        continue;
      }
      cand ??= st.newCandidate(schedule.accessKey, email, first, last);
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
        url: st.issueLink(cand),
      });
    }
    return c.json({ status: 'SUCCESS', registrationStatus: out });
  });
}
