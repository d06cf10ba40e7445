// The Berke wire: POSTs `{baseUrl}/{MethodName}`, reads JSON or XML answers, X-Response-Code and 429 hints.
// Never puts the API token anywhere but the request body, and never lets it into a message, log line or URL.
import { redactSample, type ContractDrift } from '../../core/contract.js';
import { VendorError, type VendorLogger } from '../../core/vendor-port.js';
import type { z } from 'zod';
import { decodeBody, parseBerkeBody, parseResponseCode } from './codec.js';
import type { RateLimiter } from './limiter.js';
import { afterThrottled, refuseWhilePaused } from './throttle.js';
import {
  BerkeAssessmentResponse,
  BerkeCompletedPage,
  BerkeCompletedResponse,
  BerkeEnvelope,
  BerkeJobsResponse,
  BerkeThrottle,
  type BerkeCompletedAssessment,
  type BerkeJob,
} from './wire.js';

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
  /** An answer failed our parsing: the host logs and counts it (docs/operations.md#vendor-contract-drift). */
  onDrift?(d: ContractDrift): void;
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
  /** Creates the assessment and SENDS AN INVITATION on every call (docs/vendors/berke.md#performassessment): never use it to poll. */
  performAssessment(p: PerformAssessmentParams): Promise<BerkeAssessmentResponse>;
  getAssessmentStatus(sourceCandidateId: string): Promise<BerkeAssessmentResponse>;
  getJobs(): Promise<BerkeJob[]>;
  /**
   * One page (≤ 50) of assessments completed between two Unix UTC times ("suitable for polling",
   * docs/vendors/berke.md#completed-assessments), with the page's `currentPage`/`totalPages`. An answer not in the
   * documented layout is reported as drift and fails with `vendor_bad_response`.
   */
  getCompletedAssessments(p: { fromUtc: number; toUtc: number; page: number }): Promise<BerkeCompletedPage>;
  /** The scores of one completed assessment (docs/vendors/berke.md#completed-assessments). */
  getCompletedAssessment(sourceCandidateId: string): Promise<BerkeCompletedAssessment>;
  /**
   * The report document of a completed assessment for a job (docs/vendors/berke.md#reports, GetReportForJob): `outputFormat`
   * 0 PDF, 1 HTML. Answers the document itself; errors come back in Berke's usual envelope.
   */
  getReportForJob(p: { sourceCandidateId: string; sourceJobId?: string; html?: boolean }): Promise<{ contentType: string; body: Uint8Array }>;
  /** docs/vendors/berke.md#recruiter-actions: removes the assessment; its links and reports stop working. */
  deleteAssessment(sourceCandidateId: string): Promise<void>;
  /** docs/vendors/berke.md#recruiter-actions: emails the candidate a start link again (`email` required; `message` ≤ 1000, omitted = default). */
  sendInvitation(p: { sourceCandidateId: string; email: string }): Promise<void>;
  readonly stats: BerkeClientStats;
}

/**
 * A drift sample: besides what redactSample removes, the invitation code (it is in the candidate's start URL) and the
 * ATS's candidate id, in JSON or as XML attributes.
 */
function berkeSample(text: string): string {
  return redactSample(
    text
      .replace(/("(?:invitationCode|sourceCandidateId)"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\]\s]+)/gi, '$1"[redacted]"')
      .replace(/(\s(?:invitationCode|sourceCandidateId)\s*=\s*)("[^"]*"|'[^']*')/gi, '$1"[redacted]"'),
  );
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The client's options and what every call shares: the base URL, the call counts, the token's redaction. */
interface Wire {
  opts: BerkeClientOptions;
  base: string;
  stats: BerkeClientStats;
  /** Removes the token wherever a vendor echoes it (docs/vendors/berke.md#errors: "API key '[API.Key.Sent.To.Berke]' is invalid"). */
  redact(s: string): string;
}

export function createBerkeClient(opts: BerkeClientOptions): BerkeClient {
  const stats: BerkeClientStats = { calls: {}, throttled: 0 };
  const w: Wire = {
    opts,
    base: opts.baseUrl.replace(/\/+$/, ''),
    stats,
    redact: (s) => (opts.apiToken ? s.split(opts.apiToken).join('[redacted]') : s),
  };
  /** Parses `value` as `schema`, or reports the drift (redacted sample) and fails without a retry: the same answer would come again. */
  const shaped = <S extends z.ZodType>(method: string, value: Record<string, unknown>, schema: S): z.output<S> => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const where = parsed.error.issues[0]?.path.join('.') || '(root)';
    opts.onDrift?.({ call: method, shape: `unexpected ${where}`, sample: berkeSample(w.redact(JSON.stringify(value))) });
    throw new VendorError(`Berke ${method} answered an unexpected shape (${where}).`, { retryable: false, code: 'vendor_bad_response' });
  };
  return {
    stats,
    async performAssessment(p) {
      const params: Record<string, unknown> = { ...p };
      if (!p.sourceJobId) delete params['sourceJobId'];
      return shaped('PerformAssessment', await call(w, 'PerformAssessment', params), BerkeAssessmentResponse);
    },
    async getAssessmentStatus(sourceCandidateId) {
      return shaped('GetAssessmentStatus', await call(w, 'GetAssessmentStatus', { sourceCandidateId }), BerkeAssessmentResponse);
    },
    async getCompletedAssessment(sourceCandidateId) {
      return shaped('GetCompletedAssessment', await call(w, 'GetCompletedAssessment', { sourceCandidateId }), BerkeCompletedResponse).assessment;
    },
    async deleteAssessment(sourceCandidateId) {
      await call(w, 'DeleteAssessment', { sourceCandidateId });
    },
    async sendInvitation(p) {
      await call(w, 'SendInvitation', { sourceCandidateId: p.sourceCandidateId, email: p.email });
    },
    async getCompletedAssessments(p) {
      // docs/vendors/berke.md#completed-assessments: the page names its window `dateFromUtc`/`dateToUtc` and its page
      // `currentPage`; the request parameters' names are not in the public page, so both spellings are sent and the
      // answer's echo is checked by the caller (refresh.ts) and by contract().
      const params = { dateFromUtc: p.fromUtc, dateToUtc: p.toUtc, page: p.page, fromDateUtc: p.fromUtc, toDateUtc: p.toUtc, pageNumber: p.page };
      return shaped('GetCompletedAssessments', await call(w, 'GetCompletedAssessments', params), BerkeCompletedPage).assessments;
    },
    async getReportForJob(p) {
      const params: Record<string, unknown> = { sourceCandidateId: p.sourceCandidateId, reportTypeId: 0, outputFormat: p.html ? 1 : 0 };
      if (p.sourceJobId) params['sourceJobId'] = p.sourceJobId;
      return callDocument(w, 'GetReportForJob', params);
    },
    async getJobs() {
      const parsed = BerkeJobsResponse.safeParse(await call(w, 'GetJobs', {}));
      if (!parsed.success) throw new VendorError('Berke GetJobs answered an unexpected shape.', { retryable: true });
      return parsed.data.jobs.job;
    },
  };
}

async function callOnce(w: Wire, method: string, body: string): Promise<{ res: Response; text: string } | { error: VendorError }> {
  const { opts } = w;
  const release = await opts.limiter.acquire();
  const started = Date.now();
  w.stats.calls[method] = (w.stats.calls[method] ?? 0) + 1;
  try {
    const res = await opts.fetch(`${w.base}/${method}`, {
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

/** One method call answered with Berke's envelope: waits out 429s as told, turns failures into VendorErrors. */
async function call(w: Wire, method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { opts } = w;
  const payload: Record<string, unknown> = { apiToken: opts.apiToken, ...params, formatOutput: 'json' };
  if (opts.username) payload['username'] = opts.username;
  const body = JSON.stringify(payload);

  for (let attempt = 0; ; attempt++) {
    refuseWhilePaused(opts);
    const out = await callOnce(w, method, body);
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
      w.stats.throttled += 1;
      const t = BerkeThrottle.safeParse(parsed ?? {});
      await sleep(afterThrottled(opts, method, attempt, t.success ? t.data : undefined));
      continue;
    }

    const failed = (code !== null && code.berke >= 1000) || res.status >= 400 || (envelope.success && env.status !== undefined && env.status !== 'ok');
    if (failed || parsed === null) {
      const http = code?.http ?? res.status;
      const message = w.redact(
        env.response || res.headers.get('x-response-message') || (parsed === null ? 'unreadable response' : `HTTP ${http}`),
      );
      const vendorCode = code ? `${code.http}.${code.berke}` : String(res.status);
      if (!failed) {
        opts.onDrift?.({ call: method, shape: 'neither JSON nor XML', sample: berkeSample(w.redact(text)) });
        throw new VendorError(`Berke ${method} answered something unreadable (${vendorCode}).`, { retryable: true, code: 'vendor_bad_response', vendorCode });
      }
      throw new VendorError(`Berke: ${message}`, { retryable: http >= 500, vendorCode });
    }
    return parsed;
  }
}

/** A call answered with a document (PDF/HTML); a JSON/XML answer is Berke's error envelope. */
async function callDocument(w: Wire, method: string, params: Record<string, unknown>): Promise<{ contentType: string; body: Uint8Array }> {
  const { opts } = w;
  const payload: Record<string, unknown> = { apiToken: opts.apiToken, ...params };
  if (opts.username) payload['username'] = opts.username;
  const release = await opts.limiter.acquire();
  w.stats.calls[method] = (w.stats.calls[method] ?? 0) + 1;
  let res: Response;
  let bytes: Uint8Array;
  try {
    res = await opts.fetch(`${w.base}/${method}`, {
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
  throw new VendorError(`Berke: ${w.redact(message)}`, {
    retryable: http >= 500 || http === 429,
    code: 'report_unavailable',
    vendorCode: code ? `${code.http}.${code.berke}` : String(res.status),
  });
}

