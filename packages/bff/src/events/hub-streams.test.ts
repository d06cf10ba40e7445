// The SSE hub's replays and stream caps: a resuming client gets exactly what it missed, a gap too large gets resync,
// and streams past a cap are answered 429. No latency is asserted here (hub.test.ts, the latency probe, runs alone).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderSnapshot } from '../../testing/snapshots.js';
import { appendEvent } from '../store/events.js';
import { startTestBff, type TestBff } from '../../testing/harness.js';
import { createMemoryVendor } from '../../testing/memory-vendor.js';

async function append(t: TestBff, candidateId: string, count: number): Promise<string> {
  let last = '';
  await t.bff.db.transaction(async (tx) => {
    for (let i = 0; i < count; i++) last = (await appendEvent(tx, 'order.updated', orderSnapshot({ id: `o_replay_${candidateId}_${i}`, candidateId, version: i }), new Date())).id;
  });
  return last;
}

// One BFF for the file (each start loads a database), with small stream caps; replays never hold more than one stream
// open, and each caps case starts once every earlier stream has closed.
let t: TestBff;
beforeAll(async () => {
  t = await startTestBff({
    vendors: { berke: {} },
    packages: [{ id: 'p1', vendor: 'berke', name: 'Streams' }],
    factories: { berke: createMemoryVendor().factory },
    config: { sse: { maxStreamsPerSubject: 2, maxStreamsPerTenant: 3, maxStreams: 4 } },
    extraTenants: { beta: { name: 'Beta', apiKeys: ['beta-api-key-0123456789abcdef'], widgetKeys: { b1: 'beta-widget-key-0123456789abcdefghijkl' } } },
  });
});
afterAll(async () => {
  await t?.stop();
});

describe('SSE replay', () => {
  it('still replays a resuming client exactly what it missed, in order, then live', async () => {
    const tok = await t.token({ candidateId: 'heavy' });
    const first = await t.sse(tok);
    const ready = await first.waitForFrame((f) => f.event === 'ready');
    first.close();
    const lastMissed = await append(t, 'heavy', 3);
    const resumed = await t.sse(tok, { lastEventId: ready.id! });
    await resumed.waitForFrame((f) => f.event === 'ready');
    expect(resumed.events.map((e) => e.id)).toEqual([String(BigInt(lastMissed) - 2n), String(BigInt(lastMissed) - 1n), lastMissed]);
    const live = await append(t, 'heavy', 1);
    await resumed.waitFor((e) => e.id === live);
    expect(resumed.events).toHaveLength(4);
    resumed.close();
  });

  it('sends resync instead of replaying a gap larger than maxReplayEvents', async () => {
    await append(t, 'huge', 1001);
    const client = await t.sse(await t.token({ candidateId: 'huge' }), { lastEventId: '0' });
    const resync = await client.waitForFrame((f) => f.event === 'resync');
    expect(JSON.parse(resync.data)).toEqual({ reason: 'gap_too_large' });
    await client.waitForFrame((f) => f.event === 'ready');
    expect(client.events).toEqual([]);
    client.close();
  });
});

describe('SSE stream caps', () => {
  it('answers 429 with Retry-After past the per-subject, per-tenant and per-process caps, and frees a slot on close', async () => {
    await expect.poll(() => t.bff.hub.size()).toBe(0); // the replay cases' streams have closed
    const open = async (token: string) =>
      fetch(`${t.url}/v1/events`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) }).then(async (r) => {
        if (r.status === 200) await r.body?.cancel();
        return r;
      });
    const a = await t.token({ candidateId: 'cap-a' });
    const s1 = await t.sse(a);
    const s2 = await t.sse(a);
    const refused = await open(a);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()) as unknown).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/streams/) } });

    const s3 = await t.sse(await t.token({ candidateId: 'cap-b' }));
    expect((await open(await t.token({ candidateId: 'cap-c' }))).status).toBe(429); // tenant acme is full (3)
    const s4 = await t.sse('beta-api-key-0123456789abcdef'); // beta has room, the process has one more
    expect((await open(await t.token({ candidateId: 'beta-x', tenantId: 'beta' }))).status).toBe(429); // process full (4)

    s1.close();
    await expect.poll(() => t.bff.hub.size()).toBe(3);
    const again = await t.sse(a);
    await again.waitForFrame((f) => f.event === 'ready');
    for (const s of [s2, s3, s4, again]) s.close();
  });

  it("counts a candidate's streams apart from the recruiter's for the same candidate", async () => {
    await expect.poll(() => t.bff.hub.size()).toBe(0);
    const candidate = await t.token({ candidateId: 'cap-shared', role: 'candidate' });
    const mine = [await t.sse(candidate), await t.sse(candidate)]; // the candidate's own cap (2) is full
    const refused = await fetch(`${t.url}/v1/events`, { headers: { Authorization: `Bearer ${candidate}` }, signal: AbortSignal.timeout(10_000) });
    expect(refused.status).toBe(429);
    const recruiter = await t.sse(await t.token({ candidateId: 'cap-shared', role: 'recruiter' }));
    await recruiter.waitForFrame((f) => f.event === 'ready');
    for (const s of [...mine, recruiter]) s.close();
  });
});
