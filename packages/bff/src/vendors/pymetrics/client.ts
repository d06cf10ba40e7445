// The pymetrics SOAP wire: a `soap` client built from our WSDL, one cached session per tenant, hardened transport.
// Never puts the client secret or a session id in a log line, an error or a returned value; never hangs on a bad peer.
import { createRequire } from 'node:module';
import { createClientAsync, type Client, type IHttpClient } from 'soap';
import { redactSample, type ContractDrift } from '../../core/contract.js';
import { VendorError, type VendorLogger } from '../../core/vendor-port.js';
import { HEADER_CHILD_NS, readLimited, requestHeader } from './transport.js';
import {
  MAX_RESPONSE_BYTES,
  PymetricsWireError,
  assertSafeXml,
  parseAuthenticate,
  parseBulkResults,
  parseBulkStatus,
  parseEcho,
  parseFault,
  parseListAssessments,
  parseOrderResponse,
  parseReport,
  type Assessment,
  type AssessmentResult,
  type AssessmentStatus,
  type OrderResponse,
  type SoapFault,
} from './codec.js';

/** The WSDL we wrote from docs/vendors/pymetrics.md#wsdl; a vendor contract document, shared with the sandbox through @ca/shared. */
export const WSDL_PATH = createRequire(import.meta.url).resolve('@ca/shared/wsdl/pymetrics.wsdl');

/** docs/vendors/pymetrics.md#sessions, "Session Expiration": the fault text of an expired session. */
export const SESSION_EXPIRED = 'Your session has expired. Please use the AuthenticationService to renew it.';

export interface PymetricsClientOptions {
  /** Service URL (config `vendors.pymetrics.endpoint`); without it, the WSDL's `soap:address`. */
  endpoint?: string;
  /** Where the WSDL is read from (config `vendors.pymetrics.wsdl`, e.g. pymetrics' `…/v3/wsdl/`); default our copy. */
  wsdl?: string;
  clientId: string;
  clientSecret: string;
  fetch: typeof fetch;
  log: VendorLogger;
  now(): Date;
  /** Per call, including reading the body. */
  timeoutMs?: number;
  /** docs/vendors/pymetrics.md#request-header; default `walkthrough`. */
  headerNamespace?: keyof typeof HEADER_CHILD_NS;
  /** An answer that failed our parsing (docs/operations.md#vendor-contract-drift); the call fails all the same. */
  onDrift?(d: ContractDrift): void;
  maxResponseBytes?: number;
}

/** The order fields of `AssessmentOrderRequest`, in the WSDL's sequence order. */
export interface AssessmentOrder {
  city?: string;
  first_name: string;
  last_name: string;
  callback_url?: string;
  gender?: string;
  assessment_id: string;
  application_locale?: string;
  country?: string;
  external_id: string;
  email: string;
}

const ORDER_FIELDS: readonly (keyof AssessmentOrder)[] = [
  'city',
  'first_name',
  'last_name',
  'callback_url',
  'gender',
  'assessment_id',
  'application_locale',
  'country',
  'external_id',
  'email',
];

type Operation =
  | 'authenticate'
  | 'echo'
  | 'list_assessments'
  | 'request_assessment_order'
  | 'get_bulk_status'
  | 'get_bulk_results'
  | 'get_report';

interface Session {
  id: string;
  /** When we stop using it: shortly before pymetrics' `expiry_period` runs out. */
  renewAt: number;
  /** pymetrics' `expiry_period`, seconds. */
  expirySeconds: number;
}

class SessionExpired extends Error {
  constructor() {
    super('pymetrics session expired');
  }
}


export class PymetricsClient {
  private readonly o: PymetricsClientOptions & { timeoutMs: number; maxResponseBytes: number };
  private soap: Promise<Client> | null = null;
  private session: Session | null = null;
  private renewing: Promise<Session> | null = null;
  /** Calls to `authenticate` made by this client (for operators and tests). */
  authentications = 0;
  private readonly driftObservers = new Set<(d: ContractDrift) => void>();

  constructor(opts: PymetricsClientOptions) {
    this.o = { timeoutMs: 20_000, maxResponseBytes: MAX_RESPONSE_BYTES, ...opts };
  }

  echo(text: string): Promise<string> {
    return this.call('echo', { echo: text }, parseEcho);
  }

  listAssessments(organizationId: string): Promise<Assessment[]> {
    return this.call('list_assessments', { organization: { organization_id: organizationId } }, parseListAssessments);
  }

  /** Creates an order. docs/vendors/pymetrics.md#wsdl: the body element is `request_assessment`; the WSDL operation `request_assessment_order`. */
  async requestAssessmentOrder(order: AssessmentOrder): Promise<OrderResponse> {
    const fields: Record<string, string> = {};
    for (const key of ORDER_FIELDS) {
      const value = order[key];
      if (value !== undefined && value !== '') fields[key] = value;
    }
    return this.call('request_assessment_order', { order: fields }, parseOrderResponse);
  }

  getBulkStatus(orderIds: readonly string[]): Promise<AssessmentStatus[]> {
    return this.call('get_bulk_status', { order_ids: { integer: orderIds.map(checkOrderId) } }, parseBulkStatus);
  }

  getBulkResults(orderIds: readonly string[]): Promise<AssessmentResult[]> {
    return this.call('get_bulk_results', { order_ids: { integer: orderIds.map(checkOrderId) } }, parseBulkResults);
  }

  getReport(orderId: string): Promise<string> {
    return this.call('get_report', { order_id: checkOrderId(orderId) }, parseReport);
  }

  /**
   * Runs an authenticated call. On the session-expired fault it re-authenticates once and retries the call once;
   * concurrent calls that hit the same expired session share that one re-authentication.
   */
  private async call<T>(op: Operation, args: object, read: (xml: string) => T): Promise<T> {
    const session = await this.currentSession();
    try {
      return this.read(op, read, await this.invoke(op, args, session));
    } catch (e) {
      if (!(e instanceof SessionExpired)) throw e;
      this.o.log.info({ vendor: 'pymetrics', op }, 'pymetrics session expired; renewing once');
      const fresh = await this.renewAfter(session);
      try {
        return this.read(op, read, await this.invoke(op, args, fresh));
      } catch (again) {
        if (again instanceof SessionExpired) {
          throw new VendorError('pymetrics rejected a freshly renewed session', { retryable: true, code: 'vendor_session' });
        }
        throw again;
      }
    }
  }

  private async currentSession(): Promise<Session> {
    if (this.session && this.o.now().getTime() < this.session.renewAt) return this.session;
    return this.renewAfter(this.session);
  }

  /** A session newer than `stale`: the one another call already obtained, the renewal in flight, or a new one. */
  private renewAfter(stale: Session | null): Promise<Session> {
    if (this.renewing) return this.renewing;
    if (this.session && this.session !== stale && this.o.now().getTime() < this.session.renewAt) {
      return Promise.resolve(this.session);
    }
    this.session = null;
    this.renewing = this.authenticate().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async authenticate(): Promise<Session> {
    this.authentications += 1;
    const startedAt = this.o.now().getTime();
    let xml: string;
    try {
      xml = await this.invoke('authenticate', { client_id: this.o.clientId, client_secret: this.o.clientSecret }, null);
    } catch (e) {
      if (e instanceof SessionExpired) throw new VendorError('pymetrics refused to authenticate', { retryable: true });
      if (e instanceof VendorError && !e.retryable) {
        throw new VendorError(`pymetrics authentication failed: ${e.message}`, {
          retryable: true,
          code: 'vendor_auth_failed',
          ...(e.vendorCode ? { vendorCode: e.vendorCode } : {}),
        });
      }
      throw e;
    }
    const { session_id, expiry_period } = this.read('authenticate', parseAuthenticate, xml);
    const lifeMs = Math.max(0, expiry_period) * 1000;
    // Renew shortly before pymetrics says the session ends: 10 % of its life, at most a minute.
    const renewAt = startedAt + lifeMs - Math.min(60_000, lifeMs / 10);
    this.session = { id: session_id, renewAt, expirySeconds: expiry_period };
    this.o.log.debug({ vendor: 'pymetrics', expirySeconds: expiry_period }, 'pymetrics session opened');
    return this.session;
  }

  private read<T>(op: Operation, read: (xml: string) => T, xml: string): T {
    try {
      return read(xml);
    } catch (e) {
      if (e instanceof PymetricsWireError) this.drift(op, e.message, xml);
      throw this.toVendorError(e);
    }
  }

  /** Reports an answer our codec refused; the shape is the codec's complaint without its numbers (line, index). */
  private drift(op: Operation, complaint: string, xml: string): void {
    if (!this.o.onDrift && this.driftObservers.size === 0) return;
    const shape = complaint.replace(/\d+/g, '#');
    const secret = this.o.clientSecret;
    const d = { call: op, shape, sample: secret ? redactSample(xml).split(secret).join('[redacted]') : redactSample(xml) };
    this.o.onDrift?.(d);
    for (const observe of this.driftObservers) observe(d);
  }

  /** Also tells `observe` of each refused answer until the returned function is called (the contract check). */
  observeDrift(observe: (d: ContractDrift) => void): () => void {
    this.driftObservers.add(observe);
    return () => this.driftObservers.delete(observe);
  }

  /** Opens a new session now (the contract check's authenticate); resolves to its `expiry_period` in seconds. */
  async freshSession(): Promise<number> {
    return (await this.renewAfter(this.session)).expirySeconds;
  }

  private soapClient(): Promise<Client> {
    this.soap ??= createClientAsync(this.o.wsdl ?? WSDL_PATH, {
      ...(this.o.endpoint ? { endpoint: this.o.endpoint } : {}),
      httpClient: this.httpClient(),
      disableCache: true, // one parsed WSDL per tenant client: nothing shared across tenants
    }).catch((e: unknown) => {
      this.soap = null;
      throw new VendorError('pymetrics WSDL could not be loaded', { retryable: true, cause: e });
    });
    return this.soap;
  }

  /** One SOAP exchange: the raw response body, or a typed failure. Settles within the timeout whatever the peer does. */
  private async invoke(op: Operation, args: object, session: Session | null): Promise<string> {
    const client = await this.soapClient();
    const deadline = this.o.timeoutMs + 1_000;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new VendorError(`pymetrics ${op} timed out`, { retryable: true, code: 'vendor_timeout' })),
        deadline,
      );
      const settle = (err: unknown, raw?: unknown) => {
        clearTimeout(timer);
        if (err === null && typeof raw === 'string') {
          resolve(raw);
          return;
        }
        reject(this.toVendorError(err ?? new PymetricsWireError('pymetrics response is empty'), op));
      };
      try {
        // The header is rendered synchronously while the envelope is built, so concurrent calls cannot mix sessions.
        client.clearSoapHeaders();
        if (session) client.addSoapHeader(requestHeader(session.id, this.o.clientId, HEADER_CHILD_NS[this.o.headerNamespace ?? 'walkthrough']));
        const method = (client as unknown as Record<string, SoapCall>)[op];
        if (typeof method !== 'function') throw new PymetricsWireError(`the WSDL has no operation ${op}`);
        method(
          args,
          (err: unknown, _result: unknown, raw: unknown) => settle(err ?? null, raw),
          {},
          { 'Content-Type': 'application/xml; charset=utf-8' }, // docs/vendors/pymetrics.md#wsdl: "Content-Type: application/xml"
        );
      } catch (e) {
        settle(e);
      } finally {
        client.clearSoapHeaders();
        // The soap package keeps the last request and body; after authenticate they hold the client secret.
        Object.assign(client, { lastRequest: undefined, lastMessage: undefined });
      }
    });
  }

  /** Transport for the soap package: our fetch, a deadline, a body size cap, and no DTD ever reaching a parser. */
  private httpClient(): IHttpClient {
    const { fetch: doFetch, timeoutMs, maxResponseBytes } = this.o;
    return {
      request: (url, data, callback, headers) => {
        const exchange = (async () => {
          let res: Response;
          try {
            // `soap` reads a WSDL given by URL through this client too, with no data: a GET.
            const get = data === null || data === undefined;
            res = await doFetch(url, {
              method: get ? 'GET' : 'POST',
              ...(get ? {} : { body: String(data) }),
              headers: Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)])),
              signal: AbortSignal.timeout(timeoutMs),
              redirect: 'manual',
            });
          } catch (e) {
            if (e instanceof VendorError) throw e; // e.g. a redirect, refused by the core's fetch
            throw new VendorError('pymetrics is unreachable', { retryable: true, cause: e });
          }
          const body = await readLimited(res, maxResponseBytes);
          assertSafeXml(body, maxResponseBytes);
          if (res.status !== 200) {
            // Faults come back with HTTP 500 (Spyne); anything else without a fault is a transport failure.
            const fault = safeFault(body);
            if (fault) throw faultError(fault, this.o.clientSecret);
            throw new VendorError(`pymetrics answered HTTP ${res.status}`, {
              retryable: res.status >= 500 || res.status === 408 || res.status === 429,
              vendorCode: String(res.status),
            });
          }
          return { response: { status: res.status, headers: Object.fromEntries(res.headers) }, body };
        })();
        exchange.then(
          ({ response, body }) => callback(null, response, body),
          (e: unknown) => callback(e),
        );
        return exchange as unknown as ReturnType<IHttpClient['request']>;
      },
    };
  }

  private toVendorError(e: unknown, op?: Operation): Error {
    if (e instanceof SessionExpired || e instanceof VendorError) return e;
    if (e instanceof PymetricsWireError) return new VendorError(scrub(e.message, this.o.clientSecret), { retryable: true });
    // The soap package reports a fault or an unreadable body with the raw body attached.
    const body = (e as { body?: unknown } | null)?.body;
    if (typeof body === 'string') {
      const fault = safeFault(body);
      if (fault) return faultError(fault, this.o.clientSecret);
    }
    return new VendorError(`pymetrics ${op ?? 'call'} failed: the response could not be read`, { retryable: true });
  }
}

type SoapCall = (args: unknown, cb: (...a: unknown[]) => void, options: object, headers: object) => void;


function checkOrderId(id: string): string {
  if (!/^\d{1,18}$/.test(id)) throw new VendorError('not a pymetrics order id', { retryable: false });
  return id;
}

function safeFault(body: string): SoapFault | null {
  try {
    return parseFault(body);
  } catch {
    return null;
  }
}

function scrub(message: string, secret: string): string {
  const short = message.length > 300 ? `${message.slice(0, 300)}…` : message;
  return secret ? short.split(secret).join('[redacted]') : short;
}

function faultError(fault: SoapFault, secret: string): Error {
  if (fault.faultstring.includes('session has expired')) return new SessionExpired();
  const code = fault.faultcode.replace(/^[^:]*:/, '');
  const message = scrub(`pymetrics fault ${code || 'unknown'}: ${fault.faultstring || 'no reason given'}`, secret);
  // SOAP 1.1: Client faults are ours to fix (the same request fails again); Server faults may pass.
  return new VendorError(message, { retryable: !code.startsWith('Client'), vendorCode: code || undefined });
}
