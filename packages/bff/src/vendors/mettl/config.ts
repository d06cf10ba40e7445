// The tenant's `vendors.mettl` block and the Mettl fields of a package, validated with zod at start.
// Never echoes a key in an error: VendorConfigError names the field only.
import { z } from 'zod';
import { vendorBaseUrl } from '../config.js';

export const MettlConfig = z.object({
  /** v2 host; EU accounts use `https://api.mercermettl.eu/v2` (docs/vendors/mettl.md#hosts). */
  baseUrl: vendorBaseUrl()
    .refine((u) => !u.includes('?'), 'must be a URL without a query')
    .default('https://api.mettl.com/v2'),
  publicKey: z.string().min(1),
  privateKey: z.string().min(1),
  /** HTTP Basic credentials Mettl sends with every notification (`testNotificationBasicAuthHeader`). */
  webhookUser: z.string().min(1).refine((u) => !u.includes(':'), 'must not contain ":"'),
  webhookPassword: z.string().min(1),
  pollIntervalSeconds: z.number().int().positive().default(300),
  /** An open order with no notification for this long is checked with Get Results of All Candidates in Schedule. */
  reconcileAfterSeconds: z.number().int().nonnegative().default(900),
  /** `sc.sourceApp` (mandatory) and the prefix of the schedule names we create. */
  sourceApp: z.string().min(1).max(60).default('candidate-assessment'),
  /**
   * Only `OpenForAll`: in a `ByInvitation` schedule Mettl issues registration links only for candidates already added
   * to the schedule (register-candidates KB, docs/vendors/mettl.md#registration), which this integration does not do.
   */
  accessType: z
    .enum(['OpenForAll', 'ByInvitation'])
    .default('OpenForAll')
    .refine(
      (t) => t === 'OpenForAll',
      'ByInvitation is not supported: Mettl registers candidates into a ByInvitation schedule only once they were added to it, which this integration does not do. Use OpenForAll (candidates still need our single-use link).',
    ),
  /** Schedules ("1st attempt", "2nd attempt", … — docs/vendors/mettl.md#schedules) tried before giving up on a retake. */
  maxAttempts: z.number().int().min(1).max(50).default(10),
  timeoutMs: z.number().int().positive().default(15_000),
});
export type MettlConfig = z.infer<typeof MettlConfig>;

export const MettlPackage = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  assessmentId: z.union([z.string().min(1), z.number().int()]).transform(String),
  kind: z.string().optional(),
  /**
   * A psychometric assessment: docs/vendors/mettl.md#results says "do not consider any of the scores in the JSON response", so no score is
   * shown; the recommendation and response style are asked for (`ir`, `rs`) and shown instead. Default: kind personality.
   */
  psychometric: z.boolean().optional(),
});
export type MettlPackage = z.infer<typeof MettlPackage>;

/** Whether a package's results are psychometric (no score shown, recommendation asked for). */
export const isPsychometric = (pkg: MettlPackage): boolean => pkg.psychometric ?? pkg.kind === 'personality';
