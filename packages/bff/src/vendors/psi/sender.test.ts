// The PSI sandbox's notifications read by the adapter's half of the BFF (real OAuth issuer, real parseWebhook,
// over HTTP): what a booking page flow becomes, duplicates, refusals. The sandbox alone is tested in @ca/sandboxes.
import { createPsiSender, SimulatedPsiCandidate, startPsiSandbox, type PsiSandbox } from '@ca/sandboxes/psi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestContext } from '../../../testing/vendor-context.js';
import type { PackageConfig } from '../../core/vendor-port.js';
import psi from './adapter.js';
import { startTestReceiver, type TestReceiver } from '../../../testing/psi-receiver.js';

const pkg: PackageConfig = { id: 'psi-cert', vendor: 'psi', name: 'Certification exam', examCode: 'CERT-1' };
const clientSecret = 'psi-client-secret-0123456789';

describe('PSI sandbox notifications through the adapter', () => {
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

  it('turns booking, rescheduling and cancelling on the page into updates in order', async () => {
    const form = (slot?: string) =>
      new URLSearchParams({ eligibility: 'ord_page2', candidate: 'c-2', exam: 'CERT-1', ...(slot ? { slot } : {}) });
    const post = (action: string, slot?: string) =>
      fetch(`${sandbox.url}/schedule/${action}`, { method: 'POST', body: form(slot), redirect: 'manual' });
    expect((await post('book', 'berlin-site')).headers.get('location')).toContain('sent=200');
    expect((await post('reschedule', 'paris-remote')).status).toBe(303);
    expect((await post('cancel')).status).toBe(303);

    const mine = receiver.updates.filter((u) => 'vendorRef' in u.match && u.match.vendorRef === 'ord_page2');
    expect(mine.map((u) => u.status)).toEqual(['scheduled', 'scheduled', 'invited']);
    expect(mine[0]!.booking).toMatchObject({ timeZone: 'Europe/Berlin', deliveryMode: 'test_center' });
    expect(mine[1]!.booking).toMatchObject({ timeZone: 'Europe/Paris', deliveryMode: 'remote' });
    expect(mine[1]!.booking!.code).toBe(mine[0]!.booking!.code);
    const times = mine.map((u) => u.vendorTime.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(times).size).toBe(3);
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

  it("is refused on another tenant's hook with nothing parsed", async () => {
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
});
