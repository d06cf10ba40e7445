// The /v1 JSON API (docs/contracts.md). Thin: authenticate, validate with the shared schema, call one
// service function, map the result. Tenant and candidate scoping is decided here, once.
import {
  CreateLinkRequest,
  CreateOrderRequest,
  IDEMPOTENCY_HEADER,
  WidgetSessionRequest,
  type Order,
} from '@ca/shared';
import { mintWidgetToken } from '@ca/shared/server';
import { Hono, type Context } from 'hono';
import { badRequest, forbidden } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import type { OrderScope } from '../orders/reads.js';
import { forRole, type Audience } from '../orders/view.js';
import { readJson } from './body.js';
import type { RouteDeps, Env } from './context.js';

export const audienceOf = (p: Principal): Audience => (p.kind === 'apiKey' ? 'api' : p.role);

/** Whose orders the caller may see: a widget token only its candidate's, an API key its tenant's. */
export const scopeOf = (p: Principal): OrderScope => (p.kind === 'widget' ? { tenantId: p.tenantId, candidateId: p.candidateId } : { tenantId: p.tenantId });

export function requireRecruiterOrKey(p: Principal): void {
  if (p.kind === 'widget' && p.role !== 'recruiter') throw forbidden('A candidate token cannot do this.');
}

/** An Idempotency-Key header, if any: 1–255 visible ASCII characters. */
export function idempotencyKey(c: Context<Env>): string | undefined {
  const key = c.req.header(IDEMPOTENCY_HEADER);
  if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) throw badRequest('Idempotency-Key must be 1–255 visible ASCII characters.');
  return key;
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

const view = (p: Principal, o: Order) => forRole(o, audienceOf(p));

export function apiRoutes(deps: RouteDeps) {
  const app = new Hono<Env>();
  app.route('/', sessionRoutes(deps));
  app.route('/', catalogRoutes(deps));
  app.route('/', orderRoutes(deps));
  return app;
}

/** POST /widget-sessions: a tenant's back end mints a widget token for one candidate. */
function sessionRoutes(deps: RouteDeps) {
  const app = new Hono<Env>();
  app.post('/widget-sessions', async (c) => {
    const p = c.get('principal');
    if (p.kind !== 'apiKey') throw forbidden('Widget sessions are minted with a tenant API key.');
    const body = await readJson(c, WidgetSessionRequest);
    const keys = Object.entries(deps.config.tenants[p.tenantId]!.widgetKeys);
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
      now: deps.now(),
    });
    return c.json(minted, 201);
  });
  return app;
}

/** GET /packages: the tenant's catalog, for recruiters and the ATS. */
function catalogRoutes(deps: RouteDeps) {
  const app = new Hono<Env>();
  app.get('/packages', (c) => {
    const p = c.get('principal');
    requireRecruiterOrKey(p);
    return c.json({ packages: deps.reads.catalog(p.tenantId) });
  });
  return app;
}

/** The orders: list, create, read one, its history, and its launch or report links. */
function orderRoutes(deps: RouteDeps) {
  const { orders, reads } = deps;
  const app = new Hono<Env>();

  app.get('/orders', async (c) => {
    const p = c.get('principal');
    const list = await reads.candidateOrders(p.tenantId, candidateOf(c, p));
    return c.json({ orders: list.map((o) => view(p, o)) });
  });

  app.post('/orders', async (c) => {
    const p = c.get('principal');
    requireRecruiterOrKey(p);
    const body = await readJson(c, CreateOrderRequest);
    const key = idempotencyKey(c);
    const pkg = reads.orderedPackage(p.tenantId, body.packageId);
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
      ...pkg,
      idempotencyKey: key,
    });
    return c.json({ order: view(p, order) }, 202);
  });

  app.get('/orders/:id', async (c) => {
    const p = c.get('principal');
    return c.json({ order: view(p, await reads.order(scopeOf(p), c.req.param('id'))) });
  });

  app.get('/orders/:id/history', async (c) => {
    const p = c.get('principal');
    requireRecruiterOrKey(p);
    return c.json({ history: await reads.history(scopeOf(p), c.req.param('id')) });
  });

  app.post('/orders/:id/links', async (c) => {
    const p = c.get('principal');
    const { kind } = await readJson(c, CreateLinkRequest);
    const row = await reads.visibleOrder(scopeOf(p), c.req.param('id'));
    if (kind !== 'launch') requireRecruiterOrKey(p);
    return c.json(await deps.links.issue(row, kind));
  });

  return app;
}
