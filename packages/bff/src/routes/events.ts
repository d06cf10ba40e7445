// GET /v1/events: the SSE stream. Headers go straight to the Node response and the hub writes frames
// to it (docs/architecture.md#sse-hub: direct writes, not streamSSE). Ends when the token expires; the widget reconnects.
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { badRequest, forbidden, rateLimited } from '../errors.js';
import type { RouteDeps, Env } from './context.js';
import { audienceOf } from './api.js';
import { corsHeadersFor } from './cors.js';

/**
 * What the route answers once the hub owns the Node response: node-server's "already sent" marker, built with the
 * platform's own Response class. node-server's `RESPONSE_ALREADY_SENT` is built with whatever global `Response` there
 * is when its module loads, and a node-server started in the process before that (a vendor sandbox in a test worker,
 * an embedder's own server) has put its light Response there: node-server then answers that marker as a cached
 * response, writes headers again on a stream already under way (ERR_HTTP_HEADERS_SENT) and cuts it.
 */
function alreadySent(): Response {
  // node-server's light Response is a subclass of the platform's (its static prototype); the platform's is not.
  const Platform = (Object.getPrototypeOf(Response.prototype) === Object.prototype ? Response : Object.getPrototypeOf(Response)) as typeof Response;
  return new Platform(null, { headers: RESPONSE_ALREADY_SENT.headers });
}

export function eventRoutes(deps: RouteDeps) {
  const app = new Hono<Env & { Bindings: HttpBindings }>();
  app.get('/', async (c) => {
    const p = c.get('principal');
    const res = c.env?.outgoing;
    if (!res) throw badRequest('The event stream needs a Node HTTP server.');
    const raw = c.req.header('last-event-id') ?? c.req.query('lastEventId');
    if (raw !== undefined && !/^\d{1,19}$/.test(raw)) throw badRequest('Last-Event-ID must be an event id.');
    let candidateId: string | undefined;
    if (p.kind === 'widget') {
      const asked = c.req.query('candidateId');
      if (asked !== undefined && asked !== p.candidateId) throw forbidden('This token is for another candidate.');
      candidateId = p.candidateId;
    } else {
      candidateId = c.req.query('candidateId') || undefined;
    }
    // HEAD: the headers only. Hono answers HEAD with a copy of the GET response, which must not be the raw stream.
    if (c.req.method === 'HEAD') return c.body(null, 200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-store, no-transform' });
    // Caps per token subject and role, tenant and process (config `sse`): a refused stream costs no replay and no slot.
    // The role is part of the subject: a candidate's own tabs cannot use up the recruiter's streams for that candidate.
    const slot = deps.hub.admit(p.kind === 'widget' ? `widget\0${p.role}\0${p.candidateId}` : 'apiKey', p.tenantId);
    if (!slot) throw rateLimited('Too many open event streams for this token or tenant; close one or try again later.', 10);
    res.on('close', () => slot.release());
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-store, no-transform', // docs/architecture.md#sse-hub, and no copy kept anywhere (candidate data)
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
      ...corsHeadersFor(deps.config, c.req.header('origin'), p.tenantId),
    });
    res.write('retry: 2000\n\n');
    if (p.kind === 'widget') {
      const ms = p.claims.exp * 1000 - deps.now().getTime();
      const timer = setTimeout(() => res.end(), Math.max(ms, 0));
      timer.unref();
      res.on('close', () => clearTimeout(timer));
    }
    await deps.hub.connect(
      { res, filter: { tenantId: p.tenantId, candidateId }, role: audienceOf(p) },
      raw === undefined ? null : BigInt(raw),
    );
    return alreadySent();
  });
  return app;
}
