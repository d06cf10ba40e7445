// A pymetrics-compatible SOAP server (soap.listen, the vendor's WSDL) for the demo and tests, with a small `/_sandbox`
// control API. Never reachable beyond 127.0.0.1 by default; never a place for production data. Answers like the
// V3 guide's Spyne service (docs/vendors/pymetrics.md#wsdl).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listen } from 'soap';
import { interruptNode } from '../http.js';
import type { ContractShape, OutageMode, VendorSandbox } from '../types.js';
import { createSoapService, type OrderAnswerMode, type SoapRequest } from './handlers.js';
import { HEADER_CHILD_NS, type HeaderNamespace } from './header.js';
import { createControl, type Handler } from './control.js';
import {
  createSandboxState,
  DEFAULT_ASSESSMENTS,
  type AdvanceOptions,
  type CallbackDelivery,
  type SandboxOrder,
  type SandboxResult,
  type SandboxStep,
} from './state.js';
import { SANDBOX_STATUSES, SESSION_EXPIRED, WSDL_FILE, writeSabotage, type SandboxSabotage, type SandboxStatus } from './wire.js';

export { SANDBOX_STATUSES, SESSION_EXPIRED, type SandboxStatus, type SandboxSabotage, type OrderAnswerMode };
export { SANDBOX_STEPS, type AdvanceOptions, type CallbackDelivery, type SandboxOrder, type SandboxResult, type SandboxStep } from './state.js';




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



export async function startPymetricsSandbox(opts: PymetricsSandboxOptions = {}): Promise<PymetricsSandbox> {
  const clientId = opts.clientId ?? 'sandbox-client';
  const clientSecret = opts.clientSecret ?? `sandbox-secret-${randomBytes(6).toString('hex')}`;
  const sessionSeconds = opts.sessionSeconds ?? 3600;
  const scoreField = opts.scoreField ?? 'fitscore';
  const headerNs = HEADER_CHILD_NS[opts.headerNamespace ?? 'walkthrough'];
  const altered = opts.contractShape === 'altered';
  const rawRequests = new WeakMap<SoapRequest, string>();
  const assessments = opts.assessments ?? DEFAULT_ASSESSMENTS;
  const state = createSandboxState({ ...(opts.autoScore === undefined ? {} : { autoScore: opts.autoScore }), ...(opts.callbacks === undefined ? {} : { callbacks: opts.callbacks }) });
  const { sessions, orders, calls, callbacks, pendingCallbacks, count, advance } = state;
  let sabotage: { mode: SandboxSabotage; left: number } | null = null;
  let orderAnswer: { mode: OrderAnswerMode; left: number } | null = null;
  let outage: OutageMode = 'none';
  const hung = new Set<http.ServerResponse>();

  let control: Handler = async (_req, res) => {
    res.writeHead(503).end();
  };
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
  control = createControl(state, { url, servicePath, wsdlXml });

  const service = createSoapService(state, {
    clientId,
    clientSecret,
    sessionSeconds,
    scoreField,
    headerNs,
    altered,
    autoAccept: opts.autoAccept ?? false,
    assessments,
    url,
    rawRequests,
    takeOrderAnswer() {
      const mode = orderAnswer?.mode;
      if (orderAnswer && --orderAnswer.left <= 0) orderAnswer = null;
      return mode;
    },
  });

  await listenSoap(server, { servicePath, wsdlXml, service, rawRequests });

  // soap.listen took over 'request'; put the outage and sabotage switches in front of it.
  const soapListeners = server.listeners('request') as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (outage !== 'none' && new URL(req.url ?? '/', url).pathname.startsWith(servicePath)) {
      if (interruptNode(req, res, outage, hung)) return;
      req.resume();
      req.on('end', () => writeSabotage('server-fault', res, hung));
      return;
    }
    if (req.method === 'POST' && sabotage && new URL(req.url ?? '/', url).pathname === servicePath) {
      const mode = sabotage.mode;
      sabotage.left -= 1;
      if (sabotage.left <= 0) sabotage = null;
      req.resume();
      req.on('end', () => {
        count(`sabotage:${mode}`);
        writeSabotage(mode, res, hung);
      });
      return;
    }
    for (const l of soapListeners) l.call(server, req, res);
  });

  return {
    url,
    endpoint,
    wsdlUrl,
    clientId,
    clientSecret,
    calls: () => ({ ...calls }),
    resetCalls: () => state.resetCalls(),
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

/** Serves the SOAP service on `server` with soap.listen, keeping each request's raw XML for the header check. */
function listenSoap(
  server: http.Server,
  o: { servicePath: string; wsdlXml: string; service: object; rawRequests: WeakMap<SoapRequest, string> },
): Promise<void> {
  const { servicePath, wsdlXml, service, rawRequests } = o;
  return new Promise<void>((resolve, reject) => {
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
}
