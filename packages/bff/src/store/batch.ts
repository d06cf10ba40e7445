// The writes of a batch of updates in one statement: history rows, order states, the deliveries that carried them
// and the events they make, as data-modifying CTEs (each over one JSON parameter). One round trip instead of four
// per batch: on PostgreSQL each costs a socket write and a wake-up of the server, on PGlite a turn of its protocol.
// Every part touches its own table, so running them in one snapshot changes nothing they do.
import { deliveriesInsert, deliveriesParam, type Delivery } from './deliveries.js';
import type { Tx } from './db.js';
import { appended, EVENTS_CHANNEL, eventsAnnounced, eventsInsert, eventsParam, type AppendedRow, type NewEvent } from './events.js';
import { historyInsert, historyParam, type HistoryEntry } from './history.js';
import { ordersUpdate, ordersUpdateParam, type OrderUpdate } from './orders.js';
import type { OrderEvent } from '@ca/shared';

export interface BatchWrites {
  history: readonly HistoryEntry[];
  updates: readonly OrderUpdate[];
  deliveries: readonly Delivery[];
  /** Appended last, in this order; the log's lock is held from here to COMMIT. */
  events: readonly NewEvent[];
}

/**
 * Writes a batch in one statement inside the caller's transaction; resolves to the appended events. With `commit`,
 * the statement is the transaction's last and commits it (when there is nothing to write, the caller's
 * transaction commits as usual).
 */
export async function writeBatch(tx: Tx, w: BatchWrites, commit = false): Promise<OrderEvent[]> {
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  const parts: string[] = [];
  if (w.history.length) parts.push(`h AS (${historyInsert(param(historyParam(w.history)))})`);
  if (w.updates.length) parts.push(`u AS (${ordersUpdate(param(ordersUpdateParam(w.updates)))})`);
  if (w.deliveries.length) parts.push(`d AS (${deliveriesInsert(param(deliveriesParam(w.deliveries)))})`);
  if (w.events.length) parts.push(`ins AS (${eventsInsert(param(eventsParam(w.events)))})`);
  if (parts.length === 0) return [];
  // Data-modifying CTEs run whether or not the final SELECT reads them.
  const last = w.events.length ? eventsAnnounced('ins', param(EVENTS_CHANNEL)) : `SELECT NULL::text AS id, NULL::text AS order_id WHERE false`;
  const text = `WITH ${parts.join(',\n')}\n${last}`;
  const rows = commit ? await tx.queryAndCommit<AppendedRow>(text, params) : await tx.query<AppendedRow>(text, params);
  return appended(w.events, rows);
}
