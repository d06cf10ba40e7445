// Mettl request signing (`ak`, `ts`, `asgn`), per docs/vendors/mettl.md#request-signing. Pure functions: never logs, never
// puts the private key anywhere but the HMAC.
import { createHmac } from 'node:crypto';

/** A request parameter as it goes on the wire and into the signature: JSON params already serialised. */
export type Params = Record<string, string>;

/**
 * Ascending by parameter name. Case-insensitive with a case-sensitive tie-break, as the public clients
 * that match Mettl's rule do (biohzrdmx/mettl-php `uksort(strcasecmp)`, skord/mettlr downcased keys).
 */
export function sortedNames(params: Params): string[] {
  return Object.keys(params)
    .filter((name) => name !== 'asgn')
    .sort((a, b) => {
      const la = a.toLowerCase();
      const lb = b.toLowerCase();
      if (la !== lb) return la < lb ? -1 : 1;
      return a < b ? -1 : a > b ? 1 : 0;
    });
}

/**
 * METHOD + the endpoint URL exactly as called (scheme, host, path; no query string) + "\n" + each
 * parameter value except `asgn`, in ascending order of name.
 * @see https://support.mettl.com/portal/en/kb/articles/api-authentication-and-signature-generation
 */
export function stringToSign(method: string, endpointUrl: string, params: Params): string {
  if (endpointUrl.includes('?')) throw new Error('The signed endpoint URL must not carry a query string.');
  let out = method.toUpperCase() + endpointUrl;
  for (const name of sortedNames(params)) out += '\n' + params[name];
  return out;
}

/** Base64(HMAC-SHA256(privateKey, stringToSign)), not yet URL-encoded (the wire encoding does that once). */
export function signature(privateKey: string, method: string, endpointUrl: string, params: Params): string {
  return createHmac('sha256', privateKey).update(stringToSign(method, endpointUrl, params), 'utf8').digest('base64');
}

/** The params with `ak`, `ts` and `asgn` added, ready for `encodeParams`. */
export function signParams(opts: {
  method: string;
  endpointUrl: string;
  params: Params;
  publicKey: string;
  privateKey: string;
  /** Unix seconds. */
  ts: number;
}): Params {
  const withAuth: Params = { ...opts.params, ak: opts.publicKey, ts: String(opts.ts) };
  return { ...withAuth, asgn: signature(opts.privateKey, opts.method, opts.endpointUrl, withAuth) };
}

/**
 * `name=value&…` with every value percent-encoded (so `asgn`'s `+`, `/`, `=` become `%2B`, `%2F`, `%3D`
 * and a JSON param's spaces `%20`), used for both query strings and form bodies.
 */
export function encodeParams(params: Params): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

/** RFC 3986 pchar characters `encodeURIComponent` escapes but a path segment may carry as they are. */
const PATH_SAFE = /%(21|24|26|27|28|29|2A|2B|2C|3A|3B|3D|40)/gi;

/**
 * A path segment for a value such as a candidate email, signed exactly as sent. The public Mettl clients put the
 * email in the path raw (Rails `Mettl::GetScores` `/candidates/#{email}`, MettlHelper.java, which escapes only an
 * email with `?`), so `@` and `+` stay as they are (`a+b@x.io` → `a+b@x.io`): then the URL as sent and the URL as
 * decoded by the server are the same string, and the signature matches whichever one Mettl verifies against. Only
 * characters a path segment cannot carry (space, `/`, `?`, `#`, `%`, non-ASCII) are percent-encoded.
 */
export function pathSegment(value: string): string {
  return encodeURIComponent(value).replace(PATH_SAFE, (m) => decodeURIComponent(m));
}
