// pymetrics' wire as the sandbox speaks it (docs/vendors/pymetrics.md#wsdl): the contract WSDL, statuses, Spyne-style payloads and
// SOAP faults. No state, no I/O beyond locating the WSDL.
import type http from 'node:http';
import { createRequire } from 'node:module';
import { escapeHtml as esc } from '../html.js';

/**
 * The vendor's contract document: the one WSDL file the BFF's client is built from, kept in @ca/shared as a wire
 * contract (the sandboxes take nothing from the BFF). Serving the same contract is the point; the
 * answers behind it are the sandbox's own, and Python zeep checks them independently (zeep.test.ts).
 */
export const WSDL_FILE = createRequire(import.meta.url).resolve('@ca/shared/wsdl/pymetrics.wsdl');

/** docs/vendors/pymetrics.md#sessions: "Your session has expired. Please use the AuthenticationService to renew it." */
export const SESSION_EXPIRED = 'Your session has expired. Please use the AuthenticationService to renew it.';

/** The lifecycle of docs/vendors/pymetrics.md#statuses, in order. */
export const SANDBOX_STATUSES = ['PENDING', 'ACCEPTED', 'NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', 'FULFILLED'] as const;
export type SandboxStatus = (typeof SANDBOX_STATUSES)[number];

/** What soap.listen turns into a `<soap11env:Fault>` with HTTP `statusCode`. */
export class SoapFault {
  constructor(readonly Fault: { faultcode: string; faultstring: string; statusCode: number }) {}
}
export const fault = (code: 'Client' | 'Server', message: string) =>
  new SoapFault({ faultcode: `soap11env:${code}`, faultstring: message, statusCode: 500 });

/** Spyne-style payload: `tns:`/`s1:` prefixes declared on the envelope (docs/vendors/pymetrics.md#wsdl). */
export function record(tag: string, fields: Record<string, string | number | boolean | null | undefined>): string {
  const inner = Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `<s1:${k}>${esc(String(v))}</s1:${k}>`)
    .join('');
  return `<${tag}>${inner}</${tag.split(' ')[0]}>`;
}

/** A whole Spyne-style envelope around `body`, for answers written by hand (faults, sabotage). */
export const envelope = (body: string, prolog = '') =>
  `<?xml version='1.0' encoding='UTF-8'?>${prolog}<soap11env:Envelope xmlns:soap11env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="pym.intg.ws.3.0.0"><soap11env:Body>${body}</soap11env:Body></soap11env:Envelope>`;

export type SandboxSabotage = 'dtd' | 'entity' | 'malformed' | 'huge' | 'http503' | 'server-fault' | 'hang';

/** Writes the hostile or broken answer `mode` names; `hang` leaves `res` open in `hung`. */
export function writeSabotage(mode: SandboxSabotage, res: http.ServerResponse, hung: Set<http.ServerResponse>): void {
  const xml = { 'content-type': 'text/xml; charset=utf-8' };
  switch (mode) {
    case 'dtd': {
      const lol = '<!ENTITY a0 "lol">' + Array.from({ length: 9 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i};`.repeat(10)}">`).join('');
      res.writeHead(200, xml).end(envelope('<tns:echoResponse><tns:echoResult>&a9;</tns:echoResult></tns:echoResponse>', `<!DOCTYPE lolz [${lol}]>`));
      return;
    }
    case 'entity':
      res.writeHead(200, xml).end(envelope('<tns:echoResponse><tns:echoResult>&xxe;</tns:echoResult></tns:echoResponse>', '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'));
      return;
    case 'malformed':
      res.writeHead(200, xml).end(envelope('<tns:get_bulk_statusResponse><s1:status>ACCEPTED<s1:status></tns:get_bulk_statusResponse>'));
      return;
    case 'huge':
      res.writeHead(200, xml);
      res.end(envelope(`<tns:echoResponse><tns:echoResult>${'x'.repeat(3 * 1024 * 1024)}</tns:echoResult></tns:echoResponse>`));
      return;
    case 'http503':
      res.writeHead(503, { 'content-type': 'text/html' }).end('<html><body>Service Unavailable</body></html>');
      return;
    case 'server-fault':
      res.writeHead(500, xml).end(envelope('<soap11env:Fault><faultcode>soap11env:Server</faultcode><faultstring>Internal Error</faultstring></soap11env:Fault>'));
      return;
    case 'hang':
      hung.add(res);
      res.writeHead(200, xml);
      res.write("<?xml version='1.0' encoding='UTF-8'?><soap11env:Envelope");
      return;
  }
}
