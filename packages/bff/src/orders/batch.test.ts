// The batched update path (UpdateBatch) on each database: orders found together by load(), and on PostgreSQL
// locked together, in id order, so concurrent batches neither deadlock nor apply an update to an order that no
// longer carries the reference it was named by.
import type { StatusUpdate } from '../core/vendor-port.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../testing/databases.js';
import { openDatabase, type Database } from '../store/db.js';
import { migrate } from '../store/migrations.js';
import { listHistory } from '../store/history.js';
import { getOrder } from '../store/order-lookups.js';
import { createOrderService, type OrderService } from './service.js';

const candidate = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' };

for (const d of testDatabases()) {
  describe(`batched updates on ${d.name}`, () => {
    let db: Database;
    let orders: OrderService;
    let t = Date.UTC(2027, 0, 1);
    const at = () => new Date((t += 1000));

    beforeAll(async () => {
      db = await openDatabase(d.url());
      await migrate(db);
      orders = createOrderService({ db, now: () => new Date(), enqueuePlacement: async () => {} });
    });
    afterAll(() => db?.close());

    /** An invited order with vendor reference `ref`. */
    async function invited(ref: string): Promise<string> {
      const { order } = await orders.create({
        tenantId: 'acme',
        candidateId: `cand-${ref}`,
        candidate,
        packageId: 'p1',
        packageName: 'Package',
        vendor: 'testvendor',
        vendorName: 'Test vendor',
      });
      const row = (await getOrder(db, order.id))!;
      await orders.placed(row, { status: 'invited', vendorStatus: 'invited', vendorTime: at(), dedupeKey: `placed:${ref}`, vendorRef: ref });
      return order.id;
    }

    const started = (ref: string, key: string): StatusUpdate => ({
      match: { vendorRef: ref },
      status: 'in_progress',
      vendorStatus: 'started',
      vendorTime: at(),
      dedupeKey: key,
    });

    /** One batch in its own transaction: prefetch, load, apply each, flush. */
    const runBatch = (updates: StatusUpdate[], whileLocked?: () => Promise<void>) =>
      db.transaction(async (tx) => {
        const b = orders.batch(tx);
        b.prefetch('acme', 'testvendor', updates);
        await b.load();
        await whileLocked?.();
        const out = [];
        for (const u of updates) out.push(await b.apply('acme', 'testvendor', u, 'webhook'));
        await b.flush();
        return out.map((o) => o.outcome);
      });

    it('applies a batch naming several orders, and the same updates again are duplicates', async () => {
      const [a, b] = [await invited('r-a'), await invited('r-b')];
      const updates = [started('r-a', 'start:a'), started('r-b', 'start:b'), started('r-none', 'start:none')];
      expect(await runBatch(updates)).toEqual(['applied', 'applied', 'no_match']);
      expect(await runBatch(updates)).toEqual(['duplicate', 'duplicate', 'no_match']);
      for (const id of [a, b]) {
        expect((await getOrder(db, id))!.status).toBe('in_progress');
        expect((await listHistory(db, id)).filter((h) => h.dedupe_key.startsWith('start:'))).toHaveLength(1);
      }
    });

    it('runs concurrent batches naming the same orders in opposite order without a deadlock, each update once', async () => {
      const refs = await Promise.all(['r-c', 'r-d', 'r-e'].map(async (r) => ({ ref: r, id: await invited(r) })));
      const one = refs.map((r) => started(r.ref, `one:${r.ref}`));
      const two = [...refs].reverse().map((r) => ({ ...started(r.ref, `two:${r.ref}`), status: 'completed' as const, vendorStatus: 'finished' }));
      const outcomes = await Promise.all([runBatch(one), runBatch(two)]);
      expect(outcomes.flat().every((o) => o === 'applied' || o === 'history_only')).toBe(true);
      for (const r of refs) expect((await listHistory(db, r.id)).filter((h) => /^(one|two):/.test(h.dedupe_key))).toHaveLength(2);
    });

    it.runIf(d.name === 'PostgreSQL')('does not apply an update to an order whose reference changed while the batch waited for its lock', async () => {
      const id = await invited('r-old');
      let release!: () => void;
      const holding = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      // Another transaction holds the order and moves it to a new reference; the batch, naming the old one, waits.
      const other = db.transaction(async (tx) => {
        await tx.query(`SELECT id FROM ca_orders WHERE id = $1 FOR UPDATE`, [id]);
        locked();
        await holding;
        await tx.query(`UPDATE ca_orders SET vendor_ref = 'r-new' WHERE id = $1`, [id]);
      });
      await isLocked;
      const batch = runBatch([started('r-old', 'start:old')]);
      await new Promise((r) => setTimeout(r, 200));
      release();
      await other;
      expect(await batch).toEqual(['no_match']);
      expect((await getOrder(db, id))!.status).toBe('invited');
    });
  });
}
