// The parts of /openapi.json that are not the /v1 API: vendor-facing endpoints (docs/contracts.md#vendor-facing-endpoints), the OAuth token
// endpoint, the docs, and the outbound ATS webhook (OpenAPI 3.1 `webhooks`). Documentation only: no behaviour here.

type Json = Record<string, unknown>;

const path = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const vendorParam = path('vendor', 'The vendor id (`mettl`, `psi`, `pymetrics`, `berke`, …).');
const tenantParam = path('tenant', 'The tenant id from the BFF config.');
const ticketParam = path('ticket', 'A signed ticket the BFF issued for one order; opaque.');

/** A small JSON answer of a hook: `{ok, outcome?}`. */
const HookAck: Json = {
  type: 'object',
  properties: {
    ok: { type: 'boolean', const: true },
    outcome: { type: 'string', description: 'What the delivery did: applied, duplicate, history_only, no_match, …' },
  },
  required: ['ok'],
};

type ErrorAnswer = (description: string) => Json;

/** The paths that are not the /v1 API, in the document's order. */
export function outsidePaths(error: ErrorAnswer): Json {
  return { ...hookPaths(error), ...returnPaths(), ...oauthPaths(), ...documentPaths(error) };
}

/** What vendors call: notifications (Mettl, PSI) and per-order pings (pymetrics). */
function hookPaths(error: ErrorAnswer): Json {
  const hookResponses = {
    '200': { description: 'Stored and applied (or a harmless duplicate)', content: { 'application/json': { schema: HookAck } } },
    '400': error('Malformed notification, or (PSI) no matching order'),
    '401': error('Authentication failed; nothing was stored'),
    '404': error('Unknown vendor or tenant'),
    '413': error('Body over 256 KB'),
    '500': error('Could not be stored; the vendor should retry'),
  };
  const notification = (method: 'post' | 'put') => ({
    operationId: method === 'post' ? 'postVendorNotification' : 'putVendorNotification',
    tags: ['Vendor hooks'],
    summary: method === 'post' ? 'Vendor notification (Mettl start/finish/graded/resume)' : 'Vendor notification (PSI booking events)',
    description:
      method === 'post'
        ? 'Mettl: HTTP Basic (the `testNotificationBasicAuthHeader` we set on the schedule) **and** the signed `context_data` we put in at ' +
          'registration. Body is Mettl JSON (`EVENT_TYPE`, `invitation_key`, `context_data`, …). Idempotent.'
        : 'PSI: `Authorization: Bearer` token from `POST /oauth/token`. Body is the PSI booking event (`change_reason`, ' +
          '`client_eligibility_id`, `exam_code`, …). 200 on success, 400 when no matching order exists, 500 only when it could not be stored.',
    security: method === 'post' ? [{ vendorBasic: [] }] : [{ vendorOAuth: [] }],
    parameters: [vendorParam, tenantParam],
    requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
    responses: hookResponses,
  });
  const ping = (method: 'get' | 'post') => ({
    operationId: method === 'get' ? 'getOrderPing' : 'postOrderPing',
    tags: ['Vendor hooks'],
    summary: 'Per-order ping (pymetrics `callback_url`): a hint to poll that order now',
    description: 'Authenticated by the signed ticket in the path; proves nothing by itself: the BFF asks the vendor.',
    security: [],
    parameters: [vendorParam, tenantParam, ticketParam],
    responses: { '200': { description: 'Noted', content: { 'application/json': { schema: HookAck } } }, '404': error('Unknown vendor, tenant or ticket') },
  });
  return {
    '/hooks/{vendor}/{tenant}': { post: notification('post'), put: notification('put') },
    '/hooks/{vendor}/{tenant}/{ticket}': { get: ping('get'), post: ping('post') },
  };
}

/** Where the candidate's browser comes back from a vendor's page. */
function returnPaths(): Json {
  return {
    '/return/{vendor}/{tenant}/{ticket}': {
      get: {
        operationId: 'candidateReturn',
        tags: ['Vendor hooks'],
        summary: "The candidate's browser back from the vendor (Berke `onAssessmentCompleteRedirectToUrl`)",
        description: 'Triggers an immediate status check, then redirects to `candidateReturnUrl` or shows a "thank you" page.',
        security: [],
        parameters: [vendorParam, tenantParam, ticketParam],
        responses: {
          '200': { description: 'Thank-you page', content: { 'text/html': { schema: { type: 'string' } } } },
          '302': { description: "Redirect to the tenant's candidateReturnUrl" },
          '404': { description: 'Unknown link', content: { 'text/html': { schema: { type: 'string' } } } },
        },
      },
    },
    '/return/{vendor}/{tenant}': {
      get: {
        operationId: 'candidateExit',
        tags: ['Vendor hooks'],
        summary: "The candidate's browser back from a vendor page shared by many orders (Mettl schedule `exitRedirectionUrl`)",
        description: 'Names no order and triggers nothing; redirects to `candidateReturnUrl` or shows a "thank you" page.',
        security: [],
        parameters: [vendorParam, tenantParam],
        responses: {
          '200': { description: 'Thank-you page', content: { 'text/html': { schema: { type: 'string' } } } },
          '302': { description: "Redirect to the tenant's candidateReturnUrl" },
          '404': { description: 'Unknown vendor or tenant', content: { 'text/html': { schema: { type: 'string' } } } },
        },
      },
    },
  };
}

const OAuthError: Json = {
  type: 'object',
  properties: { error: { type: 'string' }, error_description: { type: 'string' } },
  required: ['error'],
};

/** The OAuth token endpoint of the vendors that call our hooks with a bearer token. */
function oauthPaths(): Json {
  return {
    '/oauth/token': {
      post: {
        operationId: 'oauthToken',
        tags: ['Vendor hooks'],
        summary: 'OAuth2 client credentials (RFC 6749 §4.4) for vendors that call our hooks (PSI)',
        description: 'Client id and secret by HTTP Basic or in the form. The token is valid on `/hooks/*` only.',
        security: [{ oauthClientBasic: [] }, {}],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                properties: {
                  grant_type: { type: 'string', const: 'client_credentials' },
                  client_id: { type: 'string' },
                  client_secret: { type: 'string' },
                  scope: { type: 'string', description: 'Optional; accepted and echoed (RFC 6749 §3.3).' },
                },
                required: ['grant_type'],
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'Access token',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { access_token: { type: 'string' }, token_type: { type: 'string', const: 'Bearer' }, expires_in: { type: 'integer' }, scope: { type: 'string', description: 'The requested scope, echoed (RFC 6749 §3.3); the token is for the hooks whatever it says.' } },
                  required: ['access_token', 'token_type', 'expires_in'],
                },
              },
            },
          },
          '400': { description: 'RFC 6749 error (`invalid_request`, `unsupported_grant_type`)', content: { 'application/json': { schema: OAuthError } } },
          '401': { description: 'RFC 6749 `invalid_client`', content: { 'application/json': { schema: OAuthError } } },
        },
      },
    },
  };
}

/** This document, its rendered reference and the widget's lazy chunks. */
function documentPaths(error: ErrorAnswer): Json {
  return {
    '/openapi.json': {
      get: {
        operationId: 'openApi',
        tags: ['Operations'],
        summary: 'This document',
        security: [],
        responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
    '/docs': {
      get: {
        operationId: 'docs',
        tags: ['Operations'],
        summary: 'This document rendered as an API reference (Scalar), served from the BFF itself under a strict CSP',
        security: [],
        responses: { '200': { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/docs/scalar.js': {
      get: {
        operationId: 'docsScript',
        tags: ['Operations'],
        summary: "The reference's script (Scalar's single-file bundle)",
        security: [],
        responses: { '200': { description: 'JavaScript', content: { 'text/javascript': { schema: { type: 'string' } } } } },
      },
    },
    '/widget/i18n/{file}': {
      get: {
        operationId: 'widgetMessages',
        tags: ['Operations'],
        summary: "A chunk of the widget loaded by /widget.js on demand: one language's messages, or the recruiter actions",
        security: [],
        parameters: [path('file', 'e.g. `de-<hash>.js`')],
        responses: { '200': { description: 'ES module', content: { 'text/javascript': { schema: { type: 'string' } } } }, '404': error('No such file') },
      },
    },
    '/widget/{version}/widget/i18n/{file}': {
      get: {
        operationId: 'widgetMessagesVersioned',
        tags: ['Operations'],
        summary: 'The same chunks, loaded by the versioned /widget/{version}/widget.js',
        security: [],
        parameters: [path('version', "The bundle's version"), path('file', 'e.g. `de-<hash>.js`')],
        responses: { '200': { description: 'ES module', content: { 'text/javascript': { schema: { type: 'string' } } } }, '404': error('No such file') },
      },
    },
  };
}

/** Security schemes of the vendor-facing endpoints. */
export const outsideSecuritySchemes: Json = {
  vendorBasic: { type: 'http', scheme: 'basic', description: "Mettl: the Basic credentials we gave Mettl as testNotificationBasicAuthHeader" },
  vendorOAuth: {
    type: 'oauth2',
    description: 'PSI: client credentials configured in `vendors.psi.clients`',
    flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: {} } },
  },
  oauthClientBasic: { type: 'http', scheme: 'basic', description: 'OAuth client id and secret' },
};

/** The outbound ATS webhook: one POST per order event, signed per Standard Webhooks. */
export function outboundWebhooks(eventRef: Json): Json {
  const header = (name: string, description: string) => ({ name, in: 'header', required: true, description, schema: { type: 'string' } });
  return {
    orderEvent: {
      post: {
        operationId: 'atsOrderEvent',
        tags: ['ATS webhook'],
        summary: 'An order event, POSTed to the tenant’s `atsWebhook.url`',
        description:
          'Every `order.created` / `order.updated` event of the tenant, signed per Standard Webhooks ' +
          '(https://www.standardwebhooks.com/). Verify `webhook-signature` over `{webhook-id}.{webhook-timestamp}.{body}` with the ' +
          '`atsWebhook.secret` (a `whsec_` secret is base64; any other string is the raw key). Retried with backoff for about a day until ' +
          'a 2xx; a retried delivery can arrive after a later one: order events by `id`, or keep the order snapshot with the higher `version`. ' +
          'An attempt that has no answer within `atsWebhook.timeoutMs` (default 15000) counts as failed and is retried; redirects are not followed ' +
          '(a 3xx counts as failed); the body of a 2xx is not read.',
        parameters: [
          header('webhook-id', '`evt_{event id}`: the same for every retry of one event (deduplicate on it)'),
          header('webhook-timestamp', 'Unix seconds of this attempt'),
          header('webhook-signature', '`v1,{base64 HMAC-SHA256}`, space-separated when several'),
        ],
        requestBody: { required: true, content: { 'application/json': { schema: eventRef } } },
        responses: { '200': { description: 'Any 2xx acknowledges the event' }, default: { description: 'Anything else: retried later' } },
      },
    },
  };
}
