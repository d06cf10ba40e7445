// Mettl's wire shapes as the sandbox reads and writes them: the `sc`/`rd` JSON parameters, the error body and
// the time formats of notifications (docs/vendors/mettl.md#schedules). No state, no I/O.
import { z } from 'zod';

/** create-schedule-api: `name`, `sourceApp` and `access.type` are mandatory. */
export const ScSchema = z
  .object({
    name: z.string().min(1),
    sourceApp: z.string().min(1),
    access: z.object({ type: z.enum(['OpenForAll', 'ByInvitation']) }).loose(),
  })
  .loose();

/** register-candidates-in-schedule-api: at most 20 candidates; `optionalParams[].context_data` is echoed in notifications. */
export const RdSchema = z.object({
  registrationDetails: z.array(z.record(z.string(), z.unknown())).min(1).max(20),
  optionalParams: z.array(z.object({ email: z.string(), context_data: z.string().optional() }).loose()).optional(),
});

/** The `sc` keys naming notification URLs, compared without case (the docs write both `…Url` and `…URL`). */
export const SC_URL_KEYS = {
  start: 'teststartnotificationurl',
  finish: 'testfinishnotificationurl',
  graded: 'testgradednotificationurl',
  resume: 'testresumeenabledforexpiredtesturl',
} as const;

/** `{"status":"ERROR","error":{"code","message"}}` (MettlHelper.java, Rails Mettl::CreateSchedule). */
export const errorBody = (code: string, message: string) => ({ status: 'ERROR', error: { code, message } });

export function parseJsonParam(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** "Fri, 29 Aug 2014 08:55:26 GMT": `timestamp_GMT` of notifications (RFC 1123, whole seconds). */
export function gmt(d: Date): string {
  return d.toUTCString();
}

/** "Fri, 16 Aug 2024 13:14:13 UTC", as the graded notification writes `*_GMT` times. */
export function utc(d: Date): string {
  return d.toUTCString().replace(/GMT$/, 'UTC');
}

/** The local-time strings Mettl adds ("Fri, 16 Aug 2024 18:44:13 IST"); an Indian account in the sample. */
export function ist(d: Date): string {
  return new Date(d.getTime() + 330 * 60_000).toUTCString().replace(/GMT$/, 'IST');
}

/** The control API shows schedules without the Basic credentials Mettl was given. */
export function redactSc(sc: Record<string, unknown>): Record<string, unknown> {
  const { testNotificationBasicAuthHeader, ...rest } = sc;
  return { ...rest, testNotificationBasicAuthHeader: testNotificationBasicAuthHeader ? '(set)' : null };
}
