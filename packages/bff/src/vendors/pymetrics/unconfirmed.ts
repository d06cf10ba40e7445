// docs/vendors/pymetrics.md#ordering: placing is not idempotent at pymetrics, and no call finds an order by our ids
// (get_bulk_status and get_bulk_results take pymetrics order ids; results name the external_id only once there are
// results). So an order call whose outcome is unknown must not be repeated: it is marked `mayHaveActed` and the
// placement job stops with `placement_unconfirmed` instead of creating a second order and a second invitation.
import { VendorError } from '../../core/vendor-port.js';

/** Errors of a connection that never opened: pymetrics cannot have seen the request. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

const causeOf = (e: unknown): unknown => (e instanceof Error ? e.cause : undefined);
const nameOf = (e: unknown): string => (e instanceof Error ? e.name : '');
const codeOf = (e: unknown): string => String((e as { code?: unknown } | null)?.code ?? '');

/** Whether a failed request_assessment_order may have created the order at pymetrics. */
export function orderMayExist(err: VendorError): boolean {
  if (!err.retryable || err.vendorCode !== undefined) return false; // refused, or an HTTP error status: not acted
  if (err.code === 'vendor_session' || err.code === 'vendor_auth_failed') return false; // stopped at the session
  if (err.code === 'vendor_timeout') return !/\bauthenticate\b/.test(err.message);
  if (/^pymetrics (order )?response\b|could not be read/.test(err.message)) return true; // it answered; we could not read it
  const cause = causeOf(err);
  if (nameOf(cause) === 'TimeoutError' || nameOf(cause) === 'AbortError') return true; // sent, no answer in time
  if (!/unreachable/.test(err.message)) return false;
  // fetch failed: before connecting (not sent) or after (a reset while pymetrics worked on it).
  const inner = causeOf(cause);
  return !NOT_SENT.has(codeOf(inner)) && !NOT_SENT.has(codeOf(cause));
}

/** The order call's failure, marked when pymetrics may have acted on it. */
export function orderCallFailure(err: unknown): unknown {
  if (!(err instanceof VendorError) || err.mayHaveActed || !orderMayExist(err)) return err;
  return new VendorError(`${err.message} (pymetrics may have created the order)`, {
    retryable: true,
    code: err.code,
    mayHaveActed: true,
    cause: err,
  });
}
