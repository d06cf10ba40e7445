// Request and response bodies of the HTTP API (docs/contracts.md#http-api). These also generate /openapi.json.
import { z } from 'zod';
import { ActionName } from './actions.js';
import { Order, Package } from './order.js';
import { OrderStatus } from './status.js';
import { CandidateInfo, JobInfo, MAX_TOKEN_TTL_SECONDS, Role } from './token.js';

export const WidgetSessionRequest = z.object({
  role: Role,
  candidate: CandidateInfo.extend({ id: z.string().min(1).max(200) }),
  job: JobInfo.optional(),
  actor: z.string().min(1).max(200).optional(),
  ttlSeconds: z.number().int().min(30).max(MAX_TOKEN_TTL_SECONDS).optional(),
});
export type WidgetSessionRequest = z.infer<typeof WidgetSessionRequest>;

export const WidgetSessionResponse = z.object({
  token: z.string(),
  expiresAt: z.string().datetime({ offset: true }),
});
export type WidgetSessionResponse = z.infer<typeof WidgetSessionResponse>;

export const PackagesResponse = z.object({ packages: z.array(Package) });
export type PackagesResponse = z.infer<typeof PackagesResponse>;

export const OrdersResponse = z.object({ orders: z.array(Order) });
export type OrdersResponse = z.infer<typeof OrdersResponse>;

export const OrderResponse = z.object({ order: Order });
export type OrderResponse = z.infer<typeof OrderResponse>;

export const CreateOrderRequest = z.object({
  packageId: z.string().min(1).max(200),
  /** Only with an API key: whose order this is. A widget token names the candidate itself. */
  candidateId: z.string().min(1).max(200).optional(),
  /** Only with an API key: the candidate's details the vendor needs. */
  candidate: CandidateInfo.optional(),
  job: JobInfo.optional(),
});
export type CreateOrderRequest = z.infer<typeof CreateOrderRequest>;

/**
 * `launch` for the candidate (and recruiter preview); `report` and `evaluation` (a second recruiter view some vendors
 * offer, e.g. a video evaluation; available when the result has the `video_evaluation` flag) for recruiters and API keys.
 */
export const LinkKind = z.enum(['launch', 'report', 'evaluation']);
export type LinkKind = z.infer<typeof LinkKind>;

export const CreateLinkRequest = z.object({ kind: LinkKind });
export type CreateLinkRequest = z.infer<typeof CreateLinkRequest>;

export const LinkResponse = z.object({
  url: z.string().url(),
  expiresAt: z.string().datetime({ offset: true }),
});
export type LinkResponse = z.infer<typeof LinkResponse>;

/** Longest life of a single-use link ticket. */
export const LINK_TTL_SECONDS = 10 * 60;
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export const HistoryEntry = z.object({
  status: OrderStatus,
  vendorStatus: z.string(),
  /** When the vendor says it happened. */
  vendorTime: z.string().datetime({ offset: true }),
  /** When we received it. */
  receivedAt: z.string().datetime({ offset: true }),
  source: z.enum(['placement', 'webhook', 'poll', 'job', 'recruiter']),
  /** With `recruiter`: the action and who took it (the token's `act`; null for an API key). */
  action: z.string().nullable().default(null),
  actor: z.string().nullable().default(null),
  /** False when it arrived after a newer fact and went to history only. */
  applied: z.boolean(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const HistoryResponse = z.object({ history: z.array(HistoryEntry) });
export type HistoryResponse = z.infer<typeof HistoryResponse>;

/** `DELETE /v1/candidates/{id}`: what was erased. `auditRef` names the candidate in the audit trail from now on. */
export const CandidateErasureResponse = z.object({
  candidateId: z.string(),
  erasedAt: z.string(),
  orders: z.number().int().nonnegative(),
  auditRef: z.string(),
});
export type CandidateErasureResponse = z.infer<typeof CandidateErasureResponse>;

/** What a recruiter action did. `order` is the order acted on (for `retake`: the new order). */
export const ActionResponse = z.object({
  order: Order,
  action: ActionName,
  /** False when the action had been done already (same Idempotency-Key, or the order was already cancelled). */
  changed: z.boolean(),
  /** The vendor call made; null when the vendor has none and it was marked here only. */
  vendorCall: z.string().nullable(),
  /** A sentence for the recruiter: what happened, and what did not. */
  message: z.string(),
  /** `remind` only: `vendor` when the vendor emailed the candidate; `ats` when the ATS must send `url` itself. */
  sentBy: z.enum(['vendor', 'ats']).optional(),
  url: z.string().url().optional(),
});
export type ActionResponse = z.infer<typeof ActionResponse>;
