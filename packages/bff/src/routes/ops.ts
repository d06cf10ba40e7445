// Operations endpoints: liveness, readiness (store reachable, jobs running), Prometheus metrics, the OpenAPI
// document, and the widget bundle with its chunks (widget.ts).
import { Hono, type Handler } from 'hono';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RouteDeps, Env } from './context.js';
import { buildOpenApi } from './openapi.js';
import { widgetRoutes } from './widget.js';

/** GET /metrics: Prometheus text; behind `metrics.token` when one is configured. */
export function metricsHandler(deps: Pick<RouteDeps, 'config' | 'metrics'>): Handler {
  const token = deps.config.metrics.token;
  const expected = token === undefined ? undefined : createHash('sha256').update(token).digest();
  return async function metrics(c) {
    if (expected) {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
      if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
        return c.json({ error: { code: 'unauthorized', message: 'Metrics need the metrics bearer token.' } }, 401, {
          'WWW-Authenticate': 'Bearer realm="candidate-assessment-metrics"',
        });
      }
    }
    return c.text(await deps.metrics.registry.metrics(), 200, { 'Content-Type': deps.metrics.registry.contentType, 'Cache-Control': 'no-store' });
  };
}

export function opsRoutes(deps: RouteDeps) {
  const app = new Hono<Env>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const r = await deps.readiness();
    return r.ready ? c.json({ status: 'ready' }) : c.json({ status: 'not_ready', reason: r.reason }, 503);
  });
  if (!deps.config.metrics.listen) app.get('/metrics', metricsHandler(deps)); // else only on its own listener (runtime.ts)
  const openapi = JSON.stringify(buildOpenApi(deps.config.publicUrl));
  app.get('/openapi.json', (c) => c.body(openapi, 200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' }));

  app.route('/', widgetRoutes(deps));
  return app;
}
