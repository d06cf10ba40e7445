// @ca/client: the committed schema.ts is what the generator makes of today's /openapi.json, and the client
// works against a real BFF: tokens, catalog, idempotent orders, history, links, typed errors, signed webhooks.
import { createMemoryVendor, startTestBff, type TestBff } from '@ca/bff/testing';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSchema } from './generate.js';
import { CaApiError, createCaClient, mintWidgetToken, newerOrder, verifyWebhook, type CaClient, type OrderEvent } from './index.js';

describe('generated schema', () => {
  it('is up to date with /openapi.json (run `npx -y pnpm@10 --filter @ca/client generate` when this fails)', async () => {
    const committed = await readFile(new URL('./schema.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await generateSchema());
  });
});

mkdirSync(fileURLToPath(new URL('../dist', import.meta.url)), { recursive: true });

describe('published build', () => {
  it('compiles to plain JavaScript with declarations that work without the workspace', async () => {
    // Inside the package (dist/, what `pack` ships), so its dependencies resolve as they would once installed.
    const root = fileURLToPath(new URL('..', import.meta.url));
    const out = await mkdtemp(join(root, 'dist', 'test-'));
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out], { cwd: root });
      const built = (await import(join(out, 'index.js'))) as typeof import('./index.js');
      expect(typeof built.createCaClient).toBe('function');
      expect(await readFile(join(out, 'index.d.ts'), 'utf8')).toContain('export declare function createCaClient');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('client against a real BFF', () => {
  const SECRET = 'whsec_' + Buffer.from('client-test-webhook-secret-0123456789').toString('base64');
  const candidate = { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' };
  const deliveries: { headers: IncomingHttpHeaders; raw: Buffer; body: string }[] = [];
  let receiver: Server;
  let t: TestBff;
  let ca: CaClient;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        deliveries.push({ headers: req.headers, raw, body: raw.toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const mv = createMemoryVendor();
    t = await startTestBff({
      vendors: { berke: {} },
      packages: [{ id: 'p1', vendor: 'berke', name: 'Sales personality' }],
      factories: { berke: mv.factory },
      atsWebhook: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, secret: SECRET },
    });
    ca = createCaClient({ baseUrl: `${t.url}/`, apiKey: t.apiKey });
  });
  afterAll(async () => {
    await t?.stop();
    receiver?.close();
  });

  it('mints a widget token', async () => {
    const minted = await mintWidgetToken(ca, { role: 'recruiter', candidate: { id: 'c-1', ...candidate }, actor: 'riley' });
    expect(minted.token.split('.')).toHaveLength(3);
    expect(Date.parse(minted.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('reads the catalog and orders once per Idempotency-Key', async () => {
    const { data: catalog } = await ca.GET('/v1/packages');
    expect(catalog?.packages.map((p) => p.id)).toEqual(['p1']);
    const order = () =>
      ca.POST('/v1/orders', { params: { header: { 'Idempotency-Key': 'client-k1' } }, body: { packageId: 'p1', candidateId: 'c-1', candidate } });
    const first = await order();
    const again = await order();
    expect(first.response.status).toBe(202);
    expect(again.data?.order.id).toBe(first.data?.order.id);
    const id = first.data!.order.id;
    const placed = await t.waitForOrder(id, (o) => o.status === 'invited');
    const { data: one } = await ca.GET('/v1/orders/{id}', { params: { path: { id } } });
    expect(one?.order.status).toBe('invited');
    expect(newerOrder(first.data!.order, one!.order)).toEqual(one!.order);
    const { data: list } = await ca.GET('/v1/orders', { params: { query: { candidateId: 'c-1' } } });
    expect(list?.orders.map((o) => o.id)).toEqual([id]);
    const { data: history } = await ca.GET('/v1/orders/{id}/history', { params: { path: { id } } });
    expect(history?.history.map((h) => h.status)).toContain('invited');
    const { data: link } = await ca.POST('/v1/orders/{id}/links', { params: { path: { id } }, body: { kind: 'launch' } });
    expect(link?.url).toMatch(new RegExp(`^${t.url}/v1/links/`));
    expect(placed.version).toBeGreaterThan(first.data!.order.version);
  });

  it('gives typed errors', async () => {
    const { error, response } = await ca.POST('/v1/orders', { body: { packageId: 'nope', candidateId: 'c-1', candidate } });
    expect(response.status).toBe(404);
    expect(error?.error.code).toBe('package_not_found');
    const bad = createCaClient({ baseUrl: t.url, apiKey: 'wrong-key-0123456789' });
    await expect(mintWidgetToken(bad, { role: 'candidate', candidate: { id: 'c-1', ...candidate } })).rejects.toMatchObject({
      name: 'CaApiError',
      status: 401,
    });
    expect(new CaApiError(500, undefined).code).toBe('http_error');
  });

  it('verifies the signed ATS webhook and refuses a tampered one', async () => {
    const until = Date.now() + 10_000;
    while (deliveries.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const d = deliveries[0]!;
    const event: OrderEvent = verifyWebhook(SECRET, d.headers, d.body);
    expect(event.type).toBe('order.created');
    expect(event.order.packageId).toBe('p1');
    expect(() => verifyWebhook(SECRET, d.headers, d.body.replace('p1', 'p2'))).toThrow();
    const fetchHeaders = new Headers();
    for (const [k, v] of Object.entries(d.headers)) if (typeof v === 'string') fetchHeaders.set(k, v);
    expect(verifyWebhook(SECRET, fetchHeaders, d.body)).toEqual(event);
    // Node's req.headers as they are, and the body as the bytes received.
    expect(verifyWebhook(SECRET, d.headers, d.raw)).toEqual(event);
    expect(verifyWebhook(SECRET, { ...d.headers, 'x-extra': ['a', 'b'], 'x-none': undefined }, d.raw)).toEqual(event);
  });

  it('says plainly when the secret is missing or empty', () => {
    const d = deliveries[0]!;
    for (const secret of [undefined, '', '   ', 'whsec_']) {
      expect(() => verifyWebhook(secret as string, d.headers, d.body)).toThrow(TypeError);
      expect(() => verifyWebhook(secret as string, d.headers, d.body)).toThrow(/webhook secret is missing or empty.*atsWebhook\.secret/);
    }
  });
});
