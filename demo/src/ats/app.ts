// The demo ATS server (another origin than the BFF): its pages, its token endpoint that calls
// POST /v1/widget-sessions with the tenant API key, and the simulation endpoints. The API key never leaves it.
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { createCaClient, type Order } from '@ca/client';
import type { AtsCandidate } from './candidates.js';
import { dashboardPage, notFoundPage, portalPage, profilePage, returnedPage, type PageContext } from './pages.js';
import { SimulationError, type Simulator } from './simulator.js';
import { reactExampleFiles } from '../react/bundle.js';
import { reactPage } from '../react/page.js';

export interface AtsDeps {
  /** The BFF base URL (a function: the BFF may start after the ATS). */
  bffUrl: () => string;
  apiKey: string;
  company: string;
  candidates: readonly AtsCandidate[];
  simulator: Simulator;
}

const asset = (name: string) => readFileSync(new URL(`../../public/${name}`, import.meta.url));
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#3b5bdb"/>' +
  '<text x="16" y="23" font-family="sans-serif" font-size="20" font-weight="700" fill="#fff" text-anchor="middle">A</text></svg>';
const isRole = (r: unknown): r is 'recruiter' | 'candidate' => r === 'recruiter' || r === 'candidate';
/** `{orderId, action}`: two short strings, or null. */
function simBody(raw: unknown): { orderId: string; action: string } | null {
  const b = raw as { orderId?: unknown; action?: unknown } | null;
  const ok = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
  return b && ok(b.orderId, 100) && ok(b.action, 40) ? { orderId: b.orderId, action: b.action } : null;
}

export function createAtsApp(deps: AtsDeps) {
  const app = new Hono();
  const byId = new Map(deps.candidates.map((c) => [c.id, c]));
  const ctx = (): PageContext => ({ bffUrl: deps.bffUrl(), company: deps.company });
  const files = { js: asset('ats.js'), css: asset('ats.css') };

  /** What the ATS back end asks of the BFF, with its API key (server to server), through the typed @ca/client. */
  const bff = () => createCaClient({ baseUrl: deps.bffUrl(), apiKey: deps.apiKey, fetch: (req) => fetch(req, { signal: AbortSignal.timeout(10_000) }) });

  app.use('*', async function pageHeaders(c, next) {
    await next();
    const bffOrigin = new URL(deps.bffUrl()).origin;
    // Strict: scripts only from ourselves and the BFF, nothing inline, no eval.
    c.header(
      'Content-Security-Policy',
      `default-src 'self'; script-src 'self' ${bffOrigin}; connect-src 'self' ${bffOrigin}; style-src 'self'; img-src 'self' data:; ` +
        `base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'`,
    );
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
  });

  app.get('/', (c) => c.html(dashboardPage(ctx(), deps.candidates)));
  app.get('/candidates/:id', (c) => {
    const cand = byId.get(c.req.param('id'));
    return cand ? c.html(profilePage(ctx(), cand)) : c.html(notFoundPage(ctx()), 404);
  });
  app.get('/react/assets/:file', async (c) => {
    const body = (await reactExampleFiles()).get(c.req.param('file'));
    return body ? c.body(new Uint8Array(body), 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }) : c.notFound();
  });
  app.get('/react/:id', (c) => {
    const cand = byId.get(c.req.param('id'));
    return cand ? c.html(reactPage({ bffUrl: deps.bffUrl(), company: deps.company, candidate: cand })) : c.html(notFoundPage(ctx()), 404);
  });
  app.get('/portal/returned', (c) => c.html(returnedPage(ctx())));
  app.get('/portal/:id', (c) => {
    const cand = byId.get(c.req.param('id'));
    return cand ? c.html(portalPage(ctx(), cand)) : c.html(notFoundPage(ctx()), 404);
  });
  app.get('/ats.js', (c) => c.body(files.js, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }));
  app.get('/favicon.svg', (c) => c.body(FAVICON, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'max-age=86400' }));
  app.get('/favicon.ico', (c) => c.redirect('/favicon.svg', 301));
  app.get('/ats.css', (c) => c.body(files.css, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' }));

  /**
   * The token the widget's fetchToken asks for. A real ATS takes the role and candidate from its own session
   * (a recruiter allowed to see this candidate, or the candidate signed in); the demo has no sign-in.
   */
  app.get('/ats/token', async (c) => {
    const role = c.req.query('role');
    const cand = byId.get(c.req.query('candidate') ?? '');
    if (!isRole(role) || !cand) return c.json({ error: 'unknown role or candidate' }, 400);
    const res = await bff()
      .POST('/v1/widget-sessions', {
        body: {
          role,
          candidate: { id: cand.id, firstName: cand.firstName, lastName: cand.lastName, email: cand.email, locale: 'en-US' },
          job: { id: cand.job.id, title: cand.job.title },
          ...(role === 'recruiter' ? { actor: 'riley.chen' } : {}),
        },
      })
      .catch(() => null);
    if (!res?.data) return c.json({ error: 'the assessment service did not issue a token' }, 502);
    return c.text(res.data.token, 200, { 'Cache-Control': 'no-store' });
  });

  async function ordersOf(candidateId: string): Promise<Order[]> {
    const { data } = await bff().GET('/v1/orders', { params: { query: { candidateId } } });
    if (!data) throw new SimulationError(502, 'the assessment service did not answer');
    return data.orders;
  }

  app.get('/ats/simulation', async (c) => {
    const cand = byId.get(c.req.query('candidate') ?? '');
    if (!cand) return c.json({ error: 'unknown candidate' }, 404);
    try {
      const orders = await ordersOf(cand.id);
      return c.json({
        orders: orders.map((o) => ({
          id: o.id,
          vendor: o.vendor,
          packageName: o.packageName,
          status: o.status,
          vendorStatus: o.vendorStatus,
          actions: deps.simulator.actions(o.vendor),
        })),
      }, 200, { 'Cache-Control': 'no-store' });
    } catch (err) {
      return c.json({ error: err instanceof Error ? err.message : 'failed' }, 502);
    }
  });

  app.post('/ats/simulation', async (c) => {
    const body = simBody(await c.req.json().catch(() => null));
    const cand = byId.get(c.req.query('candidate') ?? '');
    if (!body || !cand) return c.json({ error: 'body must be {orderId, action} and ?candidate= a known candidate' }, 400);
    try {
      const order = (await ordersOf(cand.id)).find((o) => o.id === body.orderId);
      if (!order) return c.json({ error: 'no such assessment for this candidate' }, 404);
      return c.json({ message: await deps.simulator.run(order, body.action) });
    } catch (err) {
      if (err instanceof SimulationError) return c.json({ error: err.message }, err.status as 400);
      return c.json({ error: 'the sandbox could not be reached' }, 502);
    }
  });

  app.notFound((c) => c.html(notFoundPage(ctx()), 404));
  return app;
}
