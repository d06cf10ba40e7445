// Where each tenant's ATS webhook delivery stands in the event log: delivered through an event id, the retry of the
// next one, and which replica holds the lease to deliver. Times are the database's clock, never a replica's.
import type { Sql } from './db.js';

/** A tenant's cursor as the lease holder sees it. */
export interface WebhookCursor {
  /** Every event of the tenant up to this id was delivered (or given up on). */
  deliveredThrough: bigint;
  /** Failed attempts of the event after `deliveredThrough` so far. */
  attempts: number;
  /** The highest event of the tenant that retention removed while the cursor had not reached it (0: none). */
  prunedThrough: bigint;
}

/** What a claim found: the cursor (the lease is ours), a retry not due for `retryInMs`, or another replica's lease. */
export type CursorClaim = { cursor: WebhookCursor } | { retryInMs: number } | { leased: true };

/**
 * Creates the tenant's cursor when it has none: from the current end of the log, since a webhook configured today
 * does not want every event ever recorded. Where delivery jobs of the job queue that delivered webhooks before the
 * cursor existed still wait (`legacyJobSchema`), from just before the oldest of them, so an upgrade loses none.
 */
export async function ensureWebhookCursor(sql: Sql, tenantId: string, legacyJobSchema?: string): Promise<void> {
  let legacy = 'NULL';
  if (legacyJobSchema && /^[a-z_][a-z0-9_]*$/.test(legacyJobSchema)) {
    const [table] = await sql.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [`${legacyJobSchema}.job`]);
    if (table?.t) {
      legacy = `(SELECT min((data->>'eventId')::bigint) - 1 FROM ${legacyJobSchema}.job
                 WHERE name = 'ats-webhook' AND state < 'completed' AND data->>'tenantId' = $1)`;
    }
  }
  await sql.query(
    `INSERT INTO ca_webhook_cursors (tenant_id, delivered_through)
     SELECT $1, coalesce(${legacy}, (SELECT max(id) FROM ca_events), 0)
     ON CONFLICT (tenant_id) DO NOTHING`,
    [tenantId],
  );
}

/**
 * Takes (or renews) the lease on the tenant's cursor for `leaseMs` when nobody else holds an unexpired one and no
 * retry is waiting for its time. One statement, so two replicas claiming at once cannot both win.
 */
export async function claimWebhookCursor(sql: Sql, tenantId: string, owner: string, leaseMs: number): Promise<CursorClaim> {
  const [row] = await sql.query<{ through: string | null; attempts: number | null; pruned: string | null; retry_in_ms: number | null }>(
    `WITH claimed AS (
       UPDATE ca_webhook_cursors SET lease_owner = $2, lease_until = now() + $3::int * interval '1 millisecond'
       WHERE tenant_id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < now()) AND (retry_at IS NULL OR retry_at <= now())
       RETURNING delivered_through, attempts, pruned_through)
     SELECT (SELECT delivered_through::text FROM claimed) AS through, (SELECT attempts FROM claimed) AS attempts,
       (SELECT pruned_through::text FROM claimed) AS pruned,
       (SELECT ceil(extract(epoch FROM retry_at - now()) * 1000)::float8 FROM ca_webhook_cursors WHERE tenant_id = $1 AND retry_at > now()) AS retry_in_ms`,
    [tenantId, owner, Math.ceil(leaseMs)],
  );
  if (row?.through != null) {
    return { cursor: { deliveredThrough: BigInt(row.through), attempts: Number(row.attempts ?? 0), prunedThrough: BigInt(row.pruned ?? '0') } };
  }
  if (row?.retry_in_ms != null) return { retryInMs: Math.max(0, Number(row.retry_in_ms)) };
  return { leased: true };
}

/**
 * Moves the cursor forward to `through` (never back) and renews the lease, or gives it up with `release`. False when
 * the lease is no longer ours (it expired and another replica took it): the caller must stop delivering.
 */
export async function advanceWebhookCursor(
  sql: Sql,
  tenantId: string,
  owner: string,
  through: bigint,
  o: { leaseMs: number; release?: boolean },
): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE ca_webhook_cursors SET
       attempts = CASE WHEN $3::bigint > delivered_through THEN 0 ELSE attempts END,
       retry_at = CASE WHEN $3::bigint > delivered_through THEN NULL ELSE retry_at END,
       delivered_through = greatest(delivered_through, $3::bigint),
       lease_owner = CASE WHEN $5::boolean THEN NULL ELSE lease_owner END,
       lease_until = CASE WHEN $5::boolean THEN NULL ELSE now() + $4::int * interval '1 millisecond' END
     WHERE tenant_id = $1 AND lease_owner = $2
     RETURNING 1 AS ok`,
    [tenantId, owner, through.toString(), Math.ceil(o.leaseMs), o.release === true],
  );
  return rows.length > 0;
}

/**
 * Records a failed attempt of the event after `through` and when to try it again, and gives up the lease meanwhile:
 * whichever replica claims the cursor once `retryInMs` has passed carries on, with the attempts counted so far.
 */
export async function deferWebhookCursor(sql: Sql, tenantId: string, owner: string, through: bigint, attempts: number, retryInMs: number): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE ca_webhook_cursors SET
       delivered_through = greatest(delivered_through, $3::bigint), attempts = $4,
       retry_at = now() + $5::int * interval '1 millisecond', lease_owner = NULL, lease_until = NULL
     WHERE tenant_id = $1 AND lease_owner = $2
     RETURNING 1 AS ok`,
    [tenantId, owner, through.toString(), attempts, Math.ceil(retryInMs)],
  );
  return rows.length > 0;
}

/** The tenant's cursor row as stored (operators and tests). */
export async function readWebhookCursor(
  sql: Sql,
  tenantId: string,
): Promise<{ deliveredThrough: bigint; attempts: number; retryAt: Date | null; leaseOwner: string | null; leaseUntil: Date | null } | undefined> {
  const [row] = await sql.query<{ through: string; attempts: number; retry_at: Date | null; lease_owner: string | null; lease_until: Date | null }>(
    `SELECT delivered_through::text AS through, attempts, retry_at, lease_owner, lease_until FROM ca_webhook_cursors WHERE tenant_id = $1`,
    [tenantId],
  );
  if (!row) return undefined;
  return {
    deliveredThrough: BigInt(row.through),
    attempts: Number(row.attempts),
    retryAt: row.retry_at && new Date(row.retry_at),
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until && new Date(row.lease_until),
  };
}
