// /openapi.json is valid OpenAPI 3.1 by an independent validator (the official JSON Schemas, via
// @seriousme/openapi-schema-validator), documents every route the app really has, and /docs serves the reference.
import { Validator } from '@seriousme/openapi-schema-validator';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../app.js';
import { parseConfig } from '../config.js';
import { createMetrics } from '../metrics.js';
import { buildOpenApi } from './openapi.js';

type Operation = { operationId?: string; parameters?: { name: string; in: string }[]; responses?: Record<string, unknown> };
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; webhooks: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** The app as routes are registered: no database or socket is needed to list them. */
function appForRoutes() {
  const config = parseConfig({
    publicUrl: 'http://127.0.0.1:8787',
    database: 'memory:',
    tenants: { acme: { name: 'Acme', allowedOrigins: [], apiKeys: ['k'.repeat(32)], widgetKeys: { k1: 'w'.repeat(32) }, vendors: {}, packages: [] } },
  });
  return createApp({ config, adapters: { all: () => [] }, metrics: createMetrics(), log: pino({ level: 'silent' }) } as unknown as AppDeps);
}

describe('/openapi.json', () => {
  const doc = buildOpenApi('https://bff.example.com') as unknown as Doc;
  let resolved: Doc;

  beforeAll(async () => {
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc) as Parameters<Validator['validate']>[0]);
    expect(res.errors ?? [], JSON.stringify(res.errors, null, 1)).toEqual([]);
    expect(res.valid).toBe(true);
    resolved = validator.resolveRefs() as Doc; // throws on a $ref that points nowhere
  });

  it('is a valid OpenAPI 3.1 document by the official schema', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(resolved.paths['/v1/orders']!['post']).toBeDefined();
  });

  it('documents every route the app serves, with its method', () => {
    const app = appForRoutes();
    const served = new Set<string>();
    for (const r of app.routes) {
      const method = r.method.toLowerCase();
      if (!METHODS.includes(method) || r.path.includes('*')) continue; // middleware
      served.add(`${method} ${r.path.replace(/:([A-Za-z0-9_]+)(\{[^/]*\})?/g, '{$1}').replace(/\/$/, '') || '/'}`);
    }
    expect(served.size).toBeGreaterThan(15);
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).filter((m) => METHODS.includes(m)).map((m) => `${m} ${p}`)));
    expect([...served].filter((r) => !documented.has(r)), 'served but not documented').toEqual([]);
    expect([...documented].filter((r) => !served.has(r)), 'documented but not served').toEqual([]);
  });

  it('declares every path parameter and gives every operation a unique operationId and responses', () => {
    const ids = new Set<string>();
    const all = [...Object.entries(doc.paths), ...Object.entries(doc.webhooks)];
    for (const [p, ops] of all) {
      for (const [m, op] of Object.entries(ops)) {
        if (!METHODS.includes(m)) continue;
        expect(op.operationId, `${m} ${p}`).toMatch(/^[a-zA-Z]+$/);
        expect(ids.has(op.operationId!), `duplicate ${op.operationId}`).toBe(false);
        ids.add(op.operationId!);
        expect(Object.keys(op.responses ?? {}).length, `${m} ${p} responses`).toBeGreaterThan(0);
        const declared = (op.parameters ?? []).filter((x) => x.in === 'path').map((x) => x.name).sort();
        const inPath = [...p.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]!).sort();
        expect(declared, `${m} ${p} path parameters`).toEqual(inPath);
      }
    }
  });

  it('includes the vendor hooks, the OAuth token endpoint and the outbound ATS webhook', () => {
    expect(doc.paths['/hooks/{vendor}/{tenant}']).toHaveProperty('post');
    expect(doc.paths['/hooks/{vendor}/{tenant}']).toHaveProperty('put');
    expect(doc.paths['/oauth/token']).toHaveProperty('post');
    const hook = resolved.webhooks['orderEvent']!['post'] as Operation & { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } };
    expect(Object.keys(hook.requestBody.content['application/json']!.schema.properties)).toEqual(
      expect.arrayContaining(['id', 'type', 'orderId', 'order', 'at']),
    );
    expect((hook.parameters ?? []).map((x) => x.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
  });

  it('names its shapes as components (Order, OrderEvent, ApiError) for generated clients', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['OrderEvent', 'OrderResponse', 'ApiError', 'CreateOrderRequest']));
    expect(JSON.stringify(doc.components.schemas)).not.toContain('$schema');
  });
});

describe('/docs', () => {
  it('serves the reference page with a nonce CSP and the Scalar bundle from this origin', async () => {
    const app = appForRoutes();
    const page = await app.request('/docs');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    const html = await page.text();
    expect(html).toContain('<script src="/docs/scalar.js"');
    expect(html).not.toMatch(/https?:\/\/cdn/);
    for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toContain(`nonce="${nonce}"`);
    const second = await app.request('/docs');
    expect(second.headers.get('content-security-policy')).not.toBe(csp); // a fresh nonce each time
    const bundle = await app.request('/docs/scalar.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});
