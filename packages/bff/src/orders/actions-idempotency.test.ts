// An Idempotency-Key is claimed before the vendor is called: concurrent recruiter actions with one key make one vendor
// call, a failed vendor call gives the key back, and a key reused for another request (another order, another
// candidate's details or job) is a 409, never the first request's answer. docs/api.md#idempotency
import type { ActionResponse, Order } from '@ca/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VendorError, type VendorAdapterFactory } from '../core/vendor-port.js';
import { startTestBff, testTenant, type TestBff } from '../../testing/harness.js';
import { createMemoryVendor } from '../../testing/memory-vendor.js';

/** The memory vendor with a remind and a cancel that count their calls, can be held open, and can fail. */
function actingVendor() {
  const mv = createMemoryVendor();
  const calls = { remind: 0, cancel: 0 };
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => {};
  let failures = 0;
  const v = {
    calls,
    /** Holds every remind and cancel call until `release()`. */
    hold() {
      gate = new Promise((r) => (open = r));
    },
    release: () => open(),
    failNext(n: number) {
      failures = n;
    },
    factory: ((ctx) => ({
      ...mv.factory(ctx),
      async remind() {
        calls.remind += 1;
        await gate;
        if (failures > 0 && failures--) throw new VendorError('vendor down', { retryable: true });
        return { call: 'memory SendInvitation', sentBy: 'vendor' as const };
      },
      async cancel() {
        calls.cancel += 1;
        await gate;
        if (failures > 0 && failures--) throw new VendorError('vendor down', { retryable: true });
        return { call: 'memory Withdraw' };
      },
    })) as VendorAdapterFactory,
  };
  return v;
}

// One BFF for the file (each start loads a database): the actions run as tenant acme, order creation as tenant `keys`.
const vendor = actingVendor();
const KEYS = testTenant('keys', { vendors: { berke: {} }, packages: [{ id: 'p1', vendor: 'berke', name: 'Keys' }] });
const KEYS_API_KEY = (KEYS.apiKeys as string[])[0]!;
let t: TestBff;
beforeAll(async () => {
  t = await startTestBff({
    vendors: { berke: {} },
    packages: [{ id: 'p1', vendor: 'berke', name: 'Once' }],
    factories: { berke: vendor.factory },
    extraTenants: { keys: KEYS },
  });
});
afterAll(async () => {
  vendor.release();
  await t?.stop();
});

describe('recruiter actions once per Idempotency-Key', () => {
  const invited = async (candidateId: string) => {
    const order = await t.order('p1', { token: await t.token({ candidateId }) });
    return t.waitForOrder(order.id, (o) => o.status === 'invited');
  };
  const act = async (order: Order, action: 'remind' | 'cancel' | 'retake', key?: string) => {
    const res = await t.api(`/v1/orders/${order.id}/${action}`, { method: 'POST', ...(key ? { headers: { 'Idempotency-Key': key } } : {}) });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as ActionResponse & { error?: { code: string; message: string } } };
  };

  it('four concurrent reminds with one key call the vendor once; the others are told it is running, then get its answer', async () => {
    const order = await invited('once-remind');
    const before = vendor.calls.remind;
    vendor.hold();
    const first = act(order, 'remind', 'remind-key-1');
    await expect.poll(() => vendor.calls.remind).toBe(before + 1); // the first has the key and is at the vendor
    const others = await Promise.all([1, 2, 3].map(() => act(order, 'remind', 'remind-key-1')));
    for (const o of others) {
      expect(o.status).toBe(409);
      expect(o.body.error?.code).toBe('idempotency_conflict');
      expect(o.body.error?.message).toMatch(/still running/);
      expect(Number(o.retryAfter)).toBeGreaterThan(0);
    }
    vendor.release();
    const done = await first;
    expect([done.status, done.body.changed]).toEqual([200, true]);
    const again = await Promise.all([1, 2, 3].map(() => act(order, 'remind', 'remind-key-1')));
    for (const a of again) expect([a.status, a.body.changed, a.body.message]).toEqual([200, false, 'This reminder was already sent.']);
    expect(vendor.calls.remind).toBe(before + 1);
  });

  it('gives the key back when the vendor call fails, so a retry with it reaches the vendor again', async () => {
    const order = await invited('once-remind-fail');
    const before = vendor.calls.remind;
    vendor.failNext(1);
    const failed = await act(order, 'remind', 'remind-key-2');
    expect([failed.status, failed.body.error?.code]).toEqual([503, 'vendor_unavailable']);
    const retried = await act(order, 'remind', 'remind-key-2');
    expect([retried.status, retried.body.changed]).toEqual([200, true]);
    expect(vendor.calls.remind).toBe(before + 2);
  });

  it('cancels once per key under concurrency, and refuses the key for another order or action', async () => {
    const order = await invited('once-cancel');
    const before = vendor.calls.cancel;
    vendor.hold();
    const all = Promise.all([1, 2, 3, 4].map(() => act(order, 'cancel', 'cancel-key-1')));
    await expect.poll(() => vendor.calls.cancel).toBe(before + 1);
    vendor.release();
    const answers = await all;
    expect(answers.filter((a) => a.status === 200 && a.body.changed).length).toBe(1);
    for (const a of answers) expect([200, 409]).toContain(a.status);
    expect(vendor.calls.cancel).toBe(before + 1);
    expect((await act(order, 'cancel', 'cancel-key-1')).body).toMatchObject({ changed: false, order: { status: 'cancelled' } });

    const other = await invited('once-other');
    const reminds = vendor.calls.remind;
    const reused = await act(other, 'remind', 'cancel-key-1');
    expect([reused.status, reused.body.error?.code, reused.body.error?.message]).toEqual([409, 'idempotency_conflict', 'This Idempotency-Key was used for another request.']);
    expect(vendor.calls.remind).toBe(reminds);
  });

  it('retakes once for four concurrent requests with one key', async () => {
    const order = await invited('once-retake');
    await act(order, 'cancel');
    const answers = await Promise.all([1, 2, 3, 4].map(() => act(order, 'retake', 'retake-key-1')));
    const ids = new Set(answers.map((a) => a.body.order.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.body.changed).length).toBe(1);
  });
});

describe('order creation with a reused Idempotency-Key', () => {
  const create = (body: Record<string, unknown>, key: string) =>
    t.api('/v1/orders', { method: 'POST', token: KEYS_API_KEY, headers: { 'Idempotency-Key': key }, body: JSON.stringify({ packageId: 'p1', ...body }) });
  const ada = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' };

  it('is a 409 with other candidate details or another job, and the same order for the same request', async () => {
    const first = await create({ candidateId: 'k-1', candidate: ada, job: { id: 'j1', title: 'Engineer' } }, 'order-key-1');
    expect(first.status).toBe(202);
    const { order } = (await first.json()) as { order: Order };
    const same = await create({ candidateId: 'k-1', candidate: ada, job: { id: 'j1', title: 'Engineer' } }, 'order-key-1');
    expect(((await same.json()) as { order: Order }).order.id).toBe(order.id);
    for (const changed of [
      { candidateId: 'k-1', candidate: { ...ada, email: 'someone.else@example.com' }, job: { id: 'j1', title: 'Engineer' } },
      { candidateId: 'k-1', candidate: { ...ada, lastName: 'Byron' }, job: { id: 'j1', title: 'Engineer' } },
      { candidateId: 'k-1', candidate: ada, job: { id: 'j2', title: 'Engineer' } },
      { candidateId: 'k-1', candidate: ada },
    ]) {
      const res = await create(changed, 'order-key-1');
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('idempotency_conflict');
    }
  });

  it('answers a widget token whose candidate details changed 409 too', async () => {
    const key = 'order-key-widget';
    const a = await t.api('/v1/orders', { method: 'POST', token: await t.token({ tenantId: 'keys', candidateId: 'k-2', email: 'k2@example.com' }), headers: { 'Idempotency-Key': key }, body: JSON.stringify({ packageId: 'p1' }) });
    expect(a.status).toBe(202);
    const b = await t.api('/v1/orders', { method: 'POST', token: await t.token({ tenantId: 'keys', candidateId: 'k-2', email: 'other@example.com' }), headers: { 'Idempotency-Key': key }, body: JSON.stringify({ packageId: 'p1' }) });
    expect(b.status).toBe(409);
  });
});
