// Authenticates and parses Mettl notifications (start, finish, graded, resume-enabled) into StatusUpdates.
// Never trusts a field before both the Basic header and the context_data ticket have verified.
import { hash, timingSafeEqual } from 'node:crypto';
import {
  WebhookInvalid,
  WebhookUnauthorized,
  type InboundRequest,
  type StatusUpdate,
  type VendorContext,
} from '../../core/vendor-port.js';
import { resultOf } from './result.js';
import { FACT_STATUS, factKey, factOfEvent, type MettlFact } from './status.js';
import { parseGmt } from './time.js';
import { readNotification } from './notification-read.js';

/** The query marker on the one notification URL whose payload is undocumented (docs/vendors/mettl.md#unconfirmed). */
export const RESUME_MARKER = { name: 'event', value: 'resume' } as const;

/** `testNotificationBasicAuthHeader` = base64(username:password) (docs/vendors/mettl.md#schedules). */
export function basicAuthValue(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
}

/** SHA-256 in one call: a Hash object per notification cost twice as much for the same digest. */
const digest = (s: string) => hash('sha256', s, 'buffer');

/**
 * Mettl sends the value we configured; docs/vendors/mettl.md#unconfirmed could not confirm whether as `Basic <value>` or
 * bare, so both are accepted. Compared in constant time.
 */
function basicHeaderMatches(header: string | null, expected: Buffer): boolean {
  if (!header) return false;
  const value = header.trim().replace(/^basic\s+/i, '');
  return timingSafeEqual(digest(value), expected);
}

/** `z.object({ token: z.string() })`: the wrapped ticket's shape. */
const wrappedToken = (v: unknown): string | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { token?: unknown }).token === 'string' ? (v as { token: string }).token : null;

/**
 * context_data echoes what we registered: our ticket, or `{"token": ticket}` as the 2024 Rails
 * integration wraps it (docs/vendors/mettl.md#notifications).
 */
function ticketOf(contextData: string | undefined): string | null {
  if (!contextData) return null;
  const trimmed = contextData.trim();
  if (trimmed.startsWith('{')) {
    try {
      return wrappedToken(JSON.parse(trimmed));
    } catch {
      return null;
    }
  }
  return trimmed;
}

const VENDOR_STATUS: Record<MettlFact, string> = {
  registered: 'ToBeTaken',
  start: 'startAssessment',
  resume: 'resumeEnabled',
  finish: 'finishTest',
  'finish-expired': 'TestExpired',
  graded: 'gradedAssessment',
  'graded-expired': 'TestExpired',
};

export interface WebhookOptions {
  webhookUser: string;
  webhookPassword: string;
  tickets: VendorContext['tickets'];
  log: VendorContext['log'];
  now(): Date;
  /** Whether the assessment a notification names is psychometric (its marks are not shown, docs/vendors/mettl.md#results). */
  isPsychometric?(assessmentId: string | undefined): boolean;
}

export function createWebhookParser(opts: WebhookOptions): (req: InboundRequest) => Promise<StatusUpdate[]> {
  const expected = digest(basicAuthValue(opts.webhookUser, opts.webhookPassword));

  return async function parseMettlWebhook(req) {
    if (!basicHeaderMatches(req.headers.get('authorization'), expected)) {
      throw new WebhookUnauthorized('The Mettl notification has no valid Basic authorization.');
    }
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      throw new WebhookInvalid('The Mettl notification body is not JSON.');
    }
    // readNotification is Notification.safeParse written out (notification-read.test.ts holds them to the same answers).
    const n = readNotification(body);
    if (n === null) throw new WebhookInvalid('The Mettl notification is not an object of the expected shape.');

    // docs/vendors/mettl.md#notifications: Mettl does not sign payloads; the ticket we put in context_data proves the order is ours.
    const ticket = ticketOf(n.context_data);
    const orderId = ticket === null ? null : opts.tickets.verify(ticket);
    if (orderId === null) throw new WebhookUnauthorized('The Mettl notification carries no valid order ticket.');

    let fact = factOfEvent(n.EVENT_TYPE, n.finish_mode, n.testStatus?.completionMode);
    if (fact === null && req.query.get(RESUME_MARKER.name) === RESUME_MARKER.value) fact = 'resume';
    if (fact === null) {
      opts.log.warn({ vendor: 'mettl', orderId, eventType: n.EVENT_TYPE ?? null }, 'mettl notification of unknown type ignored');
      return [];
    }

    const sent = parseGmt(n.timestamp_GMT);
    // The instant the fact happened, shared with on-demand results so both paths dedupe (see factKey).
    // A finish notification is sent at the end: its timestamp_GMT is the results' end_time_GMT (the 2024 fixtures
    // agree to the second, docs/vendors/mettl.md#statuses).
    const at =
      fact === 'start'
        ? (parseGmt(n.start_time_GMT) ?? sent)
        : fact === 'resume'
          ? sent
          : (parseGmt(n.end_time_GMT ?? n.testStatus?.end_time_GMT) ?? sent);
    const fallback = `${n.invitation_key ?? ''}/${n.candidate_instance_id ?? ''}`;
    const update: StatusUpdate = {
      match: { orderId },
      status: FACT_STATUS[fact],
      vendorStatus: fact === 'resume' ? (n.EVENT_TYPE ?? VENDOR_STATUS.resume) : VENDOR_STATUS[fact],
      vendorTime: sent ?? at ?? opts.now(),
      dedupeKey: factKey(fact, at, fallback),
      raw: body,
    };
    if (fact === 'graded' || fact === 'graded-expired') {
      update.result = resultOf({
        psychometric: opts.isPsychometric?.(n.assessmentId ?? n.assessment_id) ?? false,
        marksScored: n.marks_scored,
        maxMarks: n.max_marks,
        sectionalScores: n.sectional_scores ?? null,
        testStatus: n.testStatus ?? undefined,
        endTimeGmt: n.end_time_GMT,
        htmlReport: n.htmlReport,
        pdfReport: n.pdfReport,
      });
    }
    return [update];
  };
}
