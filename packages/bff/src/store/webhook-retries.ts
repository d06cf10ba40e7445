// ATS webhook deliveries parked for a retry: an event whose delivery failed waits here, with its failed attempts and
// the time of its next one, while the tenant's cursor moves past it. Every write is the lease holder's (the tenant's
// cursor row names it), so one replica at a time retries a tenant's events. Times are the database's clock.
import type { Sql } from './db.js';

/** A parked delivery whose retry is due. */
export interface DueRetry {
  eventId: string;
  /** Failed attempts so far (1 after the first). */
  attempts: number;
}

/** True where `$1` is the tenant and `$2` the owner of its cursor's lease. */
const LEASE_IS_OURS = `EXISTS (SELECT 1 FROM ca_webhook_cursors c WHERE c.tenant_id = $1 AND c.lease_owner = $2)`;

/**
 * Parks the event after its first failed attempt, its retry `retryInMs` from now. False when the lease is no longer
 * ours: the event is not parked, and whoever holds the lease sends it again from the cursor.
 */
export async function parkWebhookRetry(sql: Sql, tenantId: string, owner: string, eventId: string, retryInMs: number, error: string): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO ca_webhook_retries (tenant_id, event_id, attempts, retry_at, last_error)
     SELECT $1, $3::bigint, 1, now() + $4::int * interval '1 millisecond', $5 WHERE ${LEASE_IS_OURS}
     ON CONFLICT (tenant_id, event_id) DO NOTHING
     RETURNING 1 AS ok`,
    [tenantId, owner, eventId, Math.ceil(retryInMs), error],
  );
  return rows.length > 0;
}

/** The tenant's parked deliveries whose retry is due, the longest waiting first. */
export async function dueWebhookRetries(sql: Sql, tenantId: string, limit: number): Promise<DueRetry[]> {
  const rows = await sql.query<{ event_id: string; attempts: number }>(
    `SELECT event_id::text AS event_id, attempts FROM ca_webhook_retries WHERE tenant_id = $1 AND retry_at <= now()
     ORDER BY retry_at, event_id LIMIT $2`,
    [tenantId, limit],
  );
  return rows.map((r) => ({ eventId: r.event_id, attempts: Number(r.attempts) }));
}

/** Records another failed attempt of a parked delivery and the time of its next one (when the lease is ours). */
export async function rescheduleWebhookRetry(sql: Sql, tenantId: string, owner: string, r: DueRetry, retryInMs: number, error: string): Promise<void> {
  await sql.query(
    `UPDATE ca_webhook_retries SET attempts = $4, retry_at = now() + $5::int * interval '1 millisecond', last_error = $6
     WHERE tenant_id = $1 AND event_id = $3::bigint AND ${LEASE_IS_OURS}`,
    [tenantId, owner, r.eventId, r.attempts, Math.ceil(retryInMs), error],
  );
}

/** Removes a parked delivery: delivered, given up on, or its event gone from the log (when the lease is ours). */
export async function dropWebhookRetry(sql: Sql, tenantId: string, owner: string, eventId: string): Promise<void> {
  await sql.query(`DELETE FROM ca_webhook_retries WHERE tenant_id = $1 AND event_id = $3::bigint AND ${LEASE_IS_OURS}`, [tenantId, owner, eventId]);
}

/** Milliseconds until the tenant's next parked retry is due (0: one is due now); null when none is parked. */
export async function nextWebhookRetryInMs(sql: Sql, tenantId: string): Promise<number | null> {
  const [row] = await sql.query<{ ms: number | null }>(
    `SELECT ceil(extract(epoch FROM min(retry_at) - now()) * 1000)::float8 AS ms FROM ca_webhook_retries WHERE tenant_id = $1`,
    [tenantId],
  );
  return row?.ms == null ? null : Math.max(0, Number(row.ms));
}

/** The tenant's parked deliveries as stored, oldest event first (operators and tests). */
export async function readWebhookRetries(sql: Sql, tenantId: string): Promise<{ eventId: string; attempts: number; retryAt: Date; lastError: string | null }[]> {
  const rows = await sql.query<{ event_id: string; attempts: number; retry_at: Date; last_error: string | null }>(
    `SELECT event_id::text AS event_id, attempts, retry_at, last_error FROM ca_webhook_retries WHERE tenant_id = $1 ORDER BY event_id`,
    [tenantId],
  );
  return rows.map((r) => ({ eventId: r.event_id, attempts: Number(r.attempts), retryAt: new Date(r.retry_at), lastError: r.last_error }));
}
