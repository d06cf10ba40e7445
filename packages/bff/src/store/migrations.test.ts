// The migration runner and the migrations that move data: erased orders back under their tenant (version 7), versions
// applied in order even when a later one landed first, and the open statuses the partial indexes were built with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../testing/databases.js';
import { openDatabase, type Database } from './db.js';
import { migrate, MIGRATIONS } from './migrations.js';
import { OPEN_STATUS_LIST } from './order-filters.js';

for (const d of testDatabases()) {
  describe(`migrations on ${d.name}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await openDatabase(d.url());
      await migrate(db);
    });
    afterAll(() => db?.close());

    it('moves orders erased under <tenant>/erased back to their tenant and keeps erased_at (version 7)', async () => {
      const at = new Date('2026-02-01T00:00:00Z');
      const insert = (id: string, tenantId: string, erasedAt: Date | null) =>
        db.query(
          `INSERT INTO ca_orders (id, tenant_id, candidate_id, package_id, package_name, vendor, status, status_vendor_time,
             status_changed_at, created_at, updated_at, candidate, erased_at)
           VALUES ($1, $2, 'erased_abc', 'p1', 'P', 'berke', 'cancelled', $3, $3, $3, $3, '{}'::jsonb, $4)`,
          [id, tenantId, at, erasedAt],
        );
      await insert('o_old_erased', 'acme/erased', at);
      await insert('o_live', 'acme', null);
      await db.query(`DELETE FROM ca_migrations WHERE version = 7`);
      expect(await migrate(db)).toEqual([7]);
      const rows = await db.query<{ id: string; tenant_id: string; erased_at: Date | null }>(`SELECT id, tenant_id, erased_at FROM ca_orders ORDER BY id`);
      expect(rows.map((r) => [r.id, r.tenant_id, r.erased_at && new Date(r.erased_at).toISOString()])).toEqual([
        ['o_live', 'acme', null],
        ['o_old_erased', 'acme', at.toISOString()],
      ]);
    });

    it('applies missing versions in order of version, also one that comes before a version already applied', async () => {
      const probe = (version: number) => ({ version, name: `probe ${version}`, sql: `CREATE TABLE ca_probe_${version} (id int);` });
      try {
        // Listed out of order, as two changes developed side by side may land.
        MIGRATIONS.push(probe(999), probe(997));
        expect(await migrate(db)).toEqual([997, 999]);
        MIGRATIONS.push(probe(998));
        expect(await migrate(db)).toEqual([998]);
      } finally {
        MIGRATIONS.splice(MIGRATIONS.findIndex((m) => m.version >= 997));
      }
    });

    it('builds its partial indexes from the open statuses of @ca/shared, which are still the list they were released with', () => {
      // A change to OPEN_STATUSES needs a new migration rebuilding ca_orders_open and ca_orders_closed, whose
      // predicates must match the queries' for the planner to use them.
      expect(OPEN_STATUS_LIST).toBe(`('requested','invited','scheduled','in_progress','completed')`);
      expect(MIGRATIONS.find((m) => m.version === 1)!.sql).toContain(`WHERE status IN ${OPEN_STATUS_LIST};`);
    });
  });
}
