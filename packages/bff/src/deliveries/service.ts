// Inbound vendor deliveries: notifications, per-order pings and candidates returning from a vendor.
// Authenticates first (nothing unauthenticated is stored), stores the raw delivery with its effect in one
// transaction, and is idempotent: the same delivery twice changes nothing the second time.
import { isOpenStatus, type OrderStatus, type VendorId } from '@ca/shared';
import type { Logger } from 'pino';
import type { OAuthIssuer } from '../auth/oauth.js';
import { WebhookInvalid, WebhookUnauthorized, type VendorAdapter } from '../core/vendor-port.js';
import { AppError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { ApplyOutcome, OrderService } from '../orders/service.js';
import type { Database } from '../store/db.js';
import { insertDelivery, type Delivery } from '../store/deliveries.js';
import { createGroupCommit } from '../store/group-commit.js';
import { ticketOrder } from '../store/order-lookups.js';
import type { VendorHost } from '../vendor-host/host.js';

/** An inbound HTTP request, already size-limited by the route. */
export interface InboundDelivery {
  tenantId: string;
  vendor: string;
  method: string;
  /** Stored for audit; a path carrying a ticket is stored without it. */
  path: string;
  headers: Headers;
  query: URLSearchParams;
  /** Reads the size-limited body; called only once the sender is known to this endpoint. */
  readBody(): Promise<string>;
}

/** How a stored notification changed things: `applied`, `history_only`, `duplicate` or `empty`. */
export type DeliveryOutcome = 'applied' | 'history_only' | 'duplicate' | 'empty';

export interface DeliveryServiceDeps {
  db: Database;
  orders: OrderService;
  adapters: VendorHost;
  oauth: OAuthIssuer;
  /** Polls one order soon (a hint: a ping or a returning candidate proves nothing by itself). */
  refreshOrderSoon(tenantId: string, vendor: VendorId, orderId: string): Promise<void>;
  metrics: Metrics;
  log: Logger;
  now: () => Date;
}

/** Thrown for a delivery that reached no endpoint: unknown tenant, vendor or ticket. */
export const unknownEndpoint = (message: string) => new AppError('not_found', 404, message);

export function createDeliveryService(deps: DeliveryServiceDeps) {
  const commits = deliveryCommits(deps);
  return {
    /**
     * A notification POSTed or PUT to `/hooks/{vendor}/{tenant}`. Resolves to what it changed; throws an
     * `AppError` the route answers with: 401 unauthenticated, 400 malformed or matching no order (PSI sends
     * those to a manual queue), 500 only when it could not be stored (the vendor sends it again).
     */
    async receive(d: InboundDelivery): Promise<DeliveryOutcome> {
      const arrived = commits.expect();
      try {
        return await receiveNotification(deps, commits, d, arrived);
      } finally {
        arrived();
      }
    },
    /** A per-order ping (pymetrics `callback_url`): stored, then that order is polled soon. Never a status by itself. */
    ping: (d: InboundDelivery & { ticket: string }) => receivePing(deps, d),
    /**
     * The candidate's browser back from a vendor (Berke's redirect). Proves nothing: it only asks for a
     * status check of the order its ticket names. Resolves to false for a ticket we did not issue.
     */
    candidateReturned: (tenantId: string, vendor: string, ticket: string) => candidateReturned(deps, tenantId, vendor, ticket),
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;

const count = (deps: DeliveryServiceDeps, vendor: string, outcome: string) => deps.metrics.webhooks.inc({ vendor, outcome });

/** The delivery as it is stored for audit, before its outcome is known. */
const received = (deps: DeliveryServiceDeps, d: InboundDelivery, body: string) => ({
  tenantId: d.tenantId,
  vendor: d.vendor,
  receivedAt: deps.now(),
  method: d.method,
  path: d.path,
  contentType: d.headers.get('content-type'),
  body,
});

/**
 * Concurrent notifications share transactions: each is stored and applied with the others waiting at that moment,
 * and answered once that transaction has committed.
 */
function deliveryCommits({ db, orders }: DeliveryServiceDeps) {
  return createGroupCommit({
    db,
    open: (tx) => ({ updates: orders.batch(tx), deliveries: [] as Delivery[], tx }),
    prepare: (batch) => batch.updates.load(),
    // On PostgreSQL two transactions in flight: one reads and locks while the other writes and commits. More only
    // makes batches smaller (each pays the same round trips) and all of them queue at the event log's lock anyway.
    maxConcurrent: db.kind === 'pglite' ? 1 : 2,
    // On PGlite the callers fall into two halves that alternate (one half's transaction runs on the database's thread
    // while the other half's requests are read and checked here). Started with whatever waited, as before, a
    // transaction often held one or two notifications (median 1-8 over HTTP) at several times the cost per
    // notification; waiting up to 1 ms for half of recent work made every one about 8 (test/bench, BENCH_TX_TRACE).
    ...(db.kind === 'pglite' ? { gatherMs: 1, groups: 2 } : {}),
    // One statement writes the batch's deliveries with its history, orders and events (the events last: on
    // PostgreSQL the log's lock is held until COMMIT) and commits (on PGlite's thread in the same round trip:
    // a transaction is then two, BEGIN + read, write + COMMIT).
    close: (batch) => batch.updates.flush({ deliveries: batch.deliveries, commit: true }),
  });
}

type DeliveryCommits = ReturnType<typeof deliveryCommits>;

/** `arrived` tells the group commit this delivery is about to join a transaction (or will not). */
async function receiveNotification(deps: DeliveryServiceDeps, commits: DeliveryCommits, d: InboundDelivery, arrived: () => void): Promise<DeliveryOutcome> {
  const adapter = deps.adapters.get(d.tenantId, d.vendor);
  if (!adapter?.parseWebhook) throw unknownEndpoint('No notification endpoint here.');
  await checkBearer(deps, adapter, d);
  const body = await d.readBody();
  const stored = received(deps, d, body);
  const updates = await parseNotification(deps, adapter, d, stored);
  let outcome: DeliveryOutcome | 'no_match';
  try {
    arrived();
    outcome = await commits.run(async (batch) => {
      const results: ApplyOutcome[] = [];
      for (const u of updates) results.push(await batch.updates.apply(d.tenantId, d.vendor, u, 'webhook'));
      const summary = summarize(results);
      const orderIds = results.flatMap((r) => (r.outcome === 'no_match' ? [] : [r.order.id]));
      const concernsNoOrder = summary === 'no_match' || summary === 'empty';
      // Copied with Object.assign: a spread given new keys takes a new hidden class per notification on Node 20.
      batch.deliveries.push(Object.assign({}, stored, { outcome: summary, orderIds, body: concernsNoOrder ? withheld(stored.body) : stored.body }));
      return summary;
    }, (batch) => batch.updates.prefetch(d.tenantId, d.vendor, updates));
  } catch (e) {
    count(deps, d.vendor, 'store_failed');
    deps.log.error({ tenant: d.tenantId, vendor: d.vendor, err: String((e as Error).message) }, 'could not store a vendor notification');
    throw new AppError('internal', 500, 'The notification could not be stored; send it again.', { cause: e });
  }
  count(deps, d.vendor, outcome);
  if (outcome === 'no_match') throw new AppError('no_matching_order', 400, 'No order matches this notification.');
  return outcome;
}

/** A vendor that signs in with OAuth client credentials (PSI) sends a bearer token for this tenant and vendor. */
async function checkBearer(deps: DeliveryServiceDeps, adapter: VendorAdapter, d: InboundDelivery): Promise<void> {
  if (!adapter.oauthClients) return;
  const claims = await deps.oauth.verify(d.headers.get('authorization'));
  if (!claims || claims.tenantId !== d.tenantId || claims.vendor !== d.vendor) {
    count(deps, d.vendor, 'unauthorized');
    throw new AppError('webhook_unauthorized', 401, 'A valid bearer token for this tenant is required.', {
      challenge: 'Bearer realm="candidate-assessment-hooks", error="invalid_token"',
    });
  }
}

/** The adapter's reading of the notification; its refusals become 401 or 400. */
async function parseNotification(deps: DeliveryServiceDeps, adapter: VendorAdapter, d: InboundDelivery, stored: ReturnType<typeof received>) {
  try {
    return await adapter.parseWebhook!({ method: d.method, headers: d.headers, query: d.query, body: stored.body });
  } catch (e) {
    if (e instanceof WebhookUnauthorized) {
      count(deps, d.vendor, 'unauthorized');
      throw new AppError('webhook_unauthorized', 401, e.message, { challenge: null });
    }
    if (e instanceof WebhookInvalid) {
      count(deps, d.vendor, 'invalid');
      // Authenticated by bearer token before parsing: keep it for audit. Others proved nothing yet.
      if (adapter.oauthClients) await insertDelivery(deps.db, { ...stored, outcome: 'invalid', orderIds: [] });
      throw new AppError('bad_request', 400, e.message);
    }
    throw e;
  }
}

async function receivePing(deps: DeliveryServiceDeps, d: InboundDelivery & { ticket: string }): Promise<void> {
  const { db, adapters } = deps;
  const orderId = adapters.get(d.tenantId, d.vendor) ? adapters.verifyOrderTicket('hook', d.tenantId, d.vendor, d.ticket) : null;
  // A ticket works while its order is open. Erased (or unknown, or too old): no such endpoint. Closed: a late
  // callback is answered but does nothing (nothing stored, no poll), so the vendor has no reason to resend it.
  const order = orderId ? await ticketOrder(db, orderId) : null;
  if (!orderId || !order || order.tenant_id !== d.tenantId || order.vendor !== d.vendor) throw unknownEndpoint('Unknown callback.');
  if (!isOpenStatus(order.status as OrderStatus)) {
    count(deps, d.vendor, 'ignored');
    return;
  }
  await insertDelivery(db, { ...received(deps, d, await d.readBody()), outcome: 'hint', orderIds: [orderId] });
  await deps.refreshOrderSoon(d.tenantId, d.vendor, orderId);
  count(deps, d.vendor, 'hint');
}

async function candidateReturned(deps: DeliveryServiceDeps, tenantId: string, vendor: string, ticket: string): Promise<boolean> {
  const orderId = deps.adapters.verifyOrderTicket('return', tenantId, vendor, ticket);
  const order = orderId ? await ticketOrder(deps.db, orderId) : null;
  if (!orderId || !order || order.tenant_id !== tenantId || order.vendor !== vendor) return false; // unknown, too old or erased
  if (isOpenStatus(order.status as OrderStatus)) await deps.refreshOrderSoon(tenantId, vendor, orderId); // closed: a thank-you, no check
  return true;
}

/**
 * What is kept of a notification that concerns no order of ours: its size, not its content. It may name a candidate
 * who was erased (the vendor still reports on them) or was never ours; either way there is nothing to audit it for,
 * and keeping it would bring erased data back for rawPayloadDays.
 */
function withheld(body: string): string {
  return `[not kept: the notification matched no order; ${Buffer.byteLength(body, 'utf8')} bytes]`;
}

function summarize(results: ApplyOutcome[]): DeliveryOutcome | 'no_match' {
  if (results.length === 0) return 'empty';
  if (results.some((r) => r.outcome === 'no_match')) return 'no_match';
  if (results.every((r) => r.outcome === 'duplicate')) return 'duplicate';
  return results.some((r) => r.outcome === 'applied') ? 'applied' : 'history_only';
}
