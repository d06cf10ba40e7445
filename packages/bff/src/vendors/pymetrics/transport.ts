// The pymetrics wire below the soap package: the session header every call after authenticate carries, and reading
// an answer's body within a size cap (docs/vendors/pymetrics.md#hostile-xml). No state.
import { VendorError } from '../../core/vendor-port.js';

const SERVICE_NS = 'pym.intg.ws.3.0.0';
/** docs/vendors/pymetrics.md#request-header: where each source puts `session_id` and `client_id`. */
export const HEADER_CHILD_NS = { walkthrough: 'https://www.pymetrics.com/integrations/webservice/v3/wsdl/', sample: SERVICE_NS } as const;

const xmlEscape = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/**
 * docs/vendors/pymetrics.md#request-header: `RequestHeader` in the service namespace, its `session_id` and `client_id`
 * in `childNs`, on every call after authenticate.
 */
export function requestHeader(sessionId: string, clientId: string, childNs: string): string {
  return (
    `<pym:RequestHeader xmlns:pym="${SERVICE_NS}" xmlns:hdr="${childNs}">` +
    `<hdr:session_id>${xmlEscape(sessionId)}</hdr:session_id>` +
    `<hdr:client_id>${xmlEscape(clientId)}</hdr:client_id>` +
    `</pym:RequestHeader>`
  );
}

/** The body of `res` as text; a body over `maxBytes` (declared or read), cut off or timed out is a retryable VendorError. */
export async function readLimited(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new VendorError('pymetrics response is too large', { retryable: true });
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new VendorError('pymetrics response is too large', { retryable: true });
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof VendorError) throw e;
    throw new VendorError('pymetrics response was cut off or timed out', { retryable: true, cause: e });
  }
  return Buffer.concat(chunks).toString('utf8');
}
