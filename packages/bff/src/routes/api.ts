// The /v1 JSON API (DESIGN.md §4.3). Thin: authenticate, validate with the shared schema, call one
// service function, map the result. Tenant and candidate scoping is decided here, once.
import {
  CreateLinkRequest,
  CreateOrderRequest,
  IDEMPOTENCY_HEADER,
  WidgetSessionRequest,
  type Order,
  type Package,
} from '@ca/shared';
import { mintWidgetToken } from '@ca/shared/server';
import { Hono, type Context } from 'hono';
import { badRequest, forbidden, orderNotFound, packageNotFound } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import { forRole, type Audience } from '../orders/view.js';
import { listHistory } from '../store/history.js';
import { getOrder, listCandidateOrders } from '../store/order-lookups.js';
import { toOrder, type OrderRow } from '../store/orders.js';
import { readJson } from './body.js';
import type { AppDeps, Env } from './context.js';

export const audienceOf = (p: Principal): Audience => (p.kind === 'apiKey' ? 'api' : p.role);

export function apiRoutes(deps: AppDeps) {
  const { config, db, orders, adapters, now } = deps;
  const app = new Hono<Env>();

  const tenantOf = (p: Principal) => config.tenants[p.tenantId]!;

  function requireRecruiterOrKey(p: Principal): void {
    if (p.kind === 'widget' && p.role !== 'recruiter') throw forbidden('A candidate token cannot do this.');
  }

  /** The candidate a request is about: the token's own, or the `candidateId` an API key names. */
  function candidateOf(c: Context<Env>, p: Principal, fromBody?: string): string {
    if (p.kind === 'widget') {
      const asked = fromBody ?? c.req.query('candidateId');
      if (asked !== undefined && asked !== p.candidateId) throw forbidden('This token is for another candidate.');
      return p.candidateId;
    }
    const id = fromBody ?? c.req.query('candidateId');
    if (!id) throw badRequest('With an API key, name the candidate: candidateId.');
    return id;
  }

  /** Loads an order the caller may see; anything else is 404, so ids of others' orders leak nothing. */
  async function visibleOrder(p: Principal, id: string): Promise<OrderRow> {
    const row = await getOrder(db, id);
    if (!row || row.tenant_id !== p.tenantId) throw orderNotFound();
    if (p.kind === 'widget' && row.candidate_id !== p.candidateId) throw orderNotFound();
    return row;
  }

  const view = (p: Principal, o: Order) => forRole(o, audienceOf(p));

  app.post('/widget-sessions', async (c) => {
    const p = c.get('principal');
    if (p.kind !== 'apiKey') throw forbidden('Widget sessions are minted with a tenant API key.');
    const body = await readJson(c, WidgetSessionRequest);
    const keys = Object.entries(tenantOf(p).widgetKeys);
    const [kid, secret] = keys[0]!; // the first key signs; every listed key verifies (rotation)
    const { id, ...cand } = body.candidate;
    const minted = await mintWidgetToken({
      tenantId: p.tenantId,
      kid,
      secret,
      role: body.role,
      candidate: { id, ...cand },
      ...(body.job ? { job: body.job } : {}),
      ...(body.actor ? { actor: body.actor } : {}),
      ...(body.ttlSeconds ? { ttlSeconds: body.ttlSeconds } : {}),
      now: now(),
    });
    return c.json(minted, 201);
  });

  app.get('/packages', (c) => {
    const p = c.get('principal');
    requireRecruiterOrKey(p);
    const packages: Package[] = tenantOf(p).packages.map((pkg) => {
      const adapter = adapters.get(p.tenantId, pkg.vendor);
      return {
        id: pkg.id,
        vendor: pkg.vendor,
        vendorName: adapters.displayName(pkg.vendor),
        name: pkg.name,
        kind: pkg.kind ?? adapter?.defaultKind ?? 'test',
        ...(pkg.description ? { description: pkg.description } : {}),
        // Cancel and retake work for every vendor (marked here where the vendor has no call); remind needs its call.
        actions: typeof adapter?.remind === 'function' ? ['cancel', 'remind', 'retake'] : ['cancel', 'retake'],
      };
    });
    return c.json({ packages });
  });

  app.get('/orders', async (c) => {
    const p = c.get('principal');
    const candidateId = candidateOf(c, p);
    const rows = await listCandidateOrders(db, p.tenantId, candidateId);
    return c.json({ orders: rows.map((r) => view(p, toOrder(r))) });
  });

  app.post('/orders', async (c) => {
    const p = c.get('principal');
    requireRecruiterOrKey(p);
    const body = await readJson(c, CreateOrderRequest);
    const key = c.req.header(IDEMPOTENCY_HEADER);
    if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) throw badRequest('Idempotency-Key must be 1–255 visible ASCII characters.');
    const tenant = tenantOf(p);
    const pkg = tenant.packages.find((x) => x.id === body.packageId);
    if (!pkg) throw packageNotFound(body.packageId);
    const candidateId = candidateOf(c, p, body.candidateId);
    let candidate = p.kind === 'widget' ? p.claims.cand : body.candidate;
    if (!candidate) throw badRequest('With an API key, give the candidate: {firstName, lastName, email}.');
    if (p.kind === 'widget' && body.candidate) candidate = p.claims.cand; // the token, not the body, speaks for the candidate
    const job = p.kind === 'widget' ? (p.claims.job ?? body.job) : body.job;
    const { order } = await orders.create({
      tenantId: p.tenantId,
      candidateId,
      candidate,
      job,
      actor: p.kind === 'widget' ? p.claims.act : undefined,
      packageId: pkg.id,
      packageName: pkg.name,
      vendor: pkg.vendor,
      vendorName: adapters.displayName(pkg.vendor),
      idempotencyKey: key,
    });
    return c.json({ order: view(p, order) }, 202);
  });

  app.get('/orders/:id', async (c) => {
    const p = c.get('principal');
    const row = await visibleOrder(p, c.req.param('id'));
    return c.json({ order: view(p, toOrder(row)) });
  });

  app.get('/orders/:id/history', async (c) => {
    const p = c.get('principal');
    requireRecruiterOrKey(p);
    const row = await visibleOrder(p, c.req.param('id'));
    const history = (await listHistory(db, row.id)).map((h) => ({
      status: h.status,
      vendorStatus: h.vendor_status,
      vendorTime: new Date(h.vendor_time).toISOString(),
      receivedAt: new Date(h.received_at).toISOString(),
      source: h.source,
      applied: h.applied,
      action: h.action ?? null,
      actor: h.actor ?? null,
    }));
    return c.json({ history });
  });

  app.post('/orders/:id/links', async (c) => {
    const p = c.get('principal');
    const { kind } = await readJson(c, CreateLinkRequest);
    const row = await visibleOrder(p, c.req.param('id'));
    if (kind !== 'launch') requireRecruiterOrKey(p);
    return c.json(await deps.links.issue(row, kind));
  });

  return app;
}
