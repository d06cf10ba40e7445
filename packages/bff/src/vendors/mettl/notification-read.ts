// `Notification.safeParse` (wire.ts), and result.ts's sectional scores, written out for the webhook's hot path. The zod schema stays the specification
// (docs, the other readers, and notification-read.test.ts, which checks this against it); zod's generic object walk,
// unions and transforms were about 10 % of the BFF's main thread per Mettl notification at ingest.
// Same acceptance, same values, same keys in the same order: a field sent is a key (undefined when null), one not sent
// is no key; a loose object keeps its unknown keys after the known ones (never `__proto__`).
import type { z } from 'zod';
import type { Notification, SectionalScore as SectionalScoreSchema } from './wire.js';

type SectionalScore = z.output<typeof SectionalScoreSchema>;

/** Thrown inside the reader when a field does not match; the caller answers as for a failed safeParse. */
const MISMATCH = Symbol('mismatch');

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `z.number()` in zod 4 refuses NaN and the infinities. */
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** wire.ts `Str`. */
function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isNumber(v)) return String(v);
  if (v === null || v === undefined) return undefined;
  throw MISMATCH;
}

/** wire.ts `Num`. */
function num(v: unknown): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (isNumber(v)) return v;
  if (typeof v !== 'string') throw MISMATCH;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

type Reader = (v: unknown) => unknown;

/** `z.object(shape)` (strip), or `.loose()`: the shape's keys in its order, then, when loose, the other keys as sent. */
function object(shape: Record<string, Reader>, loose = false): (v: unknown) => Obj {
  const keys = Object.keys(shape);
  const known = new Set(keys);
  return (v) => {
    if (!isObject(v)) throw MISMATCH;
    const out: Obj = {};
    for (const k of keys) if (k in v) out[k] = shape[k]!(v[k]);
    if (loose) {
      for (const k in v) if (!known.has(k) && k !== '__proto__') out[k] = v[k];
    }
    return out;
  };
}

const array =
  (item: Reader): Reader =>
  (v) => {
    if (!Array.isArray(v)) throw MISMATCH;
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) out.push(item(v[i]));
    return out;
  };

/** `.nullish()`. */
const nullish =
  (read: Reader): Reader =>
  (v) =>
    v === null || v === undefined ? v : read(v);

const TestResult = object({
  totalMarks: num,
  maxMarks: num,
  percentile: num,
  candidateCredibilityIndex: str,
  sectionMarks: nullish(array(object({ sectionName: str, totalMarks: num, maxMarks: num }))),
  performanceCategory: str,
  analysis: nullish(
    object(
      {
        recommendation: nullish(array(object({ type: str, value: str }, true))),
        responseStyles: nullish(array(((style) => (v: unknown) => (typeof v === 'string' ? v : style(v)))(object({ type: str, value: str, name: str }, true)))),
      },
      true,
    ),
  ),
});

const TestStatus = object({
  status: str,
  overallStatus: str,
  detailedStatus: str,
  completionMode: str,
  start_time_GMT: str,
  end_time_GMT: str,
  startTime: str,
  endTime: str,
  result: nullish(TestResult),
  htmlReport: str,
  pdfReport: str,
});

const NotificationObject = object({
  EVENT_TYPE: (v) => {
    if (v === undefined || (typeof v === 'string' && v.length >= 1)) return v;
    throw MISMATCH;
  },
  invitation_key: str,
  assessment_id: str,
  assessmentId: str,
  candidate_instance_id: str,
  context_data: str,
  timestamp_GMT: str,
  email: str,
  name: str,
  finish_mode: str,
  start_time_GMT: str,
  end_time_GMT: str,
  marks_scored: num,
  max_marks: num,
  percentile: num,
  sectional_scores: (v) => {
    if (v === undefined || v === null || typeof v === 'string') return v;
    if (Array.isArray(v)) return array((x) => x)(v);
    throw MISMATCH;
  },
  testStatus: nullish(TestStatus),
  htmlReport: str,
  pdfReport: str,
});

const SectionalScores = array(object({ sectionName: str, sectionScore: num, sectionMaxScore: num }));

/** `read` as a `safeParse`: its value, or null where a field does not match. */
const safely =
  <T>(read: Reader) =>
  (v: unknown): T | null => {
    try {
      return read(v) as T;
    } catch (e) {
      if (e === MISMATCH) return null;
      throw e;
    }
  };

/** `z.array(SectionalScore).safeParse(v)` (result.ts): the scores, or null where that fails. */
export const readSectionalScores = safely<SectionalScore[]>(SectionalScores);

/** The notification as `Notification.safeParse(json)` gives it, or null where that fails. */
export const readNotification = safely<Notification>(NotificationObject);
