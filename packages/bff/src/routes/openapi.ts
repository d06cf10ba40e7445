// /openapi.json, generated from the same shared zod schemas the routes validate with (zod's JSON Schema
// output), so the document cannot drift from what the server accepts.
import {
  ApiError,
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

const schema = (s: z.ZodType, io: 'input' | 'output' = 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'openapi-3.0' });

export function buildOpenApi(publicUrl: string): Record<string, unknown> {
  const json = (s: z.ZodType, io: 'input' | 'output' = 'output') => ({ 'application/json': { schema: schema(s, io) } });
  const error = (description: string) => ({ description, content: json(ApiError) });
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
  return {
    openapi: '3.0.3',
    info: {
      title: 'candidate-assessment BFF',
      version: '1.0.0',
      description: 'Orders pre-employment assessments from pymetrics, Mettl, Berke and PSI, and streams their status.',
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: {
        widgetToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Widget token (HS256, one candidate)' },
        apiKey: { type: 'http', scheme: 'bearer', description: 'Tenant API key (ATS back end)' },
      },
    },
    security: [{ widgetToken: [] }, { apiKey: [] }],
    paths: {
      '/v1/widget-sessions': {
        post: {
          summary: 'Mint a widget token (API key only)',
          security: [{ apiKey: [] }],
          requestBody: { required: true, content: json(WidgetSessionRequest, 'input') },
          responses: { '201': { description: 'Token', content: json(WidgetSessionResponse) }, ...errors },
        },
      },
      '/v1/packages': {
        get: { summary: "The tenant's catalog (recruiter or API key)", responses: { '200': { description: 'Catalog', content: json(PackagesResponse) }, ...errors } },
      },
      '/v1/orders': {
        get: {
          summary: "The candidate's orders, newest first",
          parameters: [candidateParam],
          responses: { '200': { description: 'Orders', content: json(OrdersResponse) }, ...errors },
        },
        post: {
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
          requestBody: { required: true, content: json(CreateOrderRequest, 'input') },
          responses: { '202': { description: 'Accepted', content: json(OrderResponse) }, '409': error('Idempotency-Key reused with another body'), ...errors },
        },
      },
      '/v1/orders/{id}': {
        get: { summary: 'One order', parameters: [idParam], responses: { '200': { description: 'Order', content: json(OrderResponse) }, ...errors } },
      },
      '/v1/orders/{id}/history': {
        get: {
          summary: "The order's status history: every update with vendor time and receive time (recruiter or API key)",
          parameters: [idParam],
          responses: { '200': { description: 'History, in vendor-time order', content: json(HistoryResponse) }, ...errors },
        },
      },
      '/v1/orders/{id}/links': {
        post: {
          summary: 'A single-use launch or report link (≤ 10 min) that redirects to a fresh vendor URL',
          parameters: [idParam],
          requestBody: { required: true, content: json(CreateLinkRequest, 'input') },
          responses: { '200': { description: 'Link', content: json(LinkResponse) }, '409': error('Not launchable / no report yet'), ...errors },
        },
      },
      '/v1/links/{ticket}': {
        get: {
          summary: 'Follow a single-use link (browser)',
          security: [],
          parameters: [{ name: 'ticket', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '302': { description: 'Redirect to the vendor' }, '410': error('Used or expired') },
        },
      },
      '/v1/events': {
        get: {
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
            '200': { description: 'Event stream; each order event `data:` is an OrderEvent', content: { 'text/event-stream': { schema: schema(OrderEvent) } } },
            ...errors,
          },
        },
      },
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { '200': { description: 'ok' } } } },
      '/readyz': { get: { summary: 'Readiness (store reachable)', security: [], responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', security: [], responses: { '200': { description: 'text/plain' } } } },
      '/widget.js': { get: { summary: 'The widget bundle', security: [], responses: { '200': { description: 'ES module' } } } },
    },
  };
}
