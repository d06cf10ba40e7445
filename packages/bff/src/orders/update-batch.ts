// A batch of status updates applied in one transaction: each folded through the state machine, its history row,
// order state and event written together in one statement at the end (store/batch.ts). Never commits on its own
// unless asked to with the batch's last write, and never writes to a stream.
import type { Order, OrderEvent, VendorId } from '@ca/shared';
import { isDeepStrictEqual } from 'node:util';
import type { Fact } from '../core/facts.js';
import type { StatusUpdate } from '../core/vendor-port.js';
import { writeBatch } from '../store/batch.js';
import type { Tx } from '../store/db.js';
import type { Delivery } from '../store/deliveries.js';
import type { NewEvent } from '../store/events.js';
import { listHistoryFacts, type HistoryEntry } from '../store/history.js';
import { float4, toOrder, type OrderColumns, type OrderUpdate } from '../store/orders.js';
import { findOrdersForUpdates, lockOrder, lockOrdersForUpdates, type LockedOrder, type OrderLookupKey } from '../store/update-targets.js';
import { fold, initialState, step, type OrderState } from './state-machine.js';

export type UpdateSource = 'placement' | 'webhook' | 'poll' | 'job' | 'recruiter';

export type ApplyOutcome =
  | { outcome: 'applied' | 'history_only' | 'duplicate'; order: Order; event: boolean }
  | { outcome: 'no_match' };

/** Updates applied in one transaction; see `batch()`. */
export interface UpdateBatch {
  /** Names updates the batch will apply, so `load()` can find (and on PostgreSQL lock) all their orders at once. */
  prefetch(tenantId: string, vendor: VendorId, updates: readonly StatusUpdate[]): void;
  /** Finds the orders named by `prefetch`; call it before the first `apply`. */
  load(): Promise<void>;
  apply(tenantId: string, vendor: VendorId, u: StatusUpdate, source: UpdateSource): Promise<ApplyOutcome>;
  /**
   * Writes what the batch holds, with `also.deliveries` (the notifications that carried its updates), in one
   * statement, the events last; call it once before the transaction commits. With `also.commit` it is the
   * transaction's last work and commits it (in the write's own round trip where nothing else has to follow).
   */
  flush(also?: { deliveries?: readonly Delivery[]; commit?: boolean }): Promise<void>;
}

/**
 * Applies updates inside one transaction with their writes batched. The orders of prefetched updates are found (and
 * locked) together by `load()`, one statement on PGlite, two on PostgreSQL; any other update costs one statement to
 * find and lock its order with what its history holds (two on PostgreSQL); then `flush()` writes every history row, order
 * and event of the batch in one statement (store/batch.ts), the events last. Outcomes are known before the flush;
 * they hold once the transaction commits. `oneConnection` (PGlite): orders are found without row locks.
 */
export function createUpdateBatch(tx: Tx, o: { now: () => Date; oneConnection: boolean }): UpdateBatch {
  const { now, oneConnection } = o;
  const history: HistoryEntry[] = [];
  const updates = new Map<string, OrderUpdate>();
  const events: NewEvent[] = [];
  /** Orders this batch has changed: a lookup made before that change is stale. */
  const changed = new Set<string>();
  const wanted: OrderLookupKey[] = [];
  let found = new Map<string, LockedOrder | null>();
  const keyOf = (k: OrderLookupKey) => JSON.stringify([k.tenantId, k.vendor, k.match, k.dedupeKey]);

  /** The order an update names, locked, with its history: read ahead by `load()` when that is safe, else now. */
  async function lock(tenantId: string, vendor: VendorId, u: StatusUpdate): Promise<LockedOrder | null> {
    const ahead = found.get(keyOf({ tenantId, vendor, match: u.match, dedupeKey: u.dedupeKey }));
    if (ahead !== undefined && !(ahead && changed.has(ahead.row.id))) return ahead;
    return lockOrder(tx, tenantId, vendor, u.match, u.dedupeKey, oneConnection);
  }

  /** Writes the history rows and order states held so far, with `also`, in one statement; resolves to the appended events. */
  async function writePending(also: { deliveries?: readonly Delivery[]; events?: NewEvent[]; commit?: boolean } = {}): Promise<OrderEvent[]> {
    const writes = { history: history.splice(0), updates: [...updates.values()], deliveries: also.deliveries ?? [], events: also.events ?? [] };
    const written = await writeBatch(tx, writes, also.commit);
    updates.clear();
    return written;
  }

  async function apply(tenantId: string, vendor: VendorId, incoming: StatusUpdate, source: UpdateSource): Promise<ApplyOutcome> {
    let u = incoming;
    let locked = await lock(tenantId, vendor, u);
    if (!locked && 'vendorRef' in u.match && u.match.orElse) {
      // No order has this reference: the update names its order another way too (core/vendor-port.ts OrderMatch).
      u = { ...u, match: u.match.orElse };
      locked = await lock(tenantId, vendor, u);
    }
    if (locked && updates.has(locked.row.id)) {
      // This order changed earlier in the batch: write that first, then read it again.
      await writePending();
      locked = await lockOrder(tx, tenantId, vendor, u.match, u.dedupeKey, oneConnection);
    }
    if (!locked) return { outcome: 'no_match' };
    const { row } = locked;
    const before = toOrder(row);
    if (locked.seen) return { outcome: 'duplicate', order: before, event: false };

    const receivedAt = now();
    const state = await foldedState(tx, locked, u);
    const applied = state.statusVendorTime.getTime() === u.vendorTime.getTime() && state.status === u.status;
    history.push(historyEntry(row.id, u, source, receivedAt, applied));
    const { update, after } = changeOf(row, before, state, u, receivedAt);
    updates.set(row.id, update);
    changed.add(row.id);
    const visible = !isDeepStrictEqual({ ...before, version: 0 }, { ...after, version: 0 });
    if (visible) events.push({ type: 'order.updated', order: after, at: receivedAt });
    // A later update of this batch may find the order by its new reference.
    if (update.vendorRef !== row.vendor_ref) {
      found = new Map();
      await writePending();
    }
    return { outcome: applied ? 'applied' : 'history_only', order: after, event: visible };
  }

  return {
    apply,
    prefetch(tenantId, vendor, us) {
      for (const u of us) wanted.push({ tenantId, vendor, match: u.match, dedupeKey: u.dedupeKey });
    },
    async load() {
      const keys = wanted.splice(0);
      const rows = oneConnection ? await findOrdersForUpdates(tx, keys) : await lockOrdersForUpdates(tx, keys);
      keys.forEach((k, i) => {
        if (rows[i] !== undefined) found.set(keyOf(k), rows[i]);
      });
    },
    async flush(also) {
      await writePending({ deliveries: also?.deliveries ?? [], events: events.splice(0), commit: also?.commit === true });
    },
  };
}

/**
 * The order's state with the update's fact folded in. The order holds the fold of its history. A fact at or after the
 * latest vendor time in that history folds last, so one step from the order's state gives the same result; an older
 * one refolds the whole history.
 */
async function foldedState(tx: Tx, locked: LockedOrder, u: StatusUpdate): Promise<OrderState> {
  const { row } = locked;
  // Object.assign, not a spread given more keys: on Node 20 that spread takes a new hidden class for every update once
  // optimised (1.8-5.9 % of the main thread under ingest, measured), where this is a plain copy.
  const fact: Fact = Object.assign({}, u, { progress: u.progress ?? undefined, booking: u.booking ?? undefined, result: u.result ?? undefined, error: u.error ?? undefined });
  return locked.historyThrough === null || u.vendorTime >= locked.historyThrough
    ? step(stateOf(row), fact)
    : fold(initialState(new Date(row.created_at)), withFact(await listHistoryFacts(tx, row.id), fact));
}

/** The history row an update leaves, applied or not. */
function historyEntry(orderId: string, u: StatusUpdate, source: UpdateSource, receivedAt: Date, applied: boolean): HistoryEntry {
  return {
    orderId,
    status: u.status,
    vendorStatus: u.vendorStatus,
    vendorTime: u.vendorTime,
    receivedAt,
    source,
    applied,
    dedupeKey: u.dedupeKey,
    detail: { progress: u.progress, booking: u.booking, result: u.result, error: u.error, raw: u.raw },
  };
}

/** The order's columns in `state` after the update, and the order as its event and callers see it. */
function changeOf(row: OrderColumns, before: Order, state: OrderState, u: StatusUpdate, receivedAt: Date): { update: OrderUpdate; after: Order } {
  const vendorRef = u.vendorRef ?? row.vendor_ref;
  const statusChanged = state.status !== row.status;
  // When the vendor says it happened, but never in the future and never before the previous change
  // (Mettl's whole-second times can fall before our own order time).
  const statusChangedAt = statusChanged
    ? new Date(Math.max(new Date(row.status_changed_at).getTime(), Math.min(state.statusVendorTime.getTime(), receivedAt.getTime())))
    : new Date(row.status_changed_at);
  const update: OrderUpdate = { id: row.id, ...state, statusChangedAt, vendorRef, vendorData: u.vendorData ?? null, now: receivedAt };
  const after: Order = {
    ...before,
    status: state.status,
    vendorStatus: state.vendorStatus,
    progress: float4(state.progress),
    version: before.version + 1,
    statusChangedAt: statusChangedAt.toISOString(),
    vendorRef,
    // As jsonb gives them back: no undefined members.
    booking: plain(state.booking),
    result: plain(state.result),
    error: plain(state.error),
  };
  return { update, after };
}

/** The state an order's columns hold: the fold of its history so far. */
function stateOf(row: OrderColumns): OrderState {
  return {
    status: row.status,
    vendorStatus: row.vendor_status,
    statusVendorTime: new Date(row.status_vendor_time),
    progress: row.progress === null ? null : Number(row.progress),
    booking: row.booking,
    result: row.result,
    error: row.error,
  };
}

/** History in fold order with one more fact: after every fact of the same or an earlier vendor time (ties go by arrival). */
function withFact(facts: Fact[], fact: Fact): Fact[] {
  const at = facts.findIndex((f) => f.vendorTime > fact.vendorTime);
  return at < 0 ? [...facts, fact] : [...facts.slice(0, at), fact, ...facts.slice(at)];
}

/** A value as it reads back from jsonb: no undefined members. */
const plain = <T>(v: T | null): T | null => (v === null || v === undefined ? null : (JSON.parse(JSON.stringify(v)) as T));
