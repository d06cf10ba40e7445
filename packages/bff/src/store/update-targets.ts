// Finds the orders status updates name and locks them for the update path (orders/service.ts): one at a time, or
// a batch in one or two statements. Reads only; the writes that follow are in orders.ts and history.ts.
import type { VendorId } from '@ca/shared';
import type { Sql } from './db.js';
import { json } from './json.js';
import { liveOrder } from './order-filters.js';
import { ORDER_COLUMNS, type OrderColumns } from './orders.js';

/** How an update names its order (core/vendor-port.ts OrderMatch). */
export type OrderLookup = { orderId: string } | { vendorRef: string } | { candidateId: string; packageId: string };

export interface LockedOrder {
  row: OrderColumns;
  /** Latest vendor time in the order's history (null: none yet). */
  historyThrough: Date | null;
  /** Whether the history already holds `dedupeKey`. */
  seen: boolean;
}

/**
 * Only live orders take updates. On PostgreSQL a row erased while a statement waited for its lock is checked again
 * once the lock is ours, so the outer query of each statement repeats the condition.
 */
const LIVE = liveOrder('o');

/**
 * The latest vendor time in an order's history and whether it holds a dedupe key, from the order's own history rows
 * (scalar subqueries: an EXISTS here can be planned as a hashed scan of the whole history table).
 */
const historyOf = (orderId: string, dedupeKey: string) =>
  `(SELECT max(h.vendor_time) FROM ca_status_history h WHERE h.order_id = ${orderId}) AS history_through,
   coalesce((SELECT true FROM ca_status_history h WHERE h.order_id = ${orderId} AND h.dedupe_key = ${dedupeKey} LIMIT 1), false) AS seen`;

/**
 * Finds and locks (FOR UPDATE) the order an update names, with what its history holds. `oneStatement` reads the
 * history in the same statement: right on PGlite, whose one connection runs transactions one at a time. On
 * PostgreSQL a statement that waited for the row lock still sees the snapshot taken before the wait, so the history
 * is read by a second statement, after the lock is ours.
 */
export async function lockOrder(
  sql: Sql,
  tenantId: string,
  vendor: VendorId,
  match: OrderLookup,
  dedupeKey: string,
  oneStatement: boolean,
): Promise<LockedOrder | null> {
  const params: unknown[] = [];
  const where =
    'orderId' in match
      ? `o.id = $${params.push(match.orderId)} AND ${LIVE}`
      : 'vendorRef' in match
        ? `o.tenant_id = $${params.push(tenantId)} AND o.vendor = $${params.push(vendor)} AND o.vendor_ref = $${params.push(match.vendorRef)} AND ${LIVE}
           ORDER BY o.created_at DESC LIMIT 1`
        : `o.tenant_id = $${params.push(tenantId)} AND o.candidate_id = $${params.push(match.candidateId)} AND o.package_id = $${params.push(match.packageId)}
           AND ${LIVE} ORDER BY o.created_at DESC, o.id DESC LIMIT 1`;
  const history = oneStatement ? `, ${historyOf('o.id', `$${params.push(dedupeKey)}`)}` : '';
  const rows = await sql.query<OrderColumns & { history_through?: Date | null; seen?: boolean }>(
    `SELECT ${ORDER_COLUMNS}${history} FROM ca_orders o WHERE ${where} FOR UPDATE OF o`,
    params,
  );
  const found = rows[0];
  if (!found || found.tenant_id !== tenantId || found.vendor !== vendor) return null;
  const { history_through, seen, ...row } = found;
  if (oneStatement) return { row, historyThrough: history_through ? new Date(history_through) : null, seen: Boolean(seen) };
  const [h] = await sql.query<{ history_through: Date | null; seen: boolean }>(
    `SELECT max(vendor_time) AS history_through, coalesce(bool_or(dedupe_key = $2), false) AS seen FROM ca_status_history WHERE order_id = $1`,
    [row.id, dedupeKey],
  );
  return { row, historyThrough: h?.history_through ? new Date(h.history_through) : null, seen: Boolean(h?.seen) };
}

export interface OrderLookupKey {
  tenantId: string;
  vendor: VendorId;
  match: OrderLookup;
  dedupeKey: string;
}

/** One update's lookup as a JSON element of the batched statements below. */
const lookupElement = (k: OrderLookupKey) => ({
  tenant_id: k.tenantId,
  vendor: k.vendor,
  dedupe_key: k.dedupeKey,
  ...('orderId' in k.match
    ? { order_id: k.match.orderId }
    : 'vendorRef' in k.match
      ? { vendor_ref: k.match.vendorRef }
      : { candidate_id: k.match.candidateId, package_id: k.match.packageId }),
});

/** A LATERAL subquery finding the order of lookup element `x.e`, selecting `cols`: one branch per kind of match present. */
function lookupBranches(keys: readonly OrderLookupKey[], cols: string): string {
  // Only the kinds present: planning is a good part of these statements' cost.
  const kinds = new Set(keys.map((k) => ('orderId' in k.match ? 'id' : 'vendorRef' in k.match ? 'ref' : 'candidate')));
  return [
    // LIMIT keeps each branch a per-element index lookup: pulled up into a join, the planner (with PGlite's
    // never-analysed tables) hashes a sequential scan of every order, a cost that grows with the table.
    ...(kinds.has('id') ? [`(SELECT ${cols} FROM ca_orders o WHERE o.id = x.e->>'order_id' AND ${LIVE} LIMIT 1)`] : []),
    ...(kinds.has('ref')
      ? [`(SELECT ${cols} FROM ca_orders o
          WHERE o.tenant_id = x.e->>'tenant_id' AND o.vendor = x.e->>'vendor' AND o.vendor_ref = x.e->>'vendor_ref' AND ${LIVE}
          ORDER BY o.created_at DESC LIMIT 1)`]
      : []),
    ...(kinds.has('candidate')
      ? [`(SELECT ${cols} FROM ca_orders o
          WHERE o.tenant_id = x.e->>'tenant_id' AND o.candidate_id = x.e->>'candidate_id' AND o.package_id = x.e->>'package_id'
            AND ${LIVE} ORDER BY o.created_at DESC, o.id DESC LIMIT 1)`]
      : []),
  ].join(' UNION ALL ');
}

/** Whether a row (as it is now, after its lock) is still the order `k` names: a vendor reference may have changed. */
function stillMatches(row: OrderColumns, k: OrderLookupKey): boolean {
  if (row.tenant_id !== k.tenantId || row.vendor !== k.vendor) return false;
  return 'vendorRef' in k.match ? row.vendor_ref === k.match.vendorRef : true;
}

/**
 * `lockOrder` for many updates in one statement, without locks: only for a database with one connection (PGlite),
 * where the caller's transaction is the only one running.
 */
export async function findOrdersForUpdates(sql: Sql, keys: readonly OrderLookupKey[]): Promise<(LockedOrder | null)[]> {
  if (keys.length === 0) return [];
  const rows = await sql.query<OrderColumns & { n: string; history_through: Date | null; seen: boolean }>(
    `SELECT x.n::text AS n, ${ORDER_COLUMNS}, ${historyOf('o.id', `x.e->>'dedupe_key'`)}
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n)
     CROSS JOIN LATERAL (${lookupBranches(keys, ORDER_COLUMNS)}) AS o`,
    [json(keys.map(lookupElement))],
  );
  const out: (LockedOrder | null)[] = keys.map(() => null);
  for (const { n, history_through, seen, ...row } of rows) {
    const k = keys[Number(n) - 1]!;
    if (row.tenant_id !== k.tenantId || row.vendor !== k.vendor) continue;
    out[Number(n) - 1] = { row, historyThrough: history_through ? new Date(history_through) : null, seen: Boolean(seen) };
  }
  return out;
}

/**
 * `lockOrder` for many updates in two statements, for PostgreSQL: the orders are found and locked (FOR UPDATE) in
 * order of id, so two batches never wait for each other crosswise; then, once the locks are ours, what their history
 * holds is read (a statement that waited for a lock still sees the snapshot taken before the wait). An entry is
 * `undefined` when its order could not be settled here (its vendor reference changed meanwhile): look it up alone.
 */
export async function lockOrdersForUpdates(sql: Sql, keys: readonly OrderLookupKey[]): Promise<(LockedOrder | null | undefined)[]> {
  if (keys.length === 0) return [];
  const locked = await sql.query<OrderColumns & { n: string }>(
    // The `= ANY` key list steers the join to the primary key (see orders.ts ordersUpdate).
    `WITH k AS MATERIALIZED (SELECT x.n, m.id FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n)
       CROSS JOIN LATERAL (${lookupBranches(keys, 'o.id')}) AS m)
     SELECT k.n::text AS n, ${ORDER_COLUMNS} FROM k JOIN ca_orders o ON o.id = k.id
     WHERE o.id = ANY (ARRAY(SELECT id FROM k)) AND ${LIVE}
     ORDER BY o.id FOR UPDATE OF o`,
    [json(keys.map(lookupElement))],
  );
  const out: (LockedOrder | null | undefined)[] = keys.map(() => null);
  const rows = new Map<number, OrderColumns>();
  for (const { n, ...row } of locked) {
    const i = Number(n) - 1;
    if (row.tenant_id !== keys[i]!.tenantId || row.vendor !== keys[i]!.vendor) continue;
    if (stillMatches(row, keys[i]!)) rows.set(i, row);
    else out[i] = undefined;
  }
  if (rows.size === 0) return out;
  const wanted = [...rows].map(([i, row]) => ({ n: i, order_id: row.id, dedupe_key: keys[i]!.dedupeKey }));
  const history = await sql.query<{ n: string; history_through: Date | null; seen: boolean }>(
    `SELECT (x.e->>'n') AS n, ${historyOf(`x.e->>'order_id'`, `x.e->>'dedupe_key'`)} FROM jsonb_array_elements($1::jsonb) AS x(e)`,
    [json(wanted)],
  );
  for (const h of history) {
    const i = Number(h.n);
    out[i] = { row: rows.get(i)!, historyThrough: h.history_through ? new Date(h.history_through) : null, seen: Boolean(h.seen) };
  }
  return out;
}
