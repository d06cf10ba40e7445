// Reads of live orders by what callers know: an id, a candidate, the open orders a vendor is working on, a ticket's
// order. Never writes, and never returns an erased order (order-filters.ts liveOrder); the orders status updates
// name are found (and locked) by update-targets.ts.
import type { OrderStatus, VendorId } from '@ca/shared';
import type { Sql } from './db.js';
import { liveOrder, openOrder } from './order-filters.js';
import type { OrderRow } from './orders.js';

export async function getOrder(sql: Sql, id: string, opts: { forUpdate?: boolean } = {}): Promise<OrderRow | null> {
  const rows = await sql.query<OrderRow>(`SELECT * FROM ca_orders WHERE id = $1 AND ${liveOrder()}${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ?? null;
}

export async function listCandidateOrders(sql: Sql, tenantId: string, candidateId: string): Promise<OrderRow[]> {
  return sql.query<OrderRow>(
    `SELECT * FROM ca_orders WHERE tenant_id = $1 AND candidate_id = $2 AND ${liveOrder()} ORDER BY created_at DESC, id DESC LIMIT 500`,
    [tenantId, candidateId],
  );
}

/** Orders a vendor is still working on: live, open and placed. */
const OPEN_AND_PLACED = `${liveOrder()} AND ${openOrder()} AND vendor_ref IS NOT NULL`;

/** Open, placed orders of one tenant and vendor, oldest first, at most `limit`. */
export async function listOpenOrders(sql: Sql, tenantId: string, vendor: VendorId, limit = 1000): Promise<OrderRow[]> {
  return sql.query<OrderRow>(
    `SELECT * FROM ca_orders WHERE tenant_id = $1 AND vendor = $2 AND ${OPEN_AND_PLACED}
     ORDER BY created_at, id LIMIT $3`,
    [tenantId, vendor, limit],
  );
}

/** The open, placed orders among `ids` of one tenant and vendor (a refresh of named orders: pings, returns). */
export async function listOpenOrdersByIds(sql: Sql, tenantId: string, vendor: VendorId, ids: readonly string[]): Promise<OrderRow[]> {
  return sql.query<OrderRow>(
    `SELECT * FROM ca_orders WHERE tenant_id = $1 AND vendor = $2 AND id IN (SELECT jsonb_array_elements_text($3::jsonb)) AND ${OPEN_AND_PLACED}
     ORDER BY created_at, id`,
    [tenantId, vendor, JSON.stringify(ids)],
  );
}

/** What a per-order ticket (a vendor's callback, a candidate's return) needs to know about its order. */
export async function ticketOrder(sql: Sql, orderId: string): Promise<{ tenant_id: string; vendor: string; status: OrderStatus } | null> {
  const rows = await sql.query<{ tenant_id: string; vendor: string; status: OrderStatus }>(
    `SELECT tenant_id, vendor, status FROM ca_orders WHERE id = $1 AND ${liveOrder()}`,
    [orderId],
  );
  return rows[0] ?? null;
}
