// Idempotency keys (the Idempotency-Key header): a key names the order its first request made, or the order a
// recruiter action (remind, cancel) was claimed for before the vendor was called (orders/actions.ts).
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

/** One key's row as stored, whatever its order's state: the request it names and when it was claimed. */
export interface IdempotencyClaim {
  request_hash: string;
  order_id: string;
  created_at: Date;
}

/**
 * Claims a key for a recruiter action on an order before anything is sent to the vendor: `claimed`, or the row
 * already holding it (another request's claim, in progress or done; null when it went between our insert and read).
 */
export async function claimIdempotency(
  sql: Sql,
  tenantId: string,
  key: string,
  hash: string,
  orderId: string,
  now: Date,
): Promise<{ claimed: true } | { claimed: false; held: IdempotencyClaim | null }> {
  if (await insertIdempotency(sql, tenantId, key, hash, orderId, now)) return { claimed: true };
  const rows = await sql.query<IdempotencyClaim>(`SELECT request_hash, order_id, created_at FROM ca_idempotency WHERE tenant_id = $1 AND key = $2`, [tenantId, key]);
  return { claimed: false, held: rows[0] ? { ...rows[0], created_at: new Date(rows[0].created_at) } : null };
}

/** Takes over a claim left by a request that never finished (its process died); false when someone else did first. */
export async function retakeIdempotency(sql: Sql, tenantId: string, key: string, hash: string, seen: Date, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE ca_idempotency SET created_at = $5 WHERE tenant_id = $1 AND key = $2 AND request_hash = $3 AND created_at = $4 RETURNING key`,
    [tenantId, key, hash, seen, now],
  );
  return rows.length === 1;
}

/** Gives a key back after its request failed without the vendor acting: a retry with it runs again. */
export async function releaseIdempotency(sql: Sql, tenantId: string, key: string, hash: string): Promise<void> {
  await sql.query(`DELETE FROM ca_idempotency WHERE tenant_id = $1 AND key = $2 AND request_hash = $3`, [tenantId, key, hash]);
}
