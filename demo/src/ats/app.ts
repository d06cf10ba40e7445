// The demo ATS server (another origin than the BFF): its pages, its token endpoint that calls
// POST /v1/widget-sessions with the tenant API key, and the simulation endpoints. The API key never leaves it.
import { readFileSync } from 'node:fs';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { createCaClient, type Order } from '@ca/client';
import type { AtsCandidate } from './candidates.js';
import { dashboardPage, notFoundPage, portalPage, profilePage, returnedPage, type PageContext } from './pages.js';
import { SimulationError, type Simulator } from './simulator.js';
import { createSessions, loginPage, safeNext, type AtsSession } from './session.js';
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
const isRecruiter = (s: AtsSession | null) => s?.role === 'recruiter';
/** A candidate sees only their own portal; a recruiter may preview any candidate's. */
const mayViewPortal = (s: AtsSession | null, candidateId: string) => isRecruiter(s) || (s?.role === 'candidate' && s.candidateId === candidateId);
/** `{orderId, action}`: two short strings, or null. */
function simBody(raw: unknown): { orderId: string; action: string } | null {
  const b = raw as { orderId?: unknown; action?: unknown } | null;
  const ok = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
  return b && ok(b.orderId, 100) && ok(b.action, 40) ? { orderId: b.orderId, action: b.action } : null;
}

/** What every route group shares: the candidates by id, the page context, the signed-in session, the BFF client. */
interface Ats {
  deps: AtsDeps;
  byId: ReadonlyMap<string, AtsCandidate>;
  page: () => PageContext;
  sessions: ReturnType<typeof createSessions>;
  sessionOf: (c: Context) => AtsSession | null;
  /** Pages for someone else: sign in first, then come back. */
  toLogin: (c: Context) => Response;
  /** What the ATS back end asks of the BFF, with its API key (server to server), through the typed @ca/client. */
  bff: () => ReturnType<typeof createCaClient>;
}

export function createAtsApp(deps: AtsDeps) {
  const app = new Hono();
  const sessions = createSessions();
  const ats: Ats = {
    deps,
    byId: new Map(deps.candidates.map((c) => [c.id, c])),
    page: () => ({ bffUrl: deps.bffUrl(), company: deps.company }),
    sessions,
    sessionOf: (c) => sessions.read(c.req.header('cookie')),
    toLogin: (c) => c.redirect(`/login?next=${encodeURIComponent(new URL(c.req.url).pathname)}`, 302),
    bff: () => createCaClient({ baseUrl: deps.bffUrl(), apiKey: deps.apiKey, fetch: (req) => fetch(req, { signal: AbortSignal.timeout(10_000) }) }),
  };
  app.use('*', pageHeaders(deps.bffUrl));
  signInRoutes(app, ats);
  pageRoutes(app, ats);
  assetRoutes(app);
  tokenRoute(app, ats);
  simulationRoutes(app, ats);
  app.notFound((c) => c.html(notFoundPage(ats.page()), 404));
  return app;
}

/** Every answer: a strict CSP (scripts only from ourselves and the BFF, nothing inline, no eval) and no sniffing. */
function pageHeaders(bffUrl: () => string): MiddlewareHandler {
  return async function pageHeaders(c, next) {
    await next();
    const bffOrigin = new URL(bffUrl()).origin;
    c.header(
      'Content-Security-Policy',
      `default-src 'self'; script-src 'self' ${bffOrigin}; connect-src 'self' ${bffOrigin}; style-src 'self'; img-src 'self' data:; ` +
        `base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'`,
    );
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
  };
}

/** Sign in as the recruiter or as one candidate (a demo: no passwords), and sign out. */
function signInRoutes(app: Hono, { deps, byId, sessions, sessionOf }: Ats): void {
  app.get('/login', (c) => c.html(loginPage(deps.company, deps.candidates, safeNext(c.req.query('next')), sessionOf(c))));
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(form['next']);
    const cand = typeof form['candidate'] === 'string' ? byId.get(form['candidate']) : undefined;
    let session: AtsSession;
    if (form['role'] === 'recruiter') session = { role: 'recruiter' };
    else if (form['role'] === 'candidate' && cand) session = { role: 'candidate', candidateId: cand.id };
    else return c.text('Pick the recruiter or a known candidate.', 400);
    const home = session.role === 'recruiter' ? '/' : `/portal/${encodeURIComponent(session.candidateId)}`;
    c.header('Set-Cookie', sessions.cookie(session));
    return c.redirect(next === '/' ? home : next, 303);
  });
  app.post('/logout', (c) => {
    c.header('Set-Cookie', sessions.clear());
    return c.redirect('/login', 303);
  });
}

/** The recruiter's dashboard, profiles and React example; the candidate's portal. */
function pageRoutes(app: Hono, { deps, byId, page, sessionOf, toLogin }: Ats): void {
  app.get('/', (c) => (isRecruiter(sessionOf(c)) ? c.html(dashboardPage(page(), deps.candidates)) : toLogin(c)));
  app.get('/candidates/:id', (c) => {
    const cand = byId.get(c.req.param('id'));
    if (!cand) return c.html(notFoundPage(page()), 404);
    return isRecruiter(sessionOf(c)) ? c.html(profilePage(page(), cand)) : toLogin(c);
  });
  app.get('/react/assets/:file', async (c) => {
    const body = (await reactExampleFiles()).get(c.req.param('file'));
    return body ? c.body(new Uint8Array(body), 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }) : c.notFound();
  });
  app.get('/react/:id', (c) => {
    const cand = byId.get(c.req.param('id'));
    if (!cand) return c.html(notFoundPage(page()), 404);
    return isRecruiter(sessionOf(c)) ? c.html(reactPage({ bffUrl: deps.bffUrl(), company: deps.company, candidate: cand })) : toLogin(c);
  });
  app.get('/portal/returned', (c) => c.html(returnedPage(page())));
  app.get('/portal/:id', (c) => {
    const cand = byId.get(c.req.param('id'));
    if (!cand) return c.html(notFoundPage(page()), 404);
    return mayViewPortal(sessionOf(c), cand.id) ? c.html(portalPage(page(), cand)) : toLogin(c);
  });
}

/** The ATS's own script, stylesheet and icon. */
function assetRoutes(app: Hono): void {
  const files = { js: asset('ats.js'), css: asset('ats.css') };
  app.get('/ats.js', (c) => c.body(files.js, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }));
  app.get('/favicon.svg', (c) => c.body(FAVICON, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'max-age=86400' }));
  app.get('/favicon.ico', (c) => c.redirect('/favicon.svg', 301));
  app.get('/ats.css', (c) => c.body(files.css, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' }));
}

/**
 * The token the widget's fetchToken asks for. The role comes from the ATS's own session, never from the request:
 * a candidate gets a candidate token for themselves only; a recruiter gets a recruiter token, or a candidate one
 * when the page asks for the candidate's view (a recruiter previewing the portal: the role only ever narrows).
 */
function tokenRoute(app: Hono, { byId, sessionOf, bff }: Ats): void {
  app.get('/ats/token', async (c) => {
    const session = sessionOf(c);
    const cand = byId.get(c.req.query('candidate') ?? '');
    if (!session) return c.json({ error: 'sign in first' }, 401);
    if (!cand) return c.json({ error: 'unknown candidate' }, 400);
    if (session.role === 'candidate' && session.candidateId !== cand.id) return c.json({ error: 'this is not your application' }, 403);
    const asked = c.req.query('role');
    if (asked !== undefined && !isRole(asked)) return c.json({ error: 'unknown role' }, 400);
    const role = session.role === 'recruiter' && asked === 'candidate' ? 'candidate' : session.role;
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
}

/** The simulation panel: a candidate's orders with what each vendor's sandbox can be made to do, and doing it. */
function simulationRoutes(app: Hono, { deps, byId, bff }: Ats): void {
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
          actions: deps.simulator.actions(o.vendor).map(({ id, label }) => ({ id, label })),
          next: deps.simulator.next(o),
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
}
