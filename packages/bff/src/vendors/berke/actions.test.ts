// Berke recruiter actions against the Berke sandbox: remind is SendInvitation (an email, no new assessment), cancel is
// DeleteAssessment; neither repeats PerformAssessment, and a refused call is a VendorError.
import { startBerkeSandbox, type BerkeSandbox } from '@ca/sandboxes';
import { afterEach, describe, expect, it } from 'vitest';
import { VendorError, type PackageConfig, type VendorOrder } from '../../core/vendor-port.js';
import { makeTestContext, makeTestOrder } from '../../../testing/vendor-context.js';
import berke, { type BerkeAdapter } from './adapter.js';

const pkg: PackageConfig = { id: 'berke-sales', vendor: 'berke', name: 'Sales personality', sourceJobId: 'sales-rep' };
let sandbox: BerkeSandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function placed(): Promise<{ adapter: BerkeAdapter; order: VendorOrder }> {
  sandbox = await startBerkeSandbox({ apiToken: 'sandbox-Token-0123456789' });
  const adapter = berke(makeTestContext({ vendor: 'berke', config: { baseUrl: sandbox.baseUrl, apiToken: sandbox.apiToken }, packages: [pkg] })) as BerkeAdapter;
  const order = makeTestOrder(pkg);
  const p = await adapter.placeOrder(order);
  return { adapter, order: { ...order, vendorRef: p.vendorRef, vendorData: p.vendorData ?? {} } };
}

describe('Berke recruiter actions', () => {
  it('reminds with SendInvitation: one more invitation, no PerformAssessment', async () => {
    const { adapter, order } = await placed();
    const before = sandbox!.candidate(order.vendorRef!)!.invitationsSent;
    sandbox!.resetCalls();
    expect(await adapter.remind!(order)).toEqual({ call: 'Berke SendInvitation', sentBy: 'vendor' });
    expect(sandbox!.calls()).toEqual({ SendInvitation: 1 });
    expect(sandbox!.candidate(order.vendorRef!)!.invitationsSent).toBe(before + 1);
  });

  it('refuses to remind a candidate who has finished', async () => {
    const { adapter, order } = await placed();
    await sandbox!.advance(order.vendorRef!, 'complete');
    const err = await adapter.remind!(order).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorError);
    expect((err as VendorError).retryable).toBe(false);
    expect((err as VendorError).message).toMatch(/already complete/);
  });

  it('cancels with DeleteAssessment: the assessment is gone at Berke', async () => {
    const { adapter, order } = await placed();
    sandbox!.resetCalls();
    expect(await adapter.cancel!(order)).toEqual({ call: 'Berke DeleteAssessment' });
    expect(sandbox!.calls()).toEqual({ DeleteAssessment: 1 });
    expect(sandbox!.candidate(order.vendorRef!)).toBeNull();
    const again = await adapter.cancel!(order).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(VendorError); // Berke: not found
  });
});
