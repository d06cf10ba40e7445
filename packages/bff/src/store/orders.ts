// Every query on orders, their status history and idempotency keys. Services call these by name.
import type { Booking, CandidateInfo, JobInfo, Order, OrderError, OrderStatus, Result, VendorId } from '@ca/shared';
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
}

const iso = (d: Date | string) => new Date(d).toISOString();

/**
 * jsonb parameters go as text: node-postgres would turn a top-level array into a PostgreSQL array. jsonb refuses
 * `\u0000` and unpaired surrogates, which JSON.stringify writes as escapes: those become U+FFFD, so a vendor
 * answer carrying one is stored instead of failing its transaction forever (routes refuse them with a 400 first).
 */
export const json = (v: unknown): string | null =>
  v === null || v === undefined ? null : JSON.stringify(v).replace(/(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g, '$1\\ufffd');

/** The wire shape of an order: never carries vendor data, raw payloads or the candidate's contact details. */
export function toOrder(r: OrderRow): Order {
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
  now: Date;
}

export async function insertOrder(sql: Sql, o: NewOrder): Promise<OrderRow> {
  const rows = await sql.query<OrderRow>(
    `INSERT INTO ca_orders (id, tenant_id, candidate_id, package_id, package_name, vendor, vendor_name, status,
       status_vendor_time, status_changed_at, created_at, updated_at, candidate, job, actor)
     VALUES ($1,$2,$3,$4,$5,$6,$7,'requested',$8,$8,$8,$8,$9,$10,$11) RETURNING *`,
    [o.id, o.tenantId, o.candidateId, o.packageId, o.packageName, o.vendor, o.vendorName, o.now, json(o.candidate), json(o.job ?? null), o.actor ?? null],
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

/** Open orders of one tenant and vendor, oldest first, in pages after `afterId`. */
export async function listOpenOrders(sql: Sql, tenantId: string, vendor: VendorId, limit = 1000): Promise<OrderRow[]> {
  return sql.query<OrderRow>(
    `SELECT * FROM ca_orders WHERE tenant_id = $1 AND vendor = $2
       AND status IN ('requested','invited','scheduled','in_progress','completed') AND vendor_ref IS NOT NULL
     ORDER BY created_at, id LIMIT $3`,
    [tenantId, vendor, limit],
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
}

export async function listHistory(sql: Sql, orderId: string): Promise<HistoryRow[]> {
  return sql.query<HistoryRow>(
    `SELECT id::text AS id, status, vendor_status, vendor_time, received_at, source, applied, dedupe_key
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
  const rows = await sql.query<{ status: OrderStatus; vendor_status: string; vendor_time: Date; detail: FactDetail | null }>(
    `SELECT status, vendor_status, vendor_time, detail FROM ca_status_history WHERE order_id = $1 ORDER BY vendor_time, ca_status_history.id`,
    [orderId],
  );
  return rows.map((r) => ({
    status: r.status,
    vendorStatus: r.vendor_status,
    vendorTime: new Date(r.vendor_time),
    progress: r.detail?.progress ?? undefined,
    booking: r.detail?.booking ?? undefined,
    result: r.detail?.result ?? undefined,
    error: r.detail?.error ?? undefined,
  }));
}

interface FactDetail {
  progress?: number | null;
  booking?: Booking | null;
  result?: Result | null;
  error?: OrderError | null;
}
