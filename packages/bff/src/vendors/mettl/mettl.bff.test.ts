// Mettl through the whole BFF: orders over the API, the sandbox posting notifications to
// /hooks/mettl/acme, statuses watched over SSE, single-use links, reconciliation by the poll job.
import type { Order, OrderStatus } from '@ca/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDeliveries } from '../../store/deliveries.js';
import { listHistory } from '../../store/history.js';
import { startTestBff, testTenant, type TestBff } from '../../../testing/harness.js';
import { startMettlSandbox, type MettlSandbox } from '@ca/sandboxes';
import { basicAuthValue } from './webhook.js';

const WEBHOOK = { webhookUser: 'mettl-hooks', webhookPassword: 'hook-password-bff-91c2' };
const PKG = { id: 'mettl-java', vendor: 'mettl' as const, name: 'Java coding test', assessmentId: '123456' };

const PSYCHO = { id: 'mettl-personality', vendor: 'mettl' as const, name: 'Workplace personality', assessmentId: '555000', kind: 'personality' as const };

// One BFF for the file (each start loads a database): tenant acme talks to a sandbox that grades by itself, tenant `real`
// to one that answers as Mettl really does (no grading of its own, a registration limit).
let sandbox: MettlSandbox;
let realSandbox: MettlSandbox;
let t: TestBff;
let REAL_API_KEY: string;

beforeAll(async () => {
  // The account of tenant real may register 3 candidates in all (psy, err-a, limit-1); the 4th gets Mettl's E607 error entry.
  [sandbox, realSandbox] = await Promise.all([startMettlSandbox({ autoGradeMs: 50 }), startMettlSandbox({ autoGradeMs: false, registrationLimit: 3 })]);
  const real = testTenant('real', {
    vendors: { mettl: { baseUrl: realSandbox.baseUrl, publicKey: realSandbox.publicKey, privateKey: realSandbox.privateKey, ...WEBHOOK, reconcileAfterSeconds: 0 } },
    packages: [PKG, PSYCHO],
  });
  REAL_API_KEY = (real.apiKeys as string[])[0]!;
  t = await startTestBff({
    vendors: {
      mettl: {
        baseUrl: sandbox.baseUrl,
        publicKey: sandbox.publicKey,
        privateKey: sandbox.privateKey,
        ...WEBHOOK,
        // Reconcile on every poll here; pollNow() decides when a poll runs.
        reconcileAfterSeconds: 0,
      },
    },
    packages: [PKG],
    extraTenants: { real },
    placeRetryDelay: 1,
  });
});
afterAll(async () => {
  await t?.stop();
  await Promise.all([sandbox?.stop(), realSandbox?.stop()]);
});

describe('Mettl through the BFF', () => {

  /** Orders for a new candidate and waits until Mettl has registered them. */
  async function invited(candidateId: string) {
    const token = await t.token({ candidateId });
    const sse = await t.sse(token);
    const created = await t.order(PKG.id, { token });
    const order = await t.waitForOrder(created.id, (o) => o.status === 'invited');
    const [accessKey, email] = [order.vendorRef!.slice(0, order.vendorRef!.indexOf(':')), `${candidateId}@example.com`];
    return { token, sse, order, accessKey, email };
  }
  const statusIs = (id: string, s: OrderStatus) => (e: { orderId: string; order: Order }) => e.orderId === id && e.order.status === s;

  it('takes an order from invited to scored over SSE, with fresh one-time launch links and a report link', async () => {
    const { token, sse, order } = await invited('mettl-life-1');
    try {
      await sse.waitFor(statusIs(order.id, 'invited'));

      const launch = await t.followLink(order.id, 'launch', token);
      const again = await t.followLink(order.id, 'launch', token);
      expect(again).not.toBe(launch);
      expect(new URL(again).origin).toBe(sandbox.url);
      const opened = await fetch(again, { redirect: 'manual' });
      expect(opened.status).toBe(303);
      expect((await fetch(again, { redirect: 'manual' })).status).toBe(410);
      const take = new URL(opened.headers.get('location')!, again).toString();

      await fetch(`${take}/start`, { method: 'POST', redirect: 'manual' });
      await sse.waitFor(statusIs(order.id, 'in_progress'));
      await fetch(`${take}/finish`, { method: 'POST', redirect: 'manual' });
      await sse.waitFor(statusIs(order.id, 'completed'));
      const scored = (await sse.waitFor(statusIs(order.id, 'scored'))).order;
      expect(scored.result).toMatchObject({ score: 70, maxScore: 100, reportAvailable: true });
      expect(scored.result?.flags).toContainEqual({ code: 'credibility', label: 'Credibility', value: 'High', severity: 'info' });
      expect(scored.vendorStatus).toBe('gradedAssessment');

      const seen = sse.events.filter((e) => e.orderId === order.id).map((e) => e.order.status);
      expect(seen.indexOf('invited')).toBeLessThan(seen.indexOf('in_progress'));
      expect(seen.indexOf('in_progress')).toBeLessThan(seen.indexOf('completed'));
      expect(seen.indexOf('completed')).toBeLessThan(seen.indexOf('scored'));

      const report = await t.followLink(order.id, 'report', token);
      expect(report).toMatch(new RegExp(`^${sandbox.url}/report/`));
      expect((await fetch(report)).status).toBe(200);
    } finally {
      sse.close();
    }
  });

  it('changes nothing when Mettl delivers the same notification twice', async () => {
    const { sse, order, accessKey, email } = await invited('mettl-dup-1');
    try {
      await sandbox.advance(`${accessKey}:${email}`, 'start');
      await sandbox.advance(`${accessKey}:${email}`, 'finish');
      const [graded] = await sandbox.advance(`${accessKey}:${email}`, 'grade');
      expect(graded!.status).toBe(200);
      await sse.waitFor(statusIs(order.id, 'scored'));
      const before = await t.getOrder(order.id);
      const eventsBefore = sse.events.length;

      const again = await sandbox.redeliver(graded!.index);
      expect(again.status).toBe(200);
      // Let any (wrong) event reach the stream before judging.
      await new Promise((r) => setTimeout(r, 200));
      expect(await t.getOrder(order.id)).toEqual(before);
      expect(sse.events.length).toBe(eventsBefore);
      const history = await listHistory(t.bff.db, order.id);
      expect(history.filter((h) => h.status === 'scored').map((h) => h.applied)).toEqual([true]);
    } finally {
      sse.close();
    }
  });

  it('refuses notifications with a wrong Basic header or a forged context_data and stores them nowhere', async () => {
    const { sse, order, accessKey, email } = await invited('mettl-refuse-1');
    try {
      const [start] = await sandbox.advance(`${accessKey}:${email}`, 'start', { drop: true });
      const deliveriesBefore = await countDeliveries(t.bff.db, 'acme', 'mettl');
      const historyBefore = await listHistory(t.bff.db, order.id);
      const post = (body: string, authorization: string) =>
        fetch(`${t.url}/hooks/mettl/acme`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body });

      const wrongBasic = await post(start!.body, `Basic ${basicAuthValue(WEBHOOK.webhookUser, 'not-the-password')}`);
      expect(wrongBasic.status).toBe(401);
      const forged = JSON.stringify({ ...JSON.parse(start!.body), context_data: `${order.id}.AAAAAAAAAAAAAAAAAAAAAA` });
      const forgedTicket = await post(forged, start!.headers.authorization!);
      expect(forgedTicket.status).toBe(401);
      expect(await forgedTicket.json()).toMatchObject({ error: { code: 'webhook_unauthorized' } });

      expect(await countDeliveries(t.bff.db, 'acme', 'mettl')).toBe(deliveriesBefore);
      expect(await listHistory(t.bff.db, order.id)).toEqual(historyBefore);
      expect((await t.getOrder(order.id)).status).toBe('invited');

      // The genuine delivery is still accepted afterwards.
      expect((await post(start!.body, start!.headers.authorization!)).status).toBe(200);
      await sse.waitFor(statusIs(order.id, 'in_progress'));
    } finally {
      sse.close();
    }
  });

  it('reopens an expired test when the admin re-enables it', async () => {
    const { sse, order, accessKey, email } = await invited('mettl-expire-1');
    try {
      await sandbox.advance(`${accessKey}:${email}`, 'start');
      await sandbox.advance(`${accessKey}:${email}`, 'expire');
      await sse.waitFor(statusIs(order.id, 'expired'));
      await sandbox.advance(`${accessKey}:${email}`, 'grade', { percentage: 30 });
      await sandbox.advance(`${accessKey}:${email}`, 'resume');
      const reopened = await t.waitForOrder(order.id, (o) => o.status === 'in_progress' && o.vendorStatus === 'resumeEnabledForExpiredTest');
      expect(reopened.status).toBe('in_progress');
      await sandbox.advance(`${accessKey}:${email}`, 'finish');
      await sandbox.advance(`${accessKey}:${email}`, 'grade', { percentage: 85 });
      const scored = await t.waitForOrder(order.id, (o) => o.status === 'scored');
      expect(scored.result?.score).toBe(85);
    } finally {
      sse.close();
    }
  });

  it('recovers a dropped graded notification when the poll job reconciles', async () => {
    const { sse, order, accessKey, email } = await invited('mettl-drop-1');
    try {
      await sandbox.advance(`${accessKey}:${email}`, 'start');
      await sandbox.advance(`${accessKey}:${email}`, 'finish');
      await sse.waitFor(statusIs(order.id, 'completed'));
      await sandbox.advance(`${accessKey}:${email}`, 'grade', { drop: true, credibility: 'Low' });
      expect((await t.getOrder(order.id)).status).toBe('completed');
      await t.pollNow('mettl');
      const scored = (await sse.waitFor(statusIs(order.id, 'scored'))).order;
      expect(scored.result?.flags).toContainEqual({ code: 'credibility', label: 'Credibility', value: 'Low', severity: 'warning' });
    } finally {
      sse.close();
    }
  });

  it('shows the private key and webhook password in no response to the widget and no log line', async () => {
    const token = await t.token({ candidateId: 'mettl-life-1' });
    const orders = await (await t.api('/v1/orders', { token })).text();
    const packages = await (await t.api('/v1/packages', { token })).text();
    const haystack = [orders, packages, ...t.logLines].join('\n');
    expect(orders).toContain('mettl-java');
    expect(t.logLines.length).toBeGreaterThan(0);
    for (const secret of [sandbox.privateKey, WEBHOOK.webhookPassword, basicAuthValue(WEBHOOK.webhookUser, WEBHOOK.webhookPassword)]) {
      expect(haystack).not.toContain(secret);
    }
  });
});

describe('Mettl as it really answers, through the BFF', () => {
  const ordered = async (candidateId: string, pkg = PKG, email?: string) => {
    const token = await t.token({ tenantId: 'real', candidateId, ...(email ? { email } : {}) });
    return { token, order: await t.order(pkg.id, { token }) };
  };

  it('reconciles with one "results of all candidates in schedule" call, shows a psychometric result without marks, and sends the candidate back', async () => {
    const { token, order } = await ordered('mettl-psy', PSYCHO, 'grace+psy@example.com');
    const placed = await t.waitForOrder(order.id, (o) => o.status === 'invited', 20_000, REAL_API_KEY);
    const schedule = realSandbox.schedules().find((s) => placed.vendorRef!.startsWith(`${s.accessKey}:`))!;
    expect(schedule.sc.exitRedirectionUrl).toBe(`${t.url}/return/mettl/real`);

    const launch = await t.followLink(order.id, 'launch', token);
    const take = new URL((await fetch(launch, { redirect: 'manual' })).headers.get('location')!, launch).toString();
    await fetch(`${take}/start`, { method: 'POST', redirect: 'manual' });
    const finished = await fetch(`${take}/finish`, { method: 'POST', redirect: 'manual' });
    // docs/vendors/mettl.md#schedules: "Finish Test" sends the candidate to exitRedirectionURL: our return page.
    const exit = finished.headers.get('location')!;
    expect(exit).toBe(schedule.sc.exitRedirectionUrl);
    const back = await fetch(exit, { redirect: 'manual' });
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('Thank you');

    // The graded notification is lost; reconciliation asks the schedule once for all its candidates.
    await realSandbox.advance(placed.vendorRef!, 'grade', { drop: true, percentage: 80 });
    realSandbox.resetCalls();
    await t.pollNow('mettl');
    const scored = await t.waitForOrder(order.id, (o) => o.status === 'scored', 20_000, REAL_API_KEY);
    expect(realSandbox.calls().scheduleResults).toBeGreaterThanOrEqual(1);
    expect(realSandbox.calls().candidateResult ?? 0).toBe(0);
    // docs/vendors/mettl.md#results: no score for a psychometric report; the recommendation (asked for with ir) and response style (rs) instead.
    expect(scored.result?.score).toBeUndefined();
    expect(scored.result?.subScores).toEqual([]);
    expect(scored.result?.band).toBe('Recommended');
    expect(scored.result?.flags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'recommendation', value: 'Recommended' }),
        expect.objectContaining({ code: 'response_style', value: 'Consistent' }),
      ]),
    );
  });

  it('retries a transient per-candidate error entry, then fails on E028 with its message, creating one schedule', async () => {
    realSandbox.failRegistrations({ code: 'E503', message: 'Service busy, try again' }, 1);
    const { order: a } = await ordered('mettl-err-a', PKG, 'ada+tag@example.com');
    const invited = await t.waitForOrder(a.id, (o) => o.status === 'invited', 20_000, REAL_API_KEY);
    // The email with + sits raw in the path of every signed call since; the sandbox checked each signature.
    expect(invited.vendorRef).toBe(`${invited.vendorRef!.split(':')[0]}:${a.id}`); // names no one (#26)

    realSandbox.failRegistrations({ code: 'E028', message: 'Invalid registration details' }, 1);
    const { order: b } = await ordered('mettl-err-b');
    const failed = await t.waitForOrder(b.id, (o) => o.status === 'failed', 20_000, REAL_API_KEY);
    expect(failed.error?.message).toContain('Invalid registration details');
    expect(failed.error?.message).toContain('E028');
    expect(realSandbox.schedules().filter((s) => s.assessmentId === PKG.assessmentId)).toHaveLength(1);
    expect(realSandbox.counters().signatureFailures).toBe(0);
  });

  it('fails the order on E607 "Candidate registration limit exceeded" without creating attempt schedules', async () => {
    const calls = realSandbox.calls();
    await t.waitForOrder((await ordered('mettl-limit-1')).order.id, (o) => o.status === 'invited', 20_000, REAL_API_KEY);
    const { order } = await ordered('mettl-limit-2');
    const failed = await t.waitForOrder(order.id, (o) => o.status === 'failed', 20_000, REAL_API_KEY);
    expect(failed.error?.message).toMatch(/Candidate registration limit exceeded \(E607\)/);
    const after = realSandbox.calls();
    expect((after.createSchedule ?? 0) - (calls.createSchedule ?? 0)).toBe(0);
    expect(realSandbox.schedules().filter((s) => s.assessmentId === PKG.assessmentId)).toHaveLength(1);
    // Refused once, not retried: E607 needs a person.
    expect((after.registerCandidates ?? 0) - (calls.registerCandidates ?? 0)).toBe(2);
  });

});
