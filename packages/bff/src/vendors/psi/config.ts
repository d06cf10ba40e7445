// The tenant's `vendors.psi` block and the PSI fields of a package, validated with zod at start.
// Never echoes a client secret in an error: VendorConfigError names the field only.
import { z } from 'zod';

/** The placeholders a scheduling URL may use. */
export const PLACEHOLDERS = ['eligibilityId', 'candidateId', 'examCode'] as const;

/** `vendors.psi` (docs/operations.md#configuration-reference). */
export const PsiConfig = z.object({
  /** Who may get a bearer token from `POST /oauth/token` to PUT notifications to our hook. */
  clients: z
    .array(z.object({ clientId: z.string().min(1), clientSecret: z.string().min(16, 'must be at least 16 characters') }))
    .min(1),
  /** Where the candidate books; `{eligibilityId}` is required, `{candidateId}` and `{examCode}` optional. */
  schedulingUrl: z
    .string()
    .refine((u) => URL.canParse(u.replace(/\{\w+\}/g, 'x')), 'must be an http(s) URL')
    .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL')
    .refine((u) => u.includes('{eligibilityId}'), 'must contain {eligibilityId}')
    .refine(
      (u) => [...u.matchAll(/\{(\w+)\}/g)].every((m) => (PLACEHOLDERS as readonly string[]).includes(m[1]!)),
      `may only use the placeholders ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
    ),
  /** PSI is never polled; kept because every vendor block accepts it. */
  pollIntervalSeconds: z.number().int().positive().optional(),
});

/** A PSI package names the exam as PSI knows it: notifications without our eligibility id match on it. */
export const PsiPackage = z.object({ examCode: z.string().min(1) });
