// The BFF core over real HTTP with an in-process vendor: idempotency, isolation, tokens, SSE resume,
// durable placement with retries. Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
import type { Order } from '@ca/shared';
import { mintWidgetToken } from '@ca/shared/server';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneEvents } from './store/events.js';
import { listHistory } from './store/history.js';
import { testDatabases } from '../testing/databases.js';
import { startTestBff, TEST_WIDGET_KEY, type TestBff } from '../testing/harness.js';
import { createMemoryVendor, type MemoryVendor } from '../testing/memory-vendor.js';

const BETA_KEY = 'beta-api-key-0123456789abcdef';
const BETA_WIDGET = 'beta-widget-key-0123456789abcdefghijkl';

for (const db of testDatabases()) {
  describe(`BFF core on ${db.name}`, () => {
    let t: TestBff;
    let mv: MemoryVendor;
    const body = (packageId: string) => JSON.stringify({ packageId });

    beforeAll(async () => {
      mv = createMemoryVendor();
      t = await startTestBff({
        database: db.url(),
        vendors: { berke: {} },
        packages: [
          { id: 'p1', vendor: 'berke', name: 'Sales personality' },
          { id: 'p2', vendor: 'berke', name: 'Leadership' },
        ],
        factories: { berke: mv.factory },
        placeRetryLimit: 2,
        // Backoff capped at pg-boss's smallest step (1 s): the retries' schedule is placement.test.ts's; here 3 attempts
        // take 2 s instead of up to 6.
        placeRetryDelay: 1,
        placeRetryDelayMax: 1,
        extraTenants: {
          beta: { name: 'Beta', apiKeys: [BETA_KEY], widgetKeys: { b1: BETA_WIDGET }, vendors: { berke: {} }, packages: [{ id: 'p1', vendor: 'berke', name: 'Beta pkg' }] },
        },
      });
    });
    afterAll(async () => {
      await t?.stop();
    });

    describe('idempotency', () => {
      it('returns the same order for the same key and body', async () => {
        const tok = await t.token({ candidateId: 'idem-1' });
        const a = await t.order('p1', { token: tok, idempotencyKey: 'key-1' });
        const b = await t.order('p1', { token: tok, idempotencyKey: 'key-1' });
        expect(b.id).toBe(a.id);
        const list = (await (await t.api('/v1/orders', { token: tok })).json()) as { orders: Order[] };
        expect(list.orders.filter((o) => o.packageId === 'p1')).toHaveLength(1);
      });

      it('answers 409 for the same key with another body', async () => {
        const tok = await t.token({ candidateId: 'idem-2' });
        await t.order('p1', { token: tok, idempotencyKey: 'key-2' });
        const res = await t.api('/v1/orders', { method: 'POST', token: tok, headers: { 'Idempotency-Key': 'key-2' }, body: body('p2') });
        expect(res.status).toBe(409);
        expect(await res.json()).toEqual({ error: { code: 'idempotency_conflict', message: expect.any(String) } });
      });

      it('makes one order of ten concurrent requests with one key', async () => {
        const tok = await t.token({ candidateId: 'idem-3' });
        const results = await Promise.all(
          Array.from({ length: 10 }, () => t.api('/v1/orders', { method: 'POST', token: tok, headers: { 'Idempotency-Key': 'key-3' }, body: body('p1') })),
        );
        const ids = new Set(await Promise.all(results.map(async (r) => ((await r.json()) as { order: Order }).order.id)));
        expect(results.map((r) => r.status)).toEqual(Array(10).fill(202));
        expect(ids.size).toBe(1);
      });

      it('refuses a conflicting request alone when concurrent creations share a transaction', async () => {
        const tok = await t.token({ candidateId: 'idem-4' });
        const first = await t.order('p1', { token: tok, idempotencyKey: 'key-4-0' });
        const send = (key: string, pkg: string) => t.api('/v1/orders', { method: 'POST', token: tok, headers: { 'Idempotency-Key': key }, body: body(pkg) });
        const [conflict, ...rest] = await Promise.all([
          send('key-4-0', 'p2'),
          ...Array.from({ length: 8 }, (_, i) => send(`key-4-${i + 1}`, 'p1')),
          send('key-4-0', 'p1'),
        ]);
        expect(conflict!.status).toBe(409);
        expect(rest.map((r) => r.status)).toEqual(Array(9).fill(202));
        const ids = await Promise.all(rest.map(async (r) => ((await r.json()) as { order: Order }).order.id));
        expect(ids[8]).toBe(first.id); // the replay of key-4-0 answers its order
        expect(new Set(ids.slice(0, 8)).size).toBe(8);
        const list = (await (await t.api('/v1/orders', { token: tok })).json()) as { orders: Order[] };
        expect(list.orders).toHaveLength(9);
      });
    });

    describe('isolation and tokens', () => {
      it("does not show one candidate's orders or events to another", async () => {
        const x = await t.token({ candidateId: 'iso-x' });
        const y = await t.token({ candidateId: 'iso-y' });
        const yEvents = await t.sse(y);
        const order = await t.order('p1', { token: x });
        expect((await t.api(`/v1/orders/${order.id}`, { token: y })).status).toBe(404);
        expect(((await (await t.api('/v1/orders', { token: y })).json()) as { orders: Order[] }).orders).toEqual([]);
        expect((await t.api('/v1/orders?candidateId=iso-x', { token: y })).status).toBe(403);
        const xEvents = await t.sse(x);
        await t.order('p2', { token: x });
        await xEvents.waitFor((e) => e.order.packageId === 'p2');
        expect(yEvents.events).toEqual([]);
        xEvents.close();
        yEvents.close();
      });

      it("does not show one tenant's orders to another tenant's key or token", async () => {
        const order = await t.order('p1', { token: await t.token({ candidateId: 'iso-t' }) });
        const betaKey = await fetch(`${t.url}/v1/orders/${order.id}`, { headers: { Authorization: `Bearer ${BETA_KEY}` } });
        expect(betaKey.status).toBe(404);
        const betaToken = await t.token({ tenantId: 'beta', candidateId: 'iso-t' });
        expect((await t.api(`/v1/orders/${order.id}`, { token: betaToken })).status).toBe(404);
        const list = (await (await t.api('/v1/orders', { token: betaToken })).json()) as { orders: Order[] };
        expect(list.orders).toEqual([]);
      });

      it('lets a candidate token read and launch, but not order, see results or get a report', async () => {
        const cand = await t.token({ role: 'candidate', candidateId: 'cand-role' });
        const rec = await t.token({ role: 'recruiter', candidateId: 'cand-role' });
        expect((await t.api('/v1/orders', { method: 'POST', token: cand, body: body('p1') })).status).toBe(403);
        expect((await t.api('/v1/packages', { token: cand })).status).toBe(403);
        const order = await t.order('p1', { token: rec });
        const invited = await t.waitForOrder(order.id, (o) => o.status === 'invited');
        const result = { score: 81, maxScore: 100, subScores: [], flags: [], jobFits: [], reportAvailable: true };
        mv.set(invited.vendorRef!, 'scored', { result });
        await t.pollNow();
        expect((await t.getOrder(order.id, rec)).result).toMatchObject({ score: 81 });
        const seen = await t.getOrder(order.id, cand);
        expect(seen.status).toBe('scored');
        expect(seen.result).toBeNull();
        const report = await t.api(`/v1/orders/${order.id}/links`, { method: 'POST', token: cand, body: JSON.stringify({ kind: 'report' }) });
        expect(report.status).toBe(403);
        expect(await t.followLink(order.id, 'report', rec)).toMatch(/^https:\/\/vendor\.example\/report\//);
      });

      const now = () => Math.floor(Date.now() / 1000);
      const key = new TextEncoder().encode(TEST_WIDGET_KEY);
      const claims = { role: 'recruiter', cand: { firstName: 'A', lastName: 'B', email: 'a@example.com' } };
      const sign = (header: Record<string, unknown>, payload: Record<string, unknown>) =>
        new SignJWT({ ...claims, ...payload }).setProtectedHeader({ alg: 'HS256', ...header }).sign(key);
      const base = () => ({ iss: 'acme', aud: 'candidate-assessment', sub: 'c1', jti: 'j', iat: now(), exp: now() + 300 });
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

      const bad: [string, () => Promise<string>, string][] = [
        ['expired', () => sign({ kid: 'k1' }, { ...base(), iat: now() - 600, exp: now() - 60 }), 'token_expired'],
        ['wrong aud', () => sign({ kid: 'k1' }, { ...base(), aud: 'someone-else' }), 'token_invalid'],
        ['wrong kid', () => sign({ kid: 'k9' }, base()), 'token_invalid'],
        ['unknown tenant', () => sign({ kid: 'k1' }, { ...base(), iss: 'nobody' }), 'token_invalid'],
        ['alg none', async () => `${b64({ alg: 'none', kid: 'k1' })}.${b64({ ...claims, ...base() })}.`, 'token_invalid'],
        [
          'tampered',
          async () => {
            const [h, , s] = (await sign({ kid: 'k1' }, base())).split('.');
            return `${h}.${b64({ ...claims, ...base(), sub: 'someone-else' })}.${s}`;
          },
          'token_invalid',
        ],
        ['longer than 15 minutes', () => sign({ kid: 'k1' }, { ...base(), exp: now() + 3600 }), 'token_invalid'],
        ['signed with another tenant key', () => new SignJWT({ ...claims, ...base() }).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode(BETA_WIDGET)), 'token_invalid'],
        ['an API key of nobody', async () => 'not-a-real-api-key-123456', 'unauthorized'],
      ];
      it.each(bad)('refuses a token that is %s with 401', async (_, make, code) => {
        const res = await t.api('/v1/orders', { token: await make() });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
      });

      it('refuses a request without credentials with 401 token_missing', async () => {
        const res = await fetch(`${t.url}/v1/orders`);
        expect(res.status).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('token_missing');
      });

      it('mints a widget token from an API key that the API then accepts', async () => {
        const res = await t.api('/v1/widget-sessions', {
          method: 'POST',
          body: JSON.stringify({ role: 'candidate', candidate: { id: 'minted', firstName: 'M', lastName: 'N', email: 'm@example.com' }, ttlSeconds: 120 }),
        });
        expect(res.status).toBe(201);
        const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
        expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(121_000);
        expect((await t.api('/v1/orders', { token })).status).toBe(200);
        expect((await t.api('/v1/widget-sessions', { method: 'POST', token, body: '{}' })).status).toBe(403);
      });
    });

    describe('input and errors', () => {
      it('answers bad JSON, unknown packages and oversized bodies with clear JSON errors', async () => {
        const tok = await t.token();
        const garbage = await t.api('/v1/orders', { method: 'POST', token: tok, body: '{"packageId":' });
        expect(garbage.status).toBe(400);
        expect(((await garbage.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
        const missing = await t.api('/v1/orders', { method: 'POST', token: tok, body: '{}' });
        expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/packageId/);
        const unknown = await t.api('/v1/orders', { method: 'POST', token: tok, body: body('nope') });
        expect(unknown.status).toBe(404);
        const big = await t.api('/v1/orders', { method: 'POST', token: tok, body: JSON.stringify({ packageId: 'p1', pad: 'x'.repeat(100_000) }) });
        expect(big.status).toBe(413);
        const nowhere = await fetch(`${t.url}/v1/nowhere`, { headers: { Authorization: `Bearer ${t.apiKey}` } });
        expect(await nowhere.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
      });

      it('allows CORS only from the tenant origins; another origin may preflight and read its refusal', async () => {
        const ok = await fetch(`${t.url}/v1/orders`, { method: 'OPTIONS', headers: { Origin: 'http://127.0.0.1:5173', 'Access-Control-Request-Method': 'POST' } });
        expect(ok.status).toBe(204);
        expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
        expect(ok.headers.get('access-control-allow-headers')).toMatch(/Idempotency-Key/);
        const evil = await fetch(`${t.url}/v1/orders`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
        expect(evil.status).toBe(204); // routes/cors.ts: the request it allows is refused below, readably
        const tok = await t.token();
        const get = await t.api('/v1/orders', { token: tok, headers: { Origin: 'https://evil.example' } });
        expect(get.status).toBe(403);
        expect(((await get.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');
        const fine = await t.api('/v1/orders', { token: tok, headers: { Origin: 'http://127.0.0.1:5173' } });
        expect(fine.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
      });

      it('serves single-use links that expire after one use', async () => {
        const tok = await t.token({ candidateId: 'links' });
        const order = await t.order('p1', { token: tok });
        await t.waitForOrder(order.id, (o) => o.status === 'invited');
        const res = await t.api(`/v1/orders/${order.id}/links`, { method: 'POST', token: tok, body: JSON.stringify({ kind: 'launch' }) });
        const { url, expiresAt } = (await res.json()) as { url: string; expiresAt: string };
        expect(url.startsWith(`${t.url}/v1/links/`)).toBe(true);
        expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);
        const first = await fetch(url, { redirect: 'manual' });
        expect(first.status).toBe(302);
        expect(first.headers.get('location')).toMatch(/^https:\/\/vendor\.example\/launch\//);
        const second = await fetch(url, { redirect: 'manual' });
        expect(second.status).toBe(410);
      });
    });

    describe('durable placement', () => {
      it('retries a vendor outage with backoff and then places the order', async () => {
        const before = mv.placeCalls;
        mv.failNext(2);
        const order = await t.order('p1', { token: await t.token({ candidateId: 'outage-1' }) });
        const placed = await t.waitForOrder(order.id, (o) => o.status === 'invited', 20_000);
        expect(placed.vendorRef).toBe(`mem-${order.id}`);
        expect(mv.placeCalls - before).toBe(3);
      });

      it('fails the order with the vendor message when the vendor refuses for good', async () => {
        mv.failNext(1, false, 'Unknown sourceJobId "nope".');
        const order = await t.order('p1', { token: await t.token({ candidateId: 'refused-1' }) });
        const failed = await t.waitForOrder(order.id, (o) => o.status === 'failed');
        expect(failed.error).toEqual({ code: 'vendor_rejected', message: 'Unknown sourceJobId "nope".' });
      });

      it('waits as long as the vendor asks without using up retries', async () => {
        const before = mv.placeCalls;
        mv.failNext(4, true, 'rate limited', 300); // more than the retry limit of 2, each asking for a short wait
        const order = await t.order('p1', { token: await t.token({ candidateId: 'wait-1' }) });
        const placed = await t.waitForOrder(order.id, (o) => o.status !== 'requested', 30_000);
        expect(placed.status).toBe('invited');
        expect(mv.placeCalls - before).toBe(5);
      });

      it('gives up with a reason after the retry limit', async () => {
        mv.failNext(10, true, 'connect ECONNREFUSED');
        const order = await t.order('p1', { token: await t.token({ candidateId: 'gaveup-1' }) });
        const failed = await t.waitForOrder(order.id, (o) => o.status === 'failed', 30_000);
        expect(failed.error?.code).toBe('vendor_unavailable');
        expect(failed.error?.message).toMatch(/3 attempts/);
        mv.failNext(0);
      });
    });

    describe('status updates and the event log', () => {
      it('records duplicates and stale updates in history without changing the order twice', async () => {
        const tok = await t.token({ candidateId: 'hist-1' });
        const order = await t.order('p1', { token: tok });
        const inv = await t.waitForOrder(order.id, (o) => o.status === 'invited');
        const at = new Date(Date.now() + 2000); // well after the invitation
        mv.set(inv.vendorRef!, 'completed', { at });
        await t.pollNow();
        await t.pollNow(); // the same fact again
        mv.set(inv.vendorRef!, 'in_progress', { at: new Date(at.getTime() - 1000) }); // older, arriving late
        await t.pollNow();
        const final = await t.getOrder(order.id, tok);
        expect(final.status).toBe('completed');
        expect(final.version).toBeGreaterThan(inv.version); // every change raises the version
        expect(inv.version).toBeGreaterThan(order.version);
        expect(Date.parse(inv.statusChangedAt)).toBeGreaterThanOrEqual(Date.parse(order.statusChangedAt)); // never before the previous change
        const history = await listHistory(t.bff.db, order.id);
        expect(history.map((h) => [h.status, h.applied])).toEqual([
          ['invited', true],
          ['in_progress', false],
          ['completed', true],
        ]);
        const viaApi = (await (await t.api(`/v1/orders/${order.id}/history`, { token: tok })).json()) as { history: { status: string; source: string; applied: boolean }[] };
        expect(viaApi.history.map((h) => [h.status, h.source, h.applied])).toEqual([
          ['invited', 'placement', true],
          ['in_progress', 'poll', false],
          ['completed', 'poll', true],
        ]);
        const cand = await t.token({ role: 'candidate', candidateId: 'hist-1' });
        expect((await t.api(`/v1/orders/${order.id}/history`, { token: cand })).status).toBe(403);
      });

      it('replays exactly the missed events, in order, to a client resuming with Last-Event-ID', async () => {
        const tok = await t.token({ candidateId: 'resume-1' });
        const first = await t.sse(tok);
        const order = await t.order('p1', { token: tok });
        const created = await first.waitFor((e) => e.type === 'order.created' && e.orderId === order.id);
        first.close();
        const inv = await t.waitForOrder(order.id, (o) => o.status === 'invited');
        mv.set(inv.vendorRef!, 'in_progress', { progress: 30 });
        await t.pollNow();
        mv.set(inv.vendorRef!, 'completed');
        await t.pollNow();
        const second = await t.order('p2', { token: tok });
        const resumed = await t.sse(tok, { lastEventId: created.id });
        const ready = await resumed.waitForFrame((f) => f.event === 'ready');
        // What came before `ready` (a live event may already have arrived in the same chunk after it).
        const before = new Set(resumed.frames.slice(0, resumed.frames.indexOf(ready)).map((f) => f.id));
        const replayed = resumed.events.filter((e) => before.has(e.id));
        const missed = replayed.map((e) => `${e.orderId === order.id ? 'A' : 'B'}:${e.type}:${e.order.status}`);
        expect(missed.slice(0, 4)).toEqual(['A:order.updated:invited', 'A:order.updated:in_progress', 'A:order.updated:completed', 'B:order.created:requested']);
        expect(missed.slice(4).every((m) => m.startsWith('B:order.updated'))).toBe(true); // B may already be placed
        const ids = resumed.events.map((e) => BigInt(e.id));
        expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
        expect(BigInt(ready.id!)).toBeGreaterThanOrEqual(BigInt(replayed[replayed.length - 1]!.id));
        expect(replayed.find((e) => e.orderId === second.id)).toBeDefined();
        // then live events follow without a gap or a repeat
        await resumed.waitFor((e) => e.orderId === second.id && e.order.status === 'invited');
        expect(new Set(resumed.events.map((e) => e.id)).size).toBe(resumed.events.length);
        resumed.close();
      });

      it('sends resync to a client whose Last-Event-ID is older than the kept history', async () => {
        const tok = await t.token({ candidateId: 'resync-1' });
        const order = await t.order('p1', { token: tok });
        await t.waitForOrder(order.id, (o) => o.status === 'invited');
        await pruneEvents(t.bff.db, new Date(Date.now() + 60_000));
        const client = await t.sse(tok, { lastEventId: '1' });
        const resync = await client.waitForFrame((f) => f.event === 'resync');
        expect(JSON.parse(resync.data)).toEqual({ reason: 'history_pruned' });
        expect(client.events).toEqual([]);
        client.close();
      });

      it('sends resync for an id it never issued', async () => {
        const client = await t.sse(await t.token(), { lastEventId: '999999999' });
        expect(JSON.parse((await client.waitForFrame((f) => f.event === 'resync')).data)).toEqual({ reason: 'unknown_id' });
        client.close();
      });

      it('streams the whole tenant to an API key and hides results from candidate streams', async () => {
        const tenantWide = await t.sse(t.apiKey);
        const candTok = await t.token({ role: 'candidate', candidateId: 'stream-c' });
        const candStream = await t.sse(candTok);
        const order = await t.order('p1', { token: await t.token({ candidateId: 'stream-c' }) });
        const inv = await t.waitForOrder(order.id, (o) => o.status === 'invited');
        mv.set(inv.vendorRef!, 'scored', { result: { score: 55, subScores: [], flags: [], jobFits: [], reportAvailable: false } });
        await t.pollNow();
        const full = await tenantWide.waitFor((e) => e.orderId === order.id && e.order.status === 'scored');
        expect(full.order.result?.score).toBe(55);
        const restricted = await candStream.waitFor((e) => e.orderId === order.id && e.order.status === 'scored');
        expect(restricted.order.result).toBeNull();
        tenantWide.close();
        candStream.close();
      });
    });

    describe('operations', () => {
      it('answers health, readiness, metrics and an OpenAPI document', async () => {
        expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ status: 'ok' });
        expect(await (await fetch(`${t.url}/readyz`)).json()).toEqual({ status: 'ready' });
        const metrics = await (await fetch(`${t.url}/metrics`)).text();
        expect(metrics).toMatch(/ca_http_requests_total\{/);
        const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
        expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/widget-sessions', '/v1/orders', '/v1/orders/{id}/links', '/v1/events']));
      });

      it('writes no key or token to its logs', async () => {
        const tok = await t.token();
        await t.api('/v1/orders', { token: tok });
        const all = t.logLines.join('\n');
        expect(t.logLines.length).toBeGreaterThan(10);
        for (const secret of [t.apiKey, TEST_WIDGET_KEY, tok, BETA_KEY, BETA_WIDGET]) expect(all).not.toContain(secret);
      });
    });
  });
}

// mintWidgetToken is the helper Node ATS back ends use; verify it produces what the BFF accepts.
describe('mintWidgetToken', () => {
  it('refuses a life over 15 minutes', async () => {
    await expect(
      mintWidgetToken({ tenantId: 'acme', kid: 'k1', secret: TEST_WIDGET_KEY, role: 'recruiter', candidate: { id: 'x', firstName: 'a', lastName: 'b', email: 'a@b.co' }, ttlSeconds: 901 }),
    ).rejects.toThrow(RangeError);
  });
});
