// POST /v1/orders/{id}/cancel | remind | retake: recruiter actions. Thin: who may act, which order, then one call
// to the action service (orders/actions.ts). A recruiter token or an API key; a candidate token is refused.
import { IDEMPOTENCY_HEADER, type ActionName } from '@ca/shared';
import { Hono, type Context } from 'hono';
import { badRequest, forbidden, orderNotFound } from '../errors.js';
import { createActionService } from '../orders/actions.js';
import { forRole } from '../orders/view.js';
import { getOrder } from '../store/order-lookups.js';
import type { OrderRow } from '../store/orders.js';
import { audienceOf } from './api.js';
import type { AppDeps, Env } from './context.js';

export function actionRoutes(deps: AppDeps) {
  const actions = createActionService({ db: deps.db, orders: deps.orders, adapters: deps.adapters, log: deps.log, now: deps.now });
  const app = new Hono<Env>();

  const act = (name: ActionName) =>
    async function recruiterAction(c: Context<Env>) {
      const p = c.get('principal');
      if (p.kind === 'widget' && p.role !== 'recruiter') throw forbidden('A candidate token cannot do this.');
      const key = c.req.header(IDEMPOTENCY_HEADER);
      if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) throw badRequest('Idempotency-Key must be 1–255 visible ASCII characters.');
      const row: OrderRow | null = await getOrder(deps.db, c.req.param('id')!);
      // Another tenant's or candidate's order is 404, so ids leak nothing.
      if (!row || row.tenant_id !== p.tenantId || (p.kind === 'widget' && row.candidate_id !== p.candidateId)) throw orderNotFound();
      const input = { actor: p.kind === 'widget' ? (p.claims.act ?? null) : null, idempotencyKey: key };
      const out = await actions[name](row, input);
      return c.json({ ...out, order: forRole(out.order, audienceOf(p)) }, name === 'retake' && out.changed ? 202 : 200);
    };

  app.post('/orders/:id/cancel', act('cancel'));
  app.post('/orders/:id/remind', act('remind'));
  app.post('/orders/:id/retake', act('retake'));
  return app;
}
