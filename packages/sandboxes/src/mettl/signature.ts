// Mettl's request authentication (`ak`, `ts`, `asgn`) as the sandbox checks it. Written from Mettl's documentation
// and public clients, never from the BFF's signer, so the adapter and the sandbox cannot be wrong together.
// @see https://support.mettl.com/portal/en/kb/articles/api-authentication-and-signature-generation
import { createHmac, timingSafeEqual } from 'node:crypto';

/** "ts: UNIX epoch seconds, valid for 24 h" (docs/vendors/mettl.md#request-signing). */
export const TIMESTAMP_WINDOW_SECONDS = 24 * 60 * 60;

/**
 * "HTTP_METHOD + ENDPOINT_URL" and then, for every request parameter except `asgn`, "\n" + its value, the
 * parameters in ascending order of their names. Example from shashin62/mettl `details.php`:
 * `"GET" + "http://api.mettl.com/v1/assessments/2690" + "\n" + ak + "\n" + "50" + "\n" + ts`.
 * Names compare without regard to case, as the public clients that match the rule do
 * (biohzrdmx/mettl-php `uksort($params, 'strcasecmp')`, skord/mettlr downcased keys).
 */
export function expectedStringToSign(method: string, endpointUrl: string, params: ReadonlyMap<string, string>): string {
  const names = [...params.keys()].filter((n) => n !== 'asgn');
  names.sort((a, b) => {
    const [x, y] = [a.toLowerCase(), b.toLowerCase()];
    return x === y ? 0 : x < y ? -1 : 1;
  });
  return [method.toUpperCase() + endpointUrl, ...names.map((n) => params.get(n)!)].join('\n');
}

/** "HMAC-SHA256 for v2 and v3 … keyed with the Private-API-Key … Base64" (the wire URL-encodes it once more). */
export function expectedAsgn(privateKey: string, stringToSign: string): string {
  return createHmac('sha256', Buffer.from(privateKey, 'utf8')).update(Buffer.from(stringToSign, 'utf8')).digest('base64');
}

export type AuthFailure =
  | { code: 'E403'; http: 403; message: string }
  | { code: 'E504'; http: 400; message: string }
  | { code: 'E401'; http: 401; message: string };

/**
 * Checks one v2 call: the public key, the timestamp window, then the signature over the endpoint URL exactly as
 * called (scheme, host, path with its percent-encoding; no query). The error texts are Mettl's (§1.2).
 */
export function checkMettlRequest(o: {
  method: string;
  endpointUrl: string;
  params: ReadonlyMap<string, string>;
  publicKey: string;
  privateKey: string;
  nowSeconds: number;
}): AuthFailure | null {
  if (o.params.get('ak') !== o.publicKey) {
    return { code: 'E403', http: 403, message: 'Access denied. The API key is not authorized for requested resource/action' };
  }
  const ts = Number(o.params.get('ts'));
  if (!Number.isInteger(ts) || Math.abs(o.nowSeconds - ts) > TIMESTAMP_WINDOW_SECONDS) {
    return { code: 'E504', http: 400, message: 'Invalid Timestamp' };
  }
  const expected = Buffer.from(expectedAsgn(o.privateKey, expectedStringToSign(o.method, o.endpointUrl, o.params)));
  const given = Buffer.from(o.params.get('asgn') ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { code: 'E401', http: 401, message: 'Authentication failed/Signature Mismatch' };
  }
  return null;
}
