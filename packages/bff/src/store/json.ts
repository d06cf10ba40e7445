// How a value becomes a jsonb parameter: every store module writes JSON through `json`. Never used to build SQL text.

/**
 * jsonb parameters go as text: node-postgres would turn a top-level array into a PostgreSQL array. jsonb refuses
 * `\u0000` and unpaired surrogates, which JSON.stringify writes as escapes: those become U+FFFD, so a vendor
 * answer carrying one is stored instead of failing its transaction forever (routes refuse them with a 400 first).
 */
export const json = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  const text = JSON.stringify(v);
  // Most JSON holds no `\u` escape at all: a plain search is far cheaper than the pattern over a whole batch's text.
  return text.includes('\\u') ? text.replace(/(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g, '$1\\ufffd') : text;
};
