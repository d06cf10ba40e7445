// Reconciliation: open orders quiet for reconcileAfterSeconds are asked about with one paged Get Results of All
// Candidates in Schedule per schedule, never one call per candidate. A failing schedule does not stop the others.
import { VendorError, type StatusUpdate, type VendorContext, type VendorOrder } from '../../core/vendor-port.js';
import type { MettlClient } from './client.js';
import { isPsychometric, type MettlConfig, type MettlPackage } from './config.js';
import { orderData } from './order-data.js';
import { resultOf } from './result.js';
import { FACT_STATUS, factKey, factOfResult } from './status.js';
import { parseGmt } from './time.js';
import type { TestStatus } from './wire.js';

/** Page size of Get Results of All Candidates in Schedule (MettlHelper.java asks for 500; 100 keeps pages small). */
const RESULTS_PAGE = 100;
/** Pages read per schedule per cycle, so a huge schedule cannot hold the poll job. */
const MAX_RESULT_PAGES = 50;

/** What reconciliation needs of the tenant's adapter. */
export interface RefreshDeps {
  ctx: VendorContext;
  client: MettlClient;
  config: Pick<MettlConfig, 'reconcileAfterSeconds'>;
  packageOf(order: VendorOrder): MettlPackage;
}

export async function refreshOrders(d: RefreshDeps, orders: readonly VendorOrder[]): Promise<StatusUpdate[]> {
  const { ctx } = d;
  const cutoff = ctx.now().getTime() - d.config.reconcileAfterSeconds * 1000;
  // Notifications are the normal path; only orders quiet for reconcileAfterSeconds are asked about
  // (docs/vendors/mettl.md#notifications: Mettl's retry policy is unknown, a missed graded webhook is rescued by polling).
  const due = orders.filter((o) => o.statusChangedAt.getTime() <= cutoff && (o.vendorData.accessKey || o.vendorRef));
  const updates: StatusUpdate[] = [];
  let retryable: VendorError | null = null;
  for (const [accessKey, members] of bySchedule(due)) {
    try {
      const results = await scheduleResults(d.client, accessKey, d.packageOf(members[0]!.order), new Set(members.map((m) => m.email)));
      for (const { order, email } of members) {
        const testStatus = results.get(email);
        const update = testStatus ? updateFromResult(d, order, accessKey, testStatus) : null;
        if (update) updates.push(update);
      }
    } catch (err) {
      if (!(err instanceof VendorError)) throw err;
      ctx.log.warn({ vendor: 'mettl', schedule: accessKey, orders: members.length, code: err.code, vendorCode: err.vendorCode ?? null }, 'mettl reconciliation failed');
      if (err.retryable) retryable ??= err;
    }
  }
  // Nothing learnt and the vendor looked down: let the job runner back off and retry.
  if (retryable && updates.length === 0) throw retryable;
  return updates;
}

/** Orders by schedule access key, each with its lower-case email; orders with no schedule are left out. */
function bySchedule(due: readonly VendorOrder[]): Map<string, { order: VendorOrder; email: string }[]> {
  const out = new Map<string, { order: VendorOrder; email: string }[]>();
  for (const order of due) {
    try {
      const { accessKey, email } = orderData(order);
      out.set(accessKey, [...(out.get(accessKey) ?? []), { order, email: email.toLowerCase() }]);
    } catch (err) {
      if (!(err instanceof VendorError)) throw err;
    }
  }
  return out;
}

/** docs/vendors/mettl.md#results: for psychometric reports ask for the recommendation and the response style too. */
const resultParams = (pkg: MettlPackage): Record<string, string> =>
  isPsychometric(pkg) ? { ir: JSON.stringify({ recommendation: true }), rs: 'true' } : {};

/**
 * Every candidate's testStatus in one schedule, by lower-case email: follows `paging.next` until it is null, never
 * stopping at a page shorter than asked (Mettl may cap pages, docs/vendors/mettl.md#results-of-all-candidates).
 */
async function scheduleResults(
  client: MettlClient,
  accessKey: string,
  pkg: MettlPackage,
  wanted: ReadonlySet<string>,
): Promise<Map<string, TestStatus>> {
  const out = new Map<string, TestStatus>();
  let offset = 0;
  for (let page = 0; page < MAX_RESULT_PAGES; page++) {
    const res = await client.scheduleResults(accessKey, RESULTS_PAGE, offset, resultParams(pkg));
    for (const r of res.candidates) if (r.testStatus) out.set(r.email.toLowerCase(), r.testStatus);
    if (res.nextOffset === null || [...wanted].every((e) => out.has(e))) break;
    // A `next` URL without a readable offset: go on from what was read (an empty page then ends it).
    const next = res.nextOffset >= 0 ? res.nextOffset : offset + res.candidates.length;
    if (next <= offset) break;
    offset = next;
  }
  return out;
}

function updateFromResult(d: RefreshDeps, order: VendorOrder, accessKey: string, ts: TestStatus): StatusUpdate | null {
  const fact = factOfResult({ status: ts.status, completionMode: ts.completionMode, hasResult: Boolean(ts.result) });
  if (fact === null) return null;
  const at = fact === 'start' || fact === 'resume' ? parseGmt(ts.start_time_GMT) : fact === 'registered' ? null : parseGmt(ts.end_time_GMT);
  const update: StatusUpdate = {
    match: { orderId: order.id },
    status: FACT_STATUS[fact],
    vendorStatus: ts.completionMode && ts.completionMode !== ts.status ? `${ts.status}/${ts.completionMode}` : (ts.status ?? fact),
    vendorTime: at ?? d.ctx.now(),
    dedupeKey: factKey(fact, at, accessKey),
    raw: ts,
  };
  if (fact === 'graded' || fact === 'graded-expired') update.result = resultOf({ testStatus: ts, psychometric: isPsychometric(d.packageOf(order)) });
  return update;
}
