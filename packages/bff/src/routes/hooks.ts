// Vendor-facing endpoints (DESIGN.md §4.4): notifications, per-order pings, the candidate's return from a
// vendor, and the OAuth2 token endpoint for vendors that call us with bearer tokens. Authenticate first,
// store the raw delivery with its effect in one transaction, answer fast; duplicates change nothing.
import { VendorId } from '@ca/shared';
import { Hono, type Context } from 'hono';
import type { ApplyOutcome } from '../orders/service.js';
import { insertDelivery } from '../store/deliveries.js';
import { getOrder } from '../store/orders.js';
import { WebhookInvalid, WebhookUnauthorized, type VendorAdapter } from '../core/vendor-port.js';
import { readText } from './body.js';
import type { AppDeps, Env } from './context.js';
import { messagePage } from './page.js';

export const HOOK_BODY_LIMIT = 256 * 1024;

type HookContext = Context<Env>;

export function hookRoutes(deps: AppDeps) {
  const { adapters, metrics, log, now, db } = deps;
  const app = new Hono<Env>();
  const err = (c: HookContext, status: 400 | 401 | 404 | 500, code: string, message: string, headers?: Record<string, string>) =>
    c.json({ error: { code, message } }, status, headers);

  function target(c: HookContext): { tenantId: string; vendor: VendorId; adapter: VendorAdapter } | null {
    const vendor = VendorId.safeParse(c.req.param('vendor'));
    const tenantId = c.req.param('tenant')!;
    if (!vendor.success || !Object.hasOwn(deps.config.tenants, tenantId)) return null;
    const adapter = adapters.get(tenantId, vendor.data);
    return adapter ? { tenantId, vendor: vendor.data, adapter } : null;
  }

  const notification = async (c: HookContext) => {
    const t = target(c);
    if (!t?.adapter.parseWebhook) return err(c, 404, 'not_found', 'No notification endpoint here.');
    const { tenantId, vendor, adapter } = t;
    const parse = t.adapter.parseWebhook.bind(t.adapter);
    const count = (outcome: string) => metrics.webhooks.inc({ vendor, outcome });
    if (adapter.oauthClients) {
      const claims = await deps.oauth.verify(c.req.header('authorization') ?? null);
      if (!claims || claims.tenantId !== tenantId || claims.vendor !== vendor) {
        count('unauthorized');
        return err(c, 401, 'webhook_unauthorized', 'A valid bearer token for this tenant is required.', {
          'WWW-Authenticate': 'Bearer realm="candidate-assessment-hooks", error="invalid_token"',
        });
      }
    }
    const body = await readText(c, HOOK_BODY_LIMIT);
    const base = {
      tenantId,
      vendor,
      receivedAt: now(),
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      contentType: c.req.header('content-type') ?? null,
      body,
    };
    let updates;
    try {
      updates = await parse({ method: c.req.method, headers: c.req.raw.headers, query: new URL(c.req.url).searchParams, body });
    } catch (e) {
      if (e instanceof WebhookUnauthorized) {
        count('unauthorized');
        return err(c, 401, 'webhook_unauthorized', e.message);
      }
      if (e instanceof WebhookInvalid) {
        count('invalid');
        if (adapter.oauthClients) await insertDelivery(db, { ...base, outcome: 'invalid', orderIds: [] }); // authenticated: keep it for audit
        return err(c, 400, 'bad_request', e.message);
      }
      throw e;
    }
    let outcomes: ApplyOutcome[];
    try {
      outcomes = await db.transaction(async (tx) => {
        const results: ApplyOutcome[] = [];
        for (const u of updates) results.push(await deps.orders.applyIn(tx, tenantId, vendor, u, 'webhook'));
        const orderIds = results.flatMap((r) => (r.outcome === 'no_match' ? [] : [r.order.id]));
        const outcome = summarize(results);
        await insertDelivery(tx, { ...base, outcome, orderIds });
        return results;
      });
    } catch (e) {
      count('store_failed');
      log.error({ tenant: tenantId, vendor, err: String((e as Error).message) }, 'could not store a vendor notification');
      return err(c, 500, 'internal', 'The notification could not be stored; send it again.');
    }
    const outcome = summarize(outcomes);
    count(outcome);
    if (outcome === 'no_match') return err(c, 400, 'no_matching_order', 'No order matches this notification.');
    return c.json({ ok: true, outcome });
  };
  app.post('/:vendor/:tenant', notification);
  app.put('/:vendor/:tenant', notification);

  /** A per-order ping (pymetrics callback_url): a hint to poll that order now, never a status by itself. */
  const ping = async (c: HookContext) => {
    const t = target(c);
    const orderId = t && adapters.verifyOrderTicket('hook', t.tenantId, t.vendor, c.req.param('ticket')!);
    if (!t || !orderId) return err(c, 404, 'not_found', 'Unknown callback.');
    const body = c.req.method === 'POST' ? await readText(c, HOOK_BODY_LIMIT) : '';
    await insertDelivery(db, {
      tenantId: t.tenantId,
      vendor: t.vendor,
      receivedAt: now(),
      method: c.req.method,
      path: `/hooks/${t.vendor}/${t.tenantId}/…`,
      contentType: c.req.header('content-type') ?? null,
      body,
      outcome: 'hint',
      orderIds: [orderId],
    });
    await deps.jobs.refreshOrderSoon(t.tenantId, t.vendor, orderId);
    metrics.webhooks.inc({ vendor: t.vendor, outcome: 'hint' });
    return c.json({ ok: true });
  };
  app.get('/:vendor/:tenant/:ticket', ping);
  app.post('/:vendor/:tenant/:ticket', ping);

  return app;
}

function summarize(results: ApplyOutcome[]): string {
  if (results.length === 0) return 'empty';
  if (results.some((r) => r.outcome === 'no_match')) return 'no_match';
  if (results.every((r) => r.outcome === 'duplicate')) return 'duplicate';
  return results.some((r) => r.outcome === 'applied') ? 'applied' : 'history_only';
}

/** GET /return/{vendor}/{tenant}/{ticket}: the candidate's browser back from the vendor. Triggers a check, proves nothing. */
export function returnRoutes(deps: AppDeps) {
  const app = new Hono<Env>();
  app.get('/:vendor/:tenant/:ticket', async (c) => {
    const vendor = VendorId.safeParse(c.req.param('vendor'));
    const tenantId = c.req.param('tenant');
    const tenant = Object.hasOwn(deps.config.tenants, tenantId) ? deps.config.tenants[tenantId] : undefined;
    const orderId = vendor.success && tenant ? deps.adapters.verifyOrderTicket('return', tenantId, vendor.data, c.req.param('ticket')) : null;
    if (!vendor.success || !tenant || !orderId) {
      return c.html(messagePage('Link not recognised', 'This return link is not valid. You can close this tab.'), 404);
    }
    const order = await getOrder(deps.db, orderId);
    if (order) await deps.jobs.refreshOrderSoon(tenantId, vendor.data, orderId);
    c.header('Cache-Control', 'no-store');
    if (tenant.candidateReturnUrl) return c.redirect(tenant.candidateReturnUrl, 302);
    return c.html(
      messagePage('Thank you', `You have finished this part. ${tenant.name} has been told; you can close this tab.`),
      200,
    );
  });
  return app;
}

/** POST /oauth/token: client credentials for vendors that call our hooks (PSI). */
export function oauthRoutes(deps: AppDeps) {
  const app = new Hono<Env>();
  const clients = new Map<string, { tenantId: string; vendor: string; clientSecret: string }>();
  for (const { tenantId, vendor, adapter } of deps.adapters.all()) {
    for (const cl of adapter.oauthClients ?? []) clients.set(cl.clientId, { tenantId, vendor, clientSecret: cl.clientSecret });
  }
  app.post('/token', async (c) => {
    const body = await readText(c, 16 * 1024);
    const out = await deps.oauth.token({ headers: c.req.raw.headers, body }, (id) => clients.get(id));
    return c.json(out.body, out.status as 200, out.headers);
  });
  return app;
}
