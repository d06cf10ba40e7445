// A call that creates something at a vendor is not blindly repeated. With the pymetrics sandbox (which counts the
// orders it creates): an order answer whose assessment_url we refuse still places the order once, keeping the order
// id; an order call that times out after pymetrics created the order (pymetrics offers no way to look an order up by
// our ids, docs/vendors/pymetrics.md#ordering) stops as `placement_unconfirmed` instead of ordering again.
import { afterEach, describe, expect, it } from 'vitest';
import { startPymetricsSandbox, type PymetricsSandbox } from '@ca/sandboxes';
import { startTestBff, type TestBff } from '../../testing/harness.js';

const PKG = { id: 'pym', vendor: 'pymetrics' as const, name: 'Games', assessmentId: '33' };

describe('a pymetrics answer we cannot use', () => {
  let sandbox: PymetricsSandbox | undefined;
  let t: TestBff | undefined;
  afterEach(async () => {
    await t?.stop();
    await sandbox?.stop();
    t = sandbox = undefined;
  });

  async function start(timeoutMs = 20_000) {
    sandbox = await startPymetricsSandbox();
    t = await startTestBff({
      vendors: { pymetrics: { endpoint: sandbox.endpoint, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, timeoutMs } },
      packages: [PKG],
      placeRetryLimit: 3,
      placeRetryDelay: 1,
    });
    return { sandbox, t };
  }

  it('keeps the order id of an answer whose assessment_url is javascript:, and orders once', async () => {
    const { sandbox, t } = await start();
    sandbox.orderAnswer('script-url', 5);
    const token = await t.token({ candidateId: 'pym-js-1' });
    const created = await t.order(PKG.id, { token });
    const placed = await t.waitForOrder(created.id, (o) => o.vendorRef !== null || o.status === 'failed');
    expect(placed).toMatchObject({ status: 'requested', vendorStatus: 'PENDING', vendorRef: sandbox.orders()[0]!.orderId });
    expect(sandbox.orders()).toHaveLength(1);
    expect(sandbox.calls()['request_assessment_order']).toBe(1);
    // The refused link is not kept: the launch link comes from get_bulk_status (invite_url) once pymetrics accepts.
    await sandbox.advance(placed.vendorRef!, 'accept');
    await t.waitForOrder(created.id, (o) => o.status === 'invited');
    expect(await t.followLink(created.id, 'launch', token)).toBe(sandbox.orders()[0]!.inviteUrl);
  });

  it('stops as placement_unconfirmed when the order call times out after pymetrics created the order', async () => {
    const { sandbox, t } = await start(500);
    sandbox.orderAnswer('lost', 5);
    const token = await t.token({ candidateId: 'pym-lost-1' });
    const created = await t.order(PKG.id, { token });
    const failed = await t.waitForOrder(created.id, (o) => o.status === 'failed', 20_000);
    expect(failed.error).toMatchObject({ code: 'placement_unconfirmed' });
    expect(failed.error!.message).toMatch(/not sent again/);
    expect(sandbox.orders()).toHaveLength(1);
    expect(sandbox.calls()['request_assessment_order']).toBe(1);
  });
});
