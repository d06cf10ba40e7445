// Signed HTTP calls to the Mettl REST API (the wire). Never logs or throws a URL with its query, a
// parameter value or a key: log lines carry the operation name, HTTP status and duration only.
import type { z } from 'zod';
import { redactSample, type ContractDrift } from '../../core/contract.js';
import { VendorError, type VendorLogger } from '../../core/vendor-port.js';
import { codeInMessage, isTransientCode } from './registration.js';
import { encodeParams, pathSegment, signParams, type Params } from './signer.js';
import {
  AssessmentsPage,
  CandidateResult,
  ErrorBody,
  Registration,
  ScheduleCreated,
  ScheduleEdited,
  ScheduleResults,
  SchedulesList,
} from './wire.js';

export interface MettlClientOptions {
  /** e.g. `https://api.mettl.com/v2` (EU accounts: `https://api.mercermettl.eu/v2`); no trailing slash needed. */
  baseUrl: string;
  publicKey: string;
  privateKey: string;
  fetch: typeof fetch;
  now(): Date;
  log: VendorLogger;
  timeoutMs?: number;
  /** An answer failed our parsing: the host logs and counts it (docs/operations.md#vendor-contract-drift). */
  onDrift?(d: ContractDrift): void;
}

/**
 * Mettl's documented authentication failures, in words an operator can act on.
 * @see https://support.mettl.com/portal/en/kb/articles/api-authentication-and-signature-generation
 */
const AUTH_ERRORS: Record<string, string> = {
  E401: 'Mettl rejected the request signature (E401 Authentication failed/Signature Mismatch): check the private API key in the mettl config.',
  E403: 'Mettl refused the API key (E403 Access denied): the public API key is not authorised for this resource or action.',
  E504: 'Mettl rejected the request timestamp (E504 Invalid Timestamp): check the server clock.',
};

export type MettlClient = ReturnType<typeof createMettlClient>;

/** The options with the defaults applied and the base URL without its trailing slashes. */
type Wire = MettlClientOptions & { timeoutMs: number };

export function createMettlClient(opts: MettlClientOptions) {
  const wire: Wire = { ...opts, baseUrl: opts.baseUrl.replace(/\/+$/, ''), timeoutMs: opts.timeoutMs ?? 15_000 };
  const call = <S extends z.ZodType>(op: string, method: 'GET' | 'POST', path: string, params: Params, schema: S) =>
    signedCall(wire, op, method, path, params, schema);

  return {
    /** @see https://support.mettl.com/portal/en/kb/articles/get-all-assessments-api */
    listAssessments(limit: number, offset: number) {
      return call('listAssessments', 'GET', '/assessments', { limit: String(limit), offset: String(offset) }, AssessmentsPage);
    },
    /** @see https://support.mettl.com/portal/en/kb/articles/get-all-schedules-in-assessment-api */
    listSchedules(assessmentId: string) {
      return call('listSchedules', 'GET', `/assessments/${pathSegment(assessmentId)}/schedules`, {}, SchedulesList);
    },
    /** `sc` is serialised here, once; the same string is signed and sent (docs/vendors/mettl.md#request-signing quirks). */
    createSchedule(assessmentId: string, sc: object) {
      const path = `/assessments/${pathSegment(assessmentId)}/schedules`;
      return call('createSchedule', 'POST', path, { sc: JSON.stringify(sc) }, ScheduleCreated);
    },
    editSchedule(accessKey: string, sc: object) {
      return call('editSchedule', 'POST', `/schedules/${pathSegment(accessKey)}/edit`, { sc: JSON.stringify(sc) }, ScheduleEdited);
    },
    /** Each call issues a new single-use candidate URL (docs/vendors/mettl.md#registration: "can be used by the candidate only once"). */
    registerCandidates(accessKey: string, rd: object, extra: Params = {}) {
      const path = `/schedules/${pathSegment(accessKey)}/candidates`;
      return call('registerCandidates', 'POST', path, { ...extra, rd: JSON.stringify(rd) }, Registration);
    },
    /**
     * The email sits in the path, raw `@`/`+` as the public clients send it, and is signed in that form (signer.ts).
     * `extra`: docs/vendors/mettl.md#results: `ir={"recommendation":true}` and `rs=true` for psychometric reports.
     */
    candidateResult(accessKey: string, email: string, extra: Params = {}) {
      const path = `/schedules/${pathSegment(accessKey)}/candidates/${pathSegment(email)}`;
      return call('candidateResult', 'GET', path, extra, CandidateResult);
    },
    /** One page of Get Results of All Candidates in Schedule: reconciliation asks once per schedule, not per candidate. */
    scheduleResults(accessKey: string, limit: number, offset: number, extra: Params = {}) {
      const path = `/schedules/${pathSegment(accessKey)}/candidates`;
      return call('scheduleResults', 'GET', path, { ...extra, limit: String(limit), offset: String(offset) }, ScheduleResults);
    },
  };
}

/** One signed call: signs the parameters, sends them (query for GET, form body for POST), parses the answer. */
async function signedCall<S extends z.ZodType>(
  opts: Wire,
  op: string,
  method: 'GET' | 'POST',
  path: string,
  params: Params,
  schema: S,
): Promise<z.output<S>> {
  const endpointUrl = opts.baseUrl + path;
  const signed = signParams({
    method,
    endpointUrl,
    params,
    publicKey: opts.publicKey,
    privateKey: opts.privateKey,
    ts: Math.floor(opts.now().getTime() / 1000),
  });
  const encoded = encodeParams(signed);
  // docs/vendors/mettl.md#transport: POST parameters go in an application/x-www-form-urlencoded body (URL limits with a large `sc`).
  const init: RequestInit =
    method === 'GET'
      ? { method, headers: { accept: 'application/json' } }
      : {
          method,
          headers: {
            accept: 'application/json',
            'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
          },
          body: encoded,
        };
  const started = Date.now();
  let res: Response;
  let text: string;
  try {
    res = await opts.fetch(method === 'GET' ? `${endpointUrl}?${encoded}` : endpointUrl, {
      ...init,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    if (err instanceof VendorError) throw err; // e.g. a redirect, refused by the core's fetch
    const why = err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'could not be reached';
    opts.log.warn({ vendor: 'mettl', op, error: why }, 'mettl call failed');
    throw new VendorError(`Mettl ${why} (${op}).`, { retryable: true, code: 'vendor_unavailable', cause: err });
  }
  opts.log.debug({ vendor: 'mettl', op, status: res.status, ms: Date.now() - started }, 'mettl call');
  return parseAnswer(opts, op, res, text, schema);
}

/**
 * A drift sample: besides what redactSample removes, every registration field, whose labels are the account's own
 * ("First Name", "Contact no", "SAP ID", docs/vendors/mettl.md#registration): any JSON key with a space in it.
 */
function mettlSample(text: string): string {
  return redactSample(text.replace(/("[^"]* [^"]*"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\]\s]+)/g, '$1"[redacted]"'));
}

/** Mettl's answer as `schema`, or the VendorError it means: an error body, an HTTP failure or an unexpected shape. */
function parseAnswer<S extends z.ZodType>(opts: Wire, op: string, res: Response, text: string, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const failed = ErrorBody.safeParse(json);
  if (failed.success) {
    const vendorMessage = (failed.data.error?.message ?? '').slice(0, 300);
    const code = failed.data.error?.code ?? codeInMessage(vendorMessage);
    const known = code === undefined ? undefined : AUTH_ERRORS[code];
    // docs/vendors/mettl.md#errors: Mettl answers errors in a body, often with HTTP 200; the code decides the retry.
    // Without a code, only a server-side HTTP status does.
    const retryable = code !== undefined ? isTransientCode(code) : res.status >= 500;
    throw new VendorError(known ?? `Mettl refused ${op}: ${vendorMessage || 'no message'} (${code ?? 'no code'}).`, {
      retryable,
      code: retryable ? 'vendor_unavailable' : 'vendor_rejected',
      vendorCode: code ?? 'unknown',
    });
  }
  if (res.status >= 500 || res.status === 429) {
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new VendorError(`Mettl is unavailable (HTTP ${res.status}, ${op}).`, {
      retryable: true,
      code: 'vendor_unavailable',
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    });
  }
  if (!res.ok) {
    throw new VendorError(`Mettl refused ${op} (HTTP ${res.status}).`, { retryable: false, code: 'vendor_rejected' });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || '(root)';
    opts.onDrift?.({ call: op, shape: `unexpected ${where}`, sample: mettlSample(text) });
    throw new VendorError(`Mettl answered ${op} with an unexpected body.`, {
      retryable: false,
      code: 'vendor_bad_response',
      cause: parsed.error,
    });
  }
  return parsed.data;
}
