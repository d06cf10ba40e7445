// The tenant's `vendors.berke` block and the Berke fields of a package, validated with zod at start.
// Never echoes the API token in an error: VendorConfigError names the field only.
import { z } from 'zod';
import { vendorBaseUrl } from '../config.js';
import { VendorConfigError, type VendorContext } from '../../core/vendor-port.js';

/** The tenant's `vendors.berke` block. */
export const BerkeConfig = z.object({
  /** e.g. `https://site.berkeassessment.com/api`; methods are `{baseUrl}/{MethodName}`. */
  baseUrl: vendorBaseUrl(),
  /** docs/vendors/berke.md#performassessment: "Required. 1-50 characters. Case-sensitive." Server-side only. */
  apiToken: z.string().min(1).max(50),
  /** docs/vendors/berke.md#performassessment: optional API user, 1–50 characters; null = the token's default user. */
  username: z.string().min(1).max(50).nullable().optional(),
  pollIntervalSeconds: z.number().int().positive().default(300),
  /** Client-side limit for all of this tenant's Berke calls (the sample in docs/vendors/berke.md#throttling: 120 per 60 000 ms). */
  rateLimit: z
    .object({ calls: z.number().int().positive(), perMs: z.number().int().positive() })
    .default({ calls: 120, perMs: 60_000 }),
  maxConcurrentCalls: z.number().int().positive().max(64).default(8),
  timeoutMs: z.number().int().positive().default(20_000),
  /** A 429 asking for a longer wait than this ends the call with a retryable VendorError instead. */
  maxThrottleWaitMs: z.number().int().nonnegative().default(60_000),
  refreshBatchSize: z.number().int().positive().default(1000),
  /**
   * GetAssessmentStatus calls per poll cycle for orders the bulk GetCompletedAssessments does not settle (progress of
   * open assessments, scores that lag completion), oldest-checked first. Completion itself costs one call per 50.
   */
  statusChecksPerCycle: z.number().int().nonnegative().default(100),
});
export type BerkeConfig = z.infer<typeof BerkeConfig>;

/** A Berke package: the Berke job the assessment is for (null = the company's default job). */
export const BerkePackage = z.object({
  sourceJobId: z.string().min(1).max(50).optional(),
});

/** docs/vendors/berke.md#performassessment: onAssessmentCompleteRedirectToUrl is "Null or up to 150 characters". */
export const MAX_REDIRECT_URL = 150;
/** Longest order id we expect when checking the return URL at start (ours are ~21 characters). */
const PROBE_ORDER_ID = 'o'.repeat(32);

/** Refuses at start a publicUrl whose return URLs Berke could not take. */
export function checkReturnUrlLength(links: VendorContext['links']): void {
  const probe = links.returnUrl(PROBE_ORDER_ID);
  if (probe.length > MAX_REDIRECT_URL) {
    throw new VendorConfigError(
      'publicUrl',
      `publicUrl: Berke's return URL would be ${probe.length} characters; Berke accepts at most ${MAX_REDIRECT_URL}. Use a shorter publicUrl.`,
    );
  }
}
