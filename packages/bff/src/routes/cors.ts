// CORS from each tenant's allowedOrigins. Preflights (no credentials yet) pass for any tenant's origin;
// a real request must come from an origin of the caller's own tenant. An error raised before the caller is known
// (a 401) is readable by any tenant's origin, so the widget can renew its token. Never `*`.
import type { MiddlewareHandler } from 'hono';
import type { Config } from '../config.js';
import { forbidden } from '../errors.js';
import type { Env } from './context.js';

const ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key, Last-Event-ID';

export function corsHeadersFor(config: Config, origin: string | undefined, tenantId: string): Record<string, string> {
  if (!origin || !config.tenants[tenantId]?.allowedOrigins.includes(origin)) return {};
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

export function cors(config: Config): MiddlewareHandler<Env> {
  const anyTenant = new Set(Object.values(config.tenants).flatMap((t) => t.allowedOrigins));
  return async function cors(c, next) {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS') {
      if (!origin || !anyTenant.has(origin)) return c.body(null, 403);
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': ALLOW_HEADERS,
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
    }
    await next();
    if (!origin) return;
    const p = c.get('principal');
    if (p) {
      for (const [k, v] of Object.entries(corsHeadersFor(config, origin, p.tenantId))) c.res.headers.set(k, v);
    } else if (c.res.status >= 400 && anyTenant.has(origin)) {
      // Without this a 401 looks like a network error to the browser, and the widget never renews its token.
      c.res.headers.set('Access-Control-Allow-Origin', origin);
      c.res.headers.append('Vary', 'Origin');
    }
  };
}

/** A browser request from an origin the tenant did not allow is refused, even with a valid token. */
export function checkOrigin(config: Config, origin: string | undefined, tenantId: string): void {
  if (origin && !config.tenants[tenantId]!.allowedOrigins.includes(origin)) {
    throw forbidden(`Origin ${origin} is not allowed for this tenant.`);
  }
}
