// Recruiter actions on an order: cancel, remind, retake. Each uses the vendor's own call where the adapter has one
// (optional capabilities, detected) and says so where it has none. The result goes through the order service as a
// status update or a new order, so it lands in the history with the actor, in the event log, on SSE and at the ATS
// webhook like any other change. Never writes to a stream.
import type { ActionName, ActionResponse, OrderAction, OrderStatus } from '@ca/shared';
import type { Logger } from 'pino';
import { AppError, orderNotFound } from '../errors.js';
import { VendorError, type VendorActionResult } from '../core/vendor-port.js';
import { countOtherOpenOrdersWithRef, hasHistoryKey, setLastAction } from '../store/actions.js';
import type { Database, Sql, Tx } from '../store/db.js';
import { claimIdempotency, releaseIdempotency, retakeIdempotency } from '../store/idempotency.js';
import { getOrder } from '../store/order-lookups.js';
import { toOrder, type OrderRow } from '../store/orders.js';
import type { VendorHost } from '../vendor-host/host.js';
import { toVendorOrder } from '../vendor-host/vendor-order.js';
import type { OrderService } from './service.js';

/** Before the candidate finishes: withdrawing still means something. */
const CANCELLABLE: readonly OrderStatus[] = ['requested', 'invited', 'scheduled', 'in_progress'];
/** The candidate can still act on an invitation. */
const REMINDABLE: readonly OrderStatus[] = ['invited', 'scheduled', 'in_progress'];
/** The attempt is over: a new one may follow. */
const RETAKABLE: readonly OrderStatus[] = ['completed', 'scored', 'expired', 'cancelled', 'no_show', 'excused', 'failed'];

export const actionUnavailable = (message: string) => new AppError('action_unavailable', 409, message);

export interface ActionInput {
  /** The acting ATS user (the widget token's `act`); null for an API key. */
  actor: string | null;
  idempotencyKey?: string | undefined;
}

export interface ActionServiceDeps {
  db: Database;
  orders: OrderService;
  adapters: VendorHost;
  log: Logger;
  now: () => Date;
}

/** The order as it is now; 404 when it is gone (erased since the request found it). */
async function currentOrder(sql: Sql, id: string, opts: { forUpdate?: boolean } = {}): Promise<OrderRow> {
  const row = await getOrder(sql, id, opts);
  if (!row) throw orderNotFound();
  return row;
}

export function createActionService(deps: ActionServiceDeps) {
  return {
    cancel: (row: OrderRow, input: ActionInput) =>
      oncePerKey(deps, row, 'cancel', input, async () => {
        const now = await currentOrder(deps.db, row.id);
        return now.status === 'cancelled' ? cancelOrder(deps, now, input) : null;
      }, () => cancelOrder(deps, row, input)),
    remind: (row: OrderRow, input: ActionInput) =>
      oncePerKey(deps, row, 'remind', input, () => remindedBefore(deps, row, input), () => remindCandidate(deps, row, input)),
    // No vendor call: the new order and its key are written in one transaction (orders/create.ts), placed later.
    retake: (row: OrderRow, input: ActionInput) => retakeOrder(deps, row, input),
  };
}

/**
 * How long a claimed key may stay without its action recorded before another request may take it over: far longer
 * than a vendor call may take, so only a claim whose process died mid-call is taken over.
 */
const CLAIM_STALE_MS = 5 * 60_000;

const keyInUse = () =>
  new AppError('idempotency_conflict', 409, 'A request with this Idempotency-Key is still running; send it again shortly for its answer.', { retryAfterSeconds: 1 });

/**
 * Runs an action once per Idempotency-Key (docs/api.md#idempotency). The key is claimed, naming the action and the
 * order, before the vendor is called: a request with the same key then gets the first one's answer (`replay`) once
 * that is recorded, 409 with Retry-After while it still runs, and 409 when the key was used for another request. A
 * refusal before or by the vendor (an AppError: nothing was changed) gives the key back, so a retry runs again.
 */
async function oncePerKey(
  deps: ActionServiceDeps,
  row: OrderRow,
  action: 'cancel' | 'remind',
  input: ActionInput,
  replay: () => Promise<ActionResponse | null>,
  run: () => Promise<ActionResponse>,
): Promise<ActionResponse> {
  const key = input.idempotencyKey;
  if (!key) return run();
  const hash = `action:${action}:${row.id}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    const claim = await claimIdempotency(deps.db, row.tenant_id, key, hash, row.id, deps.now());
    if (!claim.claimed) {
      if (!claim.held) continue; // given back between our insert and read: claim it again
      if (claim.held.request_hash !== hash) throw new AppError('idempotency_conflict', 409, 'This Idempotency-Key was used for another request.');
      const earlier = await replay();
      if (earlier) return earlier;
      if (deps.now().getTime() - claim.held.created_at.getTime() < CLAIM_STALE_MS) throw keyInUse();
      if (!(await retakeIdempotency(deps.db, row.tenant_id, key, hash, claim.held.created_at, deps.now()))) continue;
    }
    try {
      return await run();
    } catch (err) {
      if (err instanceof AppError) await releaseIdempotency(deps.db, row.tenant_id, key, hash);
      throw err;
    }
  }
  throw keyInUse();
}

export type ActionService = ReturnType<typeof createActionService>;

const vendorName = (deps: ActionServiceDeps, row: OrderRow) => deps.adapters.displayName(row.vendor);

const stamp = (deps: ActionServiceDeps, a: ActionName, actor: string | null, vendorCall: string | null): OrderAction => ({
  action: a,
  actor,
  at: deps.now().toISOString(),
  vendorCall,
});

/** A vendor's refusal or outage as the API answers it; the order is left as it was. */
async function vendorCall<T extends VendorActionResult>(deps: ActionServiceDeps, row: OrderRow, action: ActionName, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof VendorError)) throw err;
    deps.log.warn({ order: row.id, vendor: row.vendor, action, code: err.code, vendorCode: err.vendorCode ?? null }, 'vendor refused a recruiter action');
    if (err.retryable) throw new AppError('vendor_unavailable', 503, `${vendorName(deps, row)} did not answer; nothing was changed. Try again shortly.`);
    throw new AppError('vendor_rejected', 502, `${vendorName(deps, row)} refused: ${err.message} Nothing was changed.`);
  }
}

/**
 * Records the action on the order inside one transaction: the order's `lastAction`, then one history entry with the
 * actor through the order service; a note that changes no status gets its event from `announce`.
 */
async function record(
  deps: ActionServiceDeps,
  row: OrderRow,
  action: OrderAction,
  update: { status: OrderStatus; vendorStatus: string; dedupeKey: string; raw: Record<string, unknown> },
  tx: Tx,
) {
  const { orders } = deps;
  const at = new Date(action.at);
  await setLastAction(tx, row.id, action, at);
  const out = await orders.applyIn(tx, row.tenant_id, row.vendor, { match: { orderId: row.id }, vendorTime: at, ...update }, 'recruiter');
  if (out.outcome === 'no_match') throw orderNotFound();
  const order = toOrder(await currentOrder(tx, row.id));
  if (!out.event) await orders.announce(tx, order, at); // appends the event only: the row read above stays current
  return order;
}

/** Records a note beside the status (a reminder, a retake asked for): the current status and vendor word, so it changes neither. */
async function recordNote(deps: ActionServiceDeps, row: OrderRow, action: OrderAction, dedupeKey: string, raw: Record<string, unknown>) {
  return deps.db.transaction(async (tx) => {
    const locked = await currentOrder(tx, row.id, { forUpdate: true });
    return record(deps, locked, action, { status: locked.status, vendorStatus: locked.vendor_status ?? locked.status, dedupeKey, raw }, tx);
  });
}

/** Withdraws the assessment at the vendor where it has a call for it, then marks the order cancelled. */
async function cancelOrder(deps: ActionServiceDeps, row: OrderRow, input: ActionInput): Promise<ActionResponse> {
  const { db, adapters } = deps;
  if (row.status === 'cancelled') {
    return { order: toOrder(row), action: 'cancel', changed: false, vendorCall: row.last_action?.vendorCall ?? null, message: 'This assessment was already cancelled.' };
  }
  if (!CANCELLABLE.includes(row.status)) throw actionUnavailable(`This assessment is ${row.status.replace('_', ' ')}: it can no longer be cancelled.`);
  const adapter = adapters.get(row.tenant_id, row.vendor);
  const vo = toVendorOrder(row, adapters);
  // Not placed yet: the placement job skips an order that is no longer `requested`, so nothing reaches the vendor.
  // A vendor record that another open order also uses (Berke: one assessment per candidate) is kept.
  const shared = row.vendor_ref
    ? await countOtherOpenOrdersWithRef(db, { tenantId: row.tenant_id, vendor: row.vendor, vendorRef: row.vendor_ref, exceptId: row.id })
    : 0;
  const withdraw = adapter && typeof adapter.cancel === 'function' && row.vendor_ref && vo && shared === 0;
  const done = withdraw ? await vendorCall(deps, row, 'cancel', () => adapter.cancel!(vo)) : null;
  const action = stamp(deps, 'cancel', input.actor, done?.call ?? null);
  const order = await db.transaction(async (tx) => {
    const locked = await currentOrder(tx, row.id, { forUpdate: true });
    if (locked.status === 'cancelled') return null;
    return record(deps, locked, action, {
      status: 'cancelled',
      vendorStatus: done?.call ?? 'cancelled here',
      dedupeKey: `recruiter:cancel:${action.at}`,
      raw: { action: 'cancel', actor: input.actor, vendorCall: action.vendorCall },
    }, tx);
  });
  // Cancelled by someone else meanwhile: answer as for an order already cancelled.
  if (!order) return cancelOrder(deps, await currentOrder(db, row.id), input);
  return { order, action: 'cancel', changed: true, vendorCall: action.vendorCall, message: cancelMessage(vendorName(deps, row), row, done, shared) };
}

function cancelMessage(name: string, row: OrderRow, done: VendorActionResult | null, shared: number): string {
  if (done) return `Cancelled at ${name} (${done.call}).`;
  if (shared > 0) return `Marked cancelled here only: ${name} keeps the candidate's record, which ${shared} other open assessment(s) use.`;
  if (row.vendor_ref) return `${name} has no call to withdraw an assessment: it is marked cancelled here only, and no more launch links are issued.`;
  return 'Cancelled before it reached the vendor.';
}

const remindKey = (key: string) => `recruiter:remind:${key}`;

/** The answer of a reminder already recorded under this Idempotency-Key, or null. */
async function remindedBefore(deps: ActionServiceDeps, row: OrderRow, input: ActionInput): Promise<ActionResponse | null> {
  const earlier = input.idempotencyKey ? await hasHistoryKey(deps.db, row.id, remindKey(input.idempotencyKey)) : null;
  if (!earlier) return null;
  const order = toOrder(await currentOrder(deps.db, row.id));
  // Done before under this key: an email is never sent twice; a link for the ATS to send is simply fetched again.
  if (earlier['sentBy'] !== 'ats') {
    return { order, action: 'remind', changed: false, vendorCall: String(earlier['vendorCall'] ?? ''), message: 'This reminder was already sent.', sentBy: 'vendor' };
  }
  const adapter = deps.adapters.get(row.tenant_id, row.vendor);
  const vo = toVendorOrder(row, deps.adapters);
  if (!adapter?.remind || !vo) throw actionUnavailable(`${vendorName(deps, row)} offers no way to send the invitation again.`);
  const again = await vendorCall(deps, row, 'remind', () => adapter.remind!(vo));
  return { order, action: 'remind', changed: false, vendorCall: again.call, message: 'This reminder was already recorded; here is the link again.', sentBy: 'ats', ...(again.url ? { url: again.url } : {}) };
}

/** Has the vendor send the invitation again, or hands the ATS a link to send where the vendor sends none. */
async function remindCandidate(deps: ActionServiceDeps, row: OrderRow, input: ActionInput): Promise<ActionResponse> {
  const { adapters, now } = deps;
  const name = vendorName(deps, row);
  if (!REMINDABLE.includes(row.status)) throw actionUnavailable(`This assessment is ${row.status.replace('_', ' ')}: there is no invitation to send again.`);
  const adapter = adapters.get(row.tenant_id, row.vendor);
  const vo = toVendorOrder(row, adapters);
  if (!adapter || typeof adapter.remind !== 'function' || !vo) {
    throw actionUnavailable(`${name} offers no way to send the invitation again; share the candidate's launch link instead.`);
  }
  const dedupeKey = input.idempotencyKey ? remindKey(input.idempotencyKey) : `recruiter:remind:${now().toISOString()}`;
  const sent = await vendorCall(deps, row, 'remind', () => adapter.remind!(vo));
  const action = stamp(deps, 'remind', input.actor, sent.call);
  const order = await recordNote(deps, row, action, dedupeKey, { action: 'remind', actor: input.actor, vendorCall: sent.call, sentBy: sent.sentBy });
  const message =
    sent.sentBy === 'vendor'
      ? `${name} sent the invitation again (${sent.call}).`
      : `${name} does not send reminders itself: send the candidate this link (${sent.call}).`;
  return { order, action: 'remind', changed: true, vendorCall: sent.call, message, sentBy: sent.sentBy, ...(sent.url ? { url: sent.url } : {}) };
}

/** Orders a new attempt of a finished one, and notes it on the first attempt's history. */
async function retakeOrder(deps: ActionServiceDeps, row: OrderRow, input: ActionInput): Promise<ActionResponse> {
  const name = vendorName(deps, row);
  if (!RETAKABLE.includes(row.status)) throw actionUnavailable('This attempt is still open: cancel it first, or wait until it ends.');
  if (!deps.adapters.packageOf(row.tenant_id, row.vendor, row.package_id)) throw actionUnavailable('This package is no longer in the catalog.');
  const { order, created } = await deps.orders.create({
    tenantId: row.tenant_id,
    candidateId: row.candidate_id,
    candidate: row.candidate,
    job: row.job ?? undefined,
    actor: input.actor ?? undefined,
    packageId: row.package_id,
    packageName: row.package_name,
    vendor: row.vendor,
    vendorName: name,
    idempotencyKey: input.idempotencyKey,
    retakeOf: row.id,
  });
  if (order.retakeOf !== row.id) throw new AppError('idempotency_conflict', 409, 'This Idempotency-Key was used for another request.');
  if (created) {
    // The first attempt's history says who asked for a new one, and its watchers hear of it.
    const action = stamp(deps, 'retake', input.actor, null);
    await recordNote(deps, row, action, `recruiter:retake:${order.id}`, { action: 'retake', actor: input.actor, retake: order.id });
  }
  return {
    order,
    action: 'retake',
    changed: created,
    vendorCall: null,
    message: created ? `A new attempt was ordered from ${name}.` : 'This retake was already ordered.',
  };
}
