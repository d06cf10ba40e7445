// Berke adapter: one assessment per candidate (PerformAssessment once), polls completions in bulk with
// GetCompletedAssessments plus a budget of GetAssessmentStatus, links and reports fetched at click time.
// Orchestration only (wire in client.ts, mapping in status.ts); never calls PerformAssessment to poll.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseVendorConfig, vendorBaseUrl } from '../config.js';
import {
  VendorConfigError,
  VendorError,
  type PlacedOrder,
  type StatusUpdate,
  type VendorAdapter,
  type VendorAdapterFactory,
  type VendorOrder,
} from '../../core/vendor-port.js';
import { createBerkeClient, type BerkeAssessmentResponse, type BerkeClient } from './client.js';
import { berkeActions } from './actions.js';
import { createRateLimiter, type RateLimiter } from './limiter.js';
import { fitFor, toOrderChanges } from './status.js';

/** The tenant's `vendors.berke` block. */
export const BerkeConfig = z.object({
  /** e.g. `https://site.berkeassessment.com/api`; methods are `{baseUrl}/{MethodName}`. */
  baseUrl: vendorBaseUrl(),
  /** seed 002: "Required. 1-50 characters. Case-sensitive." Server-side only. */
  apiToken: z.string().min(1).max(50),
  /** seed 002: optional API user, 1–50 characters; null = the token's default user. */
  username: z.string().min(1).max(50).nullable().optional(),
  pollIntervalSeconds: z.number().int().positive().default(300),
  /** Client-side limit for all of this tenant's Berke calls (seed 002 sample: 120 per 60 000 ms). */
  rateLimit: z
    .object({ calls: z.number().int().positive(), perMs: z.number().int().positive() })
    .default({ calls: 120, perMs: 60_000 }),
  maxConcurrentCalls: z.number().int().positive().max(64).default(8),
  timeoutMs: z.number().int().positive().default(20_000),
  /** A 429 asking for a longer wait than this ends the call with a retryable VendorError instead. */
  maxThrottleWaitMs: z.number().int().nonnegative().default(60_000),
  refreshBatchSize: z.number().int().positive().default(1000),
  /**
   * GetAssessmentStatus calls per poll cycle for orders the bulk GetCompletedAssessments does not settle (progress of
   * open assessments, scores that lag completion), oldest-checked first. Completion itself costs one call per 50.
   */
  statusChecksPerCycle: z.number().int().nonnegative().default(100),
});
export type BerkeConfig = z.infer<typeof BerkeConfig>;

/** A Berke package: the Berke job the assessment is for (null = the company's default job). */
export const BerkePackage = z.object({
  sourceJobId: z.string().min(1).max(50).optional(),
});

/** seed 002: onAssessmentCompleteRedirectToUrl is "Null or up to 150 characters". */
export const MAX_REDIRECT_URL = 150;
/** Longest order id we expect when checking the return URL at start (ours are ~21 characters). */
const PROBE_ORDER_ID = 'o'.repeat(32);

/**
 * The sourceCandidateId of a candidate: the ATS candidate id, as seed 002 recommends ("Identifies the participant in
 * the customer's ATS … Berke recommends a badge ID, HRIS ID, ATS ID"). One Berke assessment per candidate: a second
 * package reads its job's fit from it instead of making the candidate take it again, and a repeated placeOrder
 * reaches the same assessment. An id Berke cannot take (over 50 characters, spaces or control characters) becomes a
 * stable `ca-` hash of it. Berke compares ids without case, so ATS ids differing only in case would meet.
 */
export function sourceCandidateIdFor(candidateId: string): string {
  if (/^[\x21-\x7e]{1,50}$/.test(candidateId)) return candidateId;
  return `ca-${createHash('sha256').update(candidateId).digest('hex').slice(0, 32)}`;
}

/** GetCompletedAssessments pages hold at most 50 assessments (VENDOR-NOTES §2.4). */
const COMPLETED_PAGE = 50;
/** Completed-assessment pages read per cycle at most (2,500 completions). */
const MAX_COMPLETED_PAGES = 50;
/** The completion window reaches back this far before the last fully read one (Berke's clock vs ours). */
const WINDOW_OVERLAP_S = 600;

/** The adapter with its limiter and client in view, for tests and metrics. */
export type BerkeAdapter = VendorAdapter & { readonly limiter: RateLimiter; readonly client: BerkeClient };

const berke: VendorAdapterFactory = (ctx): BerkeAdapter => {
  const cfg = parseVendorConfig(BerkeConfig, ctx.config);
  const jobs = new Map<string, string | undefined>();
  for (const pkg of ctx.packages) {
    jobs.set(pkg.id, parseVendorConfig(BerkePackage, pkg, `packages.${pkg.id}`).sourceJobId);
  }
  const probe = ctx.links.returnUrl(PROBE_ORDER_ID);
  if (probe.length > MAX_REDIRECT_URL) {
    throw new VendorConfigError(
      'publicUrl',
      `publicUrl: Berke's return URL would be ${probe.length} characters; Berke accepts at most ${MAX_REDIRECT_URL}. Use a shorter publicUrl.`,
    );
  }

  const limiter = createRateLimiter({ ...cfg.rateLimit, maxConcurrent: cfg.maxConcurrentCalls });
  const client = createBerkeClient({
    baseUrl: cfg.baseUrl,
    apiToken: cfg.apiToken,
    username: cfg.username ?? null,
    fetch: ctx.fetch,
    limiter,
    log: ctx.log,
    timeoutMs: cfg.timeoutMs,
    maxThrottleWaitMs: cfg.maxThrottleWaitMs,
    maxThrottleRetries: 5,
  });

  function refOf(order: VendorOrder): string {
    if (!order.vendorRef) {
      throw new VendorError('This Berke order has not been placed yet.', { retryable: true, code: 'not_ready' });
    }
    return order.vendorRef;
  }

  async function status(order: VendorOrder): Promise<BerkeAssessmentResponse> {
    return client.getAssessmentStatus(refOf(order));
  }

  /** The package job of an order (undefined: the company's default job). */
  function jobOf(order: VendorOrder): string | undefined {
    if (typeof order.vendorData['sourceJobId'] === 'string') return order.vendorData['sourceJobId'];
    return jobs.has(order.package.id)
      ? jobs.get(order.package.id)
      : parseVendorConfig(BerkePackage, order.package, `packages.${order.package.id}`).sourceJobId;
  }

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

  const adapter: BerkeAdapter = {
    vendor: 'berke',
    pollIntervalSeconds: cfg.pollIntervalSeconds,
    refreshBatchSize: cfg.refreshBatchSize,
    defaultKind: 'personality',
    limiter,
    client,

    async placeOrder(order): Promise<PlacedOrder> {
      const returnUrl = ctx.links.returnUrl(order.id);
      if (returnUrl.length > MAX_REDIRECT_URL) {
        throw new VendorError(
          `The return URL for Berke is ${returnUrl.length} characters; Berke accepts at most ${MAX_REDIRECT_URL}. Shorten publicUrl.`,
          { retryable: false, code: 'vendor_rejected' },
        );
      }
      // A retake is a new attempt: its own Berke assessment, or Berke would hand back the finished one and its scores.
      const sourceCandidateId = sourceCandidateIdFor(order.retakeOf ? `${order.candidateId} retake ${order.id}` : order.candidateId);
      const sourceJobId = jobOf(order);
      // The candidate may already have their Berke assessment (another package, or this order placed before a
      // timeout). seed 002: sourceJobId "is only recorded the first time … changing SourceJobId on subsequent calls
      // will create an error response", and every job is scored anyway, so it is sent only for a new assessment.
      let existing: BerkeAssessmentResponse | null = null;
      try {
        existing = await client.getAssessmentStatus(sourceCandidateId);
      } catch (err) {
        // Not found (or refused: then PerformAssessment below is refused with Berke's own message).
        if (!(err instanceof VendorError) || err.retryable) throw err;
      }
      const done = existing !== null && (existing.assessmentStatus.statusId === 2 || existing.assessmentStatus.jobFitScoresAvailable);
      // seed 002: PerformAssessment re-sends the invitation on every call. The job runner calls placeOrder once per
      // order; a finished assessment is not called again at all (nothing to invite to, scores are read from it).
      const res = done
        ? existing!
        : await client.performAssessment({
            sourceCandidateId,
            emailAddress: order.candidate.email,
            firstName: order.candidate.firstName,
            lastName: order.candidate.lastName,
            ...(sourceJobId && !existing ? { sourceJobId } : {}),
            onAssessmentCompleteRedirectToUrl: returnUrl,
          });
      const changes = toOrderChanges(res, ctx.now(), sourceJobId);
      const change = changes.at(-1) ?? {
        status: 'invited' as const,
        vendorStatus: String(res.assessmentStatus.statusId ?? ''),
        vendorTime: ctx.now(),
        dedupeKey: `invited:${sourceCandidateId}`,
      };
      const vendorData: Record<string, unknown> = { sourceCandidateId };
      if (sourceJobId) vendorData['sourceJobId'] = sourceJobId;
      ctx.log.info({ vendor: 'berke', orderId: order.id, status: change.status, shared: existing !== null }, 'berke assessment placed');
      return { vendorRef: sourceCandidateId, vendorData, change: { ...change, vendorRef: sourceCandidateId } };
    },

    async launchUrl(order) {
      const res = await status(order);
      const url = res.assessmentStatus.assessmentUrl;
      // seed 002: assessmentUrl "will be empty after the assessment is completed".
      if (!url) {
        throw new VendorError('This Berke assessment is complete; there is nothing left to start.', {
          retryable: false,
          code: 'launch_unavailable',
        });
      }
      return { url };
    },

    async reportUrl(order) {
      // The order's job's anonymous reportUrl, asked for now and never stored (seed 002). When the account disabled
      // anonymous report access, reportUrl is empty: GetReportForJob then answers the PDF itself (VENDOR-NOTES §2.4),
      // which the core streams to the recruiter behind the report ticket.
      const res = await status(order);
      const jobId = jobOf(order);
      const fit = fitFor(res.jobFit, jobId);
      if (!res.assessmentStatus.jobFitScoresAvailable || !fit) {
        throw new VendorError('The Berke report is not available for this assessment yet.', {
          retryable: false,
          code: 'report_unavailable',
        });
      }
      if (fit.reportUrl) return { url: fit.reportUrl };
      const doc = await client.getReportForJob({ sourceCandidateId: refOf(order), ...(fit.sourceJobId ? { sourceJobId: fit.sourceJobId } : {}) });
      const name = `berke-report-${(fit.sourceJobId ?? 'primary').replace(/[^A-Za-z0-9-]+/g, '-')}.${doc.contentType === 'text/html' ? 'html' : 'pdf'}`;
      return { document: { contentType: doc.contentType, body: doc.body, filename: name } };
    },

    async catalog() {
      const jobs = await client.getJobs();
      return jobs.filter((j) => j.sourceJobId).map((j) => ({ externalId: j.sourceJobId!, name: j.name }));
    },

    ...berkeActions(client),

    async probe() {
      const active = await client.getJobs(); // a read with the API token: no invitation, no assessment
      return `API token accepted; ${active.length} job(s) active`;
    },

    async refresh(orders) {
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
      const rest = placed.filter((o) => !settled.has(o.id));
      const first = rest.filter((o) => o.status === 'completed' || completed.has(o.vendorRef!.toLowerCase()));
      const others = rest
        .filter((o) => !first.includes(o))
        .sort((a, b) => (lastChecked.get(a.id) ?? 0) - (lastChecked.get(b.id) ?? 0))
        .slice(0, Math.max(0, cfg.statusChecksPerCycle - first.length));
      const open = [...first, ...others];
      const errors: VendorError[] = [];
      updates.push(...(await Promise.all(
        open.map(async (order) => {
          try {
            const res = await status(order);
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
    },
  };
  return adapter;
};

export default berke;
