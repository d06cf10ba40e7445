// A placement retried after an order call that reached the vendor but whose answer was lost (a timeout after the
// vendor acted) looks the order up before calling again, where the vendor offers a way: Berke by sourceCandidateId.
// The Berke sandbox counts PerformAssessment calls and the invitations it sent; the answer to the first one is
// dropped on its way back to the adapter.
import { afterEach, describe, expect, it } from 'vitest';
import { startBerkeSandbox, type BerkeSandbox } from '@ca/sandboxes';
import type { VendorAdapterFactory } from '../core/vendor-port.js';
import berke from '../vendors/berke/index.js';
import { startTestBff, type TestBff } from '../../testing/harness.js';

/** Berke whose first PerformAssessment answer never arrives: the sandbox acted, the adapter sees a timeout. */
const lossyBerke: VendorAdapterFactory = (ctx) => {
  let lost = 0;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const res = await ctx.fetch(input, init);
    if (String(input instanceof Request ? input.url : input).endsWith('/PerformAssessment') && lost++ === 0) {
      await res.arrayBuffer();
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    }
    return res;
  };
  return berke.create({ ...ctx, fetch });
};

describe('a retried placement looks first', () => {
  let sandbox: BerkeSandbox | undefined;
  let t: TestBff | undefined;
  afterEach(async () => {
    await t?.stop();
    await sandbox?.stop();
    t = sandbox = undefined;
  });

  it('Berke: finds the assessment the lost call created and does not invite again', async () => {
    sandbox = await startBerkeSandbox();
    t = await startTestBff({
      vendors: { berke: { baseUrl: sandbox.baseUrl, apiToken: sandbox.apiToken } },
      packages: [{ id: 'b1', vendor: 'berke', name: 'Sales personality', sourceJobId: 'sales-rep' }],
      factories: { berke: lossyBerke },
      placeRetryDelay: 1,
    });
    const token = await t.token({ role: 'recruiter', candidateId: 'lost-berke-1' });
    const order = await t.order('b1', { token });
    const placed = await t.waitForOrder(order.id, (o) => o.status !== 'requested', 20_000);
    expect(placed).toMatchObject({ status: 'invited', vendorRef: 'lost-berke-1' });
    expect(sandbox.calls()['PerformAssessment']).toBe(1);
    expect(sandbox.candidate('lost-berke-1')).toMatchObject({ invitationsSent: 1 });
  });
});
