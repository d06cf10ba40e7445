// Vitest globalSetup (runs in Node): a control server the browser tests call to start a REAL BFF (startTestBff,
// in-memory vendor) that allows the test page's origin, mint tokens and move an order along. Each `start` is a session
// with a BFF of its own (free port, own database), so test files run side by side; real-bff.ts is the page's side.
// Test-only: nothing outside the browser tests' configs imports it.
import { createServer, type Server } from 'node:http';
import type { OrderStatus, Result } from '@ca/shared';
import type { TestProject } from 'vitest/node';
import type { MemoryVendor, TestBff } from '@ca/bff/testing';

declare module 'vitest' {
  export interface ProvidedContext {
    bffControl: string;
  }
}

let server: Server | undefined;
/** The running BFFs by session id (one per test file that called `start`). */
const sessions = new Map<string, { bff: TestBff; vendor: MemoryVendor }>();
let nextSession = 0;
let bffTesting: Promise<typeof import('@ca/bff/testing')> | undefined;
/**
 * The BFF's test kit, imported once, first as setup starts (its first import, the whole BFF through Vite, took most of a
 * minute on a loaded machine); not at the top, so a BFF that does not load fails only the test that needs it.
 */
const testKit = () => (bffTesting ??= import('@ca/bff/testing'));

async function handle(op: string, body: Record<string, unknown>): Promise<unknown> {
  if (op === 'start') {
    // The BFF serves dist/widget.js at /widget.js: build it now if the sources are newer.
    // @ts-expect-error: a plain .mjs script of the repository, without type declarations.
    const { ensureWidgetBuilt } = (await import('../../../scripts/widget-build.mjs')) as { ensureWidgetBuilt(root: string): void };
    ensureWidgetBuilt(new URL('../../../', import.meta.url).pathname);
    const { startTestBff, createMemoryVendor } = await testKit();
    const vendor = createMemoryVendor();
    const bff = await startTestBff({
      vendors: { berke: {} },
      packages: [
        { id: 'sales', vendor: 'berke', name: 'Sales personality' },
        { id: 'lead', vendor: 'berke', name: 'Leadership' },
      ],
      factories: { berke: vendor.factory },
      allowedOrigins: [String(body.origin)],
    });
    const session = String(++nextSession);
    sessions.set(session, { bff, vendor });
    return { url: bff.url, session };
  }
  const running = sessions.get(String(body.session));
  if (!running) throw new Error(`no BFF for session ${String(body.session)}: start one first`);
  const { bff, vendor } = running;
  if (op === 'token') {
    const role = body.role as 'recruiter' | 'candidate';
    const candidateId = typeof body.candidateId === 'string' ? body.candidateId : 'cand-widget';
    if (typeof body.expiresIn !== 'number') return { token: await bff.token({ role, candidateId }) };
    // A token that expires `expiresIn` seconds from now (negative: already expired), as if issued a minute earlier.
    const { mintWidgetToken } = await import('@ca/shared/server');
    const { TEST_WIDGET_KEY } = await import('@ca/bff/testing');
    const { token } = await mintWidgetToken({
      tenantId: 'acme',
      kid: 'k1',
      secret: TEST_WIDGET_KEY,
      role,
      candidate: { id: candidateId, firstName: 'Ada', lastName: 'Lovelace', email: `${candidateId}@example.com` },
      ttlSeconds: 60,
      now: new Date(Date.now() + (body.expiresIn - 60) * 1000),
    });
    return { token };
  }
  if (op === 'advance') {
    const order = await bff.getOrder(String(body.orderId));
    vendor.set(order.vendorRef!, body.status as OrderStatus, body.result ? { result: body.result as Result } : {});
    await bff.pollNow();
    return { ok: true };
  }
  if (op === 'follow') {
    const res = await fetch(String(body.url), { redirect: 'manual' });
    return { status: res.status, location: res.headers.get('location') };
  }
  if (op === 'stop') {
    sessions.delete(String(body.session));
    await bff.stop();
    return { ok: true };
  }
  throw new Error(`unknown op ${op}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Loaded while the browser starts; a failure surfaces at the test's first `start`.
  testKit().catch(() => {});
  server = createServer((req, res) => {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'content-type', 'Content-Type': 'application/json' };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      handle(req.url!.slice(1), raw ? (JSON.parse(raw) as Record<string, unknown>) : {}).then(
        (out) => res.writeHead(200, cors).end(JSON.stringify(out)),
        (err: unknown) => res.writeHead(500, cors).end(JSON.stringify({ error: String(err) })),
      );
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  project.provide('bffControl', `http://127.0.0.1:${port}`);
  return async () => {
    await Promise.all([...sessions.values()].map(({ bff }) => bff.stop()));
    sessions.clear();
    await new Promise((r) => server?.close(r));
  };
}
