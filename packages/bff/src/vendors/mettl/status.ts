// Mettl's words for where a candidate is → our OrderStatus (docs/contracts.md#order-status), as tables. Pure; knows no HTTP.
import type { OrderStatus } from '@ca/shared';

/** The facts Mettl tells us about a candidate in a schedule, by notification or on-demand result. */
export type MettlFact = 'registered' | 'start' | 'resume' | 'finish' | 'finish-expired' | 'graded' | 'graded-expired';

export const FACT_STATUS: Record<MettlFact, OrderStatus> = {
  registered: 'invited',
  start: 'in_progress',
  // docs/vendors/mettl.md#expiry-and-resume: an admin re-enables an expired test; "re-activate the Take test button".
  resume: 'in_progress',
  finish: 'completed',
  'finish-expired': 'expired',
  graded: 'scored',
  // docs/vendors/mettl.md#expiry-and-resume: an expired test is still graded and posted with finish_mode TestExpired.
  'graded-expired': 'expired',
};

/** `EVENT_TYPE` values (docs/vendors/mettl.md#notifications). The resume notification's payload is not public, see `isResumeEvent`. */
const EVENT_FACT: Record<string, 'start' | 'finish' | 'graded'> = {
  startAssessment: 'start',
  finishTest: 'finish',
  gradedAssessment: 'graded',
};

/** docs/vendors/mettl.md#expiry-and-resume: `finish_mode` TestExpired in notifications, `completionMode` Expired in on-demand results. */
const EXPIRED_MODES = new Set(['testexpired', 'expired']);

export function isExpiredMode(mode: string | undefined): boolean {
  return mode !== undefined && EXPIRED_MODES.has(mode.replace(/[\s_-]/g, '').toLowerCase());
}

/**
 * docs/vendors/mettl.md#unconfirmed: the payload of `testResumeEnabledForExpiredTestURL` is not documented anywhere public,
 * so any EVENT_TYPE mentioning "resume" counts, and so does a delivery to the URL we registered for it.
 */
export function isResumeEvent(eventType: string | undefined): boolean {
  return eventType !== undefined && /resume/i.test(eventType);
}

/** The fact a notification states, or null for an event type we do not know. */
export function factOfEvent(
  eventType: string | undefined,
  finishMode: string | undefined,
  completionMode?: string,
): MettlFact | null {
  if (isResumeEvent(eventType)) return 'resume';
  const fact = eventType === undefined ? undefined : EVENT_FACT[eventType];
  if (fact === undefined) return null;
  const expired = isExpiredMode(finishMode) || isExpiredMode(completionMode);
  if (fact === 'finish') return expired ? 'finish-expired' : 'finish';
  if (fact === 'graded') return expired ? 'graded-expired' : 'graded';
  return fact;
}

/** On-demand `testStatus.status` values, normalised (no spaces, lower case). */
const RESULT_FACT: Record<string, MettlFact> = {
  tobetaken: 'registered',
  registered: 'registered',
  invited: 'registered',
  yettostart: 'registered',
  inprogress: 'start',
  started: 'start',
  resumed: 'resume',
  completed: 'finish',
  expired: 'finish-expired',
};

/** The fact an on-demand result states (Get Result of Candidate in Schedule), or null when unknown. */
export function factOfResult(ts: { status?: string; completionMode?: string; hasResult: boolean }): MettlFact | null {
  const fact = ts.status === undefined ? undefined : RESULT_FACT[ts.status.replace(/[\s_-]/g, '').toLowerCase()];
  if (fact === undefined) return null;
  if (fact === 'finish' || fact === 'finish-expired') {
    const expired = fact === 'finish-expired' || isExpiredMode(ts.completionMode);
    if (ts.hasResult) return expired ? 'graded-expired' : 'graded';
    return expired ? 'finish-expired' : 'finish';
  }
  return fact;
}

/**
 * The dedupe key of a fact: the same fact seen by notification and by reconciliation gets the same key
 * (docs/vendors/mettl.md#statuses). A start happens once per order (one candidate, one schedule: a resumed test is
 * `resume`), and the start notification carries only the time it was sent, not the start time the results show, so
 * its key is the fact alone. A finish or grade carries the end instant on both paths. Falls back to a stable id
 * when Mettl gives no time.
 */
export function factKey(fact: MettlFact, at: Date | null, fallback: string): string {
  if (fact === 'start') return 'start';
  return `${fact}:${at ? at.toISOString() : fallback}`;
}
