// Raw inbound vendor deliveries, kept for audit and replay. Only authenticated deliveries are stored.
import type { Sql } from './db.js';
import { json } from './json.js';

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

/** The INSERT of deliveries given as JSON parameter `param` (a part of store/batch.ts's statement). */
export const deliveriesInsert = (param: string) =>
  `INSERT INTO ca_deliveries (tenant_id, vendor, received_at, method, path, content_type, body, outcome, order_ids)
   SELECT x.tenant_id, x.vendor, x.received_at, x.method, x.path, x.content_type, x.body, x.outcome, x.order_ids
   FROM jsonb_to_recordset(${param}::jsonb) AS x(tenant_id text, vendor text, received_at timestamptz, method text, path text,
     content_type text, body text, outcome text, order_ids text[])`;

export const deliveriesParam = (ds: readonly Delivery[]) =>
  json(
    ds.map((d) => ({
      tenant_id: d.tenantId,
      vendor: d.vendor,
      received_at: d.receivedAt,
      method: d.method,
      path: d.path,
      content_type: d.contentType,
      body: d.body,
      outcome: d.outcome,
      order_ids: d.orderIds,
    })),
  );

export async function countDeliveries(sql: Sql, tenantId: string, vendor: string): Promise<number> {
  const rows = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM ca_deliveries WHERE tenant_id = $1 AND vendor = $2`, [
    tenantId,
    vendor,
  ]);
  return Number(rows[0]?.n ?? 0);
}
