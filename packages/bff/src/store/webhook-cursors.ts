// Where each tenant's ATS webhook delivery stands in the event log: settled (delivered, given up on or parked for a
// retry) through an event id, and which replica holds the lease to deliver. Times are the database's clock, never a
// replica's. The parked retries are in store/webhook-retries.ts.
import type { Sql } from './db.js';

/** A tenant's cursor as the lease holder sees it. */
export interface WebhookCursor {
  /** Every event of the tenant up to this id was delivered, given up on or parked for a retry. */
  deliveredThrough: bigint;
  /** The highest event of the tenant that retention removed while the cursor had not reached it (0: none). */
  prunedThrough: bigint;
}

/** What a claim found: the cursor (the lease is ours), or another replica's lease. */
export type CursorClaim = { cursor: WebhookCursor } | { leased: true };

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
 * Takes (or renews) the lease on the tenant's cursor for `leaseMs` when nobody else holds an unexpired one. One
 * statement, so two replicas claiming at once cannot both win.
 */
export async function claimWebhookCursor(sql: Sql, tenantId: string, owner: string, leaseMs: number): Promise<CursorClaim> {
  const [row] = await sql.query<{ through: string; pruned: string }>(
    `UPDATE ca_webhook_cursors SET lease_owner = $2, lease_until = now() + $3::int * interval '1 millisecond'
     WHERE tenant_id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < now())
     RETURNING delivered_through::text AS through, pruned_through::text AS pruned`,
    [tenantId, owner, Math.ceil(leaseMs)],
  );
  if (!row) return { leased: true };
  return { cursor: { deliveredThrough: BigInt(row.through), prunedThrough: BigInt(row.pruned) } };
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
       delivered_through = greatest(delivered_through, $3::bigint),
       lease_owner = CASE WHEN $5::boolean THEN NULL ELSE lease_owner END,
       lease_until = CASE WHEN $5::boolean THEN NULL ELSE now() + $4::int * interval '1 millisecond' END
     WHERE tenant_id = $1 AND lease_owner = $2
     RETURNING 1 AS ok`,
    [tenantId, owner, through.toString(), Math.ceil(o.leaseMs), o.release === true],
  );
  return rows.length > 0;
}

/** The tenant's cursor row as stored (operators and tests). */
export async function readWebhookCursor(
  sql: Sql,
  tenantId: string,
): Promise<{ deliveredThrough: bigint; leaseOwner: string | null; leaseUntil: Date | null } | undefined> {
  const [row] = await sql.query<{ through: string; lease_owner: string | null; lease_until: Date | null }>(
    `SELECT delivered_through::text AS through, lease_owner, lease_until FROM ca_webhook_cursors WHERE tenant_id = $1`,
    [tenantId],
  );
  if (!row) return undefined;
  return { deliveredThrough: BigInt(row.through), leaseOwner: row.lease_owner, leaseUntil: row.lease_until && new Date(row.lease_until) };
}
