// CORS from each tenant's allowedOrigins. A real request must come from an origin of the caller's own tenant. Never `*`.
// Preflights pass for any origin: they only let the browser send the request, which carries a bearer token (no
// cookie) and is refused here before anything runs when its origin is not allowed. That refusal, `origin_not_allowed`,
// carries CORS headers and no data, so a page on a forgotten origin reads which origin and which setting, instead of
// seeing a network error (docs/contracts.md#cors). An error raised before the caller is known (a 401) is readable by
// any tenant's origin, so the widget can renew its token.
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { Env } from './context.js';

const ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key, Last-Event-ID';
/** Origins already warned about, per tenant; past this many the warning stops (a flood of made-up origins). */
const MAX_WARNED = 1000;

export function corsHeadersFor(config: Config, origin: string | undefined, tenantId: string): Record<string, string> {
  if (!origin || !config.tenants[tenantId]?.allowedOrigins.includes(origin)) return {};
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

export function cors(config: Config, log?: Pick<Logger, 'warn'>): MiddlewareHandler<Env> {
  const anyTenant = new Set(Object.values(config.tenants).flatMap((t) => t.allowedOrigins));
  const warned = new Set<string>();
  return async function cors(c, next) {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS') {
      if (!origin) return c.body(null, 403);
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
    const refused = c.error instanceof OriginNotAllowed ? c.error : undefined;
    if (refused) {
      c.res.headers.set('Access-Control-Allow-Origin', origin);
      c.res.headers.append('Vary', 'Origin');
      const key = `${refused.tenantId} ${origin}`;
      if (!warned.has(key) && warned.size < MAX_WARNED) {
        warned.add(key);
        log?.warn({ origin, tenant: refused.tenantId, setting: refused.setting }, `refused requests from ${origin}: not in ${refused.setting} (logged once per origin)`);
      }
    } else if (p) {
      for (const [k, v] of Object.entries(corsHeadersFor(config, origin, p.tenantId))) c.res.headers.set(k, v);
    } else if (c.res.status >= 400 && anyTenant.has(origin)) {
      // Without this a 401 looks like a network error to the browser, and the widget never renews its token.
      c.res.headers.set('Access-Control-Allow-Origin', origin);
      c.res.headers.append('Vary', 'Origin');
    }
  };
}

/** A page origin the tenant did not allow: names the origin and the setting to change, and nothing else. */
export class OriginNotAllowed extends AppError {
  readonly setting: string;
  constructor(
    readonly origin: string,
    readonly tenantId: string,
  ) {
    const setting = `tenants.${tenantId}.allowedOrigins`;
    super('origin_not_allowed', 403, `Origin ${origin} is not allowed for tenant ${tenantId}: add it to ${setting} in the BFF config.`);
    this.setting = setting;
  }
}

/** A browser request from an origin the tenant did not allow is refused, even with a valid token. */
export function checkOrigin(config: Config, origin: string | undefined, tenantId: string): void {
  if (origin && !config.tenants[tenantId]!.allowedOrigins.includes(origin)) throw new OriginNotAllowed(origin, tenantId);
}
