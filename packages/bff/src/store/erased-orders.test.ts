// Erased orders stay under their tenant and every lookup skips them because of `erased_at` (order-filters.ts
// liveOrder): by id, by candidate, by vendor reference, open orders, tickets, idempotency keys, update targets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../testing/databases.js';
import { countOtherOpenOrdersWithRef } from './actions.js';
import { openDatabase, type Database } from './db.js';
import { findIdempotency, insertIdempotency } from './idempotency.js';
import { migrate } from './migrations.js';
import { getOrder, listCandidateOrders, listOpenOrders, listOpenOrdersByIds, ticketOrder } from './order-lookups.js';
import { insertOrder } from './orders.js';
import { eraseCandidate } from './retention.js';
import { findOrdersForUpdates, lockOrder, lockOrdersForUpdates, type OrderLookup, type OrderLookupKey } from './update-targets.js';

const NOW = new Date('2026-03-01T10:00:00Z');

for (const d of testDatabases()) {
  describe(`erased orders on ${d.name}`, () => {
    let db: Database;

    /** An open order placed at the vendor under `ref`, as a live order would be. */
    async function placed(id: string, candidateId: string, ref: string): Promise<void> {
      await insertOrder(db, {
        id,
        tenantId: 'acme',
        candidateId,
        packageId: 'p1',
        packageName: 'P',
        vendor: 'berke',
        vendorName: 'Berke',
        candidate: { firstName: 'Ada', lastName: 'Lovelace', email: `${candidateId}@example.com` },
        now: NOW,
      });
      await db.query(`UPDATE ca_orders SET status = 'invited', vendor_ref = $2 WHERE id = $1`, [id, ref]);
    }

    beforeAll(async () => {
      db = await openDatabase(d.url());
      await migrate(db);
      await placed('o_live', 'c-live', 'ref-live');
      await placed('o_gone', 'c-gone', 'ref-gone');
      await insertIdempotency(db, 'acme', 'k-live', 'h', 'o_live', NOW);
      await insertIdempotency(db, 'acme', 'k-gone', 'h', 'o_gone', NOW);
      // Only erased_at changes: tenant, candidate, vendor reference and status stay as they were, so what hides the
      // order from each lookup below is erased_at and nothing else.
      await db.query(`UPDATE ca_orders SET erased_at = $2 WHERE id = $1`, ['o_gone', NOW]);
    });
    afterAll(() => db?.close());

    it('skips an erased order in every read by id, candidate, open status and ticket', async () => {
      expect((await getOrder(db, 'o_live'))?.id).toBe('o_live');
      expect(await getOrder(db, 'o_gone')).toBeNull();
      expect(await db.transaction((tx) => getOrder(tx, 'o_gone', { forUpdate: true }))).toBeNull();
      expect(await listCandidateOrders(db, 'acme', 'c-gone')).toEqual([]);
      expect((await listOpenOrders(db, 'acme', 'berke')).map((r) => r.id)).toEqual(['o_live']);
      expect((await listOpenOrdersByIds(db, 'acme', 'berke', ['o_live', 'o_gone'])).map((r) => r.id)).toEqual(['o_live']);
      expect(await ticketOrder(db, 'o_live')).toMatchObject({ tenant_id: 'acme', vendor: 'berke', status: 'invited' });
      expect(await ticketOrder(db, 'o_gone')).toBeNull();
      const others = (vendorRef: string) => countOtherOpenOrdersWithRef(db, { tenantId: 'acme', vendor: 'berke', vendorRef, exceptId: 'o_other' });
      expect([await others('ref-live'), await others('ref-gone')]).toEqual([1, 0]);
    });

    it('skips an erased order when an Idempotency-Key names it', async () => {
      expect(await findIdempotency(db, 'acme', 'k-live')).toEqual({ request_hash: 'h', order_id: 'o_live' });
      expect(await findIdempotency(db, 'acme', 'k-gone')).toBeNull();
    });

    it('finds no erased order for a status update, whichever way the update names it and however it is looked up', async () => {
      const ways = (id: string, candidateId: string, ref: string): OrderLookup[] => [{ orderId: id }, { vendorRef: ref }, { candidateId, packageId: 'p1' }];
      const keys = (id: string, candidateId: string, ref: string): OrderLookupKey[] =>
        ways(id, candidateId, ref).map((match, i) => ({ tenantId: 'acme', vendor: 'berke', match, dedupeKey: `k${i}` }));
      for (const oneStatement of [true, false]) {
        for (const match of ways('o_gone', 'c-gone', 'ref-gone')) {
          expect(await db.transaction((tx) => lockOrder(tx, 'acme', 'berke', match, 'k', oneStatement))).toBeNull();
        }
        for (const match of ways('o_live', 'c-live', 'ref-live')) {
          expect((await db.transaction((tx) => lockOrder(tx, 'acme', 'berke', match, 'k', oneStatement)))?.row.id).toBe('o_live');
        }
      }
      const found = await db.transaction((tx) => findOrdersForUpdates(tx, [...keys('o_gone', 'c-gone', 'ref-gone'), ...keys('o_live', 'c-live', 'ref-live')]));
      expect(found.map((f) => f?.row.id ?? null)).toEqual([null, null, null, 'o_live', 'o_live', 'o_live']);
      const locked = await db.transaction((tx) => lockOrdersForUpdates(tx, [...keys('o_gone', 'c-gone', 'ref-gone'), ...keys('o_live', 'c-live', 'ref-live')]));
      expect(locked.map((f) => f?.row.id ?? null)).toEqual([null, null, null, 'o_live', 'o_live', 'o_live']);
    });

    it('erases a candidate in place: the order keeps its tenant, erased_at is set, and its pseudonym finds nothing', async () => {
      await placed('o_erase', 'c-erase', 'ref-erase');
      const erase = (candidateId: string) =>
        db.transaction((tx) => eraseCandidate(tx, { tenantId: 'acme', candidateId, pseudonym: 'erased_x', now: NOW, requestedBy: 'apiKey' }));
      expect((await erase('c-erase')).orders).toBe(1);
      const [row] = await db.query<{ tenant_id: string; candidate_id: string; status: string; erased_at: Date | null }>(
        `SELECT tenant_id, candidate_id, status, erased_at FROM ca_orders WHERE id = 'o_erase'`,
      );
      expect(row).toMatchObject({ tenant_id: 'acme', candidate_id: 'erased_x', status: 'cancelled' });
      expect(row!.erased_at).not.toBeNull();
      expect(await listCandidateOrders(db, 'acme', 'erased_x')).toEqual([]);
      // A candidate id that happens to equal the pseudonym does not reach the erased order again.
      expect((await erase('erased_x')).orders).toBe(0);
    });
  });
}
