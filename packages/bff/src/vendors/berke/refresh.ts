// Berke polling: completions and their scores in bulk (GetCompletedAssessments, page by page through a fixed window),
// then a budget of GetAssessmentStatus per cycle, oldest-checked first, each complete one followed by
// GetCompletedAssessment for its scores. Never calls PerformAssessment to poll.
import { VendorError, type OrderChange, type StatusUpdate, type VendorContext, type VendorOrder } from '../../core/vendor-port.js';
import type { BerkeClient } from './client.js';
import { refOf } from './order-data.js';
import { completedScores, scoredChanges, statusChanges } from './status.js';
import type { BerkeCompletedAssessment } from './wire.js';

/** Completed-assessment pages read per cycle at most (2,500 completions); the rest of the window is read next cycle. */
const MAX_COMPLETED_PAGES = 50;
/** The completion window reaches back this far before the last fully read one (Berke's clock vs ours). */
const WINDOW_OVERLAP_S = 600;

export interface BerkeRefreshOptions {
  ctx: VendorContext;
  client: BerkeClient;
  /** GetAssessmentStatus calls per cycle for orders the bulk read does not settle. */
  statusChecksPerCycle: number;
  /** The package job of an order (undefined: the company's default job). */
  jobOf(order: VendorOrder): string | undefined;
}

/** The completion window being read: fixed bounds, so its pages do not shift while new completions arrive. */
interface WindowCursor {
  fromUtc: number;
  toUtc: number;
  /** The next page to read (from 1). */
  page: number;
}

/** The adapter's `refresh`, with what it remembers between cycles (window, shared bulk read, last checks). */
export function createBerkeRefresh(opts: BerkeRefreshOptions): (orders: readonly VendorOrder[]) => Promise<StatusUpdate[]> {
  const { ctx, client, jobOf } = opts;
  /** When each order was last asked about with GetAssessmentStatus (in this process), for round-robin checks. */
  const lastChecked = new Map<string, number>();
  /** Unix seconds up to which completions were read in full; completions are looked for after it. */
  let windowEnd: number | null = null;
  /** A window whose pages are not all read yet; it is finished before a new one starts. */
  let cursor: WindowCursor | null = null;
  /** One bulk read per cycle, shared by the batches the job runner splits a cycle into. */
  let bulk: { at: number; result: Promise<Map<string, BerkeCompletedAssessment>> } | null = null;

  function completedSince(placed: readonly VendorOrder[], now: Date): Promise<Map<string, BerkeCompletedAssessment>> {
    if (placed.length === 0) return Promise.resolve(new Map());
    if (bulk && now.getTime() - bulk.at < 30_000) return bulk.result;
    const result = readCompleted(placed, now);
    bulk = { at: now.getTime(), result };
    result.catch(() => {
      bulk = null;
    });
    return result;
  }

  /**
   * Pages through the window by `currentPage`/`totalPages` (docs/vendors/berke.md#completed-assessments). The window
   * moves on only once its last page is read: a failed or capped read resumes at the page it stopped at.
   */
  async function readCompleted(placed: readonly VendorOrder[], now: Date): Promise<Map<string, BerkeCompletedAssessment>> {
    if (!cursor) {
      const oldest = Math.min(...placed.map((o) => Math.floor(o.createdAt.getTime() / 1000)));
      cursor = { fromUtc: Math.max(0, (windowEnd ?? oldest) - WINDOW_OVERLAP_S), toUtc: Math.ceil(now.getTime() / 1000), page: 1 };
    }
    const out = new Map<string, BerkeCompletedAssessment>();
    try {
      for (let read = 0; read < MAX_COMPLETED_PAGES && cursor; read++) {
        const page = await client.getCompletedAssessments(cursor);
        if (page.currentPage !== cursor.page) {
          // Berke did not take our page parameter: reading on would see page 1 again and again.
          throw new VendorError(`Berke GetCompletedAssessments answered page ${page.currentPage} when asked for page ${cursor.page}.`, {
            retryable: false,
            code: 'vendor_bad_response',
          });
        }
        for (const a of page.assessment) out.set(a.sourceCandidateId.toLowerCase(), a);
        if (page.currentPage >= page.totalPages) {
          windowEnd = cursor.toUtc;
          cursor = null;
        } else cursor = { ...cursor, page: cursor.page + 1 };
      }
    } catch (err) {
      // The per-order checks still run; the window is read again from the page that failed, next cycle.
      if (!(err instanceof VendorError)) throw err;
      ctx.log.warn({ vendor: 'berke', code: err.code, vendorCode: err.vendorCode ?? null, page: cursor?.page ?? null }, 'berke GetCompletedAssessments failed');
    }
    return out;
  }

  /** Orders the bulk read did not settle, within the cycle's budget: lagging scores first, then the oldest checked. */
  function toCheck(rest: readonly VendorOrder[], completed: ReadonlyMap<string, BerkeCompletedAssessment>): VendorOrder[] {
    const first = rest.filter((o) => o.status === 'completed' || completed.has(o.vendorRef!.toLowerCase()));
    const others = rest
      .filter((o) => !first.includes(o))
      .sort((a, b) => (lastChecked.get(a.id) ?? 0) - (lastChecked.get(b.id) ?? 0))
      .slice(0, Math.max(0, opts.statusChecksPerCycle - first.length));
    return [...first, ...others];
  }

  return async function refresh(orders) {
    const placed = orders.filter((o) => o.vendorRef);
    const now = ctx.now();
    // 1. Completions with their scores in bulk: GetCompletedAssessments pages since the last window.
    const completed = await completedSince(placed, now);
    const updates: StatusUpdate[][] = [];
    const settled = new Set<string>();
    for (const order of placed) {
      const res = completed.get(order.vendorRef!.toLowerCase());
      if (!res) continue;
      const changes = scoredChanges(completedScores(res), now, jobOf(order));
      if (!changes.some((c) => c.status === 'scored')) continue;
      settled.add(order.id);
      updates.push(changes.map((c) => ({ ...c, match: { orderId: order.id } })));
    }
    // 2. The rest within the cycle's budget: completions whose scores are not in yet first, then the orders checked
    // longest ago (progress of open assessments).
    const open = toCheck(placed.filter((o) => !settled.has(o.id)), completed);
    const errors: VendorError[] = [];
    updates.push(...(await Promise.all(
      open.map(async (order) => {
        try {
          const complete = order.status === 'completed' || completed.has(order.vendorRef!.toLowerCase());
          return (await check(opts, lastChecked, order, complete, now)).map((c) => ({ ...c, match: { orderId: order.id } }));
        } catch (err) {
          errors.push(
            err instanceof VendorError ? err : new VendorError('Berke status check failed.', { retryable: true, cause: err }),
          );
          return [];
        }
      }),
    )));
    if (errors.length > 0) {
      ctx.log.warn(
        { vendor: 'berke', failed: errors.length, of: open.length, first: errors[0]!.message },
        'berke status checks failed',
      );
      // Nothing came back at all: tell the job runner the vendor is failing, so it retries or alerts.
      if (errors.length === open.length && settled.size === 0) throw errors[0]!;
    }
    for (const id of [...lastChecked.keys()]) if (!placed.some((o) => o.id === id) && lastChecked.size > 10 * placed.length) lastChecked.delete(id);
    return updates.flat();
  };
}

/**
 * One order's facts: GetAssessmentStatus, and for a complete one GetCompletedAssessment, the call its page names
 * for the scores (docs/vendors/berke.md#statuses). An order known to be complete goes straight to the scores.
 */
async function check(opts: BerkeRefreshOptions, lastChecked: Map<string, number>, order: VendorOrder, knownComplete: boolean, now: Date): Promise<OrderChange[]> {
  const { client, jobOf } = opts;
  const ref = refOf(order);
  let changes: OrderChange[] = [];
  if (!knownComplete) {
    const res = await client.getAssessmentStatus(ref);
    lastChecked.set(order.id, now.getTime());
    changes = statusChanges(res, now);
    if (!changes.some((c) => c.status === 'completed')) return changes;
  }
  const scores = await client.getCompletedAssessment(ref);
  lastChecked.set(order.id, now.getTime());
  const scored = scoredChanges(completedScores(scores), now, jobOf(order));
  return [...changes.filter((c) => c.status !== 'completed'), ...scored];
}
