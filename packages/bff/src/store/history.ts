// The status history of orders: every update recorded (applied or not), the facts the state machine folds, and the
// batched INSERT of the update path. Never changes an order row.
import type { Booking, OrderError, OrderStatus, Result } from '@ca/shared';
import type { Fact } from '../core/facts.js';
import type { Sql } from './db.js';
import { json } from './json.js';

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

// A batched write of the update path: a statement part over one JSON parameter, run by store/batch.ts.

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
