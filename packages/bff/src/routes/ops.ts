// Operations endpoints: liveness, readiness (store reachable, jobs running), Prometheus metrics, and the
// widget bundle with an ETag and long caching, plus its language chunks (hashed names, cached for a year).
import { Hono, type Handler } from 'hono';
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RouteDeps, Env } from './context.js';
import { buildOpenApi } from './openapi.js';

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

  let cached: { mtimeMs: number; body: Buffer; etag: string } | undefined;
  app.get('/widget.js', async (c) => {
    let info;
    try {
      info = await stat(deps.widgetFile);
    } catch {
      return c.json({ error: { code: 'not_found', message: 'The widget is not built. Run: npx pnpm@10 --filter @ca/widget build' } }, 404);
    }
    if (!cached || cached.mtimeMs !== info.mtimeMs) {
      const body = await readFile(deps.widgetFile);
      cached = { mtimeMs: info.mtimeMs, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    const headers = {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=300, stale-while-revalidate=86400',
      ETag: cached.etag,
      'Access-Control-Allow-Origin': '*', // module scripts load cross-origin only with CORS
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'X-Content-Type-Options': 'nosniff',
    };
    if (c.req.header('if-none-match') === cached.etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(cached.body), 200, headers);
  });
  // widget.js imports `./widget/i18n/<lang>-<hash>.js` relative to itself: same origin, same headers, and a new
  // name whenever the content changes, so they can be cached for good.
  app.get('/widget/i18n/:file{(?:[a-z]{2}|acts)-[A-Za-z0-9_-]+\\.js}', async (c) => {
    let body: Buffer;
    try {
      body = await readFile(join(dirname(deps.widgetFile), 'widget/i18n', c.req.param('file')));
    } catch {
      return c.json({ error: { code: 'not_found', message: 'No such language chunk.' } }, 404);
    }
    return c.body(new Uint8Array(body), 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'X-Content-Type-Options': 'nosniff',
    });
  });
  return app;
}
