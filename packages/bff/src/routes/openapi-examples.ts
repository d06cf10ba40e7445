// The examples of /openapi.json: a request and the answers of every operation, taken from a demo run (ids and times
// are from it), plus the descriptions of the operations that openapi.ts and openapi-outside.ts leave at a summary.
// openapi.test.ts checks that every operation has them, that they validate against their schemas, and that a real
// BFF answers in the same shape.
import type { ErrorCode } from '@ca/shared';
import { errorExamples } from './openapi-errors.js';

type Json = Record<string, unknown>;

const ORDER_ID = 'o_sVchsCV5I2yI46lEjSp6';
const at = (s: string) => `2026-12-06T02:38:${s}Z`;

/** An order as the BFF answers it, in a few states. */
export const exampleOrder = (over: Json = {}): Json => ({
  id: ORDER_ID,
  tenantId: 'acme',
  candidateId: 'cand-1001',
  packageId: 'berke-sales',
  packageName: 'Sales personality',
  vendor: 'berke',
  vendorName: 'Berke',
  vendorRef: 'cand-1001',
  status: 'invited',
  vendorStatus: '5',
  progress: null,
  version: 2,
  statusChangedAt: at('38.954'),
  createdAt: at('38.127'),
  booking: null,
  result: null,
  error: null,
  retakeOf: null,
  lastAction: null,
  ...over,
});
const requested = exampleOrder({ vendorRef: null, status: 'requested', vendorStatus: null, version: 1, statusChangedAt: at('38.127') });
const candidate = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' };
const event = { id: '42', type: 'order.updated', orderId: ORDER_ID, candidateId: 'cand-1001', tenantId: 'acme', order: exampleOrder(), at: at('39.093') };
const cancelled = exampleOrder({
  status: 'cancelled',
  vendorStatus: 'Berke DeleteAssessment',
  version: 6,
  statusChangedAt: at('43.350'),
  lastAction: { at: at('43.350'), actor: 'recruiter-7', action: 'cancel', vendorCall: 'Berke DeleteAssessment' },
});

/** Per operationId: a description where the operation has only a summary, the request, parameter values and answers. */
interface OperationExamples {
  description?: string;
  request?: unknown;
  params?: Record<string, unknown>;
  /** Per status: the answer's example (for the first media type of the answer). */
  answers?: Record<string, unknown>;
  /** Per status: the error codes to show, where they differ from every code of that status. */
  errors?: Record<string, ErrorCode[]>;
}

const PARAMS: Record<string, unknown> = {
  id: ORDER_ID,
  candidateId: 'cand-1001',
  'Idempotency-Key': 'ats-order-cand-1001-berke-sales',
  ticket: 'bB_ejnomA8FAHifoQQjXTFRNBFZgXRW4',
  vendor: 'mettl',
  tenant: 'acme',
  'Last-Event-ID': '41',
  lastEventId: '41',
  file: 'de-3f9c1a2b.js',
  version: '9f2c4e1a7b3d5c60',
  'webhook-id': 'evt_42',
  'webhook-timestamp': '1796524719',
  'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
};

const JS = 'export default `Bewertungen\\nLive\\n…`;';
const HTML = '<!doctype html><html lang="en"><title>Thank you</title><p>Thank you. You can close this page.</p></html>';

export const OPERATION_EXAMPLES: Record<string, OperationExamples> = {
  createWidgetSession: {
    description:
      'Your ATS back end calls this with the tenant API key and hands the token to the widget (`fetchToken`). Take the role and ' +
      'the candidate from your own session, never from the page. The token is for one candidate, lives `ttlSeconds` (at most 900) ' +
      'and is sent by the widget as `Authorization: Bearer`.',
    request: { role: 'recruiter', candidate: { id: 'cand-1001', ...candidate, locale: 'en-GB' }, job: { id: 'job-77', title: 'Account executive' }, actor: 'recruiter-7', ttlSeconds: 600 },
    answers: {
      '201': {
        token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0.eyJyb2xlIjoicmVjcnVpdGVyIiwiaXNzIjoiYWNtZSIsInN1YiI6ImNhbmQtMTAwMSJ9.2s44RzkLCGp0gqJH0-kIWuHQUsncG_qGPmfGlQqBZV8',
        expiresAt: '2026-12-06T02:48:37.000Z',
      },
    },
    errors: { '403': ['forbidden'], '404': ['not_found'] },
  },
  listPackages: {
    description:
      "The tenant's catalog: what can be ordered, from which vendor, and the recruiter `actions` each vendor offers. A candidate token gets 403.",
    answers: {
      '200': {
        packages: [
          { id: 'berke-sales', vendor: 'berke', vendorName: 'Berke', name: 'Sales personality', kind: 'personality', description: 'Personality and job-fit profile.', actions: ['cancel', 'remind', 'retake'] },
          { id: 'psi-cert', vendor: 'psi', vendorName: 'PSI', name: 'Certification exam', kind: 'exam', description: 'Proctored exam at a test center or online.', actions: ['cancel', 'retake'] },
        ],
      },
    },
  },
  listOrders: {
    description:
      "Every order of one candidate, newest first. A widget token names its candidate; with the API key, say whose orders with `candidateId`. A candidate token's orders carry no results and no vendor references.",
    answers: { '200': { orders: [exampleOrder()] } },
  },
  createOrder: {
    description:
      'Orders an assessment: answers 202 at once with the order `requested`; placement with the vendor runs in the background and ' +
      'its outcome comes as `order.updated` (event stream, ATS webhook, or `GET /v1/orders/{id}`): `invited` or `scheduled`, or ' +
      '`failed` with `error`. With a widget token the candidate is the token\'s; with the API key send `candidateId` and `candidate`. ' +
      'Send an `Idempotency-Key` so a retry never orders twice.',
    request: { packageId: 'berke-sales', candidateId: 'cand-1001', candidate, job: { id: 'job-77', title: 'Account executive' } },
    answers: { '202': { order: requested } },
    errors: { '404': ['package_not_found'], '409': ['idempotency_conflict'] },
  },
  getOrder: {
    description: 'One order, as the event stream and the ATS webhook send it. Keep the snapshot with the higher `version`.',
    answers: { '200': { order: exampleOrder() } },
    errors: { '404': ['order_not_found'] },
  },
  getOrderHistory: {
    description:
      'Every status update of the order in vendor-time order, with its source (placement, webhook, poll, job, recruiter) and whether it ' +
      'changed the order (`applied: false`: it arrived after a newer fact). Recruiter actions carry the action and the actor.',
    answers: {
      '200': {
        history: [
          { status: 'invited', vendorStatus: '5', vendorTime: at('38.954'), receivedAt: at('39.093'), source: 'placement', applied: true, action: null, actor: null },
          { status: 'cancelled', vendorStatus: 'Berke DeleteAssessment', vendorTime: at('43.350'), receivedAt: at('43.350'), source: 'recruiter', applied: true, action: 'cancel', actor: 'recruiter-7' },
        ],
      },
    },
    errors: { '404': ['order_not_found'] },
  },
  cancelOrder: {
    answers: { '200': { order: cancelled, action: 'cancel', changed: true, vendorCall: 'Berke DeleteAssessment', message: 'Cancelled at Berke (Berke DeleteAssessment).' } },
    errors: { '404': ['order_not_found'], '409': ['action_unavailable', 'idempotency_conflict'] },
  },
  remindOrder: {
    answers: {
      '200': {
        order: exampleOrder({ version: 4, lastAction: { at: at('43.318'), actor: 'recruiter-7', action: 'remind', vendorCall: 'Berke SendInvitation' } }),
        action: 'remind',
        changed: true,
        vendorCall: 'Berke SendInvitation',
        message: 'Berke sent the invitation again (Berke SendInvitation).',
        sentBy: 'vendor',
      },
    },
    errors: { '404': ['order_not_found'], '409': ['action_unavailable', 'idempotency_conflict'] },
  },
  retakeOrder: {
    answers: {
      '200': { order: exampleOrder({ id: 'o_kB6ccfftre3XGnITa11r', retakeOf: ORDER_ID, status: 'invited', version: 2 }), action: 'retake', changed: false, vendorCall: null, message: 'This retake was already ordered.' },
      '202': { order: { ...requested, id: 'o_kB6ccfftre3XGnITa11r', retakeOf: ORDER_ID }, action: 'retake', changed: true, vendorCall: null, message: 'A new attempt was ordered from Berke.' },
    },
    errors: { '404': ['order_not_found'], '409': ['action_unavailable', 'idempotency_conflict'] },
  },
  createOrderLink: {
    description:
      'A single-use URL on this BFF, valid 10 minutes, that redirects to a fresh vendor URL when followed: `launch` for the candidate ' +
      '(and a recruiter preview), `report` and `evaluation` for recruiters and API keys. Mint one per click; never store it.',
    request: { kind: 'launch' },
    answers: { '200': { url: 'https://bff.example.com/v1/links/bB_ejnomA8FAHifoQQjXTFRNBFZgXRW4', expiresAt: '2026-12-06T02:48:43.265Z' } },
    errors: { '404': ['order_not_found'], '409': ['launch_unavailable', 'report_unavailable'] },
  },
  followLink: {
    description: 'Opened by the browser (no credentials: the ticket is the credential). Redirects once to the vendor; a second visit gets 410.',
    errors: { '404': ['not_found'], '410': ['link_used', 'link_expired'] },
  },
  eraseCandidate: {
    params: { id: 'cand-1002' },
    answers: { '200': { candidateId: 'cand-1002', erasedAt: '2026-12-06T02:38:43.485Z', orders: 2, auditRef: 'erased_b-fCXYBVQLa49etaABSStM' } },
    errors: { '403': ['forbidden'], '404': ['not_found'] },
  },
  streamEvents: {
    // The example is one event's `data:`; the stream itself is `id: 42\nevent: order.updated\ndata: {…}\n\n`.
    answers: { '200': event },
    errors: { '404': ['not_found'] },
  },
  healthz: { description: 'Liveness: the process answers. For load balancers; no credentials.', answers: { '200': { status: 'ok' } } },
  readyz: {
    description: 'Readiness: the store is reachable. 503 while it is not (take the replica out of rotation).',
    answers: { '200': { status: 'ready' }, '503': { status: 'not_ready', reason: 'the database did not answer within 2000 ms' } },
  },
  metrics: {
    description: 'Prometheus text format: requests, vendor calls, webhook deliveries, event streams. Behind a bearer token when `metricsToken` is set.',
    answers: { '200': '# TYPE ca_ats_webhook_attempts_total counter\nca_ats_webhook_attempts_total{outcome="delivered"} 12\n' },
    errors: { '401': ['unauthorized'] },
  },
  widgetBundle: {
    description: 'The `<candidate-assessment>` element as one ES module: `<script type="module" src="{BFF}/widget.js">`. Its language chunks load on demand from `/widget/i18n/`.',
    answers: { '200': 'import{…}from"…";customElements.define("candidate-assessment",…);' },
  },
  widgetBundleVersioned: { answers: { '200': 'import{…}from"…";customElements.define("candidate-assessment",…);', '404': 'This BFF serves widget version 9f2c4e1a7b3d5c60.' } },
  putVendorNotification: {
    params: { vendor: 'psi' },
    request: { change_reason: 'SCHEDULED', client_eligibility_id: 'o_sVchsCV5I2yI46lEjSp6', candidate_id: 'cand-1001', exam_code: 'CERT-1' },
    answers: { '200': { ok: true, outcome: 'applied' } },
    errors: { '400': ['no_matching_order', 'validation_failed'], '401': ['webhook_unauthorized'], '404': ['not_found'] },
  },
  postVendorNotification: {
    request: { EVENT_TYPE: 'TEST_FINISHED', invitation_key: 'a1b2c3', context_data: '<signed by the BFF at registration>' },
    answers: { '200': { ok: true, outcome: 'applied' } },
    errors: { '400': ['validation_failed'], '401': ['webhook_unauthorized'], '404': ['not_found'] },
  },
  getOrderPing: { params: { vendor: 'pymetrics' }, answers: { '200': { ok: true } }, errors: { '404': ['not_found'] } },
  postOrderPing: { params: { vendor: 'pymetrics' }, answers: { '200': { ok: true } }, errors: { '404': ['not_found'] } },
  candidateReturn: { params: { vendor: 'berke' }, answers: { '200': HTML, '404': HTML.replace('Thank you. You can close this page.', 'This link is not valid.') } },
  candidateExit: { answers: { '200': HTML, '404': HTML.replace('Thank you. You can close this page.', 'This link is not valid.') } },
  oauthToken: {
    request: { grant_type: 'client_credentials', scope: 'hooks' },
    answers: {
      '200': { access_token: 'dG9rZW4tZm9yLXBzaS1ob29rcw', token_type: 'Bearer', expires_in: 3600, scope: 'hooks' },
      '400': { error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported.' },
      '401': { error: 'invalid_client' },
    },
  },
  openApi: { description: 'This OpenAPI 3.1 document, generated from the schemas the BFF validates with.', answers: { '200': { openapi: '3.1.0', info: { title: 'candidate-assessment BFF' } } } },
  docs: { description: 'The API reference, rendered in the browser from `/openapi.json`.', answers: { '200': '<!doctype html><html><head><title>candidate-assessment API</title>…' } },
  docsScript: { description: "Scalar's API reference bundle, served by the BFF so the page needs no other origin.", answers: { '200': '/* Scalar API reference */…' } },
  widgetMessages: { description: 'Immutable, hashed file names; the bundle knows them. Not called directly.', answers: { '200': JS, '404': 'Not found' } },
  widgetMessagesVersioned: { description: 'Immutable, hashed file names; the versioned bundle knows them. Not called directly.', answers: { '200': JS, '404': 'Not found' } },
  atsOrderEvent: { request: event },
};

type Operation = { operationId?: string; description?: string; parameters?: Json[]; requestBody?: { content: Record<string, Json> }; responses?: Record<string, { content?: Record<string, Json> }> };
type ErrorCodesOf = (status: number) => ErrorCode[];

/** A copy of `doc` with the descriptions and examples above filled in where the operation has none of its own. */
export function withExamples(doc: Json, codesOf: ErrorCodesOf): Json {
  // A JSON copy, not structuredClone: the shared error answers must become one object per operation.
  const out = JSON.parse(JSON.stringify(doc)) as Json;
  const groups = [out['paths'], out['webhooks']] as (Record<string, Record<string, Operation>> | undefined)[];
  for (const group of groups) {
    for (const ops of Object.values(group ?? {})) {
      for (const op of Object.values(ops)) if (op && typeof op === 'object' && op.operationId) annotate(op, OPERATION_EXAMPLES[op.operationId] ?? {}, codesOf);
    }
  }
  return out;
}

const isErrorSchema = (media: Json) => JSON.stringify(media['schema'] ?? '').includes('#/components/schemas/ApiError');

function annotate(op: Operation, ex: OperationExamples, codesOf: ErrorCodesOf): void {
  if (!op.description && ex.description) op.description = ex.description;
  for (const p of op.parameters ?? []) {
    const value = ex.params?.[p['name'] as string] ?? PARAMS[p['name'] as string];
    if (value !== undefined && p['example'] === undefined) p['example'] = value;
  }
  const body = op.requestBody?.content;
  if (body && ex.request !== undefined) for (const media of Object.values(body)) media['example'] ??= ex.request;
  for (const [status, answer] of Object.entries(op.responses ?? {})) {
    for (const media of Object.values(answer.content ?? {})) {
      if (media['example'] !== undefined || media['examples'] !== undefined) continue;
      if (isErrorSchema(media)) {
        const codes = ex.errors?.[status] ?? codesOf(Number(status));
        if (codes.length > 0) media['examples'] = errorExamples(codes);
      } else if (ex.answers?.[status] !== undefined) media['example'] = ex.answers[status];
    }
  }
}
