// Seeds invited orders in one INSERT … SELECT generate_series through the running BFF's own database
// handle (RunningBff.db), so a bench can start from 100,000 stored orders in seconds. Bench-only SQL on
// ca_orders: placement through pg-boss runs about 4 orders/s on PostgreSQL (see docs/benchmarks.md),
// far too slow to set up these volumes through the order service.
interface Db {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface SeedSpec {
  tenantId: string;
  vendor: string;
  vendorName?: string;
  packageId: string;
  packageName: string;
  /** Orders are numbered 0..count-1; order i belongs to candidate `${candidatePrefix}${i % candidates}`. */
  count: number;
  candidates: number;
  candidatePrefix: string;
  idPrefix: string;
  /** SQL expression for vendor_ref over `id` and `cand` (the order's id and candidate id). */
  vendorRefSql: string;
  vendorStatus: string;
}

export async function seedOrders(db: Db, s: SeedSpec): Promise<void> {
  const cols = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_name = 'ca_orders' AND table_schema = current_schema()`,
  );
  const hasVendorName = cols.some((c) => c.column_name === 'vendor_name');
  await db.query(
    `INSERT INTO ca_orders (id, tenant_id, candidate_id, package_id, package_name, vendor, vendor_ref, status, vendor_status,
       status_vendor_time, status_changed_at, created_at, updated_at, candidate, vendor_data${hasVendorName ? ', vendor_name' : ''})
     SELECT id, $1, cand, $2, $3, $4, ${s.vendorRefSql}, 'invited', $5, t, t, t, t,
       jsonb_build_object('firstName', 'Ada', 'lastName', 'Lovelace', 'email', cand || '@example.com'), '{}'::jsonb${hasVendorName ? ', $10' : ''}
     FROM (SELECT $6 || lpad(g::text, 8, '0') AS id, $7 || (g % $8)::text AS cand,
             now() - interval '30 days' + g * interval '1 second' AS t
           FROM generate_series(0, $9 - 1) AS g) AS s`,
    [s.tenantId, s.packageId, s.packageName, s.vendor, s.vendorStatus, s.idPrefix, s.candidatePrefix, s.candidates, s.count, ...(hasVendorName ? [s.vendorName ?? s.vendor] : [])],
  );
  await db.query(`ANALYZE ca_orders`);
}
