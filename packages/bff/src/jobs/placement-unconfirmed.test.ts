// A call that creates something at a vendor is not blindly repeated. With the pymetrics sandbox (which counts the
// orders it creates): an order answer whose assessment_url we refuse still places the order once, keeping the order
// id; an order call that times out after pymetrics created the order (pymetrics offers no way to look an order up by
// our ids, docs/vendors/pymetrics.md#ordering) stops as `placement_unconfirmed` instead of ordering again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPymetricsSandbox, type PymetricsSandbox } from '@ca/sandboxes';
import { startTestBff, testTenant, type TestBff } from '../../testing/harness.js';

const PKG = { id: 'pym', vendor: 'pymetrics' as const, name: 'Games', assessmentId: '33' };

describe('a pymetrics answer we cannot use', () => {
  // One BFF (each start loads a database: seconds of CPU); each case a tenant with a sandbox of its own: `acme` with a
  // 20 s call timeout, `lost` with 500 ms.
  const sandboxes = {} as Record<'acme' | 'lost', PymetricsSandbox>;
  let t: TestBff;
  beforeAll(async () => {
    sandboxes.acme = await startPymetricsSandbox();
    sandboxes.lost = await startPymetricsSandbox();
    const vendors = (sandbox: PymetricsSandbox, timeoutMs: number) => ({
      pymetrics: { endpoint: sandbox.endpoint, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, timeoutMs },
    });
    t = await startTestBff({
      vendors: vendors(sandboxes.acme, 20_000),
      packages: [PKG],
      placeRetryLimit: 3,
      placeRetryDelay: 1,
      extraTenants: { lost: testTenant('lost', { vendors: vendors(sandboxes.lost, 500), packages: [PKG] }) },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await Promise.all(Object.values(sandboxes).map((s) => s.stop()));
  });

  it('keeps the order id of an answer whose assessment_url is javascript:, and orders once', async () => {
    const sandbox = sandboxes.acme;
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
    const sandbox = sandboxes.lost;
    sandbox.orderAnswer('lost', 5);
    const token = await t.token({ candidateId: 'pym-lost-1', tenantId: 'lost' });
    const created = await t.order(PKG.id, { token });
    const failed = await t.waitForOrder(created.id, (o) => o.status === 'failed', 20_000, token);
    expect(failed.error).toMatchObject({ code: 'placement_unconfirmed' });
    expect(failed.error!.message).toMatch(/not sent again/);
    expect(sandbox.orders()).toHaveLength(1);
    expect(sandbox.calls()['request_assessment_order']).toBe(1);
  });
});
