// The append-only event log: the one source the SSE hub and outbound webhooks read. Appends are
// serialised by an advisory lock so ids commit in order and a reader at "id > N" never skips one.
import type { EventType, Order, OrderEvent } from '@ca/shared';
import type { Sql } from './db.js';
import { json } from './orders.js';

/** NOTIFY channel announcing new events (lower case: mixed case misses pg_notify, DESIGN.md §6). */
export const EVENTS_CHANNEL = 'ca_events';

interface EventRow {
  id: string;
  tenant_id: string;
  candidate_id: string;
  order_id: string;
  type: EventType;
  payload: Order;
  at: Date;
}

const toEvent = (r: EventRow): OrderEvent => ({
  id: String(r.id),
  type: r.type,
  orderId: r.order_id,
  candidateId: r.candidate_id,
  tenantId: r.tenant_id,
  order: r.payload,
  at: new Date(r.at).toISOString(),
});

/** Appends one event inside the caller's transaction and announces it on commit. */
export async function appendEvent(tx: Sql, type: EventType, order: Order, at: Date): Promise<OrderEvent> {
  await tx.query(`SELECT pg_advisory_xact_lock(727274002)`);
  const rows = await tx.query<EventRow>(
    `INSERT INTO ca_events (tenant_id, candidate_id, order_id, type, payload, at) VALUES ($1,$2,$3,$4,$5,$6)
     RETURNING id::text AS id, tenant_id, candidate_id, order_id, type, payload, at`,
    [order.tenantId, order.candidateId, order.id, type, json(order), at],
  );
  const row = rows[0]!;
  await tx.query(`SELECT pg_notify($1, $2)`, [EVENTS_CHANNEL, row.id]);
  return toEvent(row);
}

export interface EventFilter {
  tenantId: string;
  /** Absent: the whole tenant (API key streams). */
  candidateId?: string | undefined;
}

/** Events after `afterId`, oldest first; without a filter, every tenant's (the hub's own feed). */
export async function eventsAfter(sql: Sql, afterId: bigint, limit: number, filter?: EventFilter): Promise<OrderEvent[]> {
  const cols = `id::text AS id, tenant_id, candidate_id, order_id, type, payload, at`;
  let rows: EventRow[];
  if (!filter) {
    rows = await sql.query<EventRow>(`SELECT ${cols} FROM ca_events WHERE id > $1 ORDER BY ca_events.id LIMIT $2`, [afterId.toString(), limit]);
  } else if (filter.candidateId === undefined) {
    rows = await sql.query<EventRow>(`SELECT ${cols} FROM ca_events WHERE tenant_id = $1 AND id > $2 ORDER BY ca_events.id LIMIT $3`, [
      filter.tenantId,
      afterId.toString(),
      limit,
    ]);
  } else {
    rows = await sql.query<EventRow>(
      `SELECT ${cols} FROM ca_events WHERE tenant_id = $1 AND candidate_id = $2 AND id > $3 ORDER BY ca_events.id LIMIT $4`,
      [filter.tenantId, filter.candidateId, afterId.toString(), limit],
    );
  }
  return rows.map(toEvent);
}

export async function lastEventId(sql: Sql): Promise<bigint> {
  const rows = await sql.query<{ id: string | null }>(`SELECT max(id)::text AS id FROM ca_events`);
  return BigInt(rows[0]?.id ?? '0');
}

/** Highest id that pruning removed: a client resuming from below it may have missed events. */
export async function prunedThrough(sql: Sql): Promise<bigint> {
  const rows = await sql.query<{ value: string }>(`SELECT value FROM ca_meta WHERE name = 'events_pruned_through'`);
  return BigInt(rows[0]?.value ?? '0');
}

/** Deletes events older than `before`, remembering the highest id removed. */
export async function pruneEvents(db: { transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> }, before: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string | null; n: string }>(
      `WITH d AS (DELETE FROM ca_events WHERE at < $1 RETURNING id) SELECT max(id)::text AS id, count(*)::text AS n FROM d`,
      [before],
    );
    const maxId = rows[0]?.id;
    if (maxId) {
      await tx.query(
        `INSERT INTO ca_meta (name, value) VALUES ('events_pruned_through', $1)
         ON CONFLICT (name) DO UPDATE SET value = GREATEST(ca_meta.value::bigint, EXCLUDED.value::bigint)::text`,
        [maxId],
      );
    }
    return Number(rows[0]?.n ?? 0);
  });
}
