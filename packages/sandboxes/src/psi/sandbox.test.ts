import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestContext } from '../testing.js';
import type { PackageConfig } from '../../core/vendor-port.js';
import psi from './adapter.js';
import {
  createPsiSender,
  deliveryPlan,
  PSI_SLOTS,
  SimulatedPsiCandidate,
  startPsiSandbox,
  type PsiSandbox,
} from './sandbox.js';
import { startTestReceiver, type TestReceiver } from './test-receiver.js';

const pkg: PackageConfig = { id: 'psi-cert', vendor: 'psi', name: 'Certification exam', examCode: 'CERT-1' };
const clientSecret = 'psi-client-secret-0123456789';

describe('PSI sandbox', () => {
  let sandbox: PsiSandbox;
  let receiver: TestReceiver;

  beforeAll(async () => {
    sandbox = await startPsiSandbox();
    const adapter = psi(
      makeTestContext({
        vendor: 'psi',
        config: { clients: [{ clientId: 'psi', clientSecret }], schedulingUrl: sandbox.schedulingUrl },
        packages: [pkg],
      }),
    );
    receiver = await startTestReceiver(adapter);
    sandbox.connect({ bffUrl: receiver.url, tenantId: 'acme', clientId: 'psi', clientSecret });
  });
  afterAll(async () => {
    await sandbox?.stop();
    await receiver?.stop();
  });

  it('serves a scheduling page with plain forms and no script', async () => {
    const res = await fetch(`${sandbox.url}/schedule?eligibility=ord_page1&candidate=c-1&exam=CERT-1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('Not booked yet');
    expect(html.match(/<form method="post" action="\/schedule\/book">/g)).toHaveLength(PSI_SLOTS.length);
  });

  it('books, reschedules and cancels from the page and pushes each notification', async () => {
    const form = (slot?: string) =>
      new URLSearchParams({ eligibility: 'ord_page2', candidate: 'c-2', exam: 'CERT-1', ...(slot ? { slot } : {}) });
    const post = (action: string, slot?: string) =>
      fetch(`${sandbox.url}/schedule/${action}`, { method: 'POST', body: form(slot), redirect: 'manual' });

    const booked = await post('book', 'berlin-site');
    expect(booked.status).toBe(303);
    expect(booked.headers.get('location')).toContain('sent=200');
    const page = await (await fetch(new URL(booked.headers.get('location')!, sandbox.url))).text();
    expect(page).toContain('Booked:');
    expect(page).toContain('Europe/Berlin');
    expect(page).toContain('HTTP 200');

    expect((await post('reschedule', 'paris-remote')).status).toBe(303);
    expect((await post('cancel')).status).toBe(303);

    const mine = receiver.updates.filter((u) => 'vendorRef' in u.match && u.match.vendorRef === 'ord_page2');
    expect(mine.map((u) => u.status)).toEqual(['scheduled', 'scheduled', 'cancelled']);
    expect(mine[0]!.booking).toMatchObject({ timeZone: 'Europe/Berlin', deliveryMode: 'test_center' });
    expect(mine[1]!.booking).toMatchObject({ timeZone: 'Europe/Paris', deliveryMode: 'remote' });
    expect(mine[1]!.booking!.code).toBe(mine[0]!.booking!.code);
    const times = mine.map((u) => u.vendorTime.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(times).size).toBe(3);
  });

  it('advances a candidate through the control API and lists it', async () => {
    const act = (action: string) =>
      fetch(`${sandbox.url}/_sandbox/candidates/ord_ctl/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ candidateId: 'c-3', examCode: 'CERT-1' }),
      });
    expect(await (await act('absent')).json()).toMatchObject({ error: { message: expect.stringMatching(/without a booking/) } });
    const book = await act('book');
    expect(book.status).toBe(200);
    expect(await book.json()).toMatchObject({ delivered: 200, notification: { change_reason: 'BOOKING_CREATED' } });
    expect((await (await act('excused')).json()) as unknown).toMatchObject({ delivered: 200 });
    const list = (await (await fetch(`${sandbox.url}/_sandbox/candidates`)).json()) as {
      candidates: { eligibilityId: string; lastReason: string; notifications: number }[];
    };
    expect(list.candidates.find((c) => c.eligibilityId === 'ord_ctl')).toMatchObject({
      lastReason: 'EXCUSED_ABSENT',
      notifications: 2,
    });
    const counters = (await (await fetch(`${sandbox.url}/_sandbox/counters`)).json()) as { byStatus: Record<string, number> };
    expect(counters.byStatus['200']).toBeGreaterThanOrEqual(2);
  });
});

describe('PSI sender', () => {
  let receiver: TestReceiver;
  beforeAll(async () => {
    const adapter = psi(
      makeTestContext({
        vendor: 'psi',
        config: { clients: [{ clientId: 'psi', clientSecret }], schedulingUrl: 'https://x.test/{eligibilityId}' },
        packages: [pkg],
      }),
    );
    receiver = await startTestReceiver(adapter);
  });
  afterAll(async () => {
    await receiver?.stop();
  });

  it('reuses one token for many deliveries', async () => {
    const sender = createPsiSender({ bffUrl: receiver.url, tenantId: 'acme', clientId: 'psi', clientSecret });
    const cand = new SimulatedPsiCandidate({ eligibilityId: 'ord_tok', candidateId: 'c-tok' });
    const deliveries = await sender.sendAll([cand.book(), cand.reschedule(), cand.complete()], { concurrency: 3 });
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    expect(sender.counters.tokenRequests).toBe(1);
  });

  it('reports the same event delivered twice with the same dedupe key', async () => {
    const sender = createPsiSender({ bffUrl: receiver.url, tenantId: 'acme', clientId: 'psi', clientSecret });
    const n = new SimulatedPsiCandidate({ eligibilityId: 'ord_dup', candidateId: 'c-dup' }).book();
    const before = receiver.updates.length;
    await sender.send(n);
    await sender.send(n);
    const [a, b] = receiver.updates.slice(before);
    expect(a!.dedupeKey).toBe(b!.dedupeKey);
  });

  it('is refused a token with a wrong secret', async () => {
    const sender = createPsiSender({ bffUrl: receiver.url, tenantId: 'acme', clientId: 'psi', clientSecret: 'wrong-secret-0123456789' });
    await expect(sender.token()).rejects.toThrow(/HTTP 401.*invalid_client/);
  });

  it('is refused on another tenant\'s hook with nothing parsed', async () => {
    const sender = createPsiSender({ bffUrl: receiver.url, tenantId: 'globex', clientId: 'psi', clientSecret });
    const before = receiver.updates.length;
    const d = await sender.send(new SimulatedPsiCandidate({ eligibilityId: 'ord_b', candidateId: 'c-b' }).book());
    expect(d.status).toBe(401);
    expect(receiver.updates.length).toBe(before);
  });

  it('gets 400 for a notification that matches no package', async () => {
    const sender = createPsiSender({ bffUrl: receiver.url, tenantId: 'acme', clientId: 'psi', clientSecret });
    const d = await sender.send(new SimulatedPsiCandidate({ candidateId: 'c-x', examCode: 'NOPE-1' }).book());
    expect(d.status).toBe(400);
  });

  it('plans shuffled deliveries with the asked share of duplicates, replayable by seed', () => {
    const list = Array.from({ length: 100 }, (_, i) =>
      new SimulatedPsiCandidate({ eligibilityId: `o${i}`, candidateId: `c${i}` }).book(),
    );
    const plan = deliveryPlan(list, { shuffle: true, duplicateRate: 0.1, seed: 7 });
    expect(plan).toHaveLength(110);
    expect(new Set(plan).size).toBe(100);
    expect(plan).not.toEqual([...list, ...plan.slice(100)]);
    expect(deliveryPlan(list, { shuffle: true, duplicateRate: 0.1, seed: 7 })).toEqual(plan);
  });
});
