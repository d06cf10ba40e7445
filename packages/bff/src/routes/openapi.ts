// /openapi.json, generated from the same shared zod schemas the routes validate with (zod's JSON Schema
// output), so the document cannot drift from what the server accepts.
import {
  ActionResponse,
  ApiError,
  CandidateErasureResponse,
  CreateLinkRequest,
  CreateOrderRequest,
  HistoryResponse,
  LinkResponse,
  OrderEvent,
  OrderResponse,
  OrdersResponse,
  PackagesResponse,
  WidgetSessionRequest,
  WidgetSessionResponse,
} from '@ca/shared';
import { z } from 'zod';
import { actionPaths } from './openapi-actions.js';
import { apiErrorDescription, codesOf } from './openapi-errors.js';
import { withExamples } from './openapi-examples.js';
import { outboundWebhooks, outsidePaths, outsideSecuritySchemes } from './openapi-outside.js';

/** Named schemas (components.schemas): responses as the server writes them, requests as it reads them. */
const OUTPUT_SCHEMAS = { ActionResponse, ApiError, CandidateErasureResponse, HistoryResponse, LinkResponse, OrderEvent, OrderResponse, OrdersResponse, PackagesResponse, WidgetSessionResponse };
const INPUT_SCHEMAS = { CreateLinkRequest, CreateOrderRequest, WidgetSessionRequest };

function namedSchemas(named: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, s] of Object.entries(named)) registry.add(s, { id });
  const { schemas } = z.toJSONSchema(registry, { io, unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  // Each comes out as a standalone JSON Schema document; inside components they are plain schemas.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...rest }]) => [id, rest]));
}

type SchemaName = keyof typeof OUTPUT_SCHEMAS | keyof typeof INPUT_SCHEMAS;
type Json = Record<string, unknown>;
const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });

/** What the /v1 paths share, made fresh for each document: JSON bodies by schema name, error answers, parameters. */
function sharedParts() {
  const json = (name: SchemaName) => ({ 'application/json': { schema: ref(name) } });
  const error = (description: string) => ({ description, content: json('ApiError') });
  const errors = {
    '400': error('Invalid input'),
    '401': error('Missing, invalid or expired credentials'),
    '403': error('Not allowed for this token'),
    '404': error('Not found (or not visible to this caller)'),
  };
  const candidateParam = {
    name: 'candidateId',
    in: 'query',
    required: false,
    description: "Required with an API key: the ATS's candidate id.",
    schema: { type: 'string' },
  };
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  return { json, error, errors, candidateParam, idParam };
}
type Parts = ReturnType<typeof sharedParts>;

export function buildOpenApi(publicUrl: string): Json {
  const parts = sharedParts();
  const doc = {
    openapi: '3.1.0',
    info: { title: 'candidate-assessment BFF', version: '1.0.0', description: INTRODUCTION },
    servers: [{ url: publicUrl }],
    tags: [
      { name: 'Widget sessions', description: 'Tokens for the widget, minted by the ATS back end' },
      { name: 'Orders', description: 'Catalog, orders, history, links and recruiter actions' },
      { name: 'Events', description: 'Live order events' },
      { name: 'Vendor hooks', description: 'Called by vendors and candidates’ browsers, not by the ATS' },
      { name: 'Operations', description: 'Health, metrics, documents' },
    ],
    components: components(),
    security: [{ widgetToken: [] }, { apiKey: [] }],
    paths: {
      ...widgetSessionPaths(parts),
      ...orderPaths(parts),
      ...linkPaths(parts),
      ...candidatePaths(parts),
      ...eventPaths(parts),
      ...operationsPaths(parts),
      ...outsidePaths(parts.error),
    },
    webhooks: outboundWebhooks(ref('OrderEvent')),
  };
  return withExamples(doc, codesOf);
}

/** info.description: what the API is for and the two credentials, who holds which and where each is sent. */
const INTRODUCTION = [
  'Orders pre-employment assessments from pymetrics, Mettl, Berke and PSI, and streams their status.',
  '',
  'Two credentials, both sent as `Authorization: Bearer …`:',
  '',
  '- **API key** (`apiKey`): a long-lived secret of the tenant (`tenants.<id>.apiKeys` in the BFF config). Only your ATS **back end** ' +
    'holds it and sends it, server to server: never put it in a page. It can do everything in the tenant: mint widget tokens ' +
    '(`POST /v1/widget-sessions`), order, act on orders, read every order and the tenant-wide event stream, erase a candidate.',
  '- **widget token** (`widgetToken`): a JWT for **one candidate**, role `recruiter` or `candidate`, at most 15 minutes. Your back end ' +
    'mints it (with the API key, or `mintWidgetToken` and a widget key) for the person signed in to your ATS, and hands it to the ' +
    '`<candidate-assessment>` element through `fetchToken`; the **browser** sends it. Its role decides what it may do (candidate: ' +
    'own orders, launch links; recruiter: order, act, results and reports of that candidate). Calls from a page must come from one ' +
    "of the tenant's `allowedOrigins`.",
  '',
  'Errors are `{"error": {"code", "message"}}` with a stable `code`: the `ApiError` schema lists every code and what to do about it. ' +
    'Send `Idempotency-Key` on `POST /v1/orders` and the recruiter actions so a retry never acts twice.',
].join('\n');

/** components: the named schemas and every security scheme. */
function components(): Json {
  return {
    schemas: withErrorGuide({ ...namedSchemas(OUTPUT_SCHEMAS, 'output'), ...namedSchemas(INPUT_SCHEMAS, 'input') }),
    securitySchemes: {
      ...outsideSecuritySchemes,
      widgetToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Widget token (HS256, one candidate)' },
      apiKey: { type: 'http', scheme: 'bearer', description: 'Tenant API key (ATS back end)' },
    },
  };
}

/** The ApiError schema carries the table of every error code (openapi-errors.ts). */
function withErrorGuide(schemas: Record<string, unknown>): Record<string, unknown> {
  return { ...schemas, ApiError: { ...(schemas['ApiError'] as Json), description: apiErrorDescription() } };
}

/** POST /v1/widget-sessions: the ATS back end mints a widget token. */
function widgetSessionPaths({ json, errors }: Parts): Json {
  return {
    '/v1/widget-sessions': {
      post: {
        operationId: 'createWidgetSession',
        tags: ['Widget sessions'],
        summary: 'Mint a widget token (API key only)',
        security: [{ apiKey: [] }],
        requestBody: { required: true, content: json('WidgetSessionRequest') },
        responses: { '201': { description: 'Token', content: json('WidgetSessionResponse') }, ...errors },
      },
    },
  };
}

/** The catalog, orders, one order, its history and the recruiter actions. */
function orderPaths({ json, error, errors, candidateParam, idParam }: Parts): Json {
  return {
    '/v1/packages': {
      get: { operationId: 'listPackages', tags: ['Orders'], summary: "The tenant's catalog (recruiter or API key)", responses: { '200': { description: 'Catalog', content: json('PackagesResponse') }, ...errors } },
    },
    '/v1/orders': {
      get: {
        operationId: 'listOrders',
        tags: ['Orders'],
        summary: "The candidate's orders, newest first",
        parameters: [candidateParam],
        responses: { '200': { description: 'Orders', content: json('OrdersResponse') }, ...errors },
      },
      post: {
        operationId: 'createOrder',
        tags: ['Orders'],
        summary: 'Order an assessment (recruiter or API key)',
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: 'Same key and body → same order; same key, other body → 409',
            schema: { type: 'string', maxLength: 255 },
          },
        ],
        requestBody: { required: true, content: json('CreateOrderRequest') },
        responses: { '202': { description: 'Accepted', content: json('OrderResponse') }, '409': error('Idempotency-Key reused with another body'), ...errors },
      },
    },
    '/v1/orders/{id}': {
      get: { operationId: 'getOrder', tags: ['Orders'], summary: 'One order', parameters: [idParam], responses: { '200': { description: 'Order', content: json('OrderResponse') }, ...errors } },
    },
    '/v1/orders/{id}/history': {
      get: {
        operationId: 'getOrderHistory',
        tags: ['Orders'],
        summary: "The order's status history: every update with vendor time and receive time (recruiter or API key)",
        parameters: [idParam],
        responses: { '200': { description: 'History, in vendor-time order', content: json('HistoryResponse') }, ...errors },
      },
    },
    ...actionPaths({ content: json('ActionResponse'), error, errors, idParam }),
  };
}

/** Single-use launch and report links: minted by the widget or the ATS, followed by the browser. */
function linkPaths({ json, error, errors, idParam }: Parts): Json {
  return {
    '/v1/orders/{id}/links': {
      post: {
        operationId: 'createOrderLink',
        tags: ['Orders'],
        summary: 'A single-use launch or report link (≤ 10 min) that redirects to a fresh vendor URL',
        parameters: [idParam],
        requestBody: { required: true, content: json('CreateLinkRequest') },
        responses: { '200': { description: 'Link', content: json('LinkResponse') }, '409': error('Not launchable / no report yet'), ...errors },
      },
    },
    '/v1/links/{ticket}': {
      get: {
        operationId: 'followLink',
        tags: ['Orders'],
        summary: 'Follow a single-use link (browser)',
        security: [],
        parameters: [{ name: 'ticket', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '302': { description: 'Redirect to the vendor' }, '404': error('Not a link of this BFF'), '410': error('Used or expired') },
      },
    },
  };
}

/** DELETE /v1/candidates/{id}: erasure of a candidate's personal data. */
function candidatePaths({ json, errors, idParam }: Parts): Json {
  return {
    '/v1/candidates/{id}': {
      delete: {
        operationId: 'eraseCandidate',
        tags: ['Orders'],
        summary: "Erase a candidate's personal data (API key only)",
        description:
          'Removes contact data, vendor references, results, bookings, raw vendor payloads, events and links of every order ' +
          'of this candidate. Statuses and dates stay, anonymised under `auditRef`; open orders become `cancelled`; an audit ' +
          'row is kept. Idempotent. Vendors keep their own copies: ask them separately.',
        parameters: [idParam],
        responses: { '200': { description: 'Erased', content: json('CandidateErasureResponse') }, ...errors },
      },
    },
  };
}

/** GET /v1/events: the live stream. */
function eventPaths({ error, errors, candidateParam }: Parts): Json {
  return {
    '/v1/events': {
      get: {
        operationId: 'streamEvents',
        tags: ['Events'],
        summary: 'SSE stream of order events (candidate, or whole tenant with an API key)',
        description:
          'text/event-stream. `id:` event id, `event:` order.created | order.updated | resync | ready, `data:` JSON. ' +
          'Resume with Last-Event-ID (header) or lastEventId (query). Heartbeat comments every 20 s.',
        parameters: [
          candidateParam,
          { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string', pattern: '^\\d+$' } },
          { name: 'lastEventId', in: 'query', required: false, schema: { type: 'string', pattern: '^\\d+$' } },
        ],
        responses: {
          '200': { description: 'Event stream; each order event `data:` is an OrderEvent', content: { 'text/event-stream': { schema: ref('OrderEvent') } } },
          ...errors,
          '429': error('Too many open streams for this token subject, tenant or server (config `sse`); see Retry-After'),
        },
      },
    },
  };
}

/** Health, readiness, metrics and the widget bundle: open to anyone, no credentials. */
function operationsPaths({ error }: Parts): Json {
  const js = (description: string) => ({ description, content: { 'text/javascript': { schema: { type: 'string' } } } });
  const status = (description: string, values: string[], reason = false) => ({
    description,
    content: {
      'application/json': {
        schema: { type: 'object', properties: { status: { enum: values }, ...(reason ? { reason: { type: 'string' } } : {}) }, required: ['status'] },
      },
    },
  });
  return {
    '/healthz': { get: { operationId: 'healthz', tags: ['Operations'], summary: 'Liveness', security: [], responses: { '200': status('ok', ['ok']) } } },
    '/readyz': {
      get: {
        operationId: 'readyz',
        tags: ['Operations'],
        summary: 'Readiness (store reachable)',
        security: [],
        responses: { '200': status('ready', ['ready']), '503': status('not ready, with the reason', ['not_ready'], true) },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        tags: ['Operations'],
        summary: 'Prometheus metrics',
        security: [],
        responses: {
          '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
          '401': error('`metricsToken` is set and the request does not carry it'),
        },
      },
    },
    '/widget.js': {
      get: {
        operationId: 'widgetBundle',
        tags: ['Operations'],
        summary: 'The widget bundle (cached 5 minutes: always the current build)',
        security: [],
        responses: { '200': js('ES module'), '404': error('The widget is not built on this server') },
      },
    },
    '/widget/{version}/widget.js': {
      get: {
        operationId: 'widgetBundleVersioned',
        tags: ['Operations'],
        summary: 'The widget bundle pinned to one build, cached for good (the BFF logs this URL and its integrity at start)',
        description:
          'For `<script type="module" src="{BFF}/widget/{version}/widget.js" integrity="sha384-…">`: the bytes never change under ' +
          'one URL, so the integrity holds. Another build\'s version answers 404 naming the current one.',
        security: [],
        parameters: [{ name: 'version', in: 'path', required: true, description: "First 16 hex digits of the bundle's SHA-384", schema: { type: 'string', pattern: '^[0-9a-f]{16}$' } }],
        responses: { '200': js('ES module'), '404': error('This BFF serves another build; the message names it') },
      },
    },
  };
}
