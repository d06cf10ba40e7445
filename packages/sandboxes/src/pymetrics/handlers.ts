// The pymetrics SOAP operations as the sandbox answers them (docs/vendors/pymetrics.md#wsdl): each checks the session
// header, reads or changes the state, and answers in the V3 guide's Spyne shapes (wire.ts). soap.listen calls them.
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { escapeHtml as esc } from '../html.js';
import { headerChildNamespace } from './header.js';
import { defaultResult, type SandboxOrder, type SandboxState } from './state.js';
import { fault, record, SESSION_EXPIRED } from './wire.js';

interface HeaderArg {
  RequestHeader?: { session_id?: unknown; client_id?: unknown };
}

/** The raw request of each SOAP call, for what soap's parsed arguments drop (namespaces). */
export type SoapRequest = http.IncomingMessage;

export type OrderAnswerMode = 'script-url' | 'lost';

export interface ServiceOptions {
  clientId: string;
  clientSecret: string;
  sessionSeconds: number;
  scoreField: 'fitscore' | 'score' | 'band-only';
  /** The namespace RequestHeader's children must be in (header.ts). */
  headerNs: string;
  /** contractShape 'altered': listing and status records with renamed fields. */
  altered: boolean;
  autoAccept: boolean;
  assessments: readonly { id: string; name: string; type: string }[];
  /** The sandbox's origin, for invitation, report and evaluation URLs. */
  url: string;
  /** Each request's raw XML, as soap logged it. */
  rawRequests: WeakMap<SoapRequest, string>;
  /** How the next order's answer goes wrong, if it should (server.ts orderAnswer). */
  takeOrderAnswer(): OrderAnswerMode | undefined;
}

/** The order ids of a get_bulk_* request: one `integer` or several. */
function idsOf(args: { order_ids?: { integer?: unknown } } | undefined): string[] {
  const raw = args?.order_ids?.integer;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.map((v) => String(v).trim());
}

/** The service object soap.listen dispatches to. */
export function createSoapService(state: SandboxState, options: ServiceOptions) {
  const { sessions, orders, count, notify } = state;
  const { clientId, clientSecret, sessionSeconds, scoreField, headerNs, altered, assessments, url, rawRequests } = options;

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

  return {
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
      return placeOrder(state, options, args?.order ?? {});
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
}

/** docs/vendors/pymetrics.md#ordering: creates the order the request names and answers its id and assessment_url. */
function placeOrder(state: SandboxState, options: ServiceOptions, f: Record<string, unknown>) {
  const str = (k: string) => (f[k] === undefined || f[k] === null ? '' : String(f[k]).trim());
  const assessment = options.assessments.find((a) => a.id === str('assessment_id'));
  if (!assessment) throw fault('Client', `Unknown assessment_id ${str('assessment_id')}`);
  for (const k of ['external_id', 'first_name', 'last_name', 'email']) {
    if (!str(k)) throw fault('Client', `${k} is required`);
  }
  const orderId = state.newOrderId();
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
    status: options.autoAccept ? 'ACCEPTED' : 'PENDING',
    resultsReady: false,
    result: defaultResult(orderId),
    createDate: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    inviteUrl: `${options.url}/invite/sc.${token}/`,
    reportUrl: `${options.url}/results/downloads/assessments/?invite_hash=${token}`,
  };
  state.orders.set(orderId, o);
  state.byToken.set(token, orderId);
  const answer = options.takeOrderAnswer();
  if (answer === 'lost') return new Promise<never>(() => {}); // the order exists; its answer never comes
  return {
    $xml: record('tns:request_assessment_orderResult', {
      success: true,
      order_id: orderId,
      assessment_url: answer === 'script-url' ? 'javascript:alert(document.domain)' : o.inviteUrl,
    }),
  };
}
