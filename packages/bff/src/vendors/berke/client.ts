// The Berke wire: POSTs `{baseUrl}/{MethodName}`, reads JSON or XML answers, X-Response-Code and 429 hints.
// Never puts the API token anywhere but the request body, and never lets it into a message, log line or URL.
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { VendorError, type VendorLogger } from '../../core/vendor-port.js';
import type { RateLimiter } from './limiter.js';

// ---------------------------------------------------------------------------------------------------
// Wire types. @see https://site.berkeassessment.com/api/documentation/PerformAssessment (seed 002)
// The JSON form is a mechanical translation of the XML form, where every value is an attribute string,
// so every field accepts both (VENDOR-NOTES §2.3).
// ---------------------------------------------------------------------------------------------------

/** A number sent as a JSON number or an XML attribute string; empty, null and absent mean "not set". */
const wireNumber = z.preprocess((v) => {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : Number(v);
  return v;
}, z.number().finite().optional());

const wireBoolean = z.preprocess((v) => {
  if (typeof v === 'string') return v.trim().toLowerCase() === 'true';
  if (v === null || v === undefined) return false;
  return v;
}, z.boolean());

const wireString = z.preprocess((v) => (v === null || v === undefined ? undefined : String(v)), z.string().optional());

/** `assessmentStatus` of PerformAssessment / GetAssessmentStatus. */
export const BerkeAssessmentStatus = z.object({
  sourceCandidateId: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1)),
  /** A label; never used to decide anything (seed 002: "Do not use percent complete or the status label"). */
  status: wireString,
  /** 5 = Not Started, 1 = In Progress, 2 = Complete. */
  statusId: wireNumber,
  jobFitScoresAvailable: wireBoolean,
  invitationCode: wireString,
  /** Empty after the assessment is completed (seed 002). */
  assessmentUrl: wireString,
  percentComplete: wireNumber,
  /** Unix seconds with decimals, e.g. 1545228051.155 (seed 002). */
  createdOnUtc: wireNumber,
  startedOnUtc: wireNumber,
  completedOnUtc: wireNumber,
  startCount: wireNumber,
  onAssessmentCompleteRedirectToUrl: wireString,
});
export type BerkeAssessmentStatus = z.infer<typeof BerkeAssessmentStatus>;

/** One `jobFit`: every active job of the account is scored, the assessment's own job has isPrimaryJob. */
export const BerkeJobFit = z.object({
  job: z.preprocess((v) => (v === null || v === undefined ? '' : String(v)), z.string()),
  /** 0–1; -1 when matching is disabled, data is missing or the assessment is incomplete (seed 002). */
  fitPct: wireNumber,
  /** 0 not calculated, 1 Low, 2 Medium, 3 High, 4 job not configured, 5 not enough data (seed 002). */
  fitId: wireNumber,
  fit: wireString,
  isPrimaryJob: wireBoolean,
  sourceJobId: wireString,
  /** Unauthenticated link that dies when the API key changes: fetched fresh, never stored (seed 002). */
  reportUrl: wireString,
  fitComputedOnUtc: wireNumber,
});
export type BerkeJobFit = z.infer<typeof BerkeJobFit>;

export const BerkeAssessmentResponse = z.object({
  assessmentStatus: BerkeAssessmentStatus,
  jobFit: z.preprocess((v) => (v === null || v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(BerkeJobFit)),
});
export type BerkeAssessmentResponse = z.infer<typeof BerkeAssessmentResponse>;

/**
 * GetJobs: the account's active jobs. JSON nests `{"jobs":{"job":[...]}}`; XML has `<jobs><job .../></jobs>`.
 * @see https://site.berkeassessment.com/api/Documentation/GetJobs (VENDOR-NOTES §2.3)
 */
export const BerkeJob = z.object({
  sourceJobId: wireString,
  name: z.preprocess((v) => (v === null || v === undefined ? '' : String(v)), z.string()),
  matchEnabled: wireBoolean.optional(),
});
export const BerkeJobsResponse = z.object({
  jobs: z.preprocess(
    (v) => (v === '' || v === null || v === undefined ? { job: [] } : v),
    z.object({ job: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(BerkeJob)) }),
  ),
});
export type BerkeJob = z.infer<typeof BerkeJob>;

/** The 429 body (seed 002, "API requests exceeded the maximum allowed per time-frame"). */
export const BerkeThrottle = z.object({
  callExpiresOnCompletion: wireBoolean,
  countCallsExceeded: wireNumber,
  estimatedMillisecondsToNextAllowedCall: wireNumber,
  isDailyLimit: wireBoolean,
  maximumCallsPerTimeFrame: wireNumber,
  timeFrameMilliseconds: wireNumber,
});
export type BerkeThrottle = z.infer<typeof BerkeThrottle>;

/** The envelope every method shares: `status` "ok" or not, `response` the error text, `responseCode`. */
const BerkeEnvelope = z.object({
  status: wireString,
  response: wireString,
  responseCode: wireString,
});

// ---------------------------------------------------------------------------------------------------
// Body decoding
// ---------------------------------------------------------------------------------------------------

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
 * Decodes a body by BOM or charset. seed 002: the XML samples declare `encoding="utf-16"`; a .NET server may
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
  // Hardened XML: no DTD, so no custom or external entities (DESIGN.md §7).
  if (/<!DOCTYPE|<!ENTITY/i.test(trimmed)) throw new Error('XML with a DTD is refused');
  const doc = xmlParser.parse(trimmed) as Record<string, unknown>;
  const root = doc['berkeResponse'];
  if (typeof root !== 'object' || root === null) throw new Error('no <berkeResponse> root');
  return withJobFits(root as Record<string, unknown>);
}

/** `<jobFitList><jobFit/></jobFitList>` → `jobFit: []`, at the root and in each `<assessments><assessment>`. */
function withJobFits(node: Record<string, unknown>): Record<string, unknown> {
  const { jobFitList, assessments, ...rest } = node;
  const out: Record<string, unknown> = { ...rest };
  if (typeof jobFitList === 'object' && jobFitList !== null) {
    out['jobFit'] = (jobFitList as Record<string, unknown>)['jobFit'] ?? [];
  }
  if (typeof assessments === 'object' && assessments !== null) {
    const list = (assessments as Record<string, unknown>)['assessment'];
    out['assessments'] = { assessment: (Array.isArray(list) ? list : list ? [list] : []).map((a) => withJobFits(a as Record<string, unknown>)) };
  } else if (assessments !== undefined) out['assessments'] = assessments;
  return out;
}

/** `X-Response-Code` is `[HTTP status].[Berke code]`, e.g. `200.0`, `403.1003` (seed 002). */
export function parseResponseCode(header: string | null): { http: number; berke: number } | null {
  const m = /^\s*(\d{3})\.(\d+)\s*$/.exec(header ?? '');
  return m ? { http: Number(m[1]), berke: Number(m[2]) } : null;
}

// ---------------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------------

export interface BerkeClientOptions {
  baseUrl: string;
  apiToken: string;
  username?: string | null;
  fetch: typeof fetch;
  limiter: RateLimiter;
  log: VendorLogger;
  timeoutMs: number;
  /** Longest wait a 429 may ask for before the call gives up with a retryable VendorError. */
  maxThrottleWaitMs: number;
  /** How many 429 answers one call absorbs (waiting as told) before giving up. */
  maxThrottleRetries: number;
}

export interface BerkeClientStats {
  calls: Record<string, number>;
  /** 429 answers received (each was waited out and retried, or surfaced as a VendorError). */
  throttled: number;
}

export interface PerformAssessmentParams {
  sourceCandidateId: string;
  emailAddress: string;
  firstName: string;
  lastName: string;
  sourceJobId?: string;
  onAssessmentCompleteRedirectToUrl: string;
}

export interface BerkeClient {
  /** Creates the assessment and SENDS AN INVITATION on every call (seed 002): never use it to poll. */
  performAssessment(p: PerformAssessmentParams): Promise<BerkeAssessmentResponse>;
  getAssessmentStatus(sourceCandidateId: string): Promise<BerkeAssessmentResponse>;
  getJobs(): Promise<BerkeJob[]>;
  /**
   * One page (≤ 50) of assessments completed between two Unix UTC times ("suitable for polling", VENDOR-NOTES §2.4).
   * The parameter and wrapper names are not in any public sample: `fromDateUtc`/`toDateUtc`/`pageNumber` are sent
   * and the list is read from `assessments.assessment` (the GetJobs nesting) or `completedAssessments`.
   */
  getCompletedAssessments(p: { fromUtc: number; toUtc: number; page: number }): Promise<BerkeAssessmentResponse[]>;
  /**
   * The report document of a completed assessment for a job (VENDOR-NOTES §2.4, GetReportForJob): `outputFormat`
   * 0 PDF, 1 HTML. Answers the document itself; errors come back in Berke's usual envelope.
   */
  getReportForJob(p: { sourceCandidateId: string; sourceJobId?: string; html?: boolean }): Promise<{ contentType: string; body: Uint8Array }>;
  /** VENDOR-NOTES §2.4: removes the assessment; its links and reports stop working. */
  deleteAssessment(sourceCandidateId: string): Promise<void>;
  /** VENDOR-NOTES §2.4: emails the candidate a start link again (`email` required; `message` ≤ 1000, omitted = default). */
  sendInvitation(p: { sourceCandidateId: string; email: string }): Promise<void>;
  readonly stats: BerkeClientStats;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createBerkeClient(opts: BerkeClientOptions): BerkeClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const stats: BerkeClientStats = { calls: {}, throttled: 0 };
  /** Removes the token wherever a vendor echoes it (seed 002: "API key '[API.Key.Sent.To.Berke]' is invalid"). */
  const redact = (s: string) => (opts.apiToken ? s.split(opts.apiToken).join('[redacted]') : s);

  async function callOnce(method: string, body: string): Promise<{ res: Response; text: string } | { error: VendorError }> {
    const release = await opts.limiter.acquire();
    const started = Date.now();
    stats.calls[method] = (stats.calls[method] ?? 0) + 1;
    try {
      const res = await opts.fetch(`${base}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/xml' },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      const text = decodeBody(new Uint8Array(await res.arrayBuffer()), res.headers.get('content-type'));
      opts.log.debug(
        { vendor: 'berke', method, status: res.status, code: res.headers.get('x-response-code'), ms: Date.now() - started },
        'berke call',
      );
      return { res, text };
    } catch (cause) {
      if (cause instanceof VendorError) return { error: cause }; // e.g. a redirect, refused by the core's fetch
      const reason = cause instanceof Error && cause.name === 'TimeoutError' ? 'timed out' : 'could not be reached';
      opts.log.warn({ vendor: 'berke', method, ms: Date.now() - started, reason }, 'berke call failed');
      return { error: new VendorError(`Berke ${method} ${reason}.`, { retryable: true }) };
    } finally {
      release();
    }
  }

  async function call(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const payload: Record<string, unknown> = { apiToken: opts.apiToken, ...params, formatOutput: 'json' };
    if (opts.username) payload['username'] = opts.username;
    const body = JSON.stringify(payload);

    for (let attempt = 0; ; attempt++) {
      // seed 002: after a daily-limit 429, wait "before calling any API method": fail fast instead of queueing for hours.
      const held = opts.limiter.pausedMs();
      if (held > opts.maxThrottleWaitMs) {
        throw new VendorError('Berke asked us to pause API calls; they resume later.', {
          retryable: true,
          code: 'vendor_rate_limited',
          retryAfterMs: held,
        });
      }
      const out = await callOnce(method, body);
      if ('error' in out) throw out.error;
      const { res, text } = out;
      const code = parseResponseCode(res.headers.get('x-response-code'));
      let parsed: Record<string, unknown> | null = null;
      try {
        parsed = parseBerkeBody(text);
      } catch {
        parsed = null;
      }
      const envelope = BerkeEnvelope.safeParse(parsed ?? {});
      const env = envelope.success ? envelope.data : {};

      if (res.status === 429 || code?.http === 429 || env.responseCode === '429') {
        stats.throttled += 1;
        const t = BerkeThrottle.safeParse(parsed ?? {});
        const hint = t.success ? t.data : undefined;
        const waitMs = throttleWait(hint, attempt);
        opts.log.warn(
          { vendor: 'berke', method, attempt, waitMs, daily: hint?.isDailyLimit ?? false, simultaneous: hint?.callExpiresOnCompletion ?? false },
          'berke throttled the call',
        );
        // The denied call did not run at Berke, so repeating it (even PerformAssessment) sends nothing twice.
        if (hint?.callExpiresOnCompletion) opts.limiter.congested();
        else opts.limiter.pauseFor(waitMs);
        if (hint?.isDailyLimit) {
          throw new VendorError('Berke daily API call limit reached; calls resume later.', {
            retryable: true,
            code: 'vendor_rate_limited',
            vendorCode: '429',
            retryAfterMs: waitMs,
          });
        }
        if (attempt >= opts.maxThrottleRetries || waitMs > opts.maxThrottleWaitMs) {
          throw new VendorError('Berke is throttling API calls; try again shortly.', {
            retryable: true,
            code: 'vendor_rate_limited',
            vendorCode: '429',
            retryAfterMs: waitMs,
          });
        }
        await sleep(waitMs);
        continue;
      }

      const failed = (code !== null && code.berke >= 1000) || res.status >= 400 || (envelope.success && env.status !== undefined && env.status !== 'ok');
      if (failed || parsed === null) {
        const http = code?.http ?? res.status;
        const message = redact(
          env.response || res.headers.get('x-response-message') || (parsed === null ? 'unreadable response' : `HTTP ${http}`),
        );
        const vendorCode = code ? `${code.http}.${code.berke}` : String(res.status);
        if (!failed) {
          throw new VendorError(`Berke ${method} answered something unreadable (${vendorCode}).`, { retryable: true, vendorCode });
        }
        throw new VendorError(`Berke: ${message}`, { retryable: http >= 500, vendorCode });
      }
      return parsed;
    }
  }

  /** A call answered with a document (PDF/HTML); a JSON/XML answer is Berke's error envelope. */
  async function callDocument(method: string, params: Record<string, unknown>): Promise<{ contentType: string; body: Uint8Array }> {
    const payload: Record<string, unknown> = { apiToken: opts.apiToken, ...params };
    if (opts.username) payload['username'] = opts.username;
    const release = await opts.limiter.acquire();
    stats.calls[method] = (stats.calls[method] ?? 0) + 1;
    let res: Response;
    let bytes: Uint8Array;
    try {
      res = await opts.fetch(`${base}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/pdf, text/html, application/json, text/xml' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (cause) {
      throw new VendorError(`Berke ${method} could not be reached.`, { retryable: true, cause });
    } finally {
      release();
    }
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const code = parseResponseCode(res.headers.get('x-response-code'));
    if (res.ok && (code === null || code.berke < 1000) && (type === 'application/pdf' || type === 'text/html')) {
      return { contentType: type, body: bytes };
    }
    let message = res.headers.get('x-response-message') ?? `HTTP ${res.status}`;
    try {
      const env = BerkeEnvelope.safeParse(parseBerkeBody(decodeBody(bytes, res.headers.get('content-type'))));
      if (env.success && env.data.response) message = env.data.response;
    } catch {
      // not an envelope: keep the header message
    }
    const http = code?.http ?? res.status;
    throw new VendorError(`Berke: ${redact(message)}`, {
      retryable: http >= 500 || http === 429,
      code: 'report_unavailable',
      vendorCode: code ? `${code.http}.${code.berke}` : String(res.status),
    });
  }

  function parseAssessment(method: string, value: Record<string, unknown>): BerkeAssessmentResponse {
    const parsed = BerkeAssessmentResponse.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new VendorError(`Berke ${method} answered an unexpected shape (${issue?.path.join('.') ?? '?'}).`, {
        retryable: true,
      });
    }
    return parsed.data;
  }

  return {
    stats,
    async performAssessment(p) {
      const params: Record<string, unknown> = { ...p };
      if (!p.sourceJobId) delete params['sourceJobId'];
      return parseAssessment('PerformAssessment', await call('PerformAssessment', params));
    },
    async getAssessmentStatus(sourceCandidateId) {
      return parseAssessment('GetAssessmentStatus', await call('GetAssessmentStatus', { sourceCandidateId }));
    },
    async deleteAssessment(sourceCandidateId) {
      await call('DeleteAssessment', { sourceCandidateId });
    },
    async sendInvitation(p) {
      await call('SendInvitation', { sourceCandidateId: p.sourceCandidateId, email: p.email });
    },
    async getCompletedAssessments(p) {
      const value = await call('GetCompletedAssessments', { fromDateUtc: p.fromUtc, toDateUtc: p.toUtc, pageNumber: p.page });
      const wrapper = (value['assessments'] ?? value['completedAssessments']) as Record<string, unknown> | unknown[] | undefined;
      const list = Array.isArray(wrapper) ? wrapper : wrapper && typeof wrapper === 'object' ? (wrapper['assessment'] as unknown) : [];
      return (Array.isArray(list) ? list : list ? [list] : []).flatMap((a) => {
        const parsed = BerkeAssessmentResponse.safeParse(a);
        return parsed.success ? [parsed.data] : [];
      });
    },
    async getReportForJob(p) {
      const params: Record<string, unknown> = { sourceCandidateId: p.sourceCandidateId, reportTypeId: 0, outputFormat: p.html ? 1 : 0 };
      if (p.sourceJobId) params['sourceJobId'] = p.sourceJobId;
      return callDocument('GetReportForJob', params);
    },
    async getJobs() {
      const parsed = BerkeJobsResponse.safeParse(await call('GetJobs', {}));
      if (!parsed.success) throw new VendorError('Berke GetJobs answered an unexpected shape.', { retryable: true });
      return parsed.data.jobs.job;
    },
  };
}

/** How long to hold all calls after a 429. */
export function throttleWait(hint: BerkeThrottle | undefined, attempt: number): number {
  const est = hint?.estimatedMillisecondsToNextAllowedCall;
  // seed 002: with callExpiresOnCompletion the estimate is 0 ("dependent on numerous factors"): back off instead.
  if (hint?.callExpiresOnCompletion || est === undefined || est <= 0) {
    const backoff = Math.min(100 * 2 ** attempt, 5_000);
    return Math.round(backoff / 2 + Math.random() * (backoff / 2));
  }
  return Math.ceil(est);
}
