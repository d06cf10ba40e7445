// DELETE /v1/candidates/{id}: erasure asked for by the ATS back end (API key only). Thin: check the caller, call
// the privacy service, answer what was erased.
import { Hono } from 'hono';
import { badRequest, forbidden } from '../errors.js';
import type { RouteDeps, Env } from './context.js';

export function privacyRoutes(deps: RouteDeps) {
  const app = new Hono<Env>();
  app.delete('/:id', async (c) => {
    const p = c.get('principal');
    if (p.kind !== 'apiKey') throw forbidden('Only the ATS back end (API key) can erase a candidate.');
    if (!deps.privacy) throw forbidden('Erasure is not available on this server.');
    const candidateId = c.req.param('id');
    if (candidateId.length < 1 || candidateId.length > 200) throw badRequest('A candidate id has 1–200 characters.');
    const r = await deps.privacy.erase(p.tenantId, candidateId, 'apiKey');
    return c.json({ candidateId, erasedAt: r.erasedAt, orders: r.orders, auditRef: r.candidateRef });
  });
  return app;
}
