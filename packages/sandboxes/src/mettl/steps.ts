// The Mettl sandbox's steps: a candidate starts, finishes, expires, is graded or resumed, and Mettl's notification
// for it is POSTed to the schedule's URL in the shapes of docs/vendors/mettl.md#notifications. Reads and changes state.ts.
import { StepRefused, type AdvanceContext } from '../types.js';
import { testStatusOf } from './results.js';
import { ckey, type Delivery, type MettlState, type SbCandidate, type SbSchedule } from './state.js';
import { gmt, SC_URL_KEYS } from './wire.js';

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

function notificationUrl(schedule: SbSchedule, which: keyof typeof SC_URL_KEYS): string | null {
  for (const [k, v] of Object.entries(schedule.sc)) {
    if (k.toLowerCase() === SC_URL_KEYS[which] && typeof v === 'string' && v) return v;
  }
  return null;
}

function common(st: MettlState, cand: SbCandidate, schedule: SbSchedule, event: string, notifyUrl: string, at: Date) {
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

function gradedPayload(st: MettlState, cand: SbCandidate, schedule: SbSchedule, notifyUrl: string, at: Date) {
  // The 2024 shape (priyadharshini-lnu/psychometrics mettl_controller_spec.rb): `assessmentId` in camelCase,
  // `sectional_scores` as a JSON string, the full testStatus object.
  const { assessment_id, ...base } = common(st, cand, schedule, 'gradedAssessment', notifyUrl, at);
  const g = cand.graded!;
  const ts = testStatusOf(st, cand);
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

async function deliver(st: MettlState, d: Delivery): Promise<Delivery> {
  if (d.dropped) {
    st.counters.webhooksDropped += 1;
    return d;
  }
  try {
    const res = await fetch(d.url, { method: 'POST', headers: d.headers, body: d.body, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    d.status = res.status;
    st.counters.webhooksSent += 1;
    if (!res.ok) st.counters.webhooksFailed += 1;
  } catch (e) {
    d.error = e instanceof Error ? e.message : String(e);
    st.counters.webhooksFailed += 1;
  }
  return d;
}

async function notify(
  st: MettlState,
  cand: SbCandidate,
  which: keyof typeof SC_URL_KEYS,
  build: (notifyUrl: string) => Record<string, unknown>,
  drop: boolean,
): Promise<Delivery[]> {
  const schedule = st.schedules.get(cand.accessKey)!;
  const target = notificationUrl(schedule, which);
  if (!target) return [];
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const auth = schedule.sc.testNotificationBasicAuthHeader;
  if (typeof auth === 'string' && auth) headers.authorization = `Basic ${auth}`;
  const body = build(target);
  const d: Delivery = {
    index: st.deliveries.length,
    event: String(body.EVENT_TYPE),
    url: target,
    body: JSON.stringify(body),
    headers,
    dropped: drop,
  };
  st.deliveries.push(d);
  return [await deliver(st, d)];
}

export async function advance(st: MettlState, ref: string, action: SandboxAction, o: AdvanceOptions = {}): Promise<Delivery[]> {
  const i = ref.indexOf(':');
  const [accessKey, who] = [ref.slice(0, i), ref.slice(i + 1)];
  // `who` is an email, or the BFF's order id, which starts the context_data it registered the candidate with.
  const cand =
    i <= 0
      ? undefined
      : who.includes('@')
        ? st.candidates.get(ckey(accessKey, who))
        : [...st.candidates.values()].find((c) => c.accessKey === accessKey && c.contextData?.startsWith(`${who}.`));
  if (!cand) throw new StepRefused(`no candidate ${who} in schedule ${accessKey}`);
  const schedule = st.schedules.get(cand.accessKey)!;
  const drop = o.drop ?? false;
  switch (action) {
    case 'start': {
      if (cand.status === 'InProgress') return []; // docs/vendors/mettl.md#expiry-and-resume: refreshing the link continues the test
      if (cand.status !== 'ToBeTaken') throw new StepRefused(`cannot start a test that is ${cand.status}`);
      const at = st.tick(cand);
      cand.status = 'InProgress';
      cand.startedAt = at;
      // The start notification carries only the time it is sent (docs/vendors/mettl.md#notifications), which need not
      // be the start_time_GMT the results show: here it goes out a second later.
      const sent = st.tick(cand);
      return notify(st, cand, 'start', (u) => common(st, cand, schedule, 'startAssessment', u, sent), drop);
    }
    case 'finish':
    case 'expire': {
      if (cand.status !== 'InProgress') throw new StepRefused(`cannot finish a test that is ${cand.status}`);
      const at = st.tick(cand);
      cand.status = 'Completed';
      cand.endedAt = at;
      // docs/vendors/mettl.md#expiry-and-resume: an expired test has finish_mode TestExpired in notifications, completionMode Expired on demand.
      cand.finishMode = action === 'expire' ? 'TestExpired' : 'NormalSubmission';
      cand.completionMode = action === 'expire' ? 'Expired' : 'Completed';
      const finishMode = cand.finishMode;
      return notify(st, cand, 'finish', (u) => ({ ...common(st, cand, schedule, 'finishTest', u, at), finish_mode: finishMode }), drop);
    }
    case 'grade': {
      if (cand.status !== 'Completed') throw new StepRefused(`cannot grade a test that is ${cand.status}`);
      const pct = o.percentage ?? st.opts.gradePercentage ?? 70;
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
      const at = st.tick(cand);
      return notify(st, cand, 'graded', (u) => gradedPayload(st, cand, schedule, u, at), drop);
    }
    case 'resume': {
      if (cand.finishMode !== 'TestExpired') throw new StepRefused('only an expired test can be resumed');
      const at = st.tick(cand);
      // docs/vendors/mettl.md#expiry-and-resume: an admin re-enables the expired test; Mettl calls testResumeEnabledForExpiredTestURL.
      cand.status = 'InProgress';
      cand.completionMode = null;
      cand.finishMode = null;
      cand.endedAt = null;
      cand.graded = null;
      // docs/vendors/mettl.md#unconfirmed: this payload is not public; the common fields with an inferred EVENT_TYPE.
      return notify(st, cand, 'resume', (u) => common(st, cand, schedule, 'resumeEnabledForExpiredTest', u, at), drop);
    }
    default:
      throw new StepRefused(`unknown step ${String(action)}`);
  }
}

export async function redeliver(st: MettlState, index: number): Promise<Delivery> {
  const d = st.deliveries[index];
  if (!d) throw new Error(`no delivery ${index}`);
  const again: Delivery = { ...d, index: st.deliveries.length, dropped: false };
  delete again.status;
  delete again.error;
  st.deliveries.push(again);
  return deliver(st, again);
}

