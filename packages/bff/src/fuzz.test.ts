// Fuzzes every public, webhook and OAuth route of a real BFF over HTTP with fast-check: thousands of mutated
// methods, paths, ids, headers, tokens and bodies. Nothing may answer 5xx or crash the server, and a refused
// request (4xx) stores nothing. FUZZ_RUNS raises or lowers the number of requests (default 3000), FUZZ_SEED replays a run.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBff, TEST_API_KEY, type TestBff } from '../testing/harness.js';
import { createMemoryVendor } from '../testing/memory-vendor.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const psiClient = { clientId: 'psi-fuzz', clientSecret: 'psi-fuzz-client-secret-0123456789' };
const mettl = { baseUrl: 'http://127.0.0.1:9/v2', publicKey: 'pk', privateKey: 'sk', webhookUser: 'mettl-user', webhookPassword: 'mettl-password' };

/** Rows of the tables a request can add to. Events are left out: placement jobs append them in the background. */
const TABLES = ['ca_orders', 'ca_deliveries', 'ca_links', 'ca_idempotency', 'ca_erasures'] as const;

describe('fuzzing every route', () => {
  let t: TestBff;
  const valid: { recruiter: string; candidate: string; psi: string; orderId: string; link: string; hookTicket: string } = {} as never;

  const counts = async () => {
    const rows = await t.bff.db.query<Record<string, string>>(`SELECT ${TABLES.map((x) => `(SELECT count(*) FROM ${x})::text AS ${x}`).join(', ')}`);
    return rows[0]!;
  };

  beforeAll(async () => {
    t = await startTestBff({
      vendors: {
        berke: {},
        psi: { clients: [psiClient], schedulingUrl: 'https://psi.example/book?e={eligibilityId}' },
        mettl,
        pymetrics: { endpoint: 'http://127.0.0.1:9/pym/', clientId: 'cid', clientSecret: 'pymetrics-secret-0123' },
      },
      packages: [
        { id: 'p1', vendor: 'berke', name: 'Fuzz' },
        { id: 'psi-1', vendor: 'psi', name: 'Exam', examCode: 'CERT-1' },
      ],
      factories: { berke: createMemoryVendor().factory },
      // Every attempt gets its credentials checked: the limits have their own tests.
      config: { authFailures: { perIp: 1_000_000, perTenant: 1_000_000 } },
    });
    valid.recruiter = await t.token({ candidateId: 'fuzz-1' });
    valid.candidate = await t.token({ candidateId: 'fuzz-1', role: 'candidate' });
    const order = await t.order('p1', { token: valid.recruiter });
    valid.orderId = (await t.waitForOrder(order.id, (o) => o.status === 'invited')).id;
    const link = await t.api(`/v1/orders/${order.id}/links`, { method: 'POST', token: valid.recruiter, body: '{"kind":"launch"}' });
    valid.link = ((await link.json()) as { url: string }).url.split('/').pop()!;
    const tok = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: psiClient.clientId, client_secret: psiClient.clientSecret }),
    });
    valid.psi = ((await tok.json()) as { access_token: string }).access_token;
    valid.hookTicket = `${valid.orderId}~abc.AAAAAAAAAAAAAAAAAAAAAA`;
  });
  afterAll(async () => {
    await t?.stop();
  });

  // --- what a request is made of ----------------------------------------------------------------------------

  /** encodeURIComponent, but an unpaired surrogate (which it refuses) goes out as its raw CESU-8 bytes. */
  const enc = (s: string) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return `${encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, ''))}%ED%A0%80`;
    }
  };

  const nasty = fc.oneof(
    fc.constantFrom('', ' ', '%00', '\u0000', '\uD800', '\uDC00x', '../..', '%2e%2e', '%ZZ', '🙂', 'a'.repeat(5000), 'null', '[]', '{}', '1e999', '-1', "' OR 1=1 --"),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );
  /** A string in a path segment: usually encoded, sometimes raw escapes. */
  const segment = fc.oneof(
    nasty.map(enc),
    fc.constantFrom('%00', '%', '%ZZ', '%ED%A0%80', '%C0%AF', 'acme', 'berke', 'psi', 'mettl', 'pymetrics'),
  );
  const id = fc.oneof(segment, { arbitrary: fc.constant('VALID_ORDER'), weight: 2 }, fc.constant('o_nope'));

  const path = fc.oneof(
    fc.constantFrom('/v1/orders', '/v1/packages', '/v1/widget-sessions', '/v1/events', '/oauth/token', '/healthz', '/readyz', '/openapi.json', '/metrics', '/nope'),
    id.map((x) => `/v1/orders/${x}`),
    id.map((x) => `/v1/orders/${x}/history`),
    id.map((x) => `/v1/orders/${x}/links`),
    fc.tuple(id, fc.constantFrom('cancel', 'remind', 'retake')).map(([x, action]) => `/v1/orders/${x}/${action}`),
    segment.map((x) => `/v1/candidates/${x}`),
    fc.oneof(segment, fc.constant('VALID_LINK')).map((x) => `/v1/links/${x}`),
    fc.tuple(fc.constantFrom('psi', 'mettl', 'pymetrics', 'berke', 'nope'), fc.oneof(fc.constant('acme'), segment)).map(([v, ten]) => `/hooks/${v}/${ten}`),
    fc.tuple(fc.constantFrom('pymetrics', 'berke', 'nope'), fc.oneof(fc.constant('acme'), segment), fc.oneof(segment, fc.constant('VALID_TICKET'))).map(
      ([v, ten, tk]) => `/hooks/${v}/${ten}/${tk}`,
    ),
    fc.tuple(fc.constantFrom('berke', 'psi', 'nope'), fc.oneof(fc.constant('acme'), segment), segment).map(([v, ten, tk]) => `/return/${v}/${ten}/${tk}`),
  );
  const query = fc.oneof(
    fc.constant(''),
    nasty.map((s) => `?candidateId=${enc(s)}`),
    fc.constantFrom('?candidateId=fuzz-1', '?candidateId=%00', '?lastEventId=0', '?lastEventId=99999999999999999999', '?candidateId=a&candidateId=b', '?%00=1'),
  );

  /** A valid credential with one character changed, cut short, or its parts shuffled. */
  const mutate = (s: string) =>
    fc.oneof(
      fc.tuple(fc.nat({ max: s.length - 1 }), fc.constantFrom('A', '.', '-', '_', '=', '%', ' ')).map(([i, ch]) => s.slice(0, i) + ch + s.slice(i + 1)),
      fc.nat({ max: s.length }).map((n) => s.slice(0, n)),
      fc.constant(s.split('.').reverse().join('.')),
      fc.constant(`${Buffer.from('{"alg":"none","typ":"JWT","kid":"k1"}').toString('base64url')}.${s.split('.')[1]}.`),
    );
  // Mostly valid credentials, so requests get past authentication and reach the routes behind it.
  const authorization = fc.oneof(
    fc.constant(undefined),
    { arbitrary: fc.constantFrom('API', 'RECRUITER', 'CANDIDATE', 'PSI').map((k) => `Bearer ${k}`), weight: 6 },
    { arbitrary: fc.constantFrom('API', 'RECRUITER', 'CANDIDATE', 'PSI'), weight: 2 }, // mutated below
    nasty.map((s) => `Bearer ${s}`),
    fc.constantFrom('Basic bWV0dGwtdXNlcjptZXR0bC1wYXNzd29yZA==', 'Basic Og==', 'Basic %%%', 'Bearer', 'bearer  x.y.z', 'Digest x'),
  );
  const contentType = fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'text/xml', 'text/plain', 'multipart/form-data; boundary=x');
  const headerValue = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')), fc.constantFrom('1', '0', '-1', 'x'.repeat(300)));

  const validBodies = [
    { packageId: 'p1' },
    { packageId: 'p1', candidateId: 'fuzz-2', candidate: { firstName: 'A', lastName: 'B', email: 'a@example.com' } },
    { kind: 'launch' },
    { kind: 'evaluation' },
    { kind: 'report' },
    { role: 'recruiter', candidate: { id: 'fuzz-3', firstName: 'A', lastName: 'B', email: 'a@example.com' } },
    { booking_code: 'B1', change_reason: 'BOOKING_CREATED', client_eligibility_id: 'VALID_ORDER', exam_code: 'CERT-1', candidate_id: 'fuzz-1', effective_date: '2024-01-01T00:00:00Z' },
    { assessment_id: 1, invitation_key: 'k', email: 'a@example.com', EVENT_TYPE: 'finishTest', context_data: 'x.y' },
  ];
  /** A valid body with one field replaced by anything JSON can hold. */
  const mutatedBody = fc
    .tuple(fc.constantFrom(...validBodies), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }))
    .map(([b, k, v]) => JSON.stringify({ ...b, [Object.keys(b)[k.length % Object.keys(b).length]!]: v, ...(k.length % 3 === 0 ? { [k]: v } : {}) }));
  const body = fc.oneof(
    fc.constant(undefined),
    mutatedBody,
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    nasty,
    fc.constantFrom('{', '{"a":"\\u0000"}', '{"packageId":"\\ud800"}', 'grant_type=client_credentials&client_id=psi-fuzz&client_secret=x', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'),
    fc.constant('x'.repeat(300 * 1024)),
  );

  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    path,
    query,
    authorization,
    contentType,
    idempotencyKey: headerValue,
    lastEventId: headerValue,
    origin: fc.constantFrom(undefined, 'http://127.0.0.1:5173', 'https://evil.example', 'null'),
    body,
  });

  it(`answers ${RUNS} mutated requests without a 5xx, and stores nothing for a refused one`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const credential = { API: TEST_API_KEY, RECRUITER: valid.recruiter, CANDIDATE: valid.candidate, PSI: valid.psi };
        const fill = (s: string) =>
          s.replace('VALID_ORDER', valid.orderId).replace('VALID_LINK', valid.link).replace('VALID_TICKET', valid.hookTicket);
        let auth = r.authorization;
        if (auth && /^(Bearer )?(API|RECRUITER|CANDIDATE|PSI)$/.test(auth)) {
          const key = auth.replace('Bearer ', '') as keyof typeof credential;
          auth = auth.startsWith('Bearer ') ? `Bearer ${credential[key]}` : `Bearer ${fc.sample(mutate(credential[key]), 1)[0]}`;
        }
        const headers = new Headers();
        for (const [k, v] of Object.entries({ authorization: auth, 'content-type': r.contentType, 'idempotency-key': r.idempotencyKey, 'last-event-id': r.lastEventId, origin: r.origin })) {
          if (v !== undefined) {
            try {
              headers.set(k, v.replace(/[^\t\x20-\x7e]/g, '')); // what an HTTP client can send at all
            } catch {
              // a value fetch itself refuses never reaches the server
            }
          }
        }
        const before = await counts();
        const withBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
        const res = await fetch(`${t.url}${fill(r.path)}${r.query}`, {
          method: r.method,
          headers,
          ...(withBody ? { body: fill(r.body!) } : {}),
          redirect: 'manual',
          signal: AbortSignal.timeout(15_000),
        });
        await res.body?.cancel(); // an event stream stays open otherwise
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) throw new Error(`${r.method} ${r.path}${r.query} answered ${res.status}`);
        if (res.status >= 400) {
          const after = await counts();
          // One exception, by design (docs/contracts.md#vendor-facing-endpoints): a notification that passed the vendor's authentication but does
          // not parse or match is kept for audit, as one delivery marked invalid or no_match.
          const audited = r.path.startsWith('/hooks/') && res.status === 400 && auth === `Bearer ${valid.psi}` && Number(after.ca_deliveries) === Number(before.ca_deliveries) + 1;
          if (audited) {
            const [last] = await t.bff.db.query<{ outcome: string }>(`SELECT outcome FROM ca_deliveries ORDER BY id DESC LIMIT 1`);
            expect(['invalid', 'no_match']).toContain(last!.outcome);
            after.ca_deliveries = before.ca_deliveries!;
          }
          expect(after, `${r.method} ${r.path} → ${res.status} stored something`).toEqual(before);
        }
      }),
      { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    console.log(`fuzz: ${RUNS} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect(t.logLines.filter((l) => l.includes('unhandled error'))).toEqual([]);
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true); // the fuzz reaches working paths too
  }, 240_000);
});
