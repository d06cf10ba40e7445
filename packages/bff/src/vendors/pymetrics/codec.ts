// Reads pymetrics SOAP responses by local element names into typed records (the shapes of the samples in docs/vendors/pymetrics.md#fixtures).
// Never expands entities or accepts a DTD, never trusts a field zod did not check, never throws anything but PymetricsWireError.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';

/** A response we cannot read. Always worth retrying: the next response may be fine. */
export class PymetricsWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PymetricsWireError';
  }
}

/** The largest response body we read; a bulk status of 100 orders is ≈ 50 KB. */
export const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;
const MAX_DEPTH = 64;

/**
 * Refuses what a hardened XML reader must never see: a DTD (and with it any entity declaration,
 * the root of billion-laughs and external-entity attacks) or an oversized body.
 */
export function assertSafeXml(xml: string, maxBytes = MAX_RESPONSE_BYTES): void {
  if (Buffer.byteLength(xml, 'utf8') > maxBytes) throw new PymetricsWireError('pymetrics response is too large');
  if (/<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST/i.test(xml)) {
    throw new PymetricsWireError('pymetrics response contains a DTD; refused');
  }
}

const parser = new XMLParser({
  // docs/vendors/pymetrics.md#wsdl: samples mix soap11env:/tns:/s1: prefixes (some undeclared); only local names matter.
  removeNSPrefix: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  maxNestedTags: MAX_DEPTH,
});

type Node = unknown;

/** Parses a SOAP envelope and returns its Body, by local names. */
export function readBody(xml: string): Record<string, Node> {
  assertSafeXml(xml);
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (valid !== true) {
    throw new PymetricsWireError(`pymetrics response is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  }
  let doc: Record<string, Node>;
  try {
    doc = parser.parse(xml) as Record<string, Node>;
  } catch (e) {
    throw new PymetricsWireError(`pymetrics response could not be parsed: ${e instanceof Error ? e.message : 'unknown'}`);
  }
  const body = child(child(doc, 'Envelope'), 'Body');
  if (!isRecord(body)) throw new PymetricsWireError('pymetrics response has no SOAP Body');
  return body;
}

function isRecord(v: Node): v is Record<string, Node> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function child(v: Node, name: string): Node {
  return isRecord(v) ? v[name] : undefined;
}

function all(v: Node): Node[] {
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

/** Every element with this local name anywhere below `v`, in document order. */
function descendants(v: Node, name: string, out: Node[] = []): Node[] {
  if (Array.isArray(v)) {
    for (const item of v) descendants(item, name, out);
  } else if (isRecord(v)) {
    for (const [key, value] of Object.entries(v)) {
      if (key === name) out.push(...all(value));
      else descendants(value, name, out);
    }
  }
  return out;
}

const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Text of a leaf element with the five predefined entities and character references decoded (nothing else). */
function text(v: Node): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
  return String(v).replace(ENTITY, (m, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name) return NAMED[name] ?? m;
    const code = Number.parseInt(dec ?? hex ?? '', dec ? 10 : 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

/** An object of the leaf texts of a record element, keyed by local name. */
function leaves(v: Node): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!isRecord(v)) return out;
  for (const [key, value] of Object.entries(v)) {
    const t = text(Array.isArray(value) ? value[0] : value);
    out[key] = t === '' ? undefined : t;
  }
  return out;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new PymetricsWireError(`pymetrics ${what} is invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

function operationResponse(xml: string, element: string): Record<string, Node> {
  const body = readBody(xml);
  const fault = faultOf(body);
  if (fault) throw new PymetricsWireError(`unexpected SOAP fault: ${fault.faultstring}`);
  const response = body[element];
  if (response === undefined) throw new PymetricsWireError(`pymetrics response has no ${element}`);
  return isRecord(response) ? response : {};
}

const int = z.string().trim().regex(/^-?\d+$/, 'not an integer');
const bool = z
  .string()
  .trim()
  .regex(/^(true|false|1|0)$/i, 'not a boolean')
  .transform((s) => s === '1' || s.toLowerCase() === 'true');
const num = z
  .string()
  .trim()
  .refine((s) => s !== '' && Number.isFinite(Number(s)), 'not a number')
  .transform(Number);
const url = z.string().trim().pipe(z.url({ protocol: /^https?$/ }));

export interface SoapFault {
  faultcode: string;
  faultstring: string;
}

function faultOf(body: Record<string, Node>): SoapFault | null {
  const fault = body.Fault;
  if (fault === undefined) return null;
  const f = leaves(fault);
  return { faultcode: f.faultcode ?? '', faultstring: f.faultstring ?? '' };
}

/** The SOAP 1.1 fault in a response, or null when the body carries none. */
export function parseFault(xml: string): SoapFault | null {
  return faultOf(readBody(xml));
}

export const AuthenticateResult = z.object({ session_id: z.string().trim().min(1), expiry_period: int.transform(Number) });
export type AuthenticateResult = z.infer<typeof AuthenticateResult>;

export function parseAuthenticate(xml: string): AuthenticateResult {
  const r = operationResponse(xml, 'authenticateResponse');
  return parse(AuthenticateResult, leaves(r.authenticateResult), 'authenticate response');
}

export function parseEcho(xml: string): string {
  const r = operationResponse(xml, 'echoResponse');
  return parse(z.string(), text(r.echoResult) ?? '', 'echo response');
}

export const Assessment = z.object({
  assessment_id: int,
  assessment_name: z.string().optional(),
  assessment_type: z.string().optional(),
});
export type Assessment = z.infer<typeof Assessment>;

export function parseListAssessments(xml: string): Assessment[] {
  const r = operationResponse(xml, 'list_assessmentsResponse');
  // docs/vendors/pymetrics.md#ordering: the sample repeats `list_assessmentResult` (singular) once per assessment.
  return all(r.list_assessmentResult)
    .filter(isRecord)
    .map((a) => parse(Assessment, leaves(a), 'assessment'));
}

export const OrderResponse = z.object({
  success: bool,
  order_id: int.optional(),
  assessment_url: url.optional(),
});
/** `refusedAssessmentUrl`: pymetrics sent a link that is not http(s); it is dropped, the order id kept. */
export type OrderResponse = z.infer<typeof OrderResponse> & { refusedAssessmentUrl?: true };

export function parseOrderResponse(xml: string): OrderResponse {
  // docs/vendors/pymetrics.md#wsdl: the request element is `request_assessment`, the response `request_assessment_orderResponse`.
  const r = operationResponse(xml, 'request_assessment_orderResponse');
  const fields = leaves(r.request_assessment_orderResult);
  // The order id names what pymetrics created: a refused link must not lose it, or the order would be placed again.
  const link = url.optional().safeParse(fields.assessment_url);
  const res = parse(OrderResponse, { ...fields, assessment_url: link.success ? link.data : undefined }, 'order response');
  return link.success ? res : { ...res, refusedAssessmentUrl: true };
}

export const AssessmentStatus = z.object({
  status: z.string().trim().min(1),
  order_id: int,
  assessment_id: int.optional(),
  assessment_type: z.string().optional(),
  invite_url: url.optional(),
  // docs/vendors/pymetrics.md#results: only present when the candidate is eligible for video evaluation.
  evaluation_url: url.optional(),
});
export type AssessmentStatus = z.infer<typeof AssessmentStatus>;

export function parseBulkStatus(xml: string): AssessmentStatus[] {
  const r = operationResponse(xml, 'get_bulk_statusResponse');
  return descendants(r, 'AssessmentStatus')
    .filter(isRecord)
    .map((s) => parse(AssessmentStatus, leaves(s), 'order status'));
}

export const AssessmentResult = z.object({
  create_date: z.string().optional(),
  description: z.string().optional(),
  order_id: int,
  fitscore: num.optional(),
  // docs/vendors/pymetrics.md#results: "Depending on your configuration, you will recieve at least one of score and band"; the sample says
  // fitscore. Both names are read.
  score: num.optional(),
  band: z.string().optional(),
  passed: bool.optional(),
  external_id: z.string().optional(),
  assessment_id: int.optional(),
  assessment_type: z.string().optional(),
});
export type AssessmentResult = z.infer<typeof AssessmentResult>;

export function parseBulkResults(xml: string): AssessmentResult[] {
  const r = operationResponse(xml, 'get_bulk_resultsResponse');
  // docs/vendors/pymetrics.md#results: one or more get_bulk_resultsResult elements, each holding AssessmentResultFullResponse records;
  // results of every order sharing an external_id come back together.
  return descendants(r, 'AssessmentResultFullResponse')
    .filter(isRecord)
    .map((s) => parse(AssessmentResult, leaves(s), 'result'));
}

export function parseReport(xml: string): string {
  const r = operationResponse(xml, 'get_reportResponse');
  return parse(url, text(child(r.get_reportResult, 'report_url')) ?? '', 'report response');
}
