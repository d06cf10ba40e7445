// Parses a PSI booking notification (NotificationRequest, docs/vendors/psi.md#notifications) into one StatusUpdate.
// Never authenticates (the core has verified the bearer token before), never guesses an order it cannot match, and
// never refuses a matching notification for an optional or unknown field (PSI's refusals go to a manual queue).
import type { Booking } from '@ca/shared';
import { z } from 'zod';
import { WebhookInvalid, type PackageConfig, type StatusUpdate } from '../../core/vendor-port.js';
import { BOOKING_RELEASED, CHANGE_REASONS, STATUS_BY_CHANGE_REASON, type ChangeReason } from './status.js';

/**
 * The body PSI PUTs, as docs/vendors/psi.md#notifications documents it (all strings; PSI may also send an optional one empty).
 * @see https://apidocs.psiexams.com/booking-events-service/resources/notificationrequest
 */
export interface PsiNotification {
  booking_code: string;
  booking_on: string;
  candidate_fname?: string;
  candidate_id: string;
  candidate_lname?: string;
  candidate_mname?: string;
  change_reason: string;
  client_eligibility_id?: string;
  delivery_mode?: string;
  effective_date?: string;
  exam_code?: string;
  exam_portions?: { portion_code?: string; portion_name?: string }[];
  location_address?: string;
  location_code?: string;
  location_name?: string;
  location_timezone?: string;
}

/** docs/vendors/psi.md#notifications: "YYYY-MM-DDThh:mm:ssZ" (UTC); an offset or fractions are accepted, the instant is what counts. */
const utcTime = z.iso.datetime({ offset: true });

/**
 * A field we use if it is well formed and otherwise ignore: PSI sends a refused notification to a manually replayed
 * error queue (docs/vendors/psi.md#responses-and-retries), so an optional, empty or odd field must never bounce a notification that matches an order.
 * Only a body that is not a JSON object, or one that matches no order, is refused.
 */
function lenient<T extends z.ZodType>(schema: T) {
  // One parse per field: its result is the value (a check first and a second parse for the value cost twice).
  return z.unknown().transform((v): z.output<T> | undefined => {
    if (v === '' || v === null || v === undefined) return undefined;
    const r = schema.safeParse(v);
    return r.success ? r.data : undefined;
  }).optional();
}

/** Answers already given: building an Intl.DateTimeFormat costs far more than the rest of a parse. */
const zones = new Map<string, boolean>();

export function isTimeZone(tz: string): boolean {
  const known = zones.get(tz);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    valid = true;
  } catch {
    valid = false;
  }
  if (zones.size >= 1000) zones.clear(); // bounded: names come from vendor input
  zones.set(tz, valid);
  return valid;
}

const text = z.string().trim().min(1);

/** The NotificationRequest as we read it: every field optional and checked on its own (see `lenient`). */
export const NotificationRequest = z.object({
  /** Appointment id (aka confirmation id); stays the same across reschedules. */
  booking_code: lenient(text),
  /** Start of the booked exam, UTC. Not always sent on a cancellation or absence. */
  booking_on: lenient(utcTime),
  candidate_fname: lenient(z.string()),
  candidate_lname: lenient(z.string()),
  candidate_mname: lenient(z.string()),
  /** The ATS's candidate id ("customer defined"); may be empty when our eligibility id is echoed. */
  candidate_id: lenient(text),
  /** One of CHANGE_REASONS; another value is kept in history without moving the order. */
  change_reason: lenient(text),
  /** Our eligibility id, "if provided" (docs/vendors/psi.md#matching): the order's vendorRef. */
  client_eligibility_id: lenient(text),
  /** SITE_PROCTORED | ATLAS_REMOTE_PROCTORED; "all other delivery modes" exist, so any string is accepted. */
  delivery_mode: lenient(z.string()),
  /** When this happened at PSI, UTC: the order of events (docs/vendors/psi.md#ordering: "irrespective of the sequence in which these are received"). */
  effective_date: lenient(utcTime),
  exam_code: lenient(text),
  exam_portions: lenient(
    z.array(z.object({ portion_code: z.string().optional().nullable(), portion_name: z.string().optional().nullable() })),
  ),
  /** Site-proctored only (docs/vendors/psi.md#notifications). */
  location_address: lenient(z.string()),
  location_code: lenient(z.string()),
  location_name: lenient(z.string()),
  /** docs/vendors/psi.md#time-zones says IANA ("Country/zone"); any other text is kept as the vendor's label with the UTC instant. */
  location_timezone: lenient(z.string()),
});
export type NotificationRequest = z.infer<typeof NotificationRequest>;

/** How `NotificationRequest` reads each of its fields (its schema, by name), in the schema's key order. */
const FIELD_KINDS = {
  booking_code: 'text', booking_on: 'time', candidate_fname: 'string', candidate_lname: 'string', candidate_mname: 'string',
  candidate_id: 'text', change_reason: 'text', client_eligibility_id: 'text', delivery_mode: 'string', effective_date: 'time',
  exam_code: 'text', exam_portions: 'portions', location_address: 'string', location_code: 'string', location_name: 'string',
  location_timezone: 'string',
} as const satisfies Record<keyof NotificationRequest, 'text' | 'string' | 'time' | 'portions'>;
const FIELDS = Object.entries(FIELD_KINDS) as [keyof NotificationRequest, (typeof FIELD_KINDS)[keyof typeof FIELD_KINDS]][];
/** zod's own pattern for `utcTime`, so both readers accept the same times. */
const UTC_TIME = utcTime._zod.def.pattern!;

type Portion = { portion_code?: string | null; portion_name?: string | null };

/** `z.array(z.object({portion_code, portion_name}))` of exam_portions: undefined when any entry does not match. */
function portionsOf(v: unknown): Portion[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: Portion[] = [];
  for (const p of v as unknown[]) {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return undefined;
    const e: Portion = {};
    for (const k of ['portion_code', 'portion_name'] as const) {
      if (!(k in p)) continue;
      const x = (p as Record<string, unknown>)[k];
      if (x !== undefined && x !== null && typeof x !== 'string') return undefined;
      e[k] = x as string | null | undefined;
    }
    out.push(e);
  }
  return out;
}

/** One field as `lenient(schema)` reads it. */
function fieldOf(kind: (typeof FIELDS)[number][1], v: unknown): unknown {
  if (v === '' || v === null || v === undefined) return undefined;
  switch (kind) {
    case 'text': {
      if (typeof v !== 'string') return undefined;
      const t = v.trim();
      return t.length >= 1 ? t : undefined;
    }
    case 'string':
      return typeof v === 'string' ? v : undefined;
    case 'time':
      UTC_TIME.lastIndex = 0;
      return typeof v === 'string' && UTC_TIME.test(v) ? v : undefined;
    case 'portions':
      return portionsOf(v);
  }
}

/**
 * `NotificationRequest.parse(json)` of a JSON object, written out: the schema stays the specification (and the tests'
 * reference, webhook-read.test.ts), this is what runs per notification. zod's generic object walk, a transform and a
 * safeParse per field were about 7 % of the BFF's main thread at ingest. Same values, same keys in the same order: a
 * field sent is a key (undefined when unusable), a field not sent is no key.
 */
export function readNotification(json: object): NotificationRequest {
  const out: Record<string, unknown> = {};
  const sent = json as Record<string, unknown>;
  for (const [key, kind] of FIELDS) if (key in sent) out[key] = fieldOf(kind, sent[key]);
  return out as NotificationRequest;
}

/** Parses the raw body; throws WebhookInvalid only when it is not a JSON object. `raw` is the JSON as sent. */
export function parseNotification(body: string): { notification: NotificationRequest; raw: unknown } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new WebhookInvalid('The notification body is not JSON.');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new WebhookInvalid('Invalid PSI notification: (body): must be a JSON object');
  }
  return { notification: readNotification(json), raw: json };
}

const FIELD_NAMES = Object.keys(FIELD_KINDS) as (keyof NotificationRequest)[];

/** Names of the fields of `raw` that were sent but could not be used (for the log; never their values). */
export function ignoredFields(raw: unknown, n: NotificationRequest): string[] {
  const sent = raw as Record<string, unknown>;
  return FIELD_NAMES.filter(
    (k) => sent[k] !== undefined && sent[k] !== null && sent[k] !== '' && n[k as keyof NotificationRequest] === undefined,
  );
}

const DELIVERY_MODES: Readonly<Record<string, NonNullable<Booking['deliveryMode']>>> = {
  SITE_PROCTORED: 'test_center',
  ATLAS_REMOTE_PROCTORED: 'remote',
};

const isChangeReason = (r: string | undefined): r is ChangeReason => (CHANGE_REASONS as readonly string[]).includes(r ?? '');

/**
 * How a notification names its order (docs/vendors/psi.md#matching): our eligibility id, else candidate id + exam
 * code; an eligibility id we did not issue (made in PSI by another system) falls back to candidate id + exam code.
 * Throws WebhookInvalid only when it cannot name an order at all (PSI's 400: "no matching candidate/exam").
 */
function matchOf(n: NotificationRequest, packages: readonly PackageConfig[]): StatusUpdate['match'] {
  const pkg = n.exam_code ? packages.find((p) => p.examCode === n.exam_code) : undefined;
  const byCandidate = n.candidate_id && pkg ? { candidateId: n.candidate_id, packageId: pkg.id } : undefined;
  if (n.client_eligibility_id) return { vendorRef: n.client_eligibility_id, ...(byCandidate ? { orElse: byCandidate } : {}) };
  if (!n.candidate_id || !n.exam_code) {
    throw new WebhookInvalid('The notification has neither client_eligibility_id nor candidate_id and exam_code.');
  }
  if (!byCandidate) throw new WebhookInvalid('No PSI package has the notification\'s exam_code.');
  return byCandidate;
}

/** The fact a notification states, matched as `matchOf` says. */
export function toStatusUpdate(
  n: NotificationRequest,
  opts: { packages: readonly PackageConfig[]; observedAt: Date; raw: unknown },
): StatusUpdate {
  const match = matchOf(n, opts.packages);
  // effective_date is marked Optional in docs/vendors/psi.md#notifications; without it the observed time is the best we have.
  const vendorTime = n.effective_date ? new Date(n.effective_date) : opts.observedAt;
  const reason = n.change_reason ?? 'UNKNOWN';
  // No event id at PSI (docs/vendors/psi.md#deduplication): (booking_code, change_reason, effective_date) names the event.
  // Without effective_date, booking_on keeps two reschedules of one booking apart.
  const when = n.effective_date
    ? new Date(n.effective_date).toISOString()
    : n.booking_on
      ? `booking_on=${new Date(n.booking_on).toISOString()}`
      : `observed=${opts.observedAt.toISOString()}`;
  const update: StatusUpdate = {
    match,
    // An undocumented change_reason is kept in the order's history as a fact that cannot move the order:
    // `requested` ranks below every state a PSI order reaches, so the state machine records it as history only.
    status: isChangeReason(reason) ? STATUS_BY_CHANGE_REASON[reason] : 'requested',
    vendorStatus: reason,
    vendorTime,
    dedupeKey: `${n.booking_code ?? n.client_eligibility_id ?? n.candidate_id}|${reason}|${when}`,
    raw: opts.raw,
  };
  const booking = bookingOf(n);
  if (booking && isChangeReason(reason)) {
    // bookingOf made this object for this update alone, so it is marked in place: a copy by `{ ...booking, cancelled:
    // true }` (a spread given a new key) gets a hidden class of its own each time on Node 20 once optimised.
    if (BOOKING_RELEASED.includes(reason)) booking.cancelled = true;
    update.booking = booking;
  }
  return update;
}

/** The booking a notification describes, or none without booking_on (a cancellation or absence may omit it). */
function bookingOf(n: NotificationRequest): Booking | null {
  if (!n.booking_on) return null;
  const location = [n.location_name, n.location_address].filter(Boolean).join(', ');
  const deliveryMode = n.delivery_mode ? DELIVERY_MODES[n.delivery_mode] : undefined;
  const zone = n.location_timezone?.trim();
  const iana = zone !== undefined && isTimeZone(zone);
  return {
    startsAt: new Date(n.booking_on).toISOString(),
    // docs/vendors/psi.md#time-zones: empty for delivery modes other than site and remote proctoring; the UTC start is then all we know.
    // A zone that is not IANA (e.g. "Eastern Standard Time") cannot be used to show the time: UTC, with PSI's text.
    timeZone: iana ? zone : 'UTC',
    ...(zone && !iana ? { timeZoneLabel: zone } : {}),
    ...(n.booking_code ? { code: n.booking_code } : {}),
    ...(location ? { location } : {}),
    ...(deliveryMode ? { deliveryMode } : {}),
  };
}
