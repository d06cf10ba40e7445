// Berke polling: completions in bulk (GetCompletedAssessments pages since the last window read in full), then a
// budget of GetAssessmentStatus per cycle, oldest-checked first. Never calls PerformAssessment to poll.
import { VendorError, type StatusUpdate, type VendorContext, type VendorOrder } from '../../core/vendor-port.js';
import type { BerkeClient } from './client.js';
import { refOf } from './order-data.js';
import { toOrderChanges } from './status.js';
import type { BerkeAssessmentResponse } from './wire.js';

/** GetCompletedAssessments pages hold at most 50 assessments (docs/vendors/berke.md#polling). */
const COMPLETED_PAGE = 50;
/** Completed-assessment pages read per cycle at most (2,500 completions). */
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

/** The adapter's `refresh`, with what it remembers between cycles (window, shared bulk read, last checks). */
export function createBerkeRefresh(opts: BerkeRefreshOptions): (orders: readonly VendorOrder[]) => Promise<StatusUpdate[]> {
  const { ctx, client, jobOf } = opts;
  /** When each order was last asked about with GetAssessmentStatus (in this process), for round-robin checks. */
  const lastChecked = new Map<string, number>();
  /** Unix seconds up to which completions were read in full; completions are looked for after it. */
  let windowEnd: number | null = null;
  /** One bulk read per cycle, shared by the batches the job runner splits a cycle into. */
  let bulk: { at: number; result: Promise<Map<string, BerkeAssessmentResponse>> } | null = null;

  function completedSince(placed: readonly VendorOrder[], now: Date): Promise<Map<string, BerkeAssessmentResponse>> {
    if (placed.length === 0) return Promise.resolve(new Map());
    if (bulk && now.getTime() - bulk.at < 30_000) return bulk.result;
    const result = readCompleted(placed, now);
    bulk = { at: now.getTime(), result };
    result.catch(() => {
      bulk = null;
    });
    return result;
  }

  async function readCompleted(placed: readonly VendorOrder[], now: Date): Promise<Map<string, BerkeAssessmentResponse>> {
    const toUtc = Math.ceil(now.getTime() / 1000);
    const oldest = Math.min(...placed.map((o) => Math.floor(o.createdAt.getTime() / 1000)));
    const fromUtc = Math.max(0, (windowEnd ?? oldest) - WINDOW_OVERLAP_S);
    const out = new Map<string, BerkeAssessmentResponse>();
    try {
      for (let page = 1; page <= MAX_COMPLETED_PAGES; page++) {
        const list = await client.getCompletedAssessments({ fromUtc, toUtc, page });
        for (const a of list) out.set(a.assessmentStatus.sourceCandidateId.toLowerCase(), a);
        if (list.length < COMPLETED_PAGE) {
          windowEnd = toUtc;
          break;
        }
      }
    } catch (err) {
      // The per-order checks still run; the window is read again next cycle.
      if (!(err instanceof VendorError)) throw err;
      ctx.log.warn({ vendor: 'berke', code: err.code, vendorCode: err.vendorCode ?? null }, 'berke GetCompletedAssessments failed');
    }
    return out;
  }

  /** Orders the bulk read did not settle, within the cycle's budget: lagging scores first, then the oldest checked. */
  function toCheck(rest: readonly VendorOrder[], completed: ReadonlyMap<string, BerkeAssessmentResponse>): VendorOrder[] {
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
    // 1. Completions in bulk: GetCompletedAssessments pages since the last window (or the oldest open order).
    const completed = await completedSince(placed, now);
    const updates: StatusUpdate[][] = [];
    const settled = new Set<string>();
    for (const order of placed) {
      const res = completed.get(order.vendorRef!.toLowerCase());
      if (!res || !res.assessmentStatus.jobFitScoresAvailable || res.jobFit.length === 0) continue;
      settled.add(order.id);
      updates.push(toOrderChanges(res, now, jobOf(order)).map((c) => ({ ...c, match: { orderId: order.id } })));
    }
    // 2. GetAssessmentStatus for the rest, within the cycle's budget: completions whose scores are not in yet
    // first, then the orders checked longest ago (progress of open assessments).
    const open = toCheck(placed.filter((o) => !settled.has(o.id)), completed);
    const errors: VendorError[] = [];
    updates.push(...(await Promise.all(
      open.map(async (order) => {
        try {
          const res = await client.getAssessmentStatus(refOf(order));
          lastChecked.set(order.id, now.getTime());
          return toOrderChanges(res, now, jobOf(order)).map((c) => ({ ...c, match: { orderId: order.id } }));
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
