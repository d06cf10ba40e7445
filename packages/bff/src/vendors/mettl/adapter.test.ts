// The Mettl adapter against its sandbox over real HTTP; notifications go to a small receiver that hands
// each delivery to adapter.parseWebhook, as the BFF's /hooks/mettl/{tenant} route does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdapterConformance } from '../../../testing/conformance.js';
import { makeTestContext, makeTestOrder, placeTestOrder, type TestContext } from '../../../testing/vendor-context.js';
import {
  VendorError,
  WebhookInvalid,
  WebhookUnauthorized,
  type PackageConfig,
  type StatusUpdate,
  type VendorAdapter,
  type VendorLink,
  type VendorOrder,
} from '../../core/vendor-port.js';
import mettl from './adapter.js';
import { startMettlSandbox, type MettlSandbox, type MettlSandboxOptions } from '@ca/sandboxes';
import { basicAuthValue } from './webhook.js';

const PKG: PackageConfig = { id: 'mettl-java', vendor: 'mettl', name: 'Java coding test', assessmentId: '123456' };
const WEBHOOK = { webhookUser: 'mettl-hooks', webhookPassword: 'hook-password-7f3a' };

interface Received {
  status: number;
  updates: StatusUpdate[];
}

/** A stand-in for the BFF's hook route: authenticates and parses with the adapter, records the outcome. */
async function startReceiver(parse: () => VendorAdapter['parseWebhook']) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const url = new URL(req.url ?? '/', 'http://receiver');
      parse()!({ method: req.method ?? 'POST', headers, query: url.searchParams, body: Buffer.concat(chunks).toString('utf8') }).then(
        (updates) => {
          received.push({ status: 200, updates });
          res.writeHead(200).end('ok');
        },
        (err: unknown) => {
          const status = err instanceof WebhookUnauthorized ? 401 : err instanceof WebhookInvalid ? 400 : 500;
          received.push({ status, updates: [] });
          res.writeHead(status).end();
        },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    updates: () => received.flatMap((r) => r.updates),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface Rig {
  sandbox: MettlSandbox;
  receiver: Awaited<ReturnType<typeof startReceiver>>;
  ctx: TestContext;
  adapter: VendorAdapter;
  /** Moves the adapter's clock forward (reconciliation waits on it). */
  skew(ms: number): void;
  stop(): Promise<void>;
}

async function rig(sandboxOpts: MettlSandboxOptions = {}, config: Record<string, unknown> = {}): Promise<Rig> {
  const sandbox = await startMettlSandbox({ autoGradeMs: 50, ...sandboxOpts });
  let adapter: VendorAdapter | undefined;
  const receiver = await startReceiver(() => adapter!.parseWebhook!);
  let offset = 0;
  const ctx = makeTestContext({
    vendor: 'mettl',
    config: { baseUrl: sandbox.baseUrl, publicKey: sandbox.publicKey, privateKey: sandbox.privateKey, ...WEBHOOK, ...config },
    packages: [PKG],
    publicUrl: receiver.url,
    now: () => new Date(Date.now() + offset),
  });
  adapter = mettl(ctx);
  return {
    sandbox,
    receiver,
    ctx,
    adapter,
    skew: (ms) => {
      offset += ms;
    },
    stop: async () => {
      await receiver.stop();
      await sandbox.stop();
    },
  };
}

async function place(r: Rig, over: Partial<VendorOrder> = {}): Promise<VendorOrder> {
  return placeTestOrder(r.adapter, PKG, over);
}

const keyOf = (o: VendorOrder) => ({ accessKey: String(o.vendorData.accessKey), email: String(o.vendorData.email) });
const forOrder = (r: Rig, o: VendorOrder) => r.receiver.updates().filter((u) => 'orderId' in u.match && u.match.orderId === o.id);

async function waitFor<T>(probe: () => T | undefined, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

runAdapterConformance('mettl', async () => {
  const r = await rig();
  return {
    adapter: r.adapter,
    ctx: r.ctx,
    package: PKG,
    lifecycle: [
      { step: 'start', expect: 'in_progress' },
      { step: 'finish', expect: 'completed' },
      { step: 'grade', expect: 'scored' },
    ],
    sandbox: r.sandbox,
    observe: async () => r.receiver.updates(),
    launchUrlsAreSingleUse: true,
    orderingCallsVendor: true,
    secrets: [r.sandbox.privateKey, WEBHOOK.webhookPassword, basicAuthValue(WEBHOOK.webhookUser, WEBHOOK.webhookPassword)],
    teardown: r.stop,
  };
});

describe('Mettl adapter against the sandbox', () => {
  let r: Rig;
  beforeAll(async () => {
    r = await rig();
  });
  afterAll(async () => {
    await r.stop();
  });

  it('creates one schedule per package and attempt with our four notification URLs and the Basic header', async () => {
    await place(r);
    await place(r);
    const schedules = r.sandbox.schedules();
    expect(schedules).toHaveLength(1);
    const sc = schedules[0]!.sc;
    const hook = `${r.receiver.url}/hooks/mettl/acme`;
    expect(sc).toMatchObject({
      name: 'candidate-assessment mettl-java attempt 1',
      sourceApp: 'candidate-assessment',
      access: { type: 'OpenForAll', sendEmail: false },
      testStartNotificationUrl: hook,
      testFinishNotificationUrl: hook,
      testGradedNotificationUrl: hook,
      testResumeEnabledForExpiredTestURL: `${hook}?event=resume`,
      testNotificationBasicAuthHeader: Buffer.from(`${WEBHOOK.webhookUser}:${WEBHOOK.webhookPassword}`).toString('base64'),
    });
    expect(r.sandbox.counters().calls.createSchedule).toBe(1);
  });

  it('dates the invitation in whole seconds, so a start notification in the same second is not older', async () => {
    const placed = await r.adapter.placeOrder(makeTestOrder(PKG));
    expect(placed.change.vendorTime.getMilliseconds()).toBe(0);
    expect(placed.change.vendorTime.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('finds the existing schedule after a restart and re-applies its notification settings', async () => {
    const again = mettl(r.ctx);
    const order = makeTestOrder(PKG);
    const placed = await again.placeOrder(order);
    expect(placed.vendorData?.accessKey).toBe(r.sandbox.schedules()[0]!.accessKey);
    expect(r.sandbox.counters().calls.createSchedule).toBe(1);
    expect(r.sandbox.counters().calls.editSchedule).toBe(1);
  });

  it('takes a candidate through invited → one-time link → in_progress → completed → scored with credibility and report', async () => {
    const order = await place(r, { candidate: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada+mettl@example.com' } });
    expect(order.status).toBe('invited');
    expect(order.vendorStatus).toBe('ToBeTaken');
    // Pseudonymous: the reference goes out in events and ATS webhooks; the email stays in vendorData for the calls.
    expect(order.vendorRef).toBe(`${String(order.vendorData.accessKey)}:${order.id}`);
    expect(order.vendorData.email).toBe('ada+mettl@example.com');

    const first = await r.adapter.launchUrl(order);
    const second = await r.adapter.launchUrl(order);
    expect(second.url).not.toBe(first.url);
    // The earlier link was superseded; the newest works once.
    expect((await fetch(first.url, { redirect: 'manual' })).status).toBe(410);
    const opened = await fetch(second.url, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect((await fetch(second.url, { redirect: 'manual' })).status).toBe(410);

    const takeUrl = new URL(opened.headers.get('location')!, second.url).toString();
    const pageHtml = await (await fetch(takeUrl)).text();
    expect(pageHtml).toContain('Start test');
    expect(pageHtml).not.toMatch(/<script/i);
    await fetch(`${takeUrl}/start`, { method: 'POST', redirect: 'manual' });
    await waitFor(() => forOrder(r, order).find((u) => u.status === 'in_progress'));
    await fetch(`${takeUrl}/finish`, { method: 'POST', redirect: 'manual' });
    await waitFor(() => forOrder(r, order).find((u) => u.status === 'completed'));
    const scored = await waitFor(() => forOrder(r, order).find((u) => u.status === 'scored'));
    expect(scored.result).toMatchObject({ score: 70, maxScore: 100, reportAvailable: true });
    expect(scored.result?.flags).toContainEqual({ code: 'credibility', label: 'Credibility', value: 'High', severity: 'info' });
    expect(scored.result?.subScores).toHaveLength(2);

    const report = (await r.adapter.reportUrl!(order)) as VendorLink;
    expect(report.url).toMatch(/\/report\//);
    expect((await fetch(report.url)).status).toBe(200);

    await expect(r.adapter.launchUrl(order)).rejects.toMatchObject({ code: 'launch_unavailable', retryable: false });
  });

  it('reopens an expired test when the admin re-enables it, and scores it after', async () => {
    const order = await place(r);
    const { accessKey, email } = keyOf(order);
    await r.sandbox.advance(`${accessKey}:${email}`, 'start');
    await r.sandbox.advance(`${accessKey}:${email}`, 'expire');
    await r.sandbox.advance(`${accessKey}:${email}`, 'grade', { percentage: 40 });
    await r.sandbox.advance(`${accessKey}:${email}`, 'resume');
    const seen = forOrder(r, order);
    expect(seen.map((u) => u.status)).toEqual(['in_progress', 'expired', 'expired', 'in_progress']);
    expect(seen[2]!.result?.score).toBe(40);
    const times = seen.map((u) => u.vendorTime.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    expect((await r.adapter.launchUrl(order)).url).toMatch(/\/test\//);
    await r.sandbox.advance(`${accessKey}:${email}`, 'finish');
    await r.sandbox.advance(`${accessKey}:${email}`, 'grade', { percentage: 90 });
    expect(forOrder(r, order).at(-1)).toMatchObject({ status: 'scored', result: { score: 90 } });
  });

  it('recovers a dropped graded notification by reconciliation, with the keys the notifications have', async () => {
    const order = await place(r);
    const { accessKey, email } = keyOf(order);
    await r.sandbox.advance(`${accessKey}:${email}`, 'start');
    await r.sandbox.advance(`${accessKey}:${email}`, 'finish');
    const finished = forOrder(r, order).find((u) => u.status === 'completed')!;
    const completed = { ...order, status: 'completed' as const, statusChangedAt: new Date() };

    // Not quiet for reconcileAfterSeconds (900 by default) yet: Mettl is not asked.
    const callsBefore = r.sandbox.counters().calls.candidateResult ?? 0;
    expect(await r.adapter.refresh!([completed])).toEqual([]);
    expect(r.sandbox.counters().calls.candidateResult ?? 0).toBe(callsBefore);

    r.skew(901_000);
    const polled = await r.adapter.refresh!([completed]);
    expect(polled).toMatchObject([{ status: 'completed', dedupeKey: finished.dedupeKey }]);

    const [dropped] = await r.sandbox.advance(`${accessKey}:${email}`, 'grade', { drop: true, credibility: 'Low' });
    expect(dropped!.dropped).toBe(true);
    expect(forOrder(r, order).map((u) => u.status)).toEqual(['in_progress', 'completed']);
    const updates = await r.adapter.refresh!([completed]);
    expect(updates).toHaveLength(1);
    const u = updates[0]!;
    expect(u).toMatchObject({ match: { orderId: order.id }, status: 'scored', result: { score: 70, reportAvailable: true } });
    expect(u.result?.flags).toContainEqual({ code: 'credibility', label: 'Credibility', value: 'Low', severity: 'warning' });

    // Mettl delivering it late after all: same fact, same key, so the core applies it once.
    await r.sandbox.redeliver(dropped!.index);
    const late = forOrder(r, order).find((x) => x.status === 'scored')!;
    expect(late.dedupeKey).toBe(u.dedupeKey);
    expect(late.result).toEqual(u.result);
  });

  it('gives a notification delivered twice the same dedupe key', async () => {
    const order = await place(r);
    const { accessKey, email } = keyOf(order);
    const [d] = await r.sandbox.advance(`${accessKey}:${email}`, 'start');
    await r.sandbox.redeliver(d!.index);
    const starts = forOrder(r, order).filter((u) => u.status === 'in_progress');
    expect(starts).toHaveLength(2);
    expect(starts[0]!.dedupeKey).toBe(starts[1]!.dedupeKey);
  });

  it('refuses notifications with a wrong Basic header or a forged context_data ticket', async () => {
    const order = await place(r);
    const { accessKey, email } = keyOf(order);
    const [d] = await r.sandbox.advance(`${accessKey}:${email}`, 'start');
    const before = r.receiver.updates().length;
    const post = (body: string, authorization: string) =>
      fetch(d!.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body });
    expect((await post(d!.body, `Basic ${basicAuthValue(WEBHOOK.webhookUser, 'guess')}`)).status).toBe(401);
    const forged = JSON.stringify({ ...JSON.parse(d!.body), context_data: `${order.id}.AAAAAAAAAAAAAAAAAAAAAA` });
    expect((await post(forged, d!.headers.authorization!)).status).toBe(401);
    expect(r.receiver.updates()).toHaveLength(before);
  });

  it('uses the next attempt schedule when the candidate already took the test', async () => {
    const candidate = { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' };
    const firstOrder = await place(r, { candidate });
    const { accessKey, email } = keyOf(firstOrder);
    await r.sandbox.advance(`${accessKey}:${email}`, 'start');
    await r.sandbox.advance(`${accessKey}:${email}`, 'finish');
    const retake = await place(r, { candidate });
    expect(retake.vendorData.attempt).toBe(2);
    expect(retake.vendorData.accessKey).not.toBe(accessKey);
    expect(r.sandbox.schedules().map((s) => s.name)).toContain('candidate-assessment mettl-java attempt 2');
  });

  it('keeps the private key out of every URL, notification and log line', () => {
    const haystack = [
      ...r.ctx.logLines,
      ...r.sandbox.deliveries().map((d) => d.url + d.body),
      ...r.sandbox.candidates().map((c) => JSON.stringify(c)),
    ].join('\n');
    expect(r.ctx.logLines.length).toBeGreaterThan(0);
    expect(haystack).not.toContain(r.sandbox.privateKey);
    expect(haystack).not.toContain(WEBHOOK.webhookPassword);
  });
});

describe('Mettl adapter failures and catalog', () => {
  it('lists the whole catalog across pages', async () => {
    const assessments = Array.from({ length: 150 }, (_, i) => ({ id: String(1000 + i), name: `Test ${i}` }));
    const r = await rig({ assessments: [...assessments, { id: '123456', name: 'Java coding test' }] });
    try {
      const catalog = await r.adapter.catalog!();
      expect(catalog).toHaveLength(151);
      expect(catalog[0]).toEqual({ externalId: '1000', name: 'Test 0' });
      expect(r.sandbox.counters().calls.listAssessments).toBe(2);
    } finally {
      await r.stop();
    }
  });

  it('fails with a clear, non-retryable error when the private key is wrong', async () => {
    const r = await rig({}, { privateKey: 'not-the-right-key' });
    try {
      const err = await r.adapter.placeOrder(makeTestOrder(PKG)).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(VendorError);
      expect(err).toMatchObject({ retryable: false, vendorCode: 'E401' });
      expect((err as Error).message).toMatch(/signature/i);
      expect(r.sandbox.counters().signatureFailures).toBe(1);
    } finally {
      await r.stop();
    }
  });

  it('rejects a config without keys, naming the field', () => {
    const ctx = makeTestContext({ vendor: 'mettl', config: { publicKey: 'a', webhookUser: 'u', webhookPassword: 'p' }, packages: [PKG] });
    expect(() => mettl(ctx)).toThrow(/privateKey/);
  });

  it('refuses accessType ByInvitation in config with the reason, naming the field', () => {
    const config = { publicKey: 'a', privateKey: 'b', webhookUser: 'u', webhookPassword: 'p', accessType: 'ByInvitation' };
    const ctx = makeTestContext({ vendor: 'mettl', config, packages: [PKG] });
    expect(() => mettl(ctx)).toThrow(/accessType: ByInvitation is not supported: Mettl registers candidates into a ByInvitation schedule only once they were added/);
  });
});
