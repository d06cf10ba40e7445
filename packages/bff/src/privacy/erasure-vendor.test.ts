// Erasure and the vendor. A placement under way when the candidate is erased: the erasure finds no vendor reference,
// then the vendor's answer comes back for an order no lookup finds any more. The placement job withdraws what the
// vendor created (its cancel call) and the erased order's history says so, without personal data. An erasure also
// withdraws the candidate's open orders at vendors that have a cancel call. A stand-in vendor whose placement waits
// until the test lets it answer makes the race certain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VendorAdapterFactory, VendorOrder } from '../core/vendor-port.js';
import { createMemoryVendor } from '../../testing/memory-vendor.js';
import { startTestBff, testTenant, type TestBff } from '../../testing/harness.js';
import { testDatabases } from '../../testing/databases.js';

/**
 * The stand-in vendor of the file's one BFF (each start loads a database: seconds of CPU). Tenant `acme`'s adapter has
 * a cancel call, tenant `keeps`'s has none. Each case `arm`s it: placements wait for `release()` when `hold`.
 */
function gatedVendor() {
  const mv = createMemoryVendor();
  let armed = arm({ hold: false });
  function arm(o: { hold: boolean }) {
    let release!: () => void;
    const gate = o.hold ? new Promise<void>((r) => (release = r)) : Promise.resolve();
    let placing!: () => void;
    const started = new Promise<void>((r) => (placing = r));
    return { gate, placing, started, release: () => release(), cancelled: [] as string[] };
  }
  const factory: VendorAdapterFactory = (ctx) => ({
    ...mv.factory(ctx),
    async placeOrder(order: VendorOrder) {
      const { placing, gate } = armed;
      placing();
      await gate;
      return mv.factory(ctx).placeOrder(order);
    },
    ...(ctx.tenantId === 'acme'
      ? {
          async cancel(order: VendorOrder) {
            armed.cancelled.push(order.vendorRef!);
            return { call: 'Memory DeleteAssessment' };
          },
        }
      : {}),
  });
  return {
    factory,
    arm(o: { hold: boolean }) {
      armed = arm(o);
      return armed;
    },
  };
}

const KEEPS = testTenant('keeps', { vendors: { berke: {} }, packages: [{ id: 'p1', vendor: 'berke', name: 'Sales personality' }] });
const KEEPS_API_KEY = (KEEPS.apiKeys as string[])[0]!;

for (const db of testDatabases()) describe(`erasure and the vendor on ${db.name}`, () => {
  let t: TestBff;
  const vendor = gatedVendor();
  beforeAll(async () => {
    t = await startTestBff({
      vendors: { berke: {} },
      packages: [{ id: 'p1', vendor: 'berke', name: 'Sales personality' }],
      factories: { berke: vendor.factory },
      database: db.url(),
      extraTenants: { keeps: KEEPS },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const historyOf = (t: TestBff, orderId: string) =>
    t.bff.db.query<{ vendor_status: string | null; detail: unknown }>(`SELECT vendor_status, detail FROM ca_status_history WHERE order_id = $1 ORDER BY id`, [orderId]);

  it('withdraws a placement that finishes after the erasure, and notes it on the erased order', async () => {
    const v = vendor.arm({ hold: true });
    const order = await t.order('p1', { token: await t.token({ role: 'recruiter', candidateId: 'race-1' }) });
    await v.started; // the placement job is at the vendor now
    const res = await t.api('/v1/candidates/race-1', { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(v.cancelled).toEqual([]); // nothing at the vendor yet to withdraw
    v.release();
    await expect.poll(() => v.cancelled, { timeout: 10_000 }).toEqual([`mem-${order.id}`]);
    await expect
      .poll(async () => (await historyOf(t, order.id)).map((h) => h.vendor_status), { timeout: 10_000 })
      .toContain('withdrawn after a placement that finished after erasure (Memory DeleteAssessment)');
    const [row] = await t.bff.db.query<{ vendor_ref: string | null; candidate: object; status: string }>(`SELECT vendor_ref, candidate, status FROM ca_orders WHERE id = $1`, [order.id]);
    expect(row).toMatchObject({ vendor_ref: null, candidate: {}, status: 'cancelled' });
    expect(JSON.stringify(await historyOf(t, order.id))).not.toMatch(/race-1|Ada|example\.com/);
  });

  it('notes that the vendor keeps it when the vendor has no call to withdraw it', async () => {
    const v = vendor.arm({ hold: true });
    const order = await t.order('p1', { token: await t.token({ role: 'recruiter', candidateId: 'race-2', tenantId: 'keeps' }) });
    await v.started;
    expect((await t.api('/v1/candidates/race-2', { method: 'DELETE', token: KEEPS_API_KEY })).status).toBe(200);
    v.release();
    await expect
      .poll(async () => (await historyOf(t, order.id)).map((h) => h.vendor_status), { timeout: 10_000 })
      .toContain('placed after erasure; the vendor has no call to withdraw it');
  });

  it("withdraws the candidate's open orders at the vendor when erasing", async () => {
    const v = vendor.arm({ hold: false });
    const token = await t.token({ role: 'recruiter', candidateId: 'erase-open-1' });
    const order = await t.order('p1', { token });
    await t.waitForOrder(order.id, (o) => o.status === 'invited');
    const res = await t.api('/v1/candidates/erase-open-1', { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(v.cancelled).toEqual([`mem-${order.id}`]);
    expect((await res.json()) as object).toMatchObject({ orders: 1 });
    expect((await historyOf(t, order.id)).map((h) => h.vendor_status)).toContain('withdrawn at erasure (Memory DeleteAssessment)');
  });
});
