// A recruiter cancels an order while the vendor is still placing it: the cancel finds no vendor reference (nothing
// to withdraw yet), then the placement comes back. The vendor now holds an assessment nobody will take, and may
// invite the candidate to it: the placement job withdraws it (the vendor's cancel call) and says so in the history.
// A stand-in vendor whose placement waits until the test lets it answer (the race made certain).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VendorAdapterFactory, VendorOrder } from '../core/vendor-port.js';
import { createMemoryVendor } from '../../testing/memory-vendor.js';
import { startTestBff, testTenant, type TestBff } from '../../testing/harness.js';
import { PLACE_RETRY } from './placement.js';
import { Q } from './queue.js';

/**
 * The stand-in vendor of the file's one BFF (each start loads a database: seconds of CPU): tenant `acme`'s adapter has
 * a cancel call, tenant `keeps`'s has none. Each case `arm`s it; placements then wait until it calls `release()`.
 */
function gatedVendor() {
  const mv = createMemoryVendor();
  const arm = () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let placing!: () => void;
    const started = new Promise<void>((r) => (placing = r));
    return { gate, placing, started, release: () => release(), cancelled: [] as string[] };
  };
  let armed = arm();
  const factory: VendorAdapterFactory = (ctx) => {
    const base = mv.factory(ctx);
    return {
      ...base,
      async placeOrder(order: VendorOrder) {
        const { placing, gate } = armed;
        placing();
        await gate;
        return base.placeOrder(order);
      },
      ...(ctx.tenantId === 'acme'
        ? {
            async cancel(order: VendorOrder) {
              armed.cancelled.push(order.vendorRef!);
              return { call: 'Memory DeleteAssessment' };
            },
          }
        : {}),
    };
  };
  return {
    factory,
    arm() {
      armed = arm();
      return armed;
    },
  };
}

describe('an order cancelled while the vendor places it', () => {
  let t: TestBff;
  const vendor = gatedVendor();
  beforeAll(async () => {
    const pkgs = [{ id: 'p1', vendor: 'berke' as const, name: 'Sales personality' }];
    t = await startTestBff({ vendors: { berke: {} }, packages: pkgs, factories: { berke: vendor.factory }, extraTenants: { keeps: testTenant('keeps', { vendors: { berke: {} }, packages: pkgs }) } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function race(withCancel: boolean) {
    const v = vendor.arm();
    const token = await t.token({ role: 'recruiter', candidateId: 'late-1', tenantId: withCancel ? 'acme' : 'keeps' });
    const order = await t.order('p1', { token });
    await v.started; // the placement job is at the vendor now
    const res = await t.api(`/v1/orders/${order.id}/cancel`, { method: 'POST', token });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { message: string }).message).toMatch(/before it reached the vendor/);
    v.release();
    const history = async () =>
      ((await (await t.api(`/v1/orders/${order.id}/history`, { token })).json()) as { history: { vendorStatus: string | null }[] }).history.map((h) => h.vendorStatus);
    await expect.poll(history, { timeout: 10_000 }).toContainEqual(expect.stringMatching(/after (a late placement|cancel)/));
    const after = await t.waitForOrder(order.id, (o) => o.status === 'cancelled', 10_000, token);
    expect(after.status).toBe('cancelled');
    return { v, history: await history(), ref: `mem-${order.id}` };
  }

  it('withdraws it at the vendor once the placement comes back, and records that', async () => {
    const { v, history, ref } = await race(true);
    expect(v.cancelled).toEqual([ref]);
    expect(history).toContain('withdrawn after a late placement (Memory DeleteAssessment)');
    // A BFF started without test knobs places on the production schedule (placement.test.ts).
    expect(await t.bff.jobs.boss.getQueue(Q.place)).toMatchObject(PLACE_RETRY);
  });

  it('records that the vendor keeps it when the vendor has no call to withdraw it', async () => {
    const { v, history } = await race(false);
    expect(v.cancelled).toEqual([]);
    expect(history).toContain('placed after cancel; the vendor has no call to withdraw it');
  });
});
