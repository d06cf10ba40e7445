// Reads Berke answers: bytes to text by BOM or charset, JSON or hardened XML to one plain object in the JSON
// layout, and the X-Response-Code header. Never parses XML with a DTD.
import { XMLParser } from 'fast-xml-parser';

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Only the five predefined XML entities are decoded; DOCTYPEs are refused before parsing (below).
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => name === 'jobFit' || name === 'job' || name === 'assessment',
});

/**
 * Decodes a body by BOM or charset. docs/vendors/berke.md#transport: the XML samples declare `encoding="utf-16"`; a .NET server may
 * really send UTF-16 (then `Response.text()`, which always assumes UTF-8, would garble it) or UTF-8 anyway.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | null): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  // UTF-16 without a BOM (XML 1.0 Appendix F): `<` followed or preceded by a zero byte, whatever the header says.
  if (bytes[0] === 0x3c && bytes[1] === 0x00) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0x00 && bytes[1] === 0x3c) return new TextDecoder('utf-16be').decode(bytes);
  const charset = /charset\s*=\s*"?([\w-]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset === 'utf-16' || charset === 'utf-16le') return new TextDecoder('utf-16le').decode(bytes);
  if (charset === 'utf-16be') return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * Parses a Berke body, JSON or XML, into one plain object in the JSON layout: the XML root's attributes become
 * top-level fields, `<assessmentStatus>` its attributes, `<jobFitList><jobFit/>` the `jobFit` array.
 * Throws a plain Error for anything else (the caller wraps it).
 */
export function parseBerkeBody(text: string): Record<string, unknown> {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('{')) {
    const value: unknown = JSON.parse(trimmed);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  }
  if (!trimmed.startsWith('<')) throw new Error('neither JSON nor XML');
  // Hardened XML: no DTD, so no custom or external entities (docs/architecture.md#security).
  if (/<!DOCTYPE|<!ENTITY/i.test(trimmed)) throw new Error('XML with a DTD is refused');
  const doc = xmlParser.parse(trimmed) as Record<string, unknown>;
  const root = doc['berkeResponse'];
  if (typeof root !== 'object' || root === null) throw new Error('no <berkeResponse> root');
  return withJobFits(root as Record<string, unknown>);
}

/**
 * `<jobFitList><jobFit/></jobFitList>` → `jobFit: []`, at the root, in `<assessment>` (GetCompletedAssessment) and in
 * each `<assessments><assessment>` (GetCompletedAssessments), keeping the attributes of `<assessments>` (its paging).
 */
function withJobFits(node: Record<string, unknown>): Record<string, unknown> {
  const { jobFitList, assessments, assessment, ...rest } = node;
  const out: Record<string, unknown> = { ...rest };
  if (typeof jobFitList === 'object' && jobFitList !== null) {
    out['jobFit'] = (jobFitList as Record<string, unknown>)['jobFit'] ?? [];
  }
  const each = (list: unknown) => (Array.isArray(list) ? list : list ? [list] : []).map((a) => (isObject(a) ? withJobFits(a) : a));
  if (assessment !== undefined) out['assessment'] = each(assessment);
  if (isObject(assessments)) {
    const { assessment: list, ...paging } = assessments;
    out['assessments'] = { ...paging, assessment: each(list) };
  } else if (assessments !== undefined) out['assessments'] = assessments;
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `X-Response-Code` is `[HTTP status].[Berke code]`, e.g. `200.0`, `403.1003` (docs/vendors/berke.md#errors). */
export function parseResponseCode(header: string | null): { http: number; berke: number } | null {
  const m = /^\s*(\d{3})\.(\d+)\s*$/.exec(header ?? '');
  return m ? { http: Number(m[1]), berke: Number(m[2]) } : null;
}
