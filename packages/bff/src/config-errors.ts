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
 * JSON.parse's complaint with the line and column it points at. V8 names a character offset (`at position 12`);
 * an unexpected end has none, and points past the last character.
 */
export function jsonSyntaxError(text: string, err: Error): string {
  const m = /at position (\d+)/.exec(err.message);
  const offset = m ? Number(m[1]) : text.length;
  const { line, column } = lineAndColumn(text, offset);
  const what = err.message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/^Unexpected end of JSON input$/, 'Unexpected end of the file');
  return `line ${line}, column ${column}: ${what}`;
}
