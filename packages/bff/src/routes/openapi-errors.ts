// Every error code of the HTTP API with its status, when it comes and what the caller does about it: the `ApiError`
// description in /openapi.json, the error examples of each operation, and the table in docs/api.md#error-codes
// (openapi.test.ts checks that the table has exactly these rows).
import type { ErrorCode } from '@ca/shared';

export interface ErrorGuide {
  /** The HTTP status it comes with (the first, where there are two). */
  status: number;
  /** When it comes. */
  when: string;
  /** What the caller does about it. */
  todo: string;
  /** A message the BFF writes for it (the message is for people: switch on `code`, never on the message). */
  example: string;
}

export const ERROR_GUIDE: Record<ErrorCode, ErrorGuide> = {
  bad_request: {
    status: 400,
    when: 'The request lacks something its caller must send (e.g. `candidateId` with an API key) or is malformed.',
    todo: 'Fix the request as the message says; do not retry it unchanged.',
    example: 'With an API key, name the candidate: candidateId.',
  },
  validation_failed: {
    status: 400,
    when: 'The body, a parameter or a header does not match the schema; the message names the field.',
    todo: 'Fix the named field (see the operation\'s schema); do not retry it unchanged.',
    example: 'candidate.email: Invalid email address',
  },
  unauthorized: {
    status: 401,
    when: 'The API key (or the metrics token) is not one of the tenant\'s.',
    todo: 'Check the key your back end sends: the tenant\'s `apiKeys` in the BFF config.',
    example: 'The API key is not valid.',
  },
  token_missing: {
    status: 401,
    when: 'No `Authorization: Bearer …` header.',
    todo: 'Send a widget token or the API key as `Authorization: Bearer …`.',
    example: 'Send a widget token or API key as "Authorization: Bearer …".',
  },
  token_invalid: {
    status: 401,
    when: 'The widget token\'s signature, `kid`, `iss`, `aud` or lifetime is wrong.',
    todo: 'Mint tokens with `POST /v1/widget-sessions` (or `mintWidgetToken` with a current widget key); do not build them by hand.',
    example: 'The token signature or claims are invalid.',
  },
  token_expired: {
    status: 401,
    when: 'The widget token is past its `exp` (tokens live at most 15 minutes).',
    todo: 'Mint a fresh token; the widget does so itself through `fetchToken` and retries once.',
    example: 'The token has expired.',
  },
  forbidden: {
    status: 403,
    when: 'The credentials are valid but may not do this: a candidate token on a recruiter operation, a token for another candidate, or a widget token minting tokens.',
    todo: 'Use a recruiter token or the API key for recruiter operations.',
    example: 'A candidate token cannot do this.',
  },
  origin_not_allowed: {
    status: 403,
    when: 'A widget token came from a page whose origin is not in the tenant\'s `allowedOrigins`. The answer carries CORS headers so the page can read it, and no data.',
    todo: 'Add the origin the message names to `tenants.<tenant>.allowedOrigins` in the BFF config (`ca dev --origin <origin>` in development).',
    example: 'Origin http://localhost:3000 is not allowed for tenant acme: add it to tenants.acme.allowedOrigins in the BFF config.',
  },
  not_found: {
    status: 404,
    when: 'No such route, vendor, tenant or link.',
    todo: 'Check the URL; a link that is not valid cannot be repaired: mint a new one.',
    example: 'This link is not valid.',
  },
  order_not_found: {
    status: 404,
    when: 'No order with this id that this caller may see (another candidate\'s order looks the same, by design).',
    todo: 'Check the order id and that the token or `candidateId` is for the order\'s candidate.',
    example: 'No such order for this candidate.',
  },
  package_not_found: {
    status: 404,
    when: 'The `packageId` is not in the tenant\'s catalog.',
    todo: 'Pick an id from `GET /v1/packages`.',
    example: 'Package "java-senior" is not in this tenant\'s catalog.',
  },
  tenant_not_found: {
    status: 404,
    when: 'Reserved: not sent by this version (an unknown tenant is `not_found` or `token_invalid`).',
    todo: 'Check the tenant id.',
    example: 'No such tenant.',
  },
  idempotency_conflict: {
    status: 409,
    when: 'This `Idempotency-Key` was used before with another request, or the first request with it is still running (then with `Retry-After`).',
    todo: 'Use a new key for each new intent; reuse a key only to repeat the very same request. While one still runs, wait `Retry-After` and send it again to get its answer (docs/api.md#idempotency).',
    example: 'This Idempotency-Key was used with a different request body.',
  },
  idempotency_key_required: {
    status: 400,
    when: 'Reserved: not sent by this version (`Idempotency-Key` is optional).',
    todo: 'Send an `Idempotency-Key` header.',
    example: 'Send an Idempotency-Key header.',
  },
  link_expired: {
    status: 410,
    when: 'The single-use link is older than 10 minutes.',
    todo: 'Mint a new link (`POST /v1/orders/{id}/links`); the widget does so on each click.',
    example: 'This link has expired. Go back and open the assessment again.',
  },
  link_used: {
    status: 410,
    when: 'The single-use link was already followed.',
    todo: 'Mint a new link for each visit.',
    example: 'This link was already used. Go back and open the assessment again.',
  },
  report_unavailable: {
    status: 409,
    when: 'The order has no report (yet): it is not scored, or the vendor offers none.',
    todo: 'Ask for a report link once `order.result.reportAvailable` is true.',
    example: 'No report is available for this assessment yet.',
  },
  launch_unavailable: {
    status: 409,
    when: 'The order cannot be launched in its status (not placed yet, finished, cancelled) or the vendor has no link for it.',
    todo: 'Offer the launch only for `invited`, `scheduled` or `in_progress` orders; wait for placement to finish.',
    example: 'This assessment can no longer be launched.',
  },
  action_unavailable: {
    status: 409,
    when: 'The recruiter action does not fit the order\'s status, or its vendor has no such call (PSI: no reminder).',
    todo: 'Offer only the `actions` of the order\'s package that fit its status (docs/api.md#recruiter-actions).',
    example: 'This assessment is cancelled: there is no invitation to send again.',
  },
  payload_too_large: {
    status: 413,
    when: 'The body is over the limit (256 KB for vendor notifications, less for API bodies).',
    todo: 'Send a smaller body.',
    example: 'The body is larger than 65536 bytes.',
  },
  unsupported_media_type: {
    status: 415,
    when: 'The body is not sent as `application/json`.',
    todo: 'Send `Content-Type: application/json`.',
    example: 'Send the body as application/json.',
  },
  rate_limited: {
    status: 429,
    when: 'Too many open event streams for this caller, tenant or server, or too many failed authentication attempts from this client.',
    todo: 'Wait the `Retry-After` seconds, then retry; close event streams you no longer read.',
    example: 'Too many open event streams for this token or tenant; close one or try again later.',
  },
  vendor_unavailable: {
    status: 503,
    when: 'The vendor did not answer (timeout, 5xx, network); nothing was changed. Also on an order\'s `error` while placement keeps retrying.',
    todo: 'Retry later with the same `Idempotency-Key`.',
    example: 'Berke did not answer; nothing was changed. Try again shortly.',
  },
  vendor_rejected: {
    status: 502,
    when: 'The vendor refused the call; the message carries its reason. Also on a `failed` order\'s `error`.',
    todo: 'Fix what the vendor names (often the candidate\'s data or the package\'s vendor settings); retrying unchanged fails again.',
    example: 'Berke refused: the e-mail address is not valid. Nothing was changed.',
  },
  webhook_unauthorized: {
    status: 401,
    when: 'A vendor notification failed authentication (vendor hooks only); nothing was stored.',
    todo: 'Vendors: send the credentials configured for this tenant (Basic for Mettl, an OAuth token for PSI).',
    example: 'A valid bearer token for this tenant is required.',
  },
  no_matching_order: {
    status: 400,
    when: 'A PSI notification names no order of this tenant (vendor hooks only).',
    todo: 'PSI: create the eligibility with the order\'s `vendorRef` as `client_eligibility_id` (docs/vendors/psi.md).',
    example: 'No order matches this notification.',
  },
  not_ready: {
    status: 503,
    when: 'The BFF cannot reach its store (also `GET /readyz`).',
    todo: 'Retry after a few seconds; operators check the database.',
    example: 'The store is not reachable.',
  },
  internal: {
    status: 500,
    when: 'An unexpected failure on the BFF\'s side (logged with the request id).',
    todo: 'Retry once; if it persists, report it with the response\'s `X-Request-Id`.',
    example: 'Something went wrong on our side. Try again.',
  },
};

const CODES = Object.keys(ERROR_GUIDE) as ErrorCode[];

/** The error codes a status can carry, in the table's order. */
export const codesOf = (status: number): ErrorCode[] => CODES.filter((c) => ERROR_GUIDE[c].status === status || (c === 'vendor_unavailable' && status === 502));

/** The table's rows (docs/api.md#error-codes and the `ApiError` description): code, status, when, what to do. */
export const errorTableRows = (): string[] => CODES.map((c) => `| \`${c}\` | ${ERROR_GUIDE[c].status} | ${ERROR_GUIDE[c].when} | ${ERROR_GUIDE[c].todo} |`);

/** The `ApiError` schema's description: the envelope, then every code. */
export const apiErrorDescription = (): string =>
  [
    'Every error answer: `{"error": {"code", "message"}}`. Switch on `code` (stable, never renamed); `message` is an English sentence for people.',
    '',
    '| code | status | when | what to do |',
    '|---|---|---|---|',
    ...errorTableRows(),
  ].join('\n');

/** A named OpenAPI example per code (`examples` of an error answer). */
export const errorExamples = (codes: readonly ErrorCode[]): Record<string, { summary: string; value: unknown }> =>
  Object.fromEntries(codes.map((c) => [c, { summary: ERROR_GUIDE[c].when, value: { error: { code: c, message: ERROR_GUIDE[c].example } } }]));
