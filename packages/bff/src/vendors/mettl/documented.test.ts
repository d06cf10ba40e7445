// Mettl answers as its pages and public clients show them (docs/vendors/mettl.md), against the sandbox: schedule
// results followed by paging.next past pages shorter than asked, codes inside registration messages, error bodies
// with HTTP 200, one history entry for a start seen twice, and the contract check.
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestContext, makeTestOrder, placeTestOrder, type TestContext } from '../../../testing/vendor-context.js';
import { VendorError, type PackageConfig, type VendorAdapter, type VendorOrder } from '../../core/vendor-port.js';
import mettl from './adapter.js';
import { outcomeOf, refusal } from './registration.js';
import { startMettlSandbox, type MettlSandbox, type MettlSandboxOptions } from '@ca/sandboxes';

const PKG: PackageConfig = { id: 'mettl-java', vendor: 'mettl', name: 'Java coding test', assessmentId: '123456' };
const WEBHOOK = { webhookUser: 'mettl-hooks', webhookPassword: 'hook-password-7f3a' };

const running: MettlSandbox[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** The adapter against a sandbox whose notifications go nowhere (they are read from `sandbox.deliveries()`). */
async function setup(o: MettlSandboxOptions = {}): Promise<{ sandbox: MettlSandbox; ctx: TestContext; adapter: VendorAdapter; skew: { ms: number } }> {
  const sandbox = await startMettlSandbox({ autoGradeMs: false, ...o });
  running.push(sandbox);
  const skew = { ms: 0 };
  const ctx = makeTestContext({
    vendor: 'mettl',
    config: { baseUrl: sandbox.baseUrl, publicKey: sandbox.publicKey, privateKey: sandbox.privateKey, ...WEBHOOK, reconcileAfterSeconds: 60 },
    packages: [PKG],
    publicUrl: 'http://127.0.0.1:9',
    now: () => new Date(Date.now() + skew.ms),
  });
  return { sandbox, ctx, adapter: mettl(ctx), skew };
}

const refOf = (o: VendorOrder) => `${String(o.vendorData.accessKey)}:${String(o.vendorData.email)}`;

async function rejection(p: Promise<unknown>): Promise<VendorError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VendorError);
  return err as VendorError;
}

describe('Mettl in its documented shapes', () => {
  it('reconciles a candidate on page 3 of a schedule whose pages hold fewer than the limit asked', async () => {
    const { sandbox, adapter, skew } = await setup({ resultsPageCap: 25 });
    const orders: VendorOrder[] = [];
    for (let i = 0; i < 60; i++) orders.push(await placeTestOrder(adapter, PKG, { candidate: { email: `c${i}@example.com`, firstName: 'C', lastName: String(i) } }));
    const last = orders.at(-1)!; // the 60th candidate: page 3 of 25-candidate pages
    await sandbox.advance(refOf(last), 'start', { drop: true });
    await sandbox.advance(refOf(last), 'finish', { drop: true });
    await sandbox.advance(refOf(last), 'grade', { drop: true, percentage: 80 });
    skew.ms = 120_000;
    sandbox.resetCalls();
    const updates = await adapter.refresh!([{ ...last, statusChangedAt: new Date(Date.now() - 3_600_000) }]);
    // Before: the first page (25 < 100 asked) was taken for the last one, and the candidate was never seen.
    expect(updates.map((u) => u.status)).toEqual(['scored']);
    expect(updates[0]!.result).toMatchObject({ score: 80 });
    expect(sandbox.calls()['scheduleResults']).toBe(3);
  });

  it('reads the error code from the front of a registration message and decides the retry by it', async () => {
    const busy = outcomeOf({ email: 'a@example.com', status: 'ERROR', message: 'E503 : Service busy', url: undefined, code: undefined, error: null });
    expect(busy).toMatchObject({ kind: 'refused', code: 'E503' });
    expect(refusal(busy as Extract<typeof busy, { kind: 'refused' }>).retryable).toBe(true); // before: no code, not retried

    const { sandbox, adapter } = await setup({ registrationLimit: 0 });
    const limit = await rejection(adapter.placeOrder(makeTestOrder(PKG)));
    expect(limit).toMatchObject({ retryable: false, vendorCode: 'E607' });
    expect(limit.message).toContain('Candidate registration limit exceeded (E607)');
    void sandbox;
  });

  it('retries an error body delivered with HTTP 200 by its code, not by the HTTP status', async () => {
    const { sandbox, adapter } = await setup();
    sandbox.failCalls({ code: 'E503', message: 'Service busy' }, 1);
    const busy = await rejection(adapter.placeOrder(makeTestOrder(PKG)));
    expect(busy).toMatchObject({ retryable: true, vendorCode: 'E503' }); // before: HTTP 200, so never retried
    sandbox.failCalls({ code: 'E028', message: 'Invalid registration details' }, 1);
    expect(await rejection(adapter.placeOrder(makeTestOrder(PKG)))).toMatchObject({ retryable: false, vendorCode: 'E028' });
    expect((await placeTestOrder(adapter, PKG)).status).toBe('invited');
  });

  it('gives a start seen by notification and again by reconciliation one dedupe key', async () => {
    const { sandbox, adapter, skew } = await setup();
    const order = await placeTestOrder(adapter, PKG);
    const [delivery] = await sandbox.advance(refOf(order), 'start');
    const fromHook = await adapter.parseWebhook!({
      method: 'POST',
      headers: new Headers(delivery!.headers),
      query: new URL(delivery!.url).searchParams,
      body: delivery!.body,
    });
    skew.ms = 120_000;
    const fromPoll = await adapter.refresh!([{ ...order, statusChangedAt: new Date(Date.now() - 3_600_000) }]);
    expect(fromHook.map((u) => u.status)).toEqual(['in_progress']);
    expect(fromPoll.map((u) => u.status)).toEqual(['in_progress']);
    // Before: the notification's send time and the results' start_time_GMT made two keys, two history entries.
    expect(fromPoll[0]!.dedupeKey).toBe(fromHook[0]!.dedupeKey);
  });
});

describe('Mettl contract check', () => {
  it('holds every exercised assumption against the sandbox, following paging.next through a schedule', async () => {
    const { sandbox, adapter } = await setup({ resultsPageCap: 4 });
    for (let i = 0; i < 9; i++) await placeTestOrder(adapter, PKG, { candidate: { email: `k${i}@example.com`, firstName: 'K', lastName: String(i) } });
    const registered = sandbox.counters().linksIssued;
    const contract = adapter.contract!();
    const findings = await contract.check();
    expect(findings.map((f) => f.assumption)).toEqual(contract.assumptions.map((a) => a.id));
    expect(findings.filter((f) => f.verdict === 'contradicted')).toEqual([]);
    expect(findings.find((f) => f.assumption === 'mettl.results.paging')).toMatchObject({ verdict: 'held', detail: expect.stringContaining('all 9') });
    expect(findings.filter((f) => f.verdict === 'held').map((f) => f.assumption)).toEqual([
      'mettl.auth',
      'mettl.errors.body',
      'mettl.assessments.layout',
      'mettl.schedules.layout',
      'mettl.results.layout',
      'mettl.results.paging',
    ]);
    expect(sandbox.counters().linksIssued).toBe(registered); // read-only: nobody registered
  });

  it('reports the contradiction, with a redacted sample, against a sandbox answering schedule results without paging', async () => {
    const { adapter } = await setup({ contractShape: 'altered' });
    await placeTestOrder(adapter, PKG, { candidate: { email: 'private.person@example.com', firstName: 'P', lastName: 'Q' } });
    const findings = await adapter.contract!().check();
    const layout = findings.find((f) => f.assumption === 'mettl.results.layout')!;
    expect(layout.verdict).toBe('contradicted');
    expect(layout.sample).toContain('results');
    expect(layout.sample).not.toContain('private.person@example.com');
    expect(layout.sample).toContain('"First Name":"[redacted]"');
    expect(findings.find((f) => f.assumption === 'mettl.auth')!.verdict).toBe('held');
  });
});
