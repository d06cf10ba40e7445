// Widget token claims (docs/contracts.md#widget-tokens). Browser-safe: no signing here, see server.ts.
import { z } from 'zod';

export const TOKEN_AUDIENCE = 'candidate-assessment';
/** Longest life a widget token may have. */
export const MAX_TOKEN_TTL_SECONDS = 15 * 60;
/** Clock skew accepted when checking `exp`/`iat`. */
export const TOKEN_LEEWAY_SECONDS = 30;

export const Role = z.enum(['recruiter', 'candidate']);
export type Role = z.infer<typeof Role>;

export const CandidateInfo = z.object({
  firstName: z.string().min(1).max(100),
  lastName: z.string().min(1).max(100),
  email: z.string().email().max(254),
  locale: z.string().min(2).max(35).optional(),
});
export type CandidateInfo = z.infer<typeof CandidateInfo>;

export const JobInfo = z.object({
  id: z.string().min(1).max(200),
  title: z.string().min(1).max(300),
});
export type JobInfo = z.infer<typeof JobInfo>;

export const WidgetClaims = z.object({
  iss: z.string().min(1),
  aud: z.union([z.literal(TOKEN_AUDIENCE), z.array(z.string()).refine((a) => a.includes(TOKEN_AUDIENCE))]),
  sub: z.string().min(1).max(200),
  role: Role,
  cand: CandidateInfo,
  job: JobInfo.optional(),
  act: z.string().max(200).optional(),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string().min(1).max(200),
});
export type WidgetClaims = z.infer<typeof WidgetClaims>;
