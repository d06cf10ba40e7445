// How a bad config file is reported (docs/operations.md#configuration-reference): every problem at once, one line each,
// with the path as written in the file (`tenants.acme.allowedOrigins[1]`), a "did you mean" for an unknown key, and
// line and column for a JSON syntax error. Never prints a secret from the file (an origin it refuses is quoted).
export { didYouMean, unknownKeyMessage } from './core/did-you-mean.js';

/** `['tenants', 'acme', 'allowedOrigins', 1]` → `tenants.acme.allowedOrigins[1]`; odd keys are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z0-9_$-]+$/.test(String(p))) out += out ? `.${String(p)}` : String(p);
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out || '(root)';
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}

/**
 * Where a JSON text first goes wrong, as a character offset (-1 when it parses). V8 names the offset for some
 * errors only; for an unexpected token it quotes the text around it instead, which may hold a secret.
 */
export function syntaxErrorOffset(t: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = () => {
    while (i < t.length && ' \t\n\r'.includes(t[i]!)) i++;
  };
  const word = (w: string) => (t.startsWith(w, i) ? (i += w.length) : fail());
  const string = () => {
    for (i++; t[i] !== '"'; i++) {
      if (i >= t.length || t.charCodeAt(i) < 0x20) fail();
      if (t[i] === '\\') i++;
    }
    i++;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const number = () => {
    NUMBER.lastIndex = i;
    if (!NUMBER.test(t)) fail();
    i = NUMBER.lastIndex;
  };
  const list = (close: string, item: () => void) => {
    i++;
    ws();
    if (t[i] === close) return void i++;
    for (;;) {
      item();
      ws();
      if (t[i] === close) return void i++;
      if (t[i] !== ',') fail();
      i++;
    }
  };
  const value = (): void => {
    ws();
    const c = t[i];
    if (c === '{') {
      return list('}', () => {
        ws();
        if (t[i] !== '"') fail();
        string();
        ws();
        if (t[i] !== ':') fail();
        i++;
        value();
      });
    }
    if (c === '[') return list(']', value);
    if (c === '"') return string();
    if (c === 't' || c === 'f' || c === 'n') return void word(c === 't' ? 'true' : c === 'f' ? 'false' : 'null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    fail();
  };
  try {
    value();
    ws();
    return i < t.length ? i : -1;
  } catch (at) {
    return at as number;
  }
}

/** JSON.parse's complaint with the line and column it points at, never quoting the text. */
export function jsonSyntaxError(text: string, err: Error): string {
  const m = /at position (\d+)/.exec(err.message);
  const found = m ? Number(m[1]) : syntaxErrorOffset(text);
  const offset = found < 0 ? text.length : found;
  const { line, column } = lineAndColumn(text, offset);
  const what = m
    ? err.message.replace(/\s*(?:in JSON )?at position \d+.*$/s, '')
    : offset >= text.length
      ? 'Unexpected end of the file'
      : `Unexpected token ${JSON.stringify(text[offset])}`;
  return `line ${line}, column ${column}: ${what}`;
}
