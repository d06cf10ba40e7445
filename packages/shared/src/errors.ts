// Stable error codes of the HTTP API. The widget switches on these; never rename one.
import { z } from 'zod';

export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'token_missing',
  'token_invalid',
  'token_expired',
  'forbidden',
  'origin_not_allowed',
  'not_found',
  'order_not_found',
  'package_not_found',
  'tenant_not_found',
  'idempotency_conflict',
  'idempotency_key_required',
  'link_expired',
  'link_used',
  'report_unavailable',
  'launch_unavailable',
  'action_unavailable',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'vendor_unavailable',
  'vendor_rejected',
  'webhook_unauthorized',
  'no_matching_order',
  'not_ready',
  'internal',
] as const;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiError = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;
