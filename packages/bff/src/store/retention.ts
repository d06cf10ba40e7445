// Retention and erasure: pruning raw vendor payloads and candidate contact data by age, and erasing one
// candidate. Erased orders stay under their tenant, anonymised, with `erased_at` set: every lookup skips them
// (order-filters.ts liveOrder), so no API answer, vendor notification, poll, link or ticket reaches them again.
import type { Database, Sql } from './db.js';
import { closedOrder, liveOrder, openOrder } from './order-filters.js';
import type { OrderRow } from './orders.js';

export interface ErasureResult {
  orders: number;
  events: number;
  deliveries: number;
}

/**
 * Erases one candidate of one tenant in the caller's transaction: contact data, job, vendor references and data,
 * results, bookings and raw payloads are removed; statuses and dates stay under `pseudonym`; open orders become
 * `cancelled`; events, links and idempotency keys of those orders go; one audit row is written.
 */
export async function eraseCandidate(
  tx: Sql,
  e: { tenantId: string; candidateId: string; pseudonym: string; now: Date; requestedBy: string },
): Promise<ErasureResult> {
  const rows = await tx.query<{ id: string; vendor: string; vendor_ref: string | null; email: string | null }>(
    `SELECT id, vendor, vendor_ref, candidate->>'email' AS email FROM ca_orders WHERE tenant_id = $1 AND candidate_id = $2 AND ${liveOrder()} ORDER BY id FOR UPDATE`,
    [e.tenantId, e.candidateId],
  );
  const ids = rows.map((r) => r.id);
  let events = 0;
  // Read before the orders are wiped: what names the candidate in a raw delivery that matched no order of theirs
  // (one that came after the erasure, or before the order had its reference).
  let deliveries = await eraseDeliveriesNaming(tx, e.tenantId, [
    { vendor: '', term: e.candidateId },
    ...rows.flatMap((r) => [...(r.email ? [{ vendor: '', term: r.email }] : []), ...(r.vendor_ref ? [{ vendor: r.vendor, term: r.vendor_ref }] : [])]),
  ]);
  if (ids.length) {
    await tx.query(
      `UPDATE ca_orders SET candidate_id = $2, candidate = '{}'::jsonb, job = NULL, actor = NULL, vendor_ref = NULL,
         vendor_data = '{}'::jsonb, booking = NULL, result = NULL, progress = NULL,
         error = CASE WHEN ${openOrder()} THEN '{"code":"erased","message":"The candidate''s data was erased."}'::jsonb ELSE error END,
         status = CASE WHEN ${openOrder()} THEN 'cancelled' ELSE status END,
         erased_at = $3, updated_at = $3, version = version + 1
       WHERE id = ANY($1::text[])`,
      [ids, e.pseudonym, e.now],
    );
    await tx.query(`UPDATE ca_status_history SET detail = NULL, dedupe_key = 'erased:' || id WHERE order_id = ANY($1::text[])`, [ids]);
    await tx.query(`DELETE FROM ca_links WHERE order_id = ANY($1::text[])`, [ids]);
    await tx.query(`DELETE FROM ca_idempotency WHERE order_id = ANY($1::text[])`, [ids]);
    deliveries += (
      await tx.query(`DELETE FROM ca_deliveries WHERE tenant_id = $1 AND order_ids && $2::text[] RETURNING id`, [e.tenantId, ids])
    ).length;
  }
  events = (await tx.query(`DELETE FROM ca_events WHERE tenant_id = $1 AND candidate_id = $2 RETURNING id`, [e.tenantId, e.candidateId])).length;
  await tx.query(`INSERT INTO ca_erasures (tenant_id, candidate_ref, orders, erased_at, requested_by) VALUES ($1,$2,$3,$4,$5)`, [
    e.tenantId,
    e.pseudonym,
    ids.length,
    e.now,
    e.requestedBy,
  ]);
  return { orders: ids.length, events, deliveries };
}

/** Shorter terms are not searched for: a short id or number would match unrelated deliveries. */
const MIN_TERM = 4;

/**
 * Deletes a tenant's raw deliveries whose body names one of `terms` (the candidate id, their e-mail, a vendor reference
 * within its vendor's deliveries), as a whole word: not inside a longer id or address. Case-insensitive, and the
 * URL-encoded form too (form bodies).
 */
async function eraseDeliveriesNaming(tx: Sql, tenantId: string, terms: readonly { vendor: string; term: string }[]): Promise<number> {
  const wanted = new Map<string, { vendor: string; term: string }>();
  for (const t of terms) {
    const term = t.term.trim().toLowerCase();
    if (term.length < MIN_TERM) continue;
    for (const form of new Set([term, encodeURIComponent(term).toLowerCase()])) wanted.set(`${t.vendor}\0${form}`, { vendor: t.vendor, term: form });
  }
  if (!wanted.size) return 0;
  const list = [...wanted.values()];
  const escape = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const rows = await tx.query(
    `DELETE FROM ca_deliveries d WHERE d.tenant_id = $1 AND EXISTS (
       SELECT 1 FROM unnest($2::text[], $3::text[], $4::text[]) AS n(vendor, term, pattern)
       WHERE (n.vendor = '' OR n.vendor = d.vendor) AND strpos(lower(d.body), n.term) > 0 AND lower(d.body) ~ n.pattern)
     RETURNING d.id`,
    [tenantId, list.map((t) => t.vendor), list.map((t) => t.term), list.map((t) => `(^|[^a-z0-9_.@%+-])${escape(t.term)}($|[^a-z0-9_.@%+-])`)],
  );
  return rows.length;
}

export interface ErasureRow {
  tenant_id: string;
  candidate_ref: string;
  orders: number;
  erased_at: Date;
  requested_by: string;
}

export async function listErasures(sql: Sql, tenantId: string, candidateRef: string): Promise<ErasureRow[]> {
  return sql.query<ErasureRow>(`SELECT tenant_id, candidate_ref, orders, erased_at, requested_by FROM ca_erasures WHERE tenant_id = $1 AND candidate_ref = $2 ORDER BY id`, [
    tenantId,
    candidateRef,
  ]);
}

/** Deletes a tenant's raw deliveries received before `before` and drops the raw payload from older history rows. */
export async function pruneRawPayloads(db: Database, tenantId: string, before: Date): Promise<{ deliveries: number; history: number }> {
  return db.transaction(async (tx) => {
    const deliveries = (await tx.query(`DELETE FROM ca_deliveries WHERE tenant_id = $1 AND received_at < $2 RETURNING id`, [tenantId, before])).length;
    const history = (
      await tx.query(
        `UPDATE ca_status_history h SET detail = h.detail - 'raw' FROM ca_orders o
         WHERE h.order_id = o.id AND o.tenant_id = $1 AND h.received_at < $2 AND h.detail ? 'raw' RETURNING h.id`,
        [tenantId, before],
      )
    ).length;
    return { deliveries, history };
  });
}

/** Removes contact data (name, email, locale), job and acting user of a tenant's orders closed before `before`. */
export async function pruneContactData(sql: Sql, tenantId: string, before: Date): Promise<number> {
  const rows = await sql.query(
    `UPDATE ca_orders SET candidate = '{}'::jsonb, job = NULL, actor = NULL
     WHERE tenant_id = $1 AND ${closedOrder()} AND status_changed_at < $2 AND candidate <> '{}'::jsonb RETURNING id`,
    [tenantId, before],
  );
  return rows.length;
}

/**
 * Notes on an erased order what became of a vendor call that finished after the erasure (a placement withdrawn at the
 * vendor, or not): words and a time, no personal data. False when the order is not erased (then nothing is written).
 */
export async function noteOnErasedOrder(sql: Sql, orderId: string, vendorStatus: string, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO ca_status_history (order_id, status, vendor_status, vendor_time, received_at, source, applied, dedupe_key, detail)
     SELECT id, status, $2, $3, $3, 'job', false, 'after-erasure:' || $4, NULL FROM ca_orders WHERE id = $1 AND erased_at IS NOT NULL
     ON CONFLICT (order_id, dedupe_key) DO NOTHING RETURNING order_id`,
    [orderId, vendorStatus, now, now.toISOString()],
  );
  return rows.length > 0;
}

/** Whether this order was erased (a lookup that, unlike every other, finds erased orders; it reads no data of them). */
export async function isErasedOrder(sql: Sql, orderId: string): Promise<boolean> {
  return (await sql.query(`SELECT 1 FROM ca_orders WHERE id = $1 AND erased_at IS NOT NULL`, [orderId])).length > 0;
}

/**
 * The candidate's live orders still open at a vendor (placed, not finished), locked in the caller's transaction: read
 * before an erasure wipes their vendor references, so they can be withdrawn at the vendor. A placement answering
 * meanwhile waits for the lock and then finds the order erased (its job withdraws what it placed).
 */
export async function lockOpenPlacedOrders(tx: Sql, tenantId: string, candidateId: string): Promise<OrderRow[]> {
  return tx.query<OrderRow>(
    `SELECT * FROM ca_orders WHERE tenant_id = $1 AND candidate_id = $2 AND ${liveOrder()} AND ${openOrder()} AND vendor_ref IS NOT NULL ORDER BY id FOR UPDATE`,
    [tenantId, candidateId],
  );
}
