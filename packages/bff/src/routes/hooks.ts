// Vendor-facing endpoints (docs/contracts.md#vendor-facing-endpoints): notifications, per-order pings, the candidate's return from a
// vendor, and the OAuth2 token endpoint for vendors that call us with bearer tokens. Thin: read the
// size-limited body, hand it to the delivery service (deliveries/service.ts), answer.
import { VENDOR_ID_PATTERN, VendorId } from '@ca/shared';
import { Hono, type Context } from 'hono';
import { unknownEndpoint, type InboundDelivery } from '../deliveries/service.js';
import { createClientAddress } from '../auth/client-address.js';
import { readRequestText, readText } from './body.js';
import type { RouteDeps, Env } from './context.js';
import { unstorableHeader } from './input.js';
import { messagePage } from './page.js';
import { errorAnswer, REFERRER_POLICY, type RequestObserver } from './pipeline.js';
import { redirectTo } from './redirect.js';

export const HOOK_BODY_LIMIT = 256 * 1024;
const HOOK_ROUTE = '/hooks/:vendor/:tenant';
/** A notification's path as vendors send it: plain segments, no query (anything else takes the Hono route). */
const PLAIN_HOOK = /^\/hooks\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)$/;

type HookContext = Context<Env>;

export function hookRoutes(deps: RouteDeps) {
  const app = new Hono<Env>();

  /** The request as the delivery service takes it; unknown tenants and vendors reach no endpoint. */
  function inbound(c: HookContext, path: string) {
    const vendor = VendorId.safeParse(c.req.param('vendor'));
    const tenantId = c.req.param('tenant')!;
    if (!vendor.success || !Object.hasOwn(deps.config.tenants, tenantId)) throw unknownEndpoint('No notification endpoint here.');
    const readBody = async () => (c.req.method === 'GET' ? '' : readText(c, HOOK_BODY_LIMIT));
    return { tenantId, vendor: vendor.data, method: c.req.method, path, headers: c.req.raw.headers, query: new URL(c.req.url).searchParams, readBody };
  }

  const notification = async (c: HookContext) => {
    const outcome = await deps.deliveries.receive(inbound(c, new URL(c.req.url).pathname));
    return c.json({ ok: true, outcome });
  };
  app.post('/:vendor/:tenant', notification);
  app.put('/:vendor/:tenant', notification);

  /** A per-order ping (pymetrics callback_url); the ticket stays out of the stored path. */
  const ping = async (c: HookContext) => {
    const d = inbound(c, `/hooks/${c.req.param('vendor')}/${c.req.param('tenant')}/…`);
    await deps.deliveries.ping({ ...d, ticket: c.req.param('ticket')! });
    return c.json({ ok: true });
  };
  app.get('/:vendor/:tenant/:ticket', ping);
  app.post('/:vendor/:tenant/:ticket', ping);

  return app;
}

/**
 * POST/PUT /hooks/{vendor}/{tenant} without Hono: the notification route's work, the app-wide middlewares' checks and
 * headers and its error answers (pipeline.ts), for the request a vendor sends, a plain path to a known tenant with
 * storable kept headers. Anything else is left to the app (undefined), whose answer (a 404, a 400 naming the
 * header) this path never has to repeat. Hono's routing, context, middleware chain and response headers object were
 * about a third of the HTTP side's CPU per notification (docs/architecture.md#webhook-ingest).
 */
export function hookDirect(deps: RouteDeps, observed: RequestObserver) {
  return (req: Request, bindings: unknown): Promise<Response> | undefined => {
    const method = req.method;
    if (method !== 'POST' && method !== 'PUT') return undefined;
    const url = req.url;
    const m = PLAIN_HOOK.exec(url.slice(url.indexOf('/', url.indexOf('//') + 2)));
    if (!m || !VENDOR_ID_PATTERN.test(m[1]!) || !Object.hasOwn(deps.config.tenants, m[2]!)) return undefined;
    const headers = req.headers;
    if (unstorableHeader(headers) !== undefined) return undefined;
    // One literal with every field, not `{ ...fields, headers, … }`: on Node 20 an object spread then given more
    // properties gets a map of its own each time once optimised, several microseconds a notification.
    const d: InboundDelivery = { tenantId: m[2]!, vendor: m[1]!, method, path: m[0], headers, query: new URLSearchParams(), readBody: () => readRequestText(req, bindings, HOOK_BODY_LIMIT) };
    return answer(deps, observed, d);
  };
}

async function answer(deps: RouteDeps, observed: RequestObserver, d: InboundDelivery) {
  const started = performance.now();
  let status = 200;
  let body: unknown;
  let extra: Record<string, string> = {};
  try {
    const outcome = await deps.deliveries.receive(d);
    body = { ok: true, outcome };
  } catch (err) {
    if (!(err instanceof Error)) throw err; // as Hono: the server answers a bare 500
    ({ status, body, headers: extra } = errorAnswer(err, deps.log, HOOK_ROUTE));
  }
  const text = JSON.stringify(body);
  observed(d.method, HOOK_ROUTE, status, started);
  return new Response(text, { status, headers: answerHeaders(extra, text) });
}

/**
 * The headers of the Hono route's answer (c.json, then the app's security headers), in the order node-server writes
 * a Headers object's (lower case, sorted by name) and with its Content-Length, so the answer is the same bytes.
 */
function answerHeaders(extra: Record<string, string>, text: string): Record<string, string> {
  let h: Record<string, string> = { 'content-type': 'application/json', 'referrer-policy': REFERRER_POLICY };
  for (const k in extra) h[k.toLowerCase()] = extra[k]!;
  h['x-content-type-options'] = 'nosniff';
  // Without extra headers (every stored notification) the three are already in order: no sort per notification.
  if (Object.keys(extra).length > 0) {
    const sorted: Record<string, string> = {};
    for (const k of Object.keys(h).sort()) sorted[k] = h[k]!;
    h = sorted;
  }
  h['Content-Length'] = String(Buffer.byteLength(text));
  return h;
}

/** GET /return/{vendor}/{tenant}/{ticket}: the candidate's browser back from the vendor. Triggers a check, proves nothing. */
export function returnRoutes(deps: RouteDeps) {
  const app = new Hono<Env>();
  // GET /return/{vendor}/{tenant}: the exit page of a vendor page shared by many orders (links.exitUrl()). It names no
  // order, so it checks nothing and triggers nothing; it only thanks the candidate or sends them to the tenant's page.
  app.get('/:vendor/:tenant', (c) => {
    const tenantId = c.req.param('tenant');
    const tenant = Object.hasOwn(deps.config.tenants, tenantId) ? deps.config.tenants[tenantId] : undefined;
    if (!tenant || !deps.adapters.get(tenantId, c.req.param('vendor'))) {
      return c.html(messagePage('Link not recognised', 'This return link is not valid. You can close this tab.'), 404);
    }
    c.header('Cache-Control', 'no-store');
    if (tenant.candidateReturnUrl) return redirectTo(c, tenant.candidateReturnUrl);
    return c.html(messagePage('Thank you', `You have finished this part. You can close this tab and return to ${tenant.name}.`), 200);
  });
  app.get('/:vendor/:tenant/:ticket', async (c) => {
    const tenantId = c.req.param('tenant');
    const tenant = Object.hasOwn(deps.config.tenants, tenantId) ? deps.config.tenants[tenantId] : undefined;
    const known = tenant && (await deps.deliveries.candidateReturned(tenantId, c.req.param('vendor'), c.req.param('ticket')));
    if (!tenant || !known) return c.html(messagePage('Link not recognised', 'This return link is not valid. You can close this tab.'), 404);
    c.header('Cache-Control', 'no-store');
    if (tenant.candidateReturnUrl) return redirectTo(c, tenant.candidateReturnUrl);
    return c.html(messagePage('Thank you', `You have finished this part. ${tenant.name} has been told; you can close this tab.`), 200);
  });
  return app;
}

/** POST /oauth/token: client credentials for vendors that call our hooks (PSI). */
export function oauthRoutes(deps: RouteDeps) {
  const app = new Hono<Env>();
  const clients = new Map<string, { tenantId: string; vendor: string; clientSecret: string }>();
  for (const { tenantId, vendor, adapter } of deps.adapters.all()) {
    for (const cl of adapter.oauthClients ?? []) clients.set(cl.clientId, { tenantId, vendor, clientSecret: cl.clientSecret });
  }
  const clientAddress = createClientAddress(deps.config.trustedProxies);
  app.post('/token', async (c) => {
    const body = await readText(c, 16 * 1024);
    let tenantId: string | undefined;
    const out = await deps.oauth.token({ headers: c.req.raw.headers, body }, (id) => {
      const client = clients.get(id);
      tenantId = client?.tenantId;
      return client;
    });
    // Only a refused client is counted or limited: PSI with its right secret always gets its token.
    if (out.status === 401) {
      const limited = deps.failures?.failed(clientAddress(c), tenantId);
      if (limited) throw limited;
    }
    return c.json(out.body, out.status as 200, out.headers);
  });
  return app;
}
