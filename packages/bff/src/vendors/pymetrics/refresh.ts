// pymetrics polling: one get_bulk_status per batch, then one get_bulk_results for the batch's finished orders.
// Never attributes a result to an order outside the batch, and never reports a status it did not read.
import type { StatusUpdate, VendorContext, VendorOrder } from '../../core/vendor-port.js';
import type { PymetricsClient } from './client.js';
import type { AssessmentResult, AssessmentStatus } from './codec.js';
import { hasResults } from './status.js';
import { resultChange, statusChange } from './updates.js';

/** The adapter's `refresh`: placed orders (numeric pymetrics order ids) in batches of `batchSize`. */
export async function refreshOrders(
  ctx: VendorContext,
  client: PymetricsClient,
  batchSize: number,
  orders: readonly VendorOrder[],
): Promise<StatusUpdate[]> {
  const placed = orders.filter((o) => o.vendorRef && /^\d+$/.test(o.vendorRef));
  const updates: StatusUpdate[] = [];
  // One get_bulk_status call per batch (docs/vendors/pymetrics.md#statuses), even if the runner hands over more than a batch.
  for (let i = 0; i < placed.length; i += batchSize) {
    updates.push(...(await refreshBatch(ctx, client, placed.slice(i, i + batchSize))));
  }
  return updates;
}

async function refreshBatch(ctx: VendorContext, client: PymetricsClient, batch: readonly VendorOrder[]): Promise<StatusUpdate[]> {
  const refs = new Set(batch.map((o) => o.vendorRef!));
  const now = ctx.now();
  const statuses = await client.getBulkStatus([...refs]);
  const byRef = new Map<string, AssessmentStatus>();
  for (const s of statuses) if (refs.has(s.order_id) && !byRef.has(s.order_id)) byRef.set(s.order_id, s);

  const updates: StatusUpdate[] = [];
  for (const [ref, s] of byRef) {
    const change = statusChange(s, now);
    if (change) updates.push({ match: { vendorRef: ref }, ...change });
    else ctx.log.warn({ vendor: 'pymetrics', vendorRef: ref, vendorStatus: s.status }, 'undocumented pymetrics status');
  }
  const missing = [...refs].filter((r) => !byRef.has(r));
  if (missing.length) ctx.log.warn({ vendor: 'pymetrics', missing: missing.length }, 'pymetrics did not report some orders');

  const done = [...byRef.values()].filter((s) => hasResults(s.status)).map((s) => s.order_id);
  if (done.length === 0) return updates;
  const results = await client.getBulkResults(done);
  const scored = new Map<string, AssessmentResult>();
  let foreign = 0;
  for (const r of results) {
    // docs/vendors/pymetrics.md#results: results of every order sharing an external_id come back together; each belongs to its own order_id.
    if (!refs.has(r.order_id)) foreign += 1;
    else if (!scored.has(r.order_id)) scored.set(r.order_id, r);
  }
  if (foreign) ctx.log.debug({ vendor: 'pymetrics', foreign }, 'skipped results of orders outside this batch');
  for (const [ref, r] of scored) updates.push({ match: { vendorRef: ref }, ...resultChange(r, now, byRef.get(ref)) });
  const waiting = done.filter((ref) => !scored.has(ref)).length;
  // docs/vendors/pymetrics.md#results: "There may be some delay after the order reaches COMPLETED status, before assessment results are ready."
  if (waiting) ctx.log.debug({ vendor: 'pymetrics', waiting }, 'pymetrics results not ready yet');
  return updates;
}
