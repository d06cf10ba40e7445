// Every query on orders, their status history and idempotency keys. Services call these by name.
import type { Booking, CandidateInfo, JobInfo, Order, OrderAction, OrderError, OrderStatus, Result, VendorId } from '@ca/shared';
import type { Fact } from '../core/facts.js';
import type { Sql } from './db.js';

export interface OrderRow {
  id: string;
  tenant_id: string;
  candidate_id: string;
  package_id: string;
  package_name: string;
  vendor: VendorId;
  /** Null for orders placed before migration 3. */
  vendor_name: string | null;
  vendor_ref: string | null;
  status: OrderStatus;
  vendor_status: string | null;
  progress: number | null;
  status_vendor_time: Date;
  status_changed_at: Date;
  created_at: Date;
  updated_at: Date;
  last_update_at: Date | null;
  candidate: CandidateInfo;
  job: JobInfo | null;
  actor: string | null;
  booking: Booking | null;
  result: Result | null;
  error: OrderError | null;
  vendor_data: Record<string, unknown>;
  version: number;
  /** Null for orders placed before migration 5. */
  retake_of: string | null;
  last_action: OrderAction | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

/**
 * jsonb parameters go as text: node-postgres would turn a top-level array into a PostgreSQL array. jsonb refuses
 * `\u0000` and unpaired surrogates, which JSON.stringify writes as escapes: those become U+FFFD, so a vendor
 * answer carrying one is stored instead of failing its transaction forever (routes refuse them with a 400 first).
 */
export const json = (v: unknown): string | null =>
  v === null || v === undefined ? null : JSON.stringify(v).replace(/(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g, '$1\\ufffd');

/** The columns the wire shape of an order is made of. */
export type OrderColumns = Pick<
  OrderRow,
  | 'id' | 'tenant_id' | 'candidate_id' | 'package_id' | 'package_name' | 'vendor' | 'vendor_name' | 'vendor_ref' | 'status'
  | 'vendor_status' | 'progress' | 'status_vendor_time' | 'status_changed_at' | 'created_at' | 'booking' | 'result' | 'error' | 'version'
  | 'retake_of' | 'last_action'
>;

const ORDER_COLUMNS = `o.id, o.tenant_id, o.candidate_id, o.package_id, o.package_name, o.vendor, o.vendor_name, o.vendor_ref, o.status,
  o.vendor_status, o.progress, o.status_vendor_time, o.status_changed_at, o.created_at, o.booking, o.result, o.error, o.version,
  o.retake_of, o.last_action`;

/**
 * A number as the `real` progress column gives it back (shortest decimal of the float4), so a snapshot built in
 * memory equals the one read from the table.
 */
export function float4(x: number | null): number | null {
  if (x === null) return null;
  const f = Math.fround(x);
  for (let digits = 1; digits < 9; digits++) {
    const v = Number(f.toPrecision(digits));
    if (Math.fround(v) === f) return v;
  }
  return Number(f.toPrecision(9));
}

/** The wire shape of an order: never carries vendor data, raw payloads or the candidate's contact details. */
export function toOrder(r: OrderColumns): Order {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    candidateId: r.candidate_id,
    packageId: r.package_id,
    packageName: r.package_name,
    vendor: r.vendor,
    vendorName: r.vendor_name ?? r.vendor,
    vendorRef: r.vendor_ref,
    status: r.status,
    vendorStatus: r.vendor_status,
    progress: r.progress === null ? null : Number(r.progress),
    version: Number(r.version),
    statusChangedAt: iso(r.status_changed_at),
    createdAt: iso(r.created_at),
    booking: r.booking,
    result: r.result,
    error: r.error,
    retakeOf: r.retake_of ?? null,
    lastAction: r.last_action ?? null,
  };
}

export interface NewOrder {
  id: string;
  tenantId: string;
  candidateId: string;
  packageId: string;
  packageName: string;
  vendor: VendorId;
  vendorName: string;
  candidate: CandidateInfo;
  job?: JobInfo | undefined;
  actor?: string | undefined;
  retakeOf?: string | undefined;
  now: Date;
}

export async function insertOrder(sql: Sql, o: NewOrder): Promise<OrderRow> {
  const rows = await sql.query<OrderRow>(
    `INSERT INTO ca_orders (id, tenant_id, candidate_id, package_id, package_name, vendor, vendor_name, status,
       status_vendor_time, status_changed_at, created_at, updated_at, candidate, job, actor, retake_of)
     VALUES ($1,$2,$3,$4,$5,$6,$7,'requested',$8,$8,$8,$8,$9,$10,$11,$12) RETURNING *`,
    [o.id, o.tenantId, o.candidateId, o.packageId, o.packageName, o.vendor, o.vendorName, o.now, json(o.candidate), json(o.job ?? null), o.actor ?? null, o.retakeOf ?? null],
  );
  return rows[0]!;
}

export async function getOrder(sql: Sql, id: string, opts: { forUpdate?: boolean } = {}): Promise<OrderRow | null> {
  const rows = await sql.query<OrderRow>(`SELECT * FROM ca_orders WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ?? null;
}

export async function listCandidateOrders(sql: Sql, tenantId: string, candidateId: string): Promise<OrderRow[]> {
  return sql.query<OrderRow>(
    `SELECT * FROM ca_orders WHERE tenant_id = $1 AND candidate_id = $2 ORDER BY created_at DESC, id DESC LIMIT 500`,
    [tenantId, candidateId],
  );
}

export async function findOrderByVendorRef(sql: Sql, tenantId: string, vendor: VendorId, vendorRef: string): Promise<OrderRow | null> {
  const rows = await sql.query<OrderRow>(
    `SELECT * FROM ca_orders WHERE tenant_id = $1 AND vendor = $2 AND vendor_ref = $3 ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
    [tenantId, vendor, vendorRef],
  );
  return rows[0] ?? null;
}

export async function findLatestOrder(sql: Sql, tenantId: string, candidateId: string, packageId: string): Promise<OrderRow | null> {
  const rows = await sql.query<OrderRow>(
    `SELECT * FROM ca_orders WHERE tenant_id = $1 AND candidate_id = $2 AND package_id = $3
     ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE`,
    [tenantId, candidateId, packageId],
  );
  return rows[0] ?? null;
}

/** Orders a vendor is still working on: open and placed. */
const OPEN_AND_PLACED = `status IN ('requested','invited','scheduled','in_progress','completed') AND vendor_ref IS NOT NULL`;

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

export interface OrderPatch {
  status: OrderStatus;
  vendorStatus: string | null;
  progress: number | null;
  statusVendorTime: Date;
  statusChangedAt: Date;
  booking: Booking | null;
  result: Result | null;
  error: OrderError | null;
  vendorRef: string | null;
  vendorData: Record<string, unknown>;
  now: Date;
}

export async function updateOrder(sql: Sql, id: string, p: OrderPatch): Promise<OrderRow> {
  const rows = await sql.query<OrderRow>(
    `UPDATE ca_orders SET status = $2, vendor_status = $3, progress = $4, status_vendor_time = $5, status_changed_at = $6,
       booking = $7, result = $8, error = $9, vendor_ref = $10, vendor_data = $11, updated_at = $12, last_update_at = $12,
       version = version + 1
     WHERE id = $1 RETURNING *`,
    [id, p.status, p.vendorStatus, p.progress, p.statusVendorTime, p.statusChangedAt, json(p.booking), json(p.result), json(p.error), p.vendorRef, json(p.vendorData), p.now],
  );
  return rows[0]!;
}

/** Saves adapter state without touching status (e.g. a new Mettl schedule made at launch time). */
export async function mergeVendorData(sql: Sql, id: string, data: Record<string, unknown>, now: Date): Promise<void> {
  await sql.query(`UPDATE ca_orders SET vendor_data = vendor_data || $2::jsonb, updated_at = $3 WHERE id = $1`, [id, json(data), now]);
}

export interface HistoryEntry {
  orderId: string;
  status: OrderStatus;
  vendorStatus: string;
  vendorTime: Date;
  receivedAt: Date;
  source: string;
  applied: boolean;
  dedupeKey: string;
  detail: unknown;
}

/** Records an update; false when the same fact (order + dedupe key) was recorded before. */
export async function insertHistory(sql: Sql, h: HistoryEntry): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO ca_status_history (order_id, status, vendor_status, vendor_time, received_at, source, applied, dedupe_key, detail)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (order_id, dedupe_key) DO NOTHING RETURNING id`,
    [h.orderId, h.status, h.vendorStatus, h.vendorTime, h.receivedAt, h.source, h.applied, h.dedupeKey, json(h.detail ?? null)],
  );
  return rows.length === 1;
}

export interface HistoryRow {
  id: string;
  status: OrderStatus;
  vendor_status: string;
  vendor_time: Date;
  received_at: Date;
  source: string;
  applied: boolean;
  dedupe_key: string;
  /** Recruiter actions only. */
  action: string | null;
  actor: string | null;
}

export async function listHistory(sql: Sql, orderId: string): Promise<HistoryRow[]> {
  return sql.query<HistoryRow>(
    `SELECT id::text AS id, status, vendor_status, vendor_time, received_at, source, applied, dedupe_key,
       detail->'raw'->>'action' AS action, detail->'raw'->>'actor' AS actor
     FROM ca_status_history WHERE order_id = $1 ORDER BY vendor_time, ca_status_history.id`,
    [orderId],
  );
}

export async function findIdempotency(sql: Sql, tenantId: string, key: string): Promise<{ request_hash: string; order_id: string } | null> {
  const rows = await sql.query<{ request_hash: string; order_id: string }>(
    `SELECT request_hash, order_id FROM ca_idempotency WHERE tenant_id = $1 AND key = $2`,
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

/** The order's recorded updates in the order the state machine folds them: vendor time, then arrival. */
export async function listHistoryFacts(sql: Sql, orderId: string): Promise<Fact[]> {
  // Only the fields the fold needs: the raw vendor payload kept beside them is never read back here.
  const rows = await sql.query<{ status: OrderStatus; vendor_status: string; vendor_time: Date } & FactDetail>(
    `SELECT status, vendor_status, vendor_time, (detail->>'progress')::float8 AS progress, detail->'booking' AS booking,
       detail->'result' AS result, detail->'error' AS error
     FROM ca_status_history WHERE order_id = $1 ORDER BY vendor_time, ca_status_history.id`,
    [orderId],
  );
  return rows.map((r) => ({
    status: r.status,
    vendorStatus: r.vendor_status,
    vendorTime: new Date(r.vendor_time),
    progress: r.progress ?? undefined,
    booking: r.booking ?? undefined,
    result: r.result ?? undefined,
    error: r.error ?? undefined,
  }));
}

interface FactDetail {
  progress?: number | null;
  booking?: Booking | null;
  result?: Result | null;
  error?: OrderError | null;
}

// --- Batched writes of the update path (orders/service.ts UpdateBatch) ----------------------------------------
// Each takes many rows as one JSON parameter: one statement per table per batch, not one per row.

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
      ? `o.id = $${params.push(match.orderId)}`
      : 'vendorRef' in match
        ? `o.tenant_id = $${params.push(tenantId)} AND o.vendor = $${params.push(vendor)} AND o.vendor_ref = $${params.push(match.vendorRef)} ORDER BY o.created_at DESC LIMIT 1`
        : `o.tenant_id = $${params.push(tenantId)} AND o.candidate_id = $${params.push(match.candidateId)} AND o.package_id = $${params.push(match.packageId)}
           ORDER BY o.created_at DESC, o.id DESC LIMIT 1`;
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
    ...(kinds.has('id') ? [`(SELECT ${cols} FROM ca_orders o WHERE o.id = x.e->>'order_id' LIMIT 1)`] : []),
    ...(kinds.has('ref')
      ? [`(SELECT ${cols} FROM ca_orders o
          WHERE o.tenant_id = x.e->>'tenant_id' AND o.vendor = x.e->>'vendor' AND o.vendor_ref = x.e->>'vendor_ref'
          ORDER BY o.created_at DESC LIMIT 1)`]
      : []),
    ...(kinds.has('candidate')
      ? [`(SELECT ${cols} FROM ca_orders o
          WHERE o.tenant_id = x.e->>'tenant_id' AND o.candidate_id = x.e->>'candidate_id' AND o.package_id = x.e->>'package_id'
          ORDER BY o.created_at DESC, o.id DESC LIMIT 1)`]
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
    // The `= ANY` key list steers the join to the primary key (see ordersUpdate).
    `WITH k AS MATERIALIZED (SELECT x.n, m.id FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n)
       CROSS JOIN LATERAL (${lookupBranches(keys, 'o.id')}) AS m)
     SELECT k.n::text AS n, ${ORDER_COLUMNS} FROM k JOIN ca_orders o ON o.id = k.id
     WHERE o.id = ANY (ARRAY(SELECT id FROM k))
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

// Each batched write is a statement part over one JSON parameter: store/batch.ts runs them as one statement.

/** The INSERT of history rows given as JSON parameter `param` (duplicates of an order + dedupe key are skipped). */
export const historyInsert = (param: string) =>
  `INSERT INTO ca_status_history (order_id, status, vendor_status, vendor_time, received_at, source, applied, dedupe_key, detail)
   SELECT x.order_id, x.status, x.vendor_status, x.vendor_time, x.received_at, x.source, x.applied, x.dedupe_key, x.detail
   FROM jsonb_to_recordset(${param}::jsonb) AS x(order_id text, status text, vendor_status text, vendor_time timestamptz,
     received_at timestamptz, source text, applied boolean, dedupe_key text, detail jsonb)
   ON CONFLICT (order_id, dedupe_key) DO NOTHING`;

export const historyParam = (rows: readonly HistoryEntry[]) =>
  json(
    rows.map((h) => ({
      order_id: h.orderId,
      status: h.status,
      vendor_status: h.vendorStatus,
      vendor_time: h.vendorTime,
      received_at: h.receivedAt,
      source: h.source,
      applied: h.applied,
      dedupe_key: h.dedupeKey,
      detail: h.detail ?? null,
    })),
  );


/** A new state for a locked order; `vendorData` is shallow-merged into what the order holds. */
export interface OrderUpdate extends Omit<OrderPatch, 'vendorData'> {
  id: string;
  vendorData: Record<string, unknown> | null;
}

/**
 * The UPDATE writing new states of locked orders given as JSON parameter `param`, raising each one's version. The
 * `= ANY` key list steers the planner to the primary key: joined alone, a function scan of 100 estimated rows gets a
 * hash join over a sequential scan of every order.
 */
export const ordersUpdate = (param: string) =>
  `UPDATE ca_orders o SET status = x.status, vendor_status = x.vendor_status, progress = x.progress,
     status_vendor_time = x.status_vendor_time, status_changed_at = x.status_changed_at, booking = x.booking, result = x.result,
     error = x.error, vendor_ref = x.vendor_ref, vendor_data = o.vendor_data || coalesce(x.vendor_data, '{}'::jsonb),
     updated_at = x.now, last_update_at = x.now, version = o.version + 1
   FROM jsonb_to_recordset(${param}::jsonb) AS x(id text, status text, vendor_status text, progress real, status_vendor_time timestamptz,
     status_changed_at timestamptz, booking jsonb, result jsonb, error jsonb, vendor_ref text, vendor_data jsonb, now timestamptz)
   WHERE o.id = x.id AND o.id = ANY (ARRAY(SELECT jsonb_array_elements(${param}::jsonb)->>'id'))`;

export const ordersUpdateParam = (updates: readonly OrderUpdate[]) =>
  json(
    updates.map((u) => ({
          id: u.id,
          status: u.status,
          vendor_status: u.vendorStatus,
          progress: u.progress,
          status_vendor_time: u.statusVendorTime,
          status_changed_at: u.statusChangedAt,
          booking: u.booking,
          result: u.result,
          error: u.error,
          vendor_ref: u.vendorRef,
          vendor_data: u.vendorData,
          now: u.now,
    })),
  );

