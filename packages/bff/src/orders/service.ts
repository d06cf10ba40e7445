// The order service: the one writer of orders. Applies status updates through the state machine and
// appends the event in the same transaction. Knows no vendor wire format and never writes to a stream.
import type { CandidateInfo, JobInfo, Order, OrderEvent, VendorId } from '@ca/shared';
import { createHash } from 'node:crypto';
import { customAlphabet } from 'nanoid';
import type { Database, Sql } from '../store/db.js';
import { appendEvent } from '../store/events.js';
import {
  findIdempotency,
  findLatestOrder,
  findOrderByVendorRef,
  getOrder,
  insertHistory,
  insertIdempotency,
  insertOrder,
  listHistoryFacts,
  toOrder,
  updateOrder,
  type OrderRow,
} from '../store/orders.js';
import type { OrderChange, StatusUpdate } from '../core/vendor-port.js';
import { idempotencyConflict } from '../errors.js';
import { fold, initialState } from './state-machine.js';

/** Order ids: 21 url-safe characters (nanoid), prefixed so they read as ours in vendor consoles. */
const newId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 20);
export const newOrderId = () => `o_${newId()}`;

export type UpdateSource = 'placement' | 'webhook' | 'poll' | 'job';

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
}

export interface OrderServiceDeps {
  db: Database;
  now: () => Date;
  /** Enqueues the durable placement job inside the order's transaction. */
  enqueuePlacement: (tx: Sql, orderId: string) => Promise<void>;
  /** Called in the transaction of every appended event (outbound webhooks enqueue their delivery here). */
  onEvent?: (tx: Sql, event: OrderEvent) => Promise<void>;
}

class IdempotencyRace extends Error {}

export function createOrderService(deps: OrderServiceDeps) {
  const { db, now } = deps;

  /** Hash of what makes two order requests "the same request" for an Idempotency-Key. */
  const requestHash = (i: CreateOrderInput) =>
    createHash('sha256').update(JSON.stringify([i.candidateId, i.packageId])).digest('base64url');

  async function create(input: CreateOrderInput): Promise<{ order: Order; created: boolean }> {
    const hash = requestHash(input);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await db.transaction(async (tx) => {
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
          await deps.onEvent?.(tx, await appendEvent(tx, 'order.created', order, at));
          await deps.enqueuePlacement(tx, row.id);
          return { order, created: true };
        });
      } catch (err) {
        if (!(err instanceof IdempotencyRace)) throw err;
      }
    }
    throw new Error('idempotency key contention did not settle');
  }

  async function resolve(tx: Sql, tenantId: string, vendor: VendorId, u: StatusUpdate): Promise<OrderRow | null> {
    const m = u.match;
    if ('orderId' in m) {
      const row = await getOrder(tx, m.orderId, { forUpdate: true });
      return row && row.tenant_id === tenantId && row.vendor === vendor ? row : null;
    }
    if ('vendorRef' in m) return findOrderByVendorRef(tx, tenantId, vendor, m.vendorRef);
    const row = await findLatestOrder(tx, tenantId, m.candidateId, m.packageId);
    return row && row.vendor === vendor ? row : null;
  }

  /** Applies one update inside the caller's transaction. */
  async function applyIn(tx: Sql, tenantId: string, vendor: VendorId, u: StatusUpdate, source: UpdateSource): Promise<ApplyOutcome> {
    const row = await resolve(tx, tenantId, vendor, u);
    if (!row) return { outcome: 'no_match' };
    const receivedAt = now();
    const before = toOrder(row);
    const recorded = await insertHistory(tx, {
      orderId: row.id,
      status: u.status,
      vendorStatus: u.vendorStatus,
      vendorTime: u.vendorTime,
      receivedAt,
      source,
      applied: false,
      dedupeKey: u.dedupeKey,
      detail: { progress: u.progress, booking: u.booking, result: u.result, error: u.error, raw: u.raw },
    });
    if (!recorded) return { outcome: 'duplicate', order: before, event: false };

    const state = fold(initialState(row.created_at), await listHistoryFacts(tx, row.id));
    const vendorRef = u.vendorRef ?? row.vendor_ref;
    const vendorData = u.vendorData ? { ...row.vendor_data, ...u.vendorData } : row.vendor_data;
    const statusChanged = state.status !== row.status;
    // When the vendor says it happened, but never in the future and never before the previous change
    // (Mettl's whole-second times can fall before our own order time).
    const statusChangedAt = statusChanged
      ? new Date(Math.max(new Date(row.status_changed_at).getTime(), Math.min(state.statusVendorTime.getTime(), receivedAt.getTime())))
      : row.status_changed_at;
    const updated = await updateOrder(tx, row.id, {
      ...state,
      statusChangedAt,
      vendorRef,
      vendorData,
      now: receivedAt,
    });
    const after = toOrder(updated);
    const visible = JSON.stringify({ ...before, version: 0 }) !== JSON.stringify({ ...after, version: 0 });
    if (visible) await deps.onEvent?.(tx, await appendEvent(tx, 'order.updated', after, receivedAt));
    const applied = state.statusVendorTime.getTime() === u.vendorTime.getTime() && state.status === u.status;
    if (applied) await markApplied(tx, row.id, u.dedupeKey);
    return { outcome: applied ? 'applied' : 'history_only', order: after, event: visible };
  }

  async function markApplied(tx: Sql, orderId: string, dedupeKey: string) {
    await tx.query(`UPDATE ca_status_history SET applied = true WHERE order_id = $1 AND dedupe_key = $2`, [orderId, dedupeKey]);
  }

  return {
    create,
    applyIn,
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
