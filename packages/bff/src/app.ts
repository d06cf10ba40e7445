// createApp(deps): the Hono app from injected dependencies. Reads no environment and opens no socket;
// server.ts does that. Errors become {"error":{"code","message"}}, never a stack trace.
import type { VendorId } from '@ca/shared';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from './errors.js';
import { claimedTenant } from './auth/principal.js';
import { createClientAddress } from './auth/client-address.js';
import { createFailureLimiter, DEFAULT_FAILURE_LIMITS } from './auth/failures.js';
import { actionRoutes } from './routes/actions.js';
import { apiRoutes } from './routes/api.js';
import type { RouteDeps, Env } from './routes/context.js';
import { checkOrigin, cors } from './routes/cors.js';
import { docsRoutes } from './routes/docs.js';
import { eventRoutes } from './routes/events.js';
import { hookDirect, hookRoutes, oauthRoutes, returnRoutes } from './routes/hooks.js';
import { linkRoutes } from './routes/links.js';
import { opsRoutes } from './routes/ops.js';
import { createRequestObserver, errorAnswer, secure } from './routes/pipeline.js';
import { privacyRoutes } from './routes/privacy.js';
import { rejectUnstorable } from './routes/input.js';
import { createReadinessCheck } from './health/readiness.js';
import { createActionService } from './orders/actions.js';
import { createOrderReads } from './orders/reads.js';
import type { Database } from './store/db.js';

/** What createApp is given: the running services, the database and the job runner's two hooks. */
export interface AppDeps extends Omit<RouteDeps, 'reads' | 'actions' | 'readiness'> {
  db: Database;
  jobs: {
    refreshOrderSoon(tenantId: string, vendor: VendorId, orderId: string): Promise<void>;
    ready(): boolean;
  };
}

/** The services only the routes use, built over the database here so that no route sees the store. */
function routeDeps({ db, jobs, ...deps }: AppDeps): RouteDeps {
  return {
    ...deps,
    reads: createOrderReads({ db, config: deps.config, adapters: deps.adapters }),
    actions: createActionService({ db, orders: deps.orders, adapters: deps.adapters, log: deps.log, now: deps.now }),
    readiness: createReadinessCheck({ db, jobsReady: () => jobs.ready() }),
  };
}

export function createApp(appDeps: AppDeps) {
  const deps = routeDeps(appDeps);
  const app = new Hono<Env>();
  const { log, metrics } = deps;
  const failures = deps.failures ?? createFailureLimiter({ ...DEFAULT_FAILURE_LIMITS, ...deps.config.authFailures });
  const clientAddress = createClientAddress(deps.config.trustedProxies);

  const observed = createRequestObserver(metrics, log);
  app.use('*', async function observe(c, next) {
    const started = performance.now();
    await next();
    observed(c.req.method, c.req.routePath || 'unmatched', c.res.status, started);
  });

  app.use('*', async function securityHeaders(c, next) {
    await next();
    secure(c.res.headers);
  });

  app.use('*', rejectUnstorable());

  app.onError((err, c) => {
    const { status, body, headers } = errorAnswer(err, log, c.req.routePath);
    return c.json(body, status as ContentfulStatusCode, headers);
  });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'No such endpoint.' } }, 404));

  app.route('/', opsRoutes(deps));
  app.route('/docs', docsRoutes());

  const v1 = new Hono<Env>();
  v1.use('*', async function noStore(c, next) {
    await next();
    c.res.headers.set('Cache-Control', 'no-store'); // tokens and candidate data: no cache keeps a copy (the stream sets its own)
  });
  v1.use('*', cors(deps.config, log));
  v1.route('/links', linkRoutes(deps)); // single-use tickets: no Authorization header
  v1.use('*', async function authenticate(c, next) {
    let p;
    try {
      // Credentials first: a valid one is never refused by the failure limiter (auth/failures.ts).
      p = await deps.auth.authenticate(c.req.header('authorization'));
    } catch (err) {
      // A wrong key or a forged token counts; a missing or expired one is a widget renewing, not a guess.
      if (err instanceof AppError && (err.code === 'unauthorized' || err.code === 'token_invalid')) {
        throw failures.failed(clientAddress(c), claimedTenant(deps.config, c.req.header('authorization'))) ?? err;
      }
      throw err;
    }
    if (p.kind === 'widget') checkOrigin(deps.config, c.req.header('origin'), p.tenantId);
    c.set('principal', p);
    await next();
  });
  v1.route('/events', eventRoutes(deps));
  v1.route('/candidates', privacyRoutes(deps));
  v1.route('/', apiRoutes(deps));
  v1.route('/', actionRoutes(deps));
  app.route('/v1', v1);

  app.route('/hooks', hookRoutes(deps));
  app.route('/return', returnRoutes(deps));
  app.route('/oauth', oauthRoutes({ ...deps, failures }));

  // Notifications as vendors send them skip Hono (hooks.ts hookDirect); the rest, and anything unusual, take the app.
  const direct = hookDirect(deps, observed);
  const fetch = app.fetch;
  app.fetch = (req, env, ctx) => direct(req, env) ?? fetch(req, env, ctx);
  return app;
}
