// PSI's NotificationRequest as the sandbox sends it, declared from docs/vendors/psi.md#notifications (the sandbox's own copy: it never
// imports the BFF's parser types, so the two cannot be wrong together).
// @see https://apidocs.psiexams.com/booking-events-service/resources/notificationrequest

/** docs/vendors/psi.md#change-reasons: "change_reason … Possible values are". */
export const CHANGE_REASONS = [
  'BOOKING_CREATED',
  'BOOKING_CANCELLED',
  'BOOKING_RESCHEDULED',
  'EXAM_COMPLETED',
  'EXCUSED_ABSENT',
  'ABSENT',
] as const;
export type ChangeReason = (typeof CHANGE_REASONS)[number];

/** docs/vendors/psi.md#notifications: `delivery_mode` values. */
export type DeliveryMode = 'SITE_PROCTORED' | 'ATLAS_REMOTE_PROCTORED';

/** The body PSI PUTs (docs/vendors/psi.md#notifications "Request body"); the sandbox leaves out what a real event may leave out. */
export interface PsiNotification {
  booking_code: string;
  /** Start of the booking, UTC `YYYY-MM-DDThh:mm:ssZ`. */
  booking_on?: string;
  candidate_fname?: string;
  /** "customer defined Candidate ID". */
  candidate_id: string;
  candidate_lname?: string;
  candidate_mname?: string;
  change_reason: ChangeReason | (string & {});
  client_eligibility_id?: string;
  delivery_mode?: DeliveryMode | (string & {});
  /** When the event happened at PSI, UTC; receivers order events by it. */
  effective_date?: string;
  exam_code?: string;
  exam_portions?: { portion_code?: string; portion_name?: string }[];
  /** Site-proctored bookings only. */
  location_address?: string;
  location_code?: string;
  location_name?: string;
  /** IANA time zone of the booking. */
  location_timezone?: string;
}

/** docs/vendors/psi.md#notifications: "YYYY-MM-DDThh:mm:ssZ". */
export function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}
