// Registering a candidate in a Mettl schedule, and what the answer means: a fresh single-use link, an attempt
// used up, or a refusal. Never takes a URL that is not http(s) for a link.
import { VendorError, type VendorContext, type VendorOrder } from '../../core/vendor-port.js';
import type { MettlClient } from './client.js';
import type { RegistrationEntry } from './wire.js';

/** What Mettl said about one candidate of a registration call. */
export type RegistrationOutcome =
  | { kind: 'link'; status: string; url: string }
  /** docs/vendors/mettl.md#schedules: "a unique email Id can only take a test once in a schedule": the attempt is used up. */
  | { kind: 'finished'; status: string }
  /** Mettl refused the candidate (`status: "ERROR"`, e.g. `"E607 : Candidate registration limit exceeded"`). */
  | { kind: 'refused'; status: string; code: string | undefined; message: string };

/** Statuses of a candidate who finished the test in a schedule (grv07/clat views.py: `Completed`; expired tests too). */
const FINISHED = new Set(['completed', 'expired', 'graded', 'testexpired']);
/**
 * Error codes of a refused registration worth trying again later. Mettl documents no list; only server-side faults
 * are assumed transient. E607 (registration limit), E028 and E401 (signature) need a person, so they fail the order.
 */
const TRANSIENT_CODES = new Set(['E500', 'E502', 'E503']);

/** Whether a Mettl error code names a passing fault worth trying again (docs/vendors/mettl.md#errors). */
export function isTransientCode(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT_CODES.has(code.toUpperCase());
}

function registrationOf(order: VendorOrder, tickets: VendorContext['tickets']) {
  const email = order.candidate.email;
  return {
    registrationDetails: [
      { 'Email Address': email, 'First Name': order.candidate.firstName, 'Last Name': order.candidate.lastName },
    ],
    // docs/vendors/mettl.md#notifications: context_data comes back in every notification; our ticket authenticates them.
    optionalParams: [{ email, context_data: tickets.sign(order.id) }],
  };
}

/** Registers (again) and returns Mettl's answer for this candidate. Each call issues a new single-use URL. */
export async function register(
  client: MettlClient,
  tickets: VendorContext['tickets'],
  accessKey: string,
  order: VendorOrder,
): Promise<RegistrationOutcome> {
  const res = await client.registerCandidates(accessKey, registrationOf(order, tickets), {
    allowMissingMandatoryRegistrationFields: 'true',
  });
  const email = order.candidate.email.toLowerCase();
  const entry = res.registrationStatus.find((r) => r.email?.toLowerCase() === email) ?? res.registrationStatus[0]!;
  return outcomeOf(entry);
}

export function outcomeOf(entry: RegistrationEntry): RegistrationOutcome {
  const status = entry.status ?? 'ToBeTaken';
  const url = entry.url && /^https?:\/\//i.test(entry.url) ? entry.url : undefined;
  const norm = status.replace(/[\s_-]/g, '').toLowerCase();
  if (url && norm !== 'error') return { kind: 'link', status, url };
  if (FINISHED.has(norm)) return { kind: 'finished', status };
  const text = entry.message ?? entry.error?.message;
  const code = entry.code ?? entry.error?.code ?? codeInMessage(text);
  const message = (text ?? `Mettl registered the candidate as ${status} without a link`).slice(0, 300);
  return { kind: 'refused', status, code, message };
}

/**
 * The error code Mettl writes at the start of an entry's message, `"E607 : Candidate registration limit exceeded"`
 * (docs/vendors/mettl.md#registration): entries carry `status`, `message`, `email`, `url` and no code field.
 */
export function codeInMessage(message: string | undefined): string | undefined {
  return /^\s*(E\d{3,4})\s*[:\-–]/.exec(message ?? '')?.[1];
}

/** A refused registration as the error the job runner retries (transient codes) or fails the order with. */
export function refusal(r: Extract<RegistrationOutcome, { kind: 'refused' }>): VendorError {
  const retryable = isTransientCode(r.code);
  return new VendorError(`Mettl refused to register the candidate: ${r.message}${r.code ? ` (${r.code})` : ''}.`, {
    retryable,
    code: retryable ? 'vendor_unavailable' : 'vendor_rejected',
    ...(r.code ? { vendorCode: r.code } : {}),
  });
}
