// Raw inbound vendor deliveries, kept for audit and replay. Only authenticated deliveries are stored.
import type { Sql } from './db.js';

export interface Delivery {
  tenantId: string;
  vendor: string;
  receivedAt: Date;
  method: string;
  path: string;
  contentType: string | null;
  body: string;
  /** `applied`, `duplicate`, `no_match`, `hint`, `invalid`. */
  outcome: string;
  orderIds: string[];
}

export async function insertDelivery(sql: Sql, d: Delivery): Promise<string> {
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO ca_deliveries (tenant_id, vendor, received_at, method, path, content_type, body, outcome, order_ids)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id::text AS id`,
    [d.tenantId, d.vendor, d.receivedAt, d.method, d.path, d.contentType, d.body, d.outcome, d.orderIds],
  );
  return rows[0]!.id;
}

export async function countDeliveries(sql: Sql, tenantId: string, vendor: string): Promise<number> {
  const rows = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM ca_deliveries WHERE tenant_id = $1 AND vendor = $2`, [
    tenantId,
    vendor,
  ]);
  return Number(rows[0]?.n ?? 0);
}
