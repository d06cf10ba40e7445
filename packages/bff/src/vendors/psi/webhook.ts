// Parses a PSI booking notification (NotificationRequest, seed 004) into one StatusUpdate.
// Never authenticates (the core has verified the bearer token before) and never guesses an order it cannot match.
import type { Booking } from '@ca/shared';
import { z } from 'zod';
import { WebhookInvalid, type PackageConfig, type StatusUpdate } from '../../core/vendor-port.js';
import { CHANGE_REASONS, STATUS_BY_CHANGE_REASON } from './status.js';

/**
 * The body PSI PUTs, as seed 004 documents it (all strings; PSI may also send an optional one empty).
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

/** seed 004: "YYYY-MM-DDThh:mm:ssZ" (UTC); an offset or fractions are accepted, the instant is what counts. */
const utcTime = z.iso.datetime({ offset: true });

/** PSI leaves some fields empty instead of out (seed 004, location_timezone: "this field will be empty"). */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Validates a PsiNotification. Required: what seed 004 does not mark "Optional" and we act on. */
export const NotificationRequest = z.object({
  /** Appointment id (aka confirmation id); stays the same across reschedules. */
  booking_code: z.string().min(1),
  /** Start of the booked exam, UTC. */
  booking_on: utcTime,
  // seed 004 lists the names without "Optional", but we never use them: a missing name must not bounce a
  // booking into PSI's manually replayed error queue.
  candidate_fname: optional(z.string()),
  candidate_lname: optional(z.string()),
  candidate_mname: optional(z.string()),
  /** The ATS's candidate id ("customer defined"). */
  candidate_id: z.string().min(1),
  change_reason: z.enum(CHANGE_REASONS),
  /** Our eligibility id, "if provided" (seed 004): the order's vendorRef. */
  client_eligibility_id: optional(z.string()),
  /** SITE_PROCTORED | ATLAS_REMOTE_PROCTORED; "all other delivery modes" exist, so any string is accepted. */
  delivery_mode: optional(z.string()),
  /** When this happened at PSI, UTC: the order of events (seed 004: "irrespective of the sequence in which these are received"). */
  effective_date: optional(utcTime),
  exam_code: optional(z.string()),
  exam_portions: optional(
    z.array(z.object({ portion_code: optional(z.string()), portion_name: optional(z.string()) })),
  ),
  /** Site-proctored only (seed 004). */
  location_address: optional(z.string()),
  location_code: optional(z.string()),
  location_name: optional(z.string()),
  /** IANA zone of the test center, or the one the candidate chose for remote delivery (seed 004). */
  location_timezone: optional(z.string().refine(isTimeZone, 'must be an IANA time zone')),
});
export type NotificationRequest = z.infer<typeof NotificationRequest>;

/** Parses the raw body; throws WebhookInvalid naming the first bad field (never its value). `raw` is the JSON as sent. */
export function parseNotification(body: string): { notification: NotificationRequest; raw: unknown } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new WebhookInvalid('The notification body is not JSON.');
  }
  const parsed = NotificationRequest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(body)';
    throw new WebhookInvalid(`Invalid PSI notification: ${path}: ${issue.message}`);
  }
  return { notification: parsed.data, raw: json };
}

const DELIVERY_MODES: Readonly<Record<string, NonNullable<Booking['deliveryMode']>>> = {
  SITE_PROCTORED: 'test_center',
  ATLAS_REMOTE_PROCTORED: 'remote',
};

/** The fact a notification states, matched to an order by our eligibility id, else by candidate id + exam code. */
export function toStatusUpdate(
  n: NotificationRequest,
  opts: { packages: readonly PackageConfig[]; observedAt: Date; raw: unknown },
): StatusUpdate {
  let match: StatusUpdate['match'];
  if (n.client_eligibility_id) {
    match = { vendorRef: n.client_eligibility_id };
  } else {
    if (!n.exam_code) throw new WebhookInvalid('The notification has neither client_eligibility_id nor exam_code.');
    const pkg = opts.packages.find((p) => p.examCode === n.exam_code);
    if (!pkg) throw new WebhookInvalid('No PSI package has the notification\'s exam_code.');
    match = { candidateId: n.candidate_id, packageId: pkg.id };
  }
  // effective_date is marked Optional in seed 004; without it the observed time is the best we have.
  const vendorTime = n.effective_date ? new Date(n.effective_date) : opts.observedAt;
  // No event id at PSI (VENDOR-NOTES §4.1): (booking_code, change_reason, effective_date) names the event.
  // Without effective_date, booking_on keeps two reschedules of one booking apart.
  const when = n.effective_date
    ? new Date(n.effective_date).toISOString()
    : `booking_on=${new Date(n.booking_on).toISOString()}`;
  const location = [n.location_name, n.location_address].filter(Boolean).join(', ');
  const deliveryMode = n.delivery_mode ? DELIVERY_MODES[n.delivery_mode] : undefined;
  const booking: Booking = {
    startsAt: new Date(n.booking_on).toISOString(),
    // seed 004: empty for delivery modes other than site and remote proctoring; the UTC start is then all we know.
    timeZone: n.location_timezone ?? 'UTC',
    code: n.booking_code,
    ...(location ? { location } : {}),
    ...(deliveryMode ? { deliveryMode } : {}),
  };
  return {
    match,
    status: STATUS_BY_CHANGE_REASON[n.change_reason],
    vendorStatus: n.change_reason,
    vendorTime,
    dedupeKey: `${n.booking_code}|${n.change_reason}|${when}`,
    booking,
    raw: opts.raw,
  };
}
