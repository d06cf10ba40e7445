// /openapi.json as a reference one can integrate from: every operation has a description, every parameter, request
// body and 2xx/4xx answer an example, the examples validate against their schemas (Ajv 2020, the engine of the
// independent OpenAPI validator openapi.test.ts uses), a real BFF answers in the shapes the examples show, and every
// error code is explained in the ApiError schema and in docs/api.md#error-codes.
import { ERROR_CODES } from '@ca/shared';
import { Validator } from '@seriousme/openapi-schema-validator';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBff, type TestBff } from '../../testing/harness.js';
import { createMemoryVendor } from '../../testing/memory-vendor.js';
import { errorTableRows } from './openapi-errors.js';
import { buildOpenApi } from './openapi.js';

type Media = { schema?: unknown; example?: unknown; examples?: Record<string, { value: unknown }> };
type Operation = {
  operationId: string;
  description?: string;
  parameters?: { name: string; example?: unknown; schema?: unknown }[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
};
type Doc = { paths: Record<string, Record<string, Operation>>; webhooks: Record<string, Record<string, Operation>>; components: { schemas: Record<string, { description?: string }> } };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** Answers without a body by nature: the ATS's own answer to our webhook (never read). */
const NO_BODY = new Set(['atsOrderEvent 200']);

// Ajv and its formats as the validator package has them (no second copy to keep in step).
const fromValidator = createRequire(createRequire(import.meta.url).resolve('@seriousme/openapi-schema-validator'));
const Ajv2020 = (fromValidator('ajv/dist/2020.js') as { default: new (o: object) => { compile(s: unknown): ((d: unknown) => boolean) & { errors?: unknown } } }).default;
const addFormats = (fromValidator('ajv-formats') as { default: (ajv: unknown) => void }).default;

const operations = (doc: Doc) =>
  [...Object.entries(doc.paths), ...Object.entries(doc.webhooks)].flatMap(([p, ops]) =>
    Object.entries(ops)
      .filter(([m]) => METHODS.includes(m))
      .map(([m, op]) => ({ where: `${m} ${p}`, op })),
  );
const examplesOf = (m: Media): unknown[] => (m.example !== undefined ? [m.example] : Object.values(m.examples ?? {}).map((e) => e.value));

describe('/openapi.json examples and descriptions', () => {
  const doc = buildOpenApi('https://bff.example.com') as unknown as Doc;
  let resolved: Doc;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);

  beforeAll(async () => {
    const validator = new Validator();
    expect((await validator.validate(structuredClone(doc) as Parameters<Validator['validate']>[0])).valid).toBe(true);
    resolved = validator.resolveRefs() as Doc;
  });

  it('gives every operation a description and every parameter, request body and 2xx/4xx answer an example', () => {
    const missing: string[] = [];
    const count = { operations: 0, described: 0, bodies: 0, bodiesWithExample: 0, answers: 0, answersWithExample: 0, parameters: 0, parametersWithExample: 0 };
    for (const { where, op } of operations(doc)) {
      count.operations++;
      if (op.description) count.described++;
      else missing.push(`${where}: description`);
      for (const p of op.parameters ?? []) {
        count.parameters++;
        if (p.example !== undefined) count.parametersWithExample++;
        else missing.push(`${where}: parameter ${p.name}`);
      }
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        count.bodies++;
        if (examplesOf(media).length) count.bodiesWithExample++;
        else missing.push(`${where}: request ${type}`);
      }
      for (const [status, answer] of Object.entries(op.responses)) {
        if (!/^[24]/.test(status) || NO_BODY.has(`${op.operationId} ${status}`)) continue;
        count.answers++;
        const media = Object.values(answer.content ?? {});
        if (media.length > 0 && media.every((m) => examplesOf(m).length > 0)) count.answersWithExample++;
        else missing.push(`${where}: ${status} answer`);
      }
    }
    console.info('openapi coverage', count);
    expect(missing).toEqual([]);
  });

  it('has examples that validate against their schemas', () => {
    const invalid: string[] = [];
    const check = (where: string, schema: unknown, values: unknown[]) => {
      if (schema === undefined) return;
      const validate = ajv.compile(schema);
      for (const v of values) if (!validate(v)) invalid.push(`${where}: ${JSON.stringify(validate.errors)}`);
    };
    let checked = 0;
    for (const { where, op } of operations(resolved)) {
      for (const p of op.parameters ?? []) if (p.example !== undefined) (checked++, check(`${where} ${p.name}`, p.schema, [p.example]));
      for (const [type, m] of Object.entries(op.requestBody?.content ?? {})) (checked++, check(`${where} request ${type}`, m.schema, examplesOf(m)));
      for (const [status, a] of Object.entries(op.responses)) {
        for (const [type, m] of Object.entries(a.content ?? {})) (checked++, check(`${where} ${status} ${type}`, m.schema, examplesOf(m)));
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(invalid).toEqual([]);
  });

  it('explains every error code in the ApiError schema and in docs/api.md', () => {
    const rows = errorTableRows();
    expect(rows).toHaveLength(ERROR_CODES.length);
    const description = doc.components.schemas['ApiError']!.description ?? '';
    const apiMd = readFileSync(join(import.meta.dirname, '../../../../docs/api.md'), 'utf8');
    for (const row of rows) {
      expect(description).toContain(row);
      expect(apiMd, 'docs/api.md#error-codes lacks a row (or has an old one): copy errorTableRows() of openapi-errors.ts').toContain(row);
    }
    const documented = [...apiMd.matchAll(/^\| `([a-z_]+)` \| \d{3} \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...ERROR_CODES].sort());
  });

  it('introduces the API key and the widget token: who holds which, and where each is sent', () => {
    const intro = (buildOpenApi('https://bff.example.com') as { info: { description: string } }).info.description;
    expect(intro).toMatch(/API key/);
    expect(intro).toMatch(/widget token/);
    expect(intro).toMatch(/Authorization: Bearer/);
  });
});

describe('/openapi.json examples against a real BFF', () => {
  let t: TestBff;
  const doc = buildOpenApi('https://bff.example.com') as unknown as Doc;
  const op = (id: string) => operations(doc).find((o) => o.op.operationId === id)!.op;
  const example = (id: string, status: string): unknown => {
    const m = Object.values(op(id).responses[status]!.content!)[0]!;
    return examplesOf(m)[0];
  };
  /** The shape of a JSON value: its keys, deeply (array items by their first element), and the type of each leaf. */
  const shape = (v: unknown): unknown =>
    Array.isArray(v) ? [v.length ? shape(v[0]) : 'empty'] : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort().map(([k, x]) => [k, shape(x)])) : v === null ? 'null' : typeof v;
  const json = async (res: Response) => ({ status: String(res.status), body: (await res.json()) as Record<string, unknown> });

  beforeAll(async () => {
    t = await startTestBff({ vendors: { berke: {} }, packages: [{ id: 'berke-sales', vendor: 'berke', name: 'Sales personality' }, { id: 'berke-java', vendor: 'berke', name: 'Java' }], factories: { berke: createMemoryVendor().factory } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers in the shapes the examples show', async () => {
    const key = { Authorization: `Bearer ${t.apiKey}`, 'Content-Type': 'application/json' };
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(t.url + path, { method: 'POST', headers: { ...key, ...headers }, body: JSON.stringify(body) });
    const get = (path: string) => fetch(t.url + path, { headers: key });
    const request = (id: string) => (Object.values(op(id).requestBody!.content)[0] as Media).example;

    const session = await json(await post('/v1/widget-sessions', request('createWidgetSession')));
    expect(session.status).toBe('201');
    expect(shape(session.body)).toEqual(shape(example('createWidgetSession', '201')));

    const placed = await json(await post('/v1/orders', request('createOrder'), { 'Idempotency-Key': 'docs-1' }));
    expect(placed.status).toBe('202');
    expect(shape(placed.body)).toEqual(shape(example('createOrder', '202')));
    const id = (placed.body['order'] as { id: string }).id;
    const invited = await t.waitForOrder(id, (o) => o.status === 'invited');

    const one = await json(await get(`/v1/orders/${id}`));
    expect(shape(one.body)).toEqual(shape(example('getOrder', '200')));
    expect(shape((await json(await get(`/v1/orders?candidateId=${invited.candidateId}`))).body)).toEqual(shape(example('listOrders', '200')));
    expect(shape((await json(await get(`/v1/orders/${id}/history`))).body)).toEqual(shape(example('getOrderHistory', '200')));
    expect(Object.keys((await json(await get('/v1/packages'))).body)).toEqual(Object.keys(example('listPackages', '200') as object));
    expect(shape((await json(await post(`/v1/orders/${id}/links`, request('createOrderLink')))).body)).toEqual(shape(example('createOrderLink', '200')));

    const cancelled = await json(await post(`/v1/orders/${id}/cancel`, {}));
    expect(cancelled.status).toBe('200');
    // The memory vendor has no cancel call (vendorCall null, where the example's Berke has one): compare keys.
    expect(Object.keys(cancelled.body).sort()).toEqual(Object.keys(example('cancelOrder', '200') as object).sort());

    // Errors: the documented code under the documented status, in the ApiError envelope.
    const errorExample = (opId: string, status: string, code: string) => {
      const m = Object.values(op(opId).responses[status]!.content!)[0]!;
      return m.examples?.[code]?.value;
    };
    const conflict = await json(await post('/v1/orders', { ...(request('createOrder') as object), packageId: 'berke-java' }, { 'Idempotency-Key': 'docs-1' }));
    expect(conflict).toEqual({ status: '409', body: errorExample('createOrder', '409', 'idempotency_conflict') });
    const unknown = await json(await get('/v1/orders/o_nope'));
    expect(unknown).toEqual({ status: '404', body: errorExample('getOrder', '404', 'order_not_found') });
    const noToken = await json(await fetch(`${t.url}/v1/orders`));
    expect(noToken).toEqual({ status: '401', body: errorExample('listOrders', '401', 'token_missing') });
    const again = await json(await post(`/v1/orders/${id}/remind`, {}));
    expect(again.status).toBe('409');
    expect(shape(again.body)).toEqual(shape(errorExample('remindOrder', '409', 'action_unavailable')));
  });
});
