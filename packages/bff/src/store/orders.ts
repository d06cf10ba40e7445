// The orders table: its row, the wire shape made from it, and the writes of orders (insert, batched update,
// vendor data). Reads live in order-lookups.ts and update-targets.ts; history and idempotency keys have their own files.
import type { Booking, CandidateInfo, JobInfo, Order, OrderAction, OrderError, OrderStatus, Result, VendorId } from '@ca/shared';
import type { Sql } from './db.js';
import { json } from './json.js';

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

/** The columns the wire shape of an order is made of. */
export type OrderColumns = Pick<
  OrderRow,
  | 'id' | 'tenant_id' | 'candidate_id' | 'package_id' | 'package_name' | 'vendor' | 'vendor_name' | 'vendor_ref' | 'status'
  | 'vendor_status' | 'progress' | 'status_vendor_time' | 'status_changed_at' | 'created_at' | 'booking' | 'result' | 'error' | 'version'
  | 'retake_of' | 'last_action'
>;

/** Those columns of `ca_orders o`, for a SELECT list. */
export const ORDER_COLUMNS = `o.id, o.tenant_id, o.candidate_id, o.package_id, o.package_name, o.vendor, o.vendor_name, o.vendor_ref, o.status,
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

/** Saves adapter state without touching status (e.g. a new Mettl schedule made at launch time). */
export async function mergeVendorData(sql: Sql, id: string, data: Record<string, unknown>, now: Date): Promise<void> {
  await sql.query(`UPDATE ca_orders SET vendor_data = vendor_data || $2::jsonb, updated_at = $3 WHERE id = $1`, [id, json(data), now]);
}

// A batched write of the update path (orders/service.ts UpdateBatch): a statement part over one JSON parameter,
// run by store/batch.ts with the other parts of its batch.

/** A new state for a locked order; `vendorData` is shallow-merged into what the order holds. */
export interface OrderUpdate {
  id: string;
  status: OrderStatus;
  vendorStatus: string | null;
  progress: number | null;
  statusVendorTime: Date;
  statusChangedAt: Date;
  booking: Booking | null;
  result: Result | null;
  error: OrderError | null;
  vendorRef: string | null;
  vendorData: Record<string, unknown> | null;
  now: Date;
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

