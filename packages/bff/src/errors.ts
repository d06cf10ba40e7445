// One error hierarchy with stable codes (the code union lives in @ca/shared). app.onError maps these to
// {"error":{"code","message"}}; anything else becomes a 500 with no detail.
import type { ErrorCode } from '@ca/shared';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 429 | 500 | 502 | 503,
    message: string,
    options?: {
      cause?: unknown;
      /** `WWW-Authenticate` of a 401 when it is not the widget/API bearer challenge; null sends none. */
      challenge?: string | null;
      /** Seconds for `Retry-After` (429, 503). */
      retryAfterSeconds?: number;
    },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    if (options?.challenge !== undefined) this.challenge = options.challenge;
    if (options?.retryAfterSeconds !== undefined) this.retryAfterSeconds = Math.max(1, Math.ceil(options.retryAfterSeconds));
  }
  readonly challenge?: string | null;
  readonly retryAfterSeconds?: number;
}

export const badRequest = (message: string) => new AppError('bad_request', 400, message);
export const validationFailed = (message: string) => new AppError('validation_failed', 400, message);
export const unauthorized = (code: 'unauthorized' | 'token_missing' | 'token_invalid' | 'token_expired', message: string) =>
  new AppError(code, 401, message);
export const forbidden = (message: string) => new AppError('forbidden', 403, message);
export const orderNotFound = () => new AppError('order_not_found', 404, 'No such order for this candidate.');
export const packageNotFound = (id: string) => new AppError('package_not_found', 404, `Package ${JSON.stringify(id)} is not in this tenant's catalog.`);
export const idempotencyConflict = () =>
  new AppError('idempotency_conflict', 409, 'This Idempotency-Key was used with a different request body.');
export const vendorUnavailable = (message: string) => new AppError('vendor_unavailable', 502, message);
export const rateLimited = (message: string, retryAfterSeconds: number) => new AppError('rate_limited', 429, message, { retryAfterSeconds });
