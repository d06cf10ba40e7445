// Where a request put RequestHeader's children (docs/vendors/pymetrics.md#request-header). The guide's zeep
// walkthrough and the public zeep code put `session_id` and `client_id` in the WSDL URL's namespace; the guide's raw
// XML samples put them in the service namespace. The sandbox accepts one of them, as a real service would.

export const HEADER_CHILD_NS = {
  walkthrough: 'https://www.pymetrics.com/integrations/webservice/v3/wsdl/',
  sample: 'pym.intg.ws.3.0.0',
} as const;
export type HeaderNamespace = keyof typeof HEADER_CHILD_NS;

/**
 * The namespace URI of the element `local` inside the first `RequestHeader` of `xml`: the declaration on the element
 * itself, else the nearest one before it (a prefix, or the default namespace when unprefixed). Null when absent.
 */
export function headerChildNamespace(xml: string, local: string): string | null {
  const header = /<(?:[\w.-]+:)?RequestHeader[\s>/]/.exec(xml);
  if (!header) return null;
  const rest = xml.slice(header.index);
  const el = new RegExp(`<(?:([\\w.-]+):)?${local}(\\s[^>]*)?>`).exec(rest);
  if (!el) return null;
  const prefix = el[1];
  const attrs = el[2] ?? '';
  const own = new RegExp(prefix ? `xmlns:${prefix}\\s*=\\s*["']([^"']*)["']` : `xmlns\\s*=\\s*["']([^"']*)["']`).exec(attrs);
  if (own) return own[1]!;
  const before = xml.slice(0, header.index + el.index);
  const decl = new RegExp(prefix ? `xmlns:${prefix}\\s*=\\s*["']([^"']*)["']` : `xmlns\\s*=\\s*["']([^"']*)["']`, 'g');
  let last: string | null = null;
  for (const m of before.matchAll(decl)) last = m[1]!;
  return last ?? (prefix ? null : '');
}
