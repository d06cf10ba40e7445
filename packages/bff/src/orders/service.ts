// The order service: the one writer of orders. Applies status updates through the state machine and
// appends the event in the same transaction. Knows no vendor wire format and never writes to a stream.
import type { CandidateInfo, JobInfo, Order, OrderEvent, VendorId } from '@ca/shared';
import { createHash } from 'node:crypto';
import { customAlphabet } from 'nanoid';
import type { Database, Sql, Tx } from '../store/db.js';
import { isDeepStrictEqual } from 'node:util';
import { writeBatch } from '../store/batch.js';
import type { Delivery } from '../store/deliveries.js';
import { appendEvent, type NewEvent } from '../store/events.js';
import { createGroupCommit } from '../store/group-commit.js';
import { listHistoryFacts, type HistoryEntry } from '../store/history.js';
import { findIdempotency, insertIdempotency } from '../store/idempotency.js';
import { getOrder } from '../store/order-lookups.js';
import { float4, insertOrder, toOrder, type OrderColumns, type OrderRow, type OrderUpdate } from '../store/orders.js';
import { findOrdersForUpdates, lockOrder, lockOrdersForUpdates, type LockedOrder, type OrderLookupKey } from '../store/update-targets.js';
import type { Fact } from '../core/facts.js';
import type { OrderChange, StatusUpdate } from '../core/vendor-port.js';
import { idempotencyConflict } from '../errors.js';
import { fold, initialState, step, type OrderState } from './state-machine.js';

/** Order ids: 21 url-safe characters (nanoid), prefixed so they read as ours in vendor consoles. */
const newId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 20);
export const newOrderId = () => `o_${newId()}`;

export type UpdateSource = 'placement' | 'webhook' | 'poll' | 'job' | 'recruiter';

export type ApplyOutcome =
  | { outcome: 'applied' | 'history_only' | 'duplicate'; order: Order; event: boolean }
  | { outcome: 'no_match' };

export interface CreateOrderInput {
  tenantId: string;
  candidateId: string;
  candidate: CandidateInfo;
  job?: JobInfo | undefined;
  actor?: string | undefined;
  packageId: string;
  packageName: string;
  vendor: VendorId;
  vendorName: string;
  idempotencyKey?: string | undefined;
  /** A retake: the order this one is a new attempt of. */
  retakeOf?: string | undefined;
}

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

export interface OrderServiceDeps {
  db: Database;
  now: () => Date;
  /**
   * Enqueues the durable placement job inside the order's transaction, so an accepted order always has its job. A port
   * the composition root fills (jobs/placement.ts): the order service knows no job queue.
   */
  enqueuePlacement: EnqueuePlacement;
}

export type EnqueuePlacement = (tx: Sql, orderId: string) => Promise<void>;

class IdempotencyRace extends Error {}

export function createOrderService(deps: OrderServiceDeps) {
  const { db, now } = deps;
  const oneConnection = db.kind === 'pglite';

  /** Hash of what makes two order requests "the same request" for an Idempotency-Key. */
  const requestHash = (i: CreateOrderInput) =>
    createHash('sha256').update(JSON.stringify(i.retakeOf ? [i.candidateId, i.packageId, i.retakeOf] : [i.candidateId, i.packageId])).digest('base64url');

  // Concurrent creations share transactions (store/group-commit.ts): each answers once its transaction has committed,
  // a failed shared transaction is retried one creation at a time, so a refused one (idempotency conflict) fails alone.
  // Inside one transaction a second request with the same Idempotency-Key sees the first one's key row.
  const creates = createGroupCommit<{ tx: Sql }>({ db, open: (tx) => ({ tx }), close: async () => {} });

  async function create(input: CreateOrderInput): Promise<{ order: Order; created: boolean }> {
    const hash = requestHash(input);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await creates.run(async ({ tx }) => {
          if (input.idempotencyKey) {
            const seen = await findIdempotency(tx, input.tenantId, input.idempotencyKey);
            if (seen) {
              if (seen.request_hash !== hash) throw idempotencyConflict();
              const row = await getOrder(tx, seen.order_id);
              return { order: toOrder(row!), created: false };
            }
          }
          const at = now();
          const row = await insertOrder(tx, { ...input, id: newOrderId(), now: at });
          if (input.idempotencyKey && !(await insertIdempotency(tx, input.tenantId, input.idempotencyKey, hash, row.id, at))) {
            throw new IdempotencyRace(); // another request claimed the key between our read and write: roll back, read theirs
          }
          const order = toOrder(row);
          await appendEvent(tx, 'order.created', order, at);
          await deps.enqueuePlacement(tx, row.id);
          return { order, created: true };
        });
      } catch (err) {
        if (!(err instanceof IdempotencyRace)) throw err;
      }
    }
    throw new Error('idempotency key contention did not settle');
  }

  /**
   * Applies updates inside one transaction with their writes batched. The orders of prefetched updates are found (and
   * locked) together by `load()`, one statement on PGlite, two on PostgreSQL; any other update costs one statement to
   * find and lock its order with what its history holds (two on PostgreSQL); then `flush()` writes every history row, order
   * and event of the batch in one statement (store/batch.ts), the events last. Outcomes are known before the flush;
   * they hold once the transaction commits.
   */
  function batch(tx: Tx): UpdateBatch {
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

    async function apply(tenantId: string, vendor: VendorId, u: StatusUpdate, source: UpdateSource): Promise<ApplyOutcome> {
      let locked = await lock(tenantId, vendor, u);
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
      const fact: Fact = { ...u, progress: u.progress ?? undefined, booking: u.booking ?? undefined, result: u.result ?? undefined, error: u.error ?? undefined };
      // The order holds the fold of its history. A fact at or after the latest vendor time in that history folds
      // last, so one step from the order's state gives the same result; an older one refolds the whole history.
      const state =
        locked.historyThrough === null || u.vendorTime >= locked.historyThrough
          ? step(stateOf(row), fact)
          : fold(initialState(new Date(row.created_at)), withFact(await listHistoryFacts(tx, row.id), fact));
      const applied = state.statusVendorTime.getTime() === u.vendorTime.getTime() && state.status === u.status;
      history.push({
        orderId: row.id,
        status: u.status,
        vendorStatus: u.vendorStatus,
        vendorTime: u.vendorTime,
        receivedAt,
        source,
        applied,
        dedupeKey: u.dedupeKey,
        detail: { progress: u.progress, booking: u.booking, result: u.result, error: u.error, raw: u.raw },
      });
      const vendorRef = u.vendorRef ?? row.vendor_ref;
      const statusChanged = state.status !== row.status;
      // When the vendor says it happened, but never in the future and never before the previous change
      // (Mettl's whole-second times can fall before our own order time).
      const statusChangedAt = statusChanged
        ? new Date(Math.max(new Date(row.status_changed_at).getTime(), Math.min(state.statusVendorTime.getTime(), receivedAt.getTime())))
        : new Date(row.status_changed_at);
      updates.set(row.id, { id: row.id, ...state, statusChangedAt, vendorRef, vendorData: u.vendorData ?? null, now: receivedAt });
      changed.add(row.id);
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
      const visible = !isDeepStrictEqual({ ...before, version: 0 }, { ...after, version: 0 });
      if (visible) events.push({ type: 'order.updated', order: after, at: receivedAt });
      // A later update of this batch may find the order by its new reference.
      if (vendorRef !== row.vendor_ref) {
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

  /** Appends an `order.updated` event for a change made beside the fold (a recruiter's reminder), in the caller's transaction. */
  async function announce(tx: Sql, order: Order, at: Date): Promise<void> {
    await appendEvent(tx, 'order.updated', order, at);
  }

  /** Applies one update inside the caller's transaction. */
  async function applyIn(tx: Tx, tenantId: string, vendor: VendorId, u: StatusUpdate, source: UpdateSource): Promise<ApplyOutcome> {
    const b = batch(tx);
    const out = await b.apply(tenantId, vendor, u, source);
    await b.flush();
    return out;
  }

  return {
    create,
    batch,
    applyIn,
    announce,
    /** Applies updates, each in its own transaction, so one bad update does not hold back the rest. */
    async apply(tenantId: string, vendor: VendorId, updates: readonly StatusUpdate[], source: UpdateSource): Promise<ApplyOutcome[]> {
      const out: ApplyOutcome[] = [];
      for (const u of updates) out.push(await db.transaction((tx) => applyIn(tx, tenantId, vendor, u, source)));
      return out;
    },
    /** Records the vendor's answer to placing an order. */
    async placed(order: OrderRow, change: OrderChange & { vendorRef: string }): Promise<ApplyOutcome> {
      return db.transaction((tx) => applyIn(tx, order.tenant_id, order.vendor, { ...change, match: { orderId: order.id } }, 'placement'));
    },
    /** Ends an order the vendor refused for good, with the reason a recruiter will read. */
    async fail(order: OrderRow, error: { code: string; message: string }): Promise<ApplyOutcome> {
      const at = now();
      return db.transaction((tx) =>
        applyIn(
          tx,
          order.tenant_id,
          order.vendor,
          { match: { orderId: order.id }, status: 'failed', vendorStatus: 'error', vendorTime: at, dedupeKey: `failed:${at.toISOString()}`, error },
          'job',
        ),
      );
    },
  };
}

export type OrderService = ReturnType<typeof createOrderService>;

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
