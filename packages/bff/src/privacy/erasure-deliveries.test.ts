// Erasure reaches raw deliveries by what names the candidate, not only by the order ids a delivery matched: a
// notification that matched no order (it came before the order had its reference, or after an earlier erasure)
// still carries the candidate's id, e-mail or vendor reference. Unrelated deliveries stay, even when one names a
// longer id that starts with the erased one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDelivery } from '../store/deliveries.js';
import { createMemoryVendor } from '../../testing/memory-vendor.js';
import { startTestBff, type TestBff } from '../../testing/harness.js';
import { testDatabases } from '../../testing/databases.js';

for (const db of testDatabases()) describe(`erasure of raw deliveries on ${db.name}`, () => {
  let t: TestBff;
  beforeAll(async () => {
    t = await startTestBff({ vendors: { berke: {} }, packages: [{ id: 'p1', vendor: 'berke', name: 'P' }], factories: { berke: createMemoryVendor().factory }, database: db.url() });
  });
  afterAll(() => t.stop());

  const deliver = (body: string, vendor = 'berke', orderIds: string[] = []) =>
    insertDelivery(t.bff.db, { tenantId: 'acme', vendor, receivedAt: new Date(), method: 'POST', path: `/hooks/${vendor}/acme`, contentType: 'application/json', body, outcome: 'no_match', orderIds });
  const bodies = async () => (await t.bff.db.query<{ body: string }>(`SELECT body FROM ca_deliveries WHERE tenant_id = 'acme' ORDER BY id`)).map((r) => r.body);

  it('deletes deliveries naming the candidate id, e-mail or vendor reference, and keeps the others', async () => {
    const token = await t.token({ role: 'recruiter', candidateId: 'cand-77', email: 'Grace.H@example.com' });
    const order = await t.order('p1', { token });
    const placed = await t.waitForOrder(order.id, (o) => o.vendorRef !== null);
    const erased = [
      JSON.stringify({ sourceCandidateId: 'cand-77', status: 'done' }),
      JSON.stringify({ email: 'grace.h@example.com', name: 'Grace Hopper' }),
      'email=Grace.H%40example.com&status=done',
      `<n><ref>${placed.vendorRef}</ref></n>`,
    ];
    const kept = [
      JSON.stringify({ sourceCandidateId: 'cand-770', email: 'other.grace.h@example.community' }),
      JSON.stringify({ sourceCandidateId: 'someone-else', status: 'done' }),
    ];
    for (const b of [...erased, ...kept]) await deliver(b);
    await deliver(`<other><ref>${placed.vendorRef}</ref></other>`, 'mettl'); // another vendor's reference space: not this order
    const before = await bodies();
    const out = await t.api('/v1/candidates/cand-77', { method: 'DELETE' });
    expect(out.status).toBe(200);
    const after = await bodies();
    for (const b of erased) expect(after).not.toContain(b);
    for (const b of kept) expect(after).toContain(b);
    expect(after.filter((b) => b.includes(placed.vendorRef!))).toHaveLength(1);
    expect(before.length - after.length).toBeGreaterThanOrEqual(erased.length);
  });
});
