// A pymetrics-compatible SOAP server (soap.listen, the vendor's WSDL) for the demo and tests, with a small `/_sandbox`
// control API. Never reachable beyond 127.0.0.1 by default; never a place for production data. Answers like the
// V3 guide's Spyne service (docs/vendors/pymetrics.md#wsdl).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listen } from 'soap';
import { escapeHtml as esc } from '../html.js';
import { interruptNode } from '../http.js';
import { StepRefused, type AdvanceContext, type ContractShape, type OutageMode, type VendorSandbox } from '../types.js';
import { HEADER_CHILD_NS, headerChildNamespace, type HeaderNamespace } from './header.js';
import { candidatePage as candidateHtml, layout, PAGE_CSP, reportPage as reportHtml } from './pages.js';
import { envelope, fault, record, SANDBOX_STATUSES, SESSION_EXPIRED, WSDL_FILE, type SandboxStatus } from './wire.js';

export { SANDBOX_STATUSES, SESSION_EXPIRED, type SandboxStatus };

/** Steps the control API and the candidate page understand, and the status each leads to. */
export const SANDBOX_STEPS = {
  accept: 'ACCEPTED',
  register: 'NOT_STARTED',
  start: 'IN_PROGRESS',
  complete: 'COMPLETED',
  fulfil: 'FULFILLED',
} as const satisfies Record<string, SandboxStatus>;
/** `score` makes results available for a COMPLETED order (when `autoScore` is off). */
export type SandboxStep = keyof typeof SANDBOX_STEPS | 'score';

/** Advance knobs: the result an order gets (kept for when results are released). */
export interface AdvanceOptions extends AdvanceContext {
  fitscore?: number;
  band?: string;
  passed?: boolean;
}

export interface SandboxResult {
  fitscore: number;
  band: string;
  passed: boolean;
}

export interface SandboxOrder {
  orderId: string;
  externalId: string;
  assessmentId: string;
  assessmentType: string;
  firstName: string;
  lastName: string;
  email: string;
  locale: string | null;
  city: string | null;
  country: string | null;
  callbackUrl: string | null;
  status: SandboxStatus;
  resultsReady: boolean;
  result: SandboxResult;
  createDate: string;
  inviteUrl: string;
  reportUrl: string;
}

export type OrderAnswerMode = 'script-url' | 'lost';

export type SandboxSabotage = 'dtd' | 'entity' | 'malformed' | 'huge' | 'http503' | 'server-fault' | 'hang';

export interface PymetricsSandboxOptions {
  clientId?: string;
  clientSecret?: string;
  /** `expiry_period` given to clients and enforced; short in tests. Default 3600 (docs/vendors/pymetrics.md#sessions: one hour). */
  sessionSeconds?: number;
  /** Results are ready as soon as an order is COMPLETED. Default true; false models the documented delay. */
  autoScore?: boolean;
  /** New orders start ACCEPTED instead of PENDING. Default false. */
  autoAccept?: boolean;
  /** Assessments of `list_assessments`; ids not listed are refused when ordering. */
  assessments?: { id: string; name: string; type: string }[];
  /** POST to each order's callback_url on every change. Default true. */
  callbacks?: boolean;
  /**
   * docs/vendors/pymetrics.md#results: "Depending on your configuration, you will recieve at least one of score and band". `fitscore` (the
   * sample's element, default), `score` (the attribute table's name) or `band-only` (no numeric score at all).
   */
  scoreField?: 'fitscore' | 'score' | 'band-only';
  /**
   * Where RequestHeader's children must be (docs/vendors/pymetrics.md#request-header): `walkthrough` (default, the
   * guide's zeep walkthrough and the public zeep code) or `sample` (the guide's raw XML samples). Any other is a
   * Client fault.
   */
  headerNamespace?: HeaderNamespace;
  /**
   * `altered`: list_assessments and get_bulk_status records name their fields `id`, `name`, `type` and `state`
   * instead of the documented `assessment_id`, `assessment_name`, `assessment_type` and `status`, so the go-live
   * check and the drift counter have a contradiction to see. Default `documented`.
   */
  contractShape?: ContractShape;
  port?: number;
}

export interface CallbackDelivery {
  orderId: string;
  status: SandboxStatus;
  url: string;
  outcome: number | 'error';
}

export interface PymetricsSandbox extends VendorSandbox {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The SOAP endpoint to put in config as `vendors.pymetrics.endpoint`. */
  endpoint: string;
  wsdlUrl: string;
  clientId: string;
  clientSecret: string;
  /** Calls per SOAP operation (`authenticate`, `get_bulk_status`…) since start or the last reset. */
  calls(): Record<string, number>;
  resetCalls(): void;
  orders(): SandboxOrder[];
  order(orderId: string): SandboxOrder | undefined;
  /** Moves an order on; `ref` is the pymetrics `order_id` (the BFF's vendorRef). */
  advance(ref: string, step: SandboxStep, opts?: AdvanceOptions): Promise<SandboxOrder>;
  /**
   * `error`: every SOAP call (and the WSDL) answers a SOAP Server fault with HTTP 500; `hang`/`drop` as the modes
   * say. The candidate and report pages stay up.
   */
  outage(mode: OutageMode): Promise<void>;
  /** Ends every open session now, as a pymetrics restart or clock skew would. */
  expireSessions(): void;
  /** The next `count` SOAP calls get a hostile or broken answer instead of a real one; 0 ends it. */
  sabotage(mode: SandboxSabotage, count?: number): void;
  /**
   * The next `count` orders are created as asked, but their answer goes wrong: `script-url` answers a `javascript:`
   * assessment_url, `lost` never answers (a timeout after the vendor acted). 0 ends it.
   */
  orderAnswer(mode: OrderAnswerMode, count?: number): void;
  callbacks: CallbackDelivery[];
  stop(): Promise<void>;
}

const DEFAULT_ASSESSMENTS = [
  { id: '33', name: 'Job Assessment', type: 'Games' }, // docs/vendors/pymetrics.md#ordering, list_assessments sample
  { id: '2019', name: 'Data Scientist', type: 'Games' }, // docs/vendors/pymetrics.md#statuses, get_bulk_status sample
  { id: '2025', name: 'Video interview', type: 'Video' }, // docs/vendors/pymetrics.md#results: video orders carry evaluation_url
];

function defaultResult(orderId: string): SandboxResult {
  const fitscore = 40 + (Number(orderId) * 37) % 60;
  return {
    fitscore,
    band: fitscore >= 80 ? 'Highly Recommend' : fitscore >= 60 ? 'Recommend' : 'Not Recommended',
    passed: fitscore >= 60,
  };
}

interface HeaderArg {
  RequestHeader?: { session_id?: unknown; client_id?: unknown };
}

/** The raw request of each SOAP call, for what soap's parsed arguments drop (namespaces). */
type SoapRequest = http.IncomingMessage;

export async function startPymetricsSandbox(opts: PymetricsSandboxOptions = {}): Promise<PymetricsSandbox> {
  const clientId = opts.clientId ?? 'sandbox-client';
  const clientSecret = opts.clientSecret ?? `sandbox-secret-${randomBytes(6).toString('hex')}`;
  const sessionSeconds = opts.sessionSeconds ?? 3600;
  const scoreField = opts.scoreField ?? 'fitscore';
  const autoScore = opts.autoScore ?? true;
  const headerNs = HEADER_CHILD_NS[opts.headerNamespace ?? 'walkthrough'];
  const altered = opts.contractShape === 'altered';
  const rawRequests = new WeakMap<SoapRequest, string>();
  const assessments = opts.assessments ?? DEFAULT_ASSESSMENTS;
  const sessions = new Map<string, number>();
  const orders = new Map<string, SandboxOrder>();
  const byToken = new Map<string, string>();
  const calls: Record<string, number> = {};
  const callbacks: CallbackDelivery[] = [];
  const pendingCallbacks = new Set<Promise<void>>();
  let nextOrderId = 13263; // the V3 guide's (docs/vendors/pymetrics.md#ordering) first order id
  let sabotage: { mode: SandboxSabotage; left: number } | null = null;
  let orderAnswer: { mode: OrderAnswerMode; left: number } | null = null;
  let outage: OutageMode = 'none';
  const hung = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    control(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('sandbox error');
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const servicePath = '/integrations/webservice/v3/';
  const endpoint = `${url}${servicePath}`;
  const wsdlUrl = `${endpoint}wsdl/`;
  const wsdlXml = readFileSync(WSDL_FILE, 'utf8').replace(
    /<soap:address location="[^"]*"\/>/,
    `<soap:address location="${endpoint}"/>`,
  );

  const count = (op: string) => {
    calls[op] = (calls[op] ?? 0) + 1;
  };

  function checkSession(headers: HeaderArg | undefined, req?: SoapRequest): void {
    const raw = req ? rawRequests.get(req) : undefined;
    for (const child of ['session_id', 'client_id']) {
      const ns = raw === undefined ? headerNs : headerChildNamespace(raw, child);
      if (ns !== null && ns !== headerNs) throw fault('Client', `RequestHeader ${child} must be in namespace ${headerNs}, not ${ns || '(none)'}`);
    }
    const h = headers?.RequestHeader;
    const sessionId = typeof h?.session_id === 'string' ? h.session_id : '';
    const expiresAt = sessions.get(sessionId);
    if (expiresAt === undefined || Date.now() >= expiresAt) {
      sessions.delete(sessionId);
      throw fault('Client', SESSION_EXPIRED);
    }
    if (h?.client_id !== clientId) throw fault('Client', 'Unknown client_id');
  }

  function idsOf(args: { order_ids?: { integer?: unknown } } | undefined): string[] {
    const raw = args?.order_ids?.integer;
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    return list.map((v) => String(v).trim());
  }

  function statusXml(o: SandboxOrder): string {
    const a = assessments.find((x) => x.id === o.assessmentId);
    const video = a?.type === 'Video' && (o.status === 'COMPLETED' || o.status === 'FULFILLED');
    return record('s1:AssessmentStatus', {
      [altered ? 'state' : 'status']: o.status,
      order_id: o.orderId,
      assessment_id: o.assessmentId,
      assessment_type: o.assessmentType,
      invite_url: o.status === 'PENDING' ? undefined : o.inviteUrl,
      evaluation_url: video ? `${url}/video/evaluation/${o.assessmentId}/${o.orderId}/` : undefined,
    });
  }

  function notify(o: SandboxOrder): void {
    if (opts.callbacks === false || !o.callbackUrl) return;
    const target = o.callbackUrl;
    const delivery = fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ order_id: o.orderId, status: o.status }).toString(),
      signal: AbortSignal.timeout(5_000),
    }).then(
      async (r) => {
        await r.body?.cancel().catch(() => undefined);
        callbacks.push({ orderId: o.orderId, status: o.status, url: target, outcome: r.status });
      },
      () => {
        callbacks.push({ orderId: o.orderId, status: o.status, url: target, outcome: 'error' });
      },
    );
    pendingCallbacks.add(delivery);
    void delivery.finally(() => pendingCallbacks.delete(delivery));
  }

  function advance(orderId: string, step: SandboxStep, result?: Partial<SandboxResult>): SandboxOrder {
    const o = orders.get(orderId);
    if (!o) throw new StepRefused(`no order ${orderId}`);
    if (result) o.result = { ...o.result, ...result };
    if (step === 'score') {
      if (o.status !== 'COMPLETED' && o.status !== 'FULFILLED') throw new StepRefused(`order ${orderId} is ${o.status}, not COMPLETED`);
      o.resultsReady = true;
      notify(o);
      return o;
    }
    const target = SANDBOX_STEPS[step];
    if (!target) throw new StepRefused(`unknown step ${String(step)}`);
    const from = SANDBOX_STATUSES.indexOf(o.status);
    const to = SANDBOX_STATUSES.indexOf(target);
    if (to < from) throw new StepRefused(`order ${orderId} is ${o.status}; cannot go back to ${target}`);
    if (to === from) return o;
    o.status = target;
    if (target === 'FULFILLED' || (target === 'COMPLETED' && autoScore)) o.resultsReady = true;
    notify(o);
    return o;
  }

  const service = {
    authenticate(args: { client_id?: unknown; client_secret?: unknown }) {
      count('authenticate');
      if (args?.client_id !== clientId || args?.client_secret !== clientSecret) {
        throw fault('Client', 'Authentication failed: unknown client_id or client_secret');
      }
      const sessionId = randomBytes(16).toString('hex');
      sessions.set(sessionId, Date.now() + sessionSeconds * 1000);
      return {
        $xml: record('tns:authenticateResult', { session_id: sessionId, expiry_period: sessionSeconds }),
      };
    },
    echo(args: { echo?: unknown }, _cb: unknown, headers: HeaderArg, req?: SoapRequest) {
      count('echo');
      checkSession(headers, req);
      return { $xml: `<tns:echoResult>${esc(String(args?.echo ?? ''))}</tns:echoResult>` };
    },
    list_assessments(_args: unknown, _cb: unknown, headers: HeaderArg, req?: SoapRequest) {
      count('list_assessments');
      checkSession(headers, req);
      return {
        $xml: assessments
          .map((a) =>
            record(
              'tns:list_assessmentResult',
              altered ? { id: a.id, name: a.name, type: a.type } : { assessment_id: a.id, assessment_name: a.name, assessment_type: a.type },
            ),
          )
          .join(''),
      };
    },
    request_assessment_order(args: { order?: Record<string, unknown> }, _cb: unknown, headers: HeaderArg, req?: SoapRequest) {
      count('request_assessment_order');
      checkSession(headers, req);
      const f = args?.order ?? {};
      const str = (k: string) => (f[k] === undefined || f[k] === null ? '' : String(f[k]).trim());
      const assessment = assessments.find((a) => a.id === str('assessment_id'));
      if (!assessment) throw fault('Client', `Unknown assessment_id ${str('assessment_id')}`);
      for (const k of ['external_id', 'first_name', 'last_name', 'email']) {
        if (!str(k)) throw fault('Client', `${k} is required`);
      }
      const orderId = String(nextOrderId++);
      const token = randomBytes(16).toString('hex');
      const o: SandboxOrder = {
        orderId,
        externalId: str('external_id'),
        assessmentId: assessment.id,
        assessmentType: assessment.type,
        firstName: str('first_name'),
        lastName: str('last_name'),
        email: str('email'),
        locale: str('application_locale') || null,
        city: str('city') || null,
        country: str('country') || null,
        callbackUrl: str('callback_url') || null,
        status: opts.autoAccept ? 'ACCEPTED' : 'PENDING',
        resultsReady: false,
        result: defaultResult(orderId),
        createDate: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
        inviteUrl: `${url}/invite/sc.${token}/`,
        reportUrl: `${url}/results/downloads/assessments/?invite_hash=${token}`,
      };
      orders.set(orderId, o);
      byToken.set(token, orderId);
      const answer = orderAnswer?.mode;
      if (orderAnswer && --orderAnswer.left <= 0) orderAnswer = null;
      if (answer === 'lost') return new Promise<never>(() => {}); // the order exists; its answer never comes
      return {
        $xml: record('tns:request_assessment_orderResult', {
          success: true,
          order_id: orderId,
          assessment_url: answer === 'script-url' ? 'javascript:alert(document.domain)' : o.inviteUrl,
        }),
      };
    },
    get_bulk_status(args: { order_ids?: { integer?: unknown } }, _cb: unknown, headers: HeaderArg, req?: SoapRequest) {
      count('get_bulk_status');
      checkSession(headers, req);
      const found = idsOf(args).flatMap((id) => orders.get(id) ?? []);
      return { $xml: `<tns:get_bulk_statusResult>${found.map(statusXml).join('')}</tns:get_bulk_statusResult>` };
    },
    get_bulk_results(args: { order_ids?: { integer?: unknown } }, _cb: unknown, headers: HeaderArg, req?: SoapRequest) {
      count('get_bulk_results');
      checkSession(headers, req);
      const asked = idsOf(args).flatMap((id) => orders.get(id) ?? []);
      // docs/vendors/pymetrics.md#results: results of every order sharing an external_id with an asked order, when they have results.
      const externals = new Set(asked.map((o) => o.externalId));
      const out = [...orders.values()].filter((o) => externals.has(o.externalId) && o.resultsReady);
      const xml = out
        .map((o) =>
          record('s1:AssessmentResultFullResponse', {
            create_date: o.createDate,
            description: assessments.find((a) => a.id === o.assessmentId)?.name,
            order_id: o.orderId,
            ...(scoreField === 'band-only' ? {} : { [scoreField]: o.result.fitscore.toFixed(1) }),
            band: o.result.band,
            passed: o.result.passed,
            external_id: o.externalId,
            assessment_id: o.assessmentId,
            assessment_type: o.assessmentType,
          }),
        )
        .join('');
      // docs/vendors/pymetrics.md#results: FULFILLED = "Results have been transferred to requesting partner".
      for (const o of out) {
        if (o.status === 'COMPLETED') {
          o.status = 'FULFILLED';
          notify(o);
        }
      }
      return { $xml: `<tns:get_bulk_resultsResult>${xml}</tns:get_bulk_resultsResult>` };
    },
    get_report(args: { order_id?: unknown }, _cb: unknown, headers: HeaderArg, req?: SoapRequest) {
      count('get_report');
      checkSession(headers, req);
      const o = orders.get(String(args?.order_id ?? '').trim());
      if (!o) throw fault('Client', 'Unknown order_id');
      return { $xml: record('tns:get_reportResult', { report_url: o.reportUrl }) };
    },
  };

  await new Promise<void>((resolve, reject) => {
    const soapServer = listen(server, {
      path: servicePath,
      services: { AssessmentServiceV3: { AssessmentServiceV3: service } },
      xml: wsdlXml,
      envelopeKey: 'soap11env',
      suppressStack: true,
      callback: (err: unknown) => (err ? reject(err) : resolve()),
    } as Parameters<typeof listen>[1]);
    // soap hands each request's raw XML to its `log` before dispatching it: kept per request for the header check.
    Object.assign(soapServer, {
      log: (type: string, data: unknown, req: SoapRequest | undefined) => {
        if (type === 'received' && typeof data === 'string' && req) rawRequests.set(req, data);
      },
    });
  });

  // soap.listen took over 'request'; put the outage and sabotage switches in front of it.
  const soapListeners = server.listeners('request') as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (outage !== 'none' && new URL(req.url ?? '/', url).pathname.startsWith(servicePath)) {
      if (interruptNode(req, res, outage, hung)) return;
      req.resume();
      req.on('end', () => sendSabotage('server-fault', res, false));
      return;
    }
    if (req.method === 'POST' && sabotage && new URL(req.url ?? '/', url).pathname === servicePath) {
      const mode = sabotage.mode;
      sabotage.left -= 1;
      if (sabotage.left <= 0) sabotage = null;
      req.resume();
      req.on('end', () => sendSabotage(mode, res));
      return;
    }
    for (const l of soapListeners) l.call(server, req, res);
  });

  function sendSabotage(mode: SandboxSabotage, res: http.ServerResponse, counted = true): void {
    if (counted) count(`sabotage:${mode}`);
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

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > 64 * 1024) throw new Error('body too large');
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  /** Everything that is not SOAP: the WSDL, the control API, the candidate page and the report page. */
  async function control(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', url);
    const path = u.pathname;
    if (req.method === 'GET' && (path === `${servicePath}wsdl/` || path === `${servicePath}wsdl`)) {
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(wsdlXml);
      return;
    }
    if (path.startsWith('/_sandbox/')) return sandboxApi(req, res, path);
    const invite = /^\/invite\/sc\.([0-9a-f]{32})\/(?:(register|start|complete|accept))?$/.exec(path);
    if (invite) return candidatePage(req, res, invite[1]!, invite[2] as SandboxStep | undefined);
    if (req.method === 'GET' && path === '/results/downloads/assessments/') {
      return reportPage(res, u.searchParams.get('invite_hash') ?? '');
    }
    if (req.method === 'GET' && /^\/video\/evaluation\/\d+\/\d+\/$/.test(path)) {
      return page(res, 200, 'Video evaluation', '<p>Video evaluation (sandbox).</p>');
    }
    json(res, 404, { error: 'not found' });
  }

  async function sandboxApi(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    if (req.method === 'GET' && path === '/_sandbox/orders') return json(res, 200, { orders: [...orders.values()] });
    if (req.method === 'GET' && path === '/_sandbox/counters') return json(res, 200, { calls });
    if (req.method === 'GET' && path === '/_sandbox/callbacks') return json(res, 200, { callbacks });
    if (req.method === 'POST' && path === '/_sandbox/counters/reset') {
      for (const k of Object.keys(calls)) delete calls[k];
      return json(res, 200, { calls });
    }
    if (req.method === 'POST' && path === '/_sandbox/sessions/expire') {
      sessions.clear();
      return json(res, 200, { expired: true });
    }
    const adv = /^\/_sandbox\/orders\/(\d+)\/advance$/.exec(path);
    if (req.method === 'POST' && adv) {
      const text = await readBody(req);
      const isJson = (req.headers['content-type'] ?? '').includes('json');
      const body = (isJson ? JSON.parse(text || '{}') : Object.fromEntries(new URLSearchParams(text))) as Record<string, unknown>;
      const step = String(body.step ?? '') as SandboxStep;
      const result: Partial<SandboxResult> = {};
      if (body.fitscore !== undefined) result.fitscore = Number(body.fitscore);
      if (body.band !== undefined) result.band = String(body.band);
      if (body.passed !== undefined) result.passed = body.passed === true || body.passed === 'true';
      try {
        return json(res, 200, { order: advance(adv[1]!, step, Object.keys(result).length ? result : undefined) });
      } catch (e) {
        return json(res, 409, { error: e instanceof Error ? e.message : 'cannot advance' });
      }
    }
    json(res, 404, { error: 'not found' });
  }

  function page(res: http.ServerResponse, status: number, title: string, body: string): void {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP }).end(layout(title, body));
  }

  async function candidatePage(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    token: string,
    step: SandboxStep | undefined,
  ): Promise<void> {
    const o = orders.get(byToken.get(token) ?? '');
    if (!o) return page(res, 404, 'pymetrics sandbox', '<p>This invitation is not valid.</p>');
    if (req.method === 'POST' && step) {
      await readBody(req);
      try {
        advance(o.orderId, step);
      } catch {
        /* a double click on a finished step: show the page as it is */
      }
      res.writeHead(303, { location: `/invite/sc.${token}/` }).end();
      return;
    }
    page(res, 200, 'pymetrics games (sandbox)', candidateHtml(token, o));
  }

  function reportPage(res: http.ServerResponse, token: string): void {
    const o = orders.get(byToken.get(token) ?? '');
    if (!o) return page(res, 404, 'pymetrics report', '<p>No such report.</p>');
    page(res, 200, 'pymetrics report (sandbox)', reportHtml(o));
  }

  return {
    url,
    endpoint,
    wsdlUrl,
    clientId,
    clientSecret,
    calls: () => ({ ...calls }),
    resetCalls: () => {
      for (const k of Object.keys(calls)) delete calls[k];
    },
    orders: () => [...orders.values()],
    order: (id) => orders.get(id),
    async advance(ref, step, o = {}) {
      const result: Partial<SandboxResult> = {};
      if (o.fitscore !== undefined) result.fitscore = o.fitscore;
      if (o.band !== undefined) result.band = o.band;
      if (o.passed !== undefined) result.passed = o.passed;
      return advance(ref, step, Object.keys(result).length ? result : undefined);
    },
    async outage(mode) {
      outage = mode;
    },
    expireSessions: () => sessions.clear(),
    sabotage: (mode, n = 1) => {
      sabotage = n > 0 ? { mode, left: n } : null;
    },
    orderAnswer: (mode, n = 1) => {
      orderAnswer = n > 0 ? { mode, left: n } : null;
    },
    callbacks,
    async stop() {
      for (const r of hung) r.destroy();
      await Promise.allSettled([...pendingCallbacks]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
