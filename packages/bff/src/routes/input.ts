// What the store can keep (isStorable, @ca/shared): every route's input (path, query, headers we keep, JSON bodies)
// is checked here, so such input is a 400 at the boundary, never a 500 from the database (a vendor would resend it
// forever).
import { isStorable, unstorablePath } from '@ca/shared';
import type { MiddlewareHandler } from 'hono';
import { validationFailed } from '../errors.js';

/** Headers whose values are stored or echoed into stored rows. Node's parser already refuses NUL in any header. */
const KEPT_HEADERS = ['idempotency-key', 'content-type', 'last-event-id'];

/** Throws a 400 naming the field when a JSON value holds a string the store cannot keep. */
export function assertStorable(value: unknown, what = 'body'): void {
  const at = unstorablePath(value);
  if (at !== null) throw validationFailed(`${what === 'body' ? at : `${what} ${at}`}: contains NUL or invalid Unicode.`);
}

const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed escapes stay as they are: plain ASCII, storable
  }
};

/** App-wide: refuses a request whose path segments, query or kept headers hold what the store cannot keep. */
export function rejectUnstorable(): MiddlewareHandler {
  return async function rejectUnstorable(c, next) {
    const url = new URL(c.req.url);
    if (!url.pathname.split('/').every((s) => isStorable(decode(s)))) throw validationFailed('path: contains NUL or invalid Unicode.');
    for (const [k, v] of url.searchParams) if (!isStorable(k) || !isStorable(v)) throw validationFailed('query: contains NUL or invalid Unicode.');
    const h = unstorableHeader(c.req.raw.headers);
    if (h !== undefined) throw validationFailed(`${h}: contains NUL or invalid Unicode.`);
    await next();
  };
}

/** The first header we keep whose value the store cannot keep, if any. */
export function unstorableHeader(headers: Headers): string | undefined {
  for (const h of KEPT_HEADERS) {
    const v = headers.get(h);
    if (v !== null && !isStorable(v)) return h;
  }
  return undefined;
}
