// What the store can keep: PostgreSQL text and jsonb refuse U+0000, and jsonb refuses unpaired UTF-16
// surrogates. Every route's input (path, query, headers we keep, JSON bodies, token claims) is checked here,
// so such input is a 400 at the boundary, never a 500 from the database (a vendor would resend it forever).
import type { MiddlewareHandler } from 'hono';
import { validationFailed } from '../errors.js';

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Headers whose values are stored or echoed into stored rows. Node's parser already refuses NUL in any header. */
const KEPT_HEADERS = ['idempotency-key', 'content-type', 'last-event-id'];

export function isStorable(s: string): boolean {
  return !UNSTORABLE.test(s);
}

/** The path (as `a.b.0`) of the first string in a JSON value the store cannot keep, or null. Keys count too. */
export function unstorablePath(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') return isStorable(value) ? null : path.join('.') || 'body';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = unstorablePath(value[i], [...path, String(i)]);
      if (p !== null) return p;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!isStorable(k)) return [...path, '(key)'].join('.');
      const p = unstorablePath(v, [...path, k]);
      if (p !== null) return p;
    }
  }
  return null;
}

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
    for (const h of KEPT_HEADERS) {
      const v = c.req.header(h);
      if (v !== undefined && !isStorable(v)) throw validationFailed(`${h}: contains NUL or invalid Unicode.`);
    }
    await next();
  };
}
