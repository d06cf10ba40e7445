// What the BFF's store can keep: PostgreSQL text and jsonb refuse U+0000, and jsonb refuses unpaired UTF-16
// surrogates. The BFF refuses such input at its boundary (routes, token claims) with a 400, never a 500 from the
// database. Pure checks: no I/O, safe in a browser bundle.

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

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
