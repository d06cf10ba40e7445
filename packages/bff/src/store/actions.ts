// Queries of recruiter actions: an order's latest action, and whether an action with an Idempotency-Key was done.
import type { OrderAction } from '@ca/shared';
import type { Sql } from './db.js';
import { json } from './json.js';
import { liveOrder, openOrder } from './order-filters.js';
import type { OrderRow } from './orders.js';

/** Records the order's latest recruiter action and raises its version (the row must be locked by the caller). */
export async function setLastAction(sql: Sql, orderId: string, action: OrderAction, now: Date): Promise<OrderRow> {
  const rows = await sql.query<OrderRow>(
    `UPDATE ca_orders SET last_action = $2::jsonb, updated_at = $3, version = version + 1 WHERE id = $1 RETURNING *`,
    [orderId, json(action), now],
  );
  return rows[0]!;
}

/** What the history recorded for an action done under this dedupe key (its `raw`), or null when it holds none. */
export async function hasHistoryKey(sql: Sql, orderId: string, dedupeKey: string): Promise<Record<string, unknown> | null> {
  const rows = await sql.query<{ raw: Record<string, unknown> | null }>(
    `SELECT detail->'raw' AS raw FROM ca_status_history WHERE order_id = $1 AND dedupe_key = $2`,
    [orderId, dedupeKey],
  );
  return rows[0] ? (rows[0].raw ?? {}) : null;
}

/** Other open orders of the tenant at this vendor under the same vendor reference (one vendor record serving several). */
export async function countOtherOpenOrdersWithRef(sql: Sql, o: { tenantId: string; vendor: string; vendorRef: string; exceptId: string }): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ca_orders WHERE tenant_id = $1 AND vendor = $2 AND vendor_ref = $3 AND id <> $4
       AND ${liveOrder()} AND ${openOrder()}`,
    [o.tenantId, o.vendor, o.vendorRef, o.exceptId],
  );
  return Number(rows[0]?.n ?? 0);
}
