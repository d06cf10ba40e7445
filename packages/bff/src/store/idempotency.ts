// Idempotency keys of order creation (the Idempotency-Key header): a key names the order its first request made.
import type { Sql } from './db.js';
import { liveOrder } from './order-filters.js';

/** The key's request hash and order; none once that order is erased (erasure also deletes its keys). */
export async function findIdempotency(sql: Sql, tenantId: string, key: string): Promise<{ request_hash: string; order_id: string } | null> {
  const rows = await sql.query<{ request_hash: string; order_id: string }>(
    `SELECT i.request_hash, i.order_id FROM ca_idempotency i JOIN ca_orders o ON o.id = i.order_id
     WHERE i.tenant_id = $1 AND i.key = $2 AND ${liveOrder('o')}`,
    [tenantId, key],
  );
  return rows[0] ?? null;
}

/** Claims an idempotency key; false when another request claimed it first. */
export async function insertIdempotency(sql: Sql, tenantId: string, key: string, hash: string, orderId: string, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO ca_idempotency (tenant_id, key, request_hash, order_id, created_at) VALUES ($1,$2,$3,$4,$5)
     ON CONFLICT (tenant_id, key) DO NOTHING RETURNING key`,
    [tenantId, key, hash, orderId, now],
  );
  return rows.length === 1;
}
