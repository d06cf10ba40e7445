// The PSI sandbox against a small stand-in receiver (OAuth token endpoint + hook that records what arrives): the
// scheduling page, the control API, the sender, outages and call counts. How the BFF reads these notifications is
// tested on the BFF side (packages/bff/src/vendors/psi/sender.test.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPsiSender, deliveryPlan, PSI_SLOTS, SimulatedPsiCandidate, startPsiSandbox, type PsiNotification, type PsiSandbox } from './server.js';

const clientSecret = 'psi-client-secret-0123456789';

/** Issues a token to `psi`/`clientSecret` (Basic auth), then records every PUT to /hooks/psi/acme with that token. */
async function startReceiver() {
  const received: PsiNotification[] = [];
  const token = 'tok-0123456789';
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.method === 'POST' && req.url === '/oauth/token') {
        const basic = `Basic ${Buffer.from(`psi:${clientSecret}`).toString('base64')}`;
        if (req.headers.authorization !== basic || body !== 'grant_type=client_credentials') return json(401, { error: 'invalid_client' });
        return json(200, { access_token: token, token_type: 'Bearer', expires_in: 300 });
      }
      if (req.method === 'PUT' && req.url === '/hooks/psi/acme') {
        if (req.headers.authorization !== `Bearer ${token}`) return json(401, { error: 'unauthorized' });
        received.push(JSON.parse(body) as PsiNotification);
        return json(200, { ok: true });
      }
      json(404, { error: 'not found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('PSI sandbox', () => {
  let sandbox: PsiSandbox;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const mine = (eligibility: string) => receiver.received.filter((n) => n.client_eligibility_id === eligibility);

  beforeAll(async () => {
    [sandbox, receiver] = await Promise.all([startPsiSandbox(), startReceiver()]);
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

  it('books, reschedules and cancels from the page and pushes each notification in the NotificationRequest shape PSI documents', async () => {
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

    const sent = mine('ord_page2');
    expect(sent.map((n) => n.change_reason)).toEqual(['BOOKING_CREATED', 'BOOKING_RESCHEDULED', 'BOOKING_CANCELLED']);
    expect(sent[0]).toMatchObject({
      candidate_id: 'c-2',
      exam_code: 'CERT-1',
      delivery_mode: 'SITE_PROCTORED',
      location_timezone: 'Europe/Berlin',
      location_code: 'BE-004',
    });
    expect(sent[1]).toMatchObject({ delivery_mode: 'ATLAS_REMOTE_PROCTORED', location_timezone: 'Europe/Paris' });
    expect(sent[1]).not.toHaveProperty('location_code');
    expect(sent[1]!.booking_code).toBe(sent[0]!.booking_code);
    for (const n of sent) expect(n.effective_date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const times = sent.map((n) => Date.parse(n.effective_date!));
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

  it('advances by vendorRef with the package exam code, booking the slots in turn, and refuses what PSI would not do', async () => {
    const pkg = { id: 'psi-cert', vendor: 'psi', name: 'Certification exam', examCode: 'CERT-9' };
    await sandbox.advance('ord_adv', 'book', { candidateId: 'c-4', package: pkg });
    await sandbox.advance('ord_adv', 'reschedule', { candidateId: 'c-4', package: pkg });
    expect(mine('ord_adv').map((n) => [n.exam_code, n.location_timezone])).toEqual([
      ['CERT-9', 'Europe/Berlin'],
      ['CERT-9', 'America/New_York'],
    ]);
    await expect(sandbox.advance('ord_none', 'cancel', { candidateId: 'c-5' })).rejects.toMatchObject({ name: 'StepRefused' });
    await expect(sandbox.advance('ord_adv', 'teleport' as 'book')).rejects.toMatchObject({ name: 'StepRefused' });
  });

  it('holds notifications while out, breaks the page per mode, and sends the held ones in order on recovery', async () => {
    const page = (signal?: AbortSignal) => fetch(`${sandbox.url}/schedule?eligibility=ord_out`, signal ? { signal } : {});
    await sandbox.outage('error');
    expect((await page()).status).toBe(500);
    const held = await sandbox.advance('ord_out', 'book', { candidateId: 'c-6', examCode: 'CERT-1' });
    await sandbox.advance('ord_out', 'complete', { candidateId: 'c-6' });
    expect(held.status).toBe(0);
    expect(mine('ord_out')).toEqual([]);
    await sandbox.outage('hang');
    expect(await page(AbortSignal.timeout(300)).then(() => 'answered', (e: Error) => e.name)).toBe('TimeoutError');
    await sandbox.outage('drop');
    expect(await page().then(() => 'answered', (e: Error) => (e.cause as { code?: string } | undefined)?.code ?? e.name)).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    await sandbox.outage('none');
    expect(mine('ord_out').map((n) => n.change_reason)).toEqual(['BOOKING_CREATED', 'EXAM_COMPLETED']);
    expect((await page()).status).toBe(200);
  });

  it('counts its calls to the receiver per operation', async () => {
    sandbox.resetCalls();
    await sandbox.advance('ord_calls', 'book', { candidateId: 'c-7', examCode: 'CERT-1' });
    await sandbox.advance('ord_calls', 'cancel', { candidateId: 'c-7' });
    expect(sandbox.calls()).toEqual({ 'PUT /notifications': 2 });
  });
});

describe('PSI sender', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
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
    expect(sender.calls()).toEqual({ 'POST /oauth/token': 1, 'PUT /notifications': 3 });
  });

  it('is refused a token with a wrong secret', async () => {
    const sender = createPsiSender({ bffUrl: receiver.url, tenantId: 'acme', clientId: 'psi', clientSecret: 'wrong-secret-0123456789' });
    await expect(sender.token()).rejects.toThrow(/HTTP 401.*invalid_client/);
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

describe('PSI sandbox quirks (what real deliveries may carry: docs/vendors/psi.md#notifications)', () => {
  it('sends each quirk as the documented-optional or open-valued shape', async () => {
    const { withQuirk, SimulatedPsiCandidate } = await import('./server.js');
    const n = new SimulatedPsiCandidate({ eligibilityId: 'ord_1', candidateId: 'c-1' }).book();
    expect(withQuirk(n, 'unknown-reason').change_reason).toBe('BOOKING_TRANSFERRED');
    expect('booking_on' in withQuirk(n, 'no-booking-on')).toBe(false);
    expect(withQuirk(n, 'empty-candidate-id')).toMatchObject({ candidate_id: '', client_eligibility_id: 'ord_1' });
    expect(withQuirk(n, 'non-iana-timezone').location_timezone).toBe('W. Europe Standard Time');
    expect(withQuirk(n, undefined)).toBe(n);
  });
});
