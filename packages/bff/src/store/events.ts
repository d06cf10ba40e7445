// The append-only event log: the one source the SSE hub and outbound webhooks read. Appends are
// serialised by an advisory lock so ids commit in order and a reader at "id > N" never skips one.
import type { EventType, Order, OrderEvent } from '@ca/shared';
import type { Sql } from './db.js';
import { json } from './json.js';

/** NOTIFY channel announcing new events (lower case: mixed case misses pg_notify, docs/architecture.md#event-log). */
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
  return (await appendEvents(tx, [{ type, order, at }]))[0]!;
}

export interface NewEvent {
  type: EventType;
  order: Order;
  at: Date;
}

/**
 * Appends events in the given order inside the caller's transaction, and announces the newest id on commit, in one
 * statement. The lock is taken before any id is drawn and held until COMMIT, so ids commit in order across
 * replicas; callers append last, just before COMMIT, to hold it briefly. (PGlite runs one transaction at a time:
 * there the lock costs nothing and changes nothing.)
 */
export async function appendEvents(tx: Sql, events: readonly NewEvent[]): Promise<OrderEvent[]> {
  if (events.length === 0) return [];
  const rows = await tx.query<AppendedRow>(`WITH ins AS (${eventsInsert('$1')}) ${eventsAnnounced('ins', '$2')}`, [eventsParam(events), EVENTS_CHANNEL]);
  return appended(events, rows);
}

// appendEvents as statement parts, so store/batch.ts can append in the statement that writes the rest of a batch.

/**
 * The INSERT of events given as JSON parameter `param`, in array order, after taking the log's lock (before any id
 * is drawn; held until COMMIT). Rows come back in insertion order, the order of the array (a function scan, no sort).
 */
export const eventsInsert = (param: string) =>
  `INSERT INTO ca_events (tenant_id, candidate_id, order_id, type, payload, at)
   SELECT e->>'tenant_id', e->>'candidate_id', e->>'order_id', e->>'type', e->'payload', (e->>'at')::timestamptz
   FROM (SELECT pg_advisory_xact_lock(727274002)) AS lock, jsonb_array_elements(${param}::jsonb) WITH ORDINALITY AS x(e, n)
   ORDER BY x.n
   RETURNING id, order_id`;

/** The rows of CTE `cte` (an `eventsInsert`), with the newest id announced on channel parameter `channel` at COMMIT. */
export const eventsAnnounced = (cte: string, channel: string) =>
  `SELECT id::text AS id, order_id, pg_notify(${channel}, (SELECT max(id) FROM ${cte})::text) IS NULL AS announced FROM ${cte} ORDER BY ${cte}.id`;

export const eventsParam = (events: readonly NewEvent[]) =>
  json(events.map((e) => ({ tenant_id: e.order.tenantId, candidate_id: e.order.candidateId, order_id: e.order.id, type: e.type, payload: e.order, at: e.at })));

export interface AppendedRow {
  id: string;
  order_id: string;
}

/** The appended events, from the rows `eventsAnnounced` gave back. */
export function appended(events: readonly NewEvent[], rows: readonly AppendedRow[]): OrderEvent[] {
  if (rows.length !== events.length || rows.some((r, i) => r.order_id !== events[i]!.order.id)) throw new Error('event log insert returned rows out of order');
  return events.map((e, i) => ({
    id: rows[i]!.id,
    type: e.type,
    orderId: e.order.id,
    candidateId: e.order.candidateId,
    tenantId: e.order.tenantId,
    order: e.order,
    at: e.at.toISOString(),
  }));
}

export interface EventFilter {
  tenantId: string;
  /** Absent: the whole tenant (API key streams). */
  candidateId?: string | undefined;
}

/** The columns an `EventRow` reads. */
const EVENT_COLS = `id::text AS id, tenant_id, candidate_id, order_id, type, payload, at`;

/** The events with these ids that the log still holds, oldest first (the ATS webhook deliveries of a batch of jobs). */
export async function eventsByIds(sql: Sql, ids: readonly string[]): Promise<OrderEvent[]> {
  const rows = await sql.query<EventRow>(
    `SELECT ${EVENT_COLS} FROM ca_events WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint) ORDER BY id`,
    [JSON.stringify(ids)],
  );
  return rows.map(toEvent);
}

/** Events after `afterId` (and up to `throughId` when given), oldest first; without a filter, every tenant's (the hub's own feed). */
export async function eventsAfter(sql: Sql, afterId: bigint, limit: number, filter?: EventFilter, throughId?: bigint): Promise<OrderEvent[]> {
  const { where, params } = range(afterId, throughId, filter);
  const rows = await sql.query<EventRow>(`SELECT ${EVENT_COLS} FROM ca_events WHERE ${where} ORDER BY ca_events.id LIMIT $${params.length + 1}`, [...params, limit]);
  return rows.map(toEvent);
}

/**
 * A tenant's events after `afterId` that are not parked for an ATS webhook retry (store/webhook-retries.ts), oldest
 * first, and the newest id in the whole log, read in one statement (one snapshot): when fewer than `limit` come back,
 * every event of the tenant up to `newest` is among them or parked (ids commit in order), so a reader that has handled
 * them may move past `newest`.
 */
export async function tenantEventsAfter(sql: Sql, tenantId: string, afterId: bigint, limit: number): Promise<{ events: OrderEvent[]; newest: bigint }> {
  const rows = await sql.query<EventRow & { newest: string | null }>(
    `SELECT e.*, (SELECT max(id)::text FROM ca_events) AS newest
     FROM (SELECT ${EVENT_COLS} FROM ca_events WHERE tenant_id = $1 AND ca_events.id > $2
             AND NOT EXISTS (SELECT 1 FROM ca_webhook_retries r WHERE r.tenant_id = $1 AND r.event_id = ca_events.id)
           ORDER BY ca_events.id LIMIT $3) AS e
     RIGHT JOIN (SELECT 1) AS one ON true ORDER BY e.id::bigint`,
    [tenantId, afterId.toString(), limit],
  );
  const newest = BigInt(rows[0]?.newest ?? '0');
  return { events: rows.filter((r) => r.id !== null).map(toEvent), newest };
}

/**
 * What a resume from `afterId` would cost: the highest pruned id, and how many events of `filter` lie in
 * (afterId, throughId], counted no further than `limit` (an index range scan; 0 skips the count). One round trip.
 */
export async function replayGap(
  sql: Sql,
  filter: EventFilter,
  afterId: bigint,
  throughId: bigint,
  limit: number,
): Promise<{ prunedThrough: bigint; events: number }> {
  const { where, params } = range(afterId, throughId, filter);
  const rows = await sql.query<{ pruned: string | null; n: string }>(
    `SELECT (SELECT value FROM ca_meta WHERE name = 'events_pruned_through') AS pruned,
       (SELECT count(*) FROM (SELECT 1 FROM ca_events WHERE ${where} LIMIT $${params.length + 1}) AS x)::text AS n`,
    [...params, limit],
  );
  return { prunedThrough: BigInt(rows[0]?.pruned ?? '0'), events: Number(rows[0]?.n ?? 0) };
}

function range(afterId: bigint, throughId: bigint | undefined, filter: EventFilter | undefined): { where: string; params: unknown[] } {
  const params: unknown[] = [afterId.toString()];
  const parts = ['id > $1'];
  if (throughId !== undefined) parts.push(`id <= $${params.push(throughId.toString())}`);
  if (filter) parts.push(`tenant_id = $${params.push(filter.tenantId)}`);
  if (filter?.candidateId !== undefined) parts.push(`candidate_id = $${params.push(filter.candidateId)}`);
  return { where: parts.join(' AND '), params };
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

/**
 * Deletes events older than `before`, remembering the highest id removed, and for each tenant's ATS webhook cursor that
 * had not reached them, the highest of its events removed (webhooks/dispatcher.ts logs what it could not deliver).
 */
export async function pruneEvents(db: { transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> }, before: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string | null; n: string }>(
      `WITH d AS (DELETE FROM ca_events WHERE at < $1 RETURNING id, tenant_id),
     w AS (UPDATE ca_webhook_cursors c SET pruned_through = greatest(c.pruned_through, p.id)
           FROM (SELECT tenant_id, max(id) AS id FROM d GROUP BY tenant_id) AS p
           WHERE c.tenant_id = p.tenant_id AND c.delivered_through < p.id)
     SELECT max(id)::text AS id, count(*)::text AS n FROM d`,
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
