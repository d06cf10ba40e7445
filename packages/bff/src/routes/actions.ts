// POST /v1/orders/{id}/cancel | remind | retake: recruiter actions. Thin: who may act, which order, then one call
// to the action service (orders/actions.ts). A recruiter token or an API key; a candidate token is refused.
import type { ActionName } from '@ca/shared';
import { Hono, type Context } from 'hono';
import { forRole } from '../orders/view.js';
import { audienceOf, idempotencyKey, requireRecruiterOrKey, scopeOf } from './api.js';
import type { RouteDeps, Env } from './context.js';

export function actionRoutes(deps: RouteDeps) {
  const { actions, reads } = deps;
  const app = new Hono<Env>();

  const act = (name: ActionName) =>
    async function recruiterAction(c: Context<Env>) {
      const p = c.get('principal');
      requireRecruiterOrKey(p);
      const key = idempotencyKey(c);
      // Another tenant's or candidate's order is 404, so ids leak nothing.
      const row = await reads.visibleOrder(scopeOf(p), c.req.param('id')!);
      const input = { actor: p.kind === 'widget' ? (p.claims.act ?? null) : null, idempotencyKey: key };
      const out = await actions[name](row, input);
      return c.json({ ...out, order: forRole(out.order, audienceOf(p)) }, name === 'retake' && out.changed ? 202 : 200);
    };

  app.post('/orders/:id/cancel', act('cancel'));
  app.post('/orders/:id/remind', act('remind'));
  app.post('/orders/:id/retake', act('retake'));
  return app;
}
