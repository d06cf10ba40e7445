// Berke adapter: one assessment per candidate (PerformAssessment once), polls completions in bulk with
// GetCompletedAssessments plus a budget of GetAssessmentStatus, links and reports fetched at click time.
// Orchestration only (wire in client.ts, polling in refresh.ts, mapping in status.ts); never calls PerformAssessment to poll.
import { parseVendorConfig } from '../config.js';
import {
  VendorError,
  type OrderChange,
  type PlacedOrder,
  type VendorAdapter,
  type VendorAdapterFactory,
  type VendorContext,
  type VendorLink,
  type VendorOrder,
  type VendorReport,
} from '../../core/vendor-port.js';
import { berkeActions } from './actions.js';
import type { ContractDrift } from '../../core/contract.js';
import { createBerkeClient, type BerkeClient, type BerkeClientOptions } from './client.js';
import { berkeContract } from './contract.js';
import { BerkeConfig, BerkePackage, checkReturnUrlLength, MAX_REDIRECT_URL } from './config.js';
import { createRateLimiter, type RateLimiter } from './limiter.js';
import { berkeCandidateOf, findPlaced } from './lookup.js';
import { refOf } from './order-data.js';
import { createBerkeRefresh } from './refresh.js';
import { completedScores, fitFor, scoredChanges, statusChanges, toOrderChanges } from './status.js';
import type { BerkeAssessmentResponse, BerkeCompletedAssessment } from './wire.js';

/** The adapter with its limiter and client in view, for tests and metrics. */
export type BerkeAdapter = VendorAdapter & { readonly limiter: RateLimiter; readonly client: BerkeClient };

/** One tenant's Berke set-up, built once by the factory and handed to each operation. */
interface BerkeTenant {
  ctx: VendorContext;
  client: BerkeClient;
  /** The package job of an order (undefined: the company's default job). */
  jobOf(order: VendorOrder): string | undefined;
}

const berke: VendorAdapterFactory = (ctx): BerkeAdapter => {
  const cfg = parseVendorConfig(BerkeConfig, ctx.config);
  const jobs = new Map<string, string | undefined>();
  for (const pkg of ctx.packages) {
    jobs.set(pkg.id, parseVendorConfig(BerkePackage, pkg, `packages.${pkg.id}`).sourceJobId);
  }
  checkReturnUrlLength(ctx.links);

  const limiter = createRateLimiter({ ...cfg.rateLimit, maxConcurrent: cfg.maxConcurrentCalls });
  const clientOptions: BerkeClientOptions = {
    baseUrl: cfg.baseUrl,
    apiToken: cfg.apiToken,
    username: cfg.username ?? null,
    fetch: ctx.fetch,
    limiter,
    log: ctx.log,
    timeoutMs: cfg.timeoutMs,
    maxThrottleWaitMs: cfg.maxThrottleWaitMs,
    maxThrottleRetries: 5,
  };
  const client = createBerkeClient({ ...clientOptions, onDrift: (d) => ctx.drift(d) });

  function jobOf(order: VendorOrder): string | undefined {
    if (typeof order.vendorData['sourceJobId'] === 'string') return order.vendorData['sourceJobId'];
    return jobs.has(order.package.id)
      ? jobs.get(order.package.id)
      : parseVendorConfig(BerkePackage, order.package, `packages.${order.package.id}`).sourceJobId;
  }
  const t: BerkeTenant = { ctx, client, jobOf };

  const adapter: BerkeAdapter = {
    vendor: 'berke',
    pollIntervalSeconds: cfg.pollIntervalSeconds,
    refreshBatchSize: cfg.refreshBatchSize,
    defaultKind: 'personality',
    limiter,
    client,
    placeOrder: (order) => placeOrder(t, order),
    findPlaced: (order) => findPlaced(t, order),
    launchUrl: (order) => launchUrl(t, order),
    reportUrl: (order) => reportUrl(t, order),

    async catalog() {
      const jobs = await client.getJobs();
      return jobs.filter((j) => j.sourceJobId).map((j) => ({ externalId: j.sourceJobId!, name: j.name }));
    },

    ...berkeActions(client),

    async probe() {
      const active = await client.getJobs(); // a read with the API token: no invitation, no assessment
      return `API token accepted; ${active.length} job(s) active`;
    },

    // The go-live check's own client: what fails our parsing there is its finding, not production drift.
    contract: () =>
      berkeContract(() => {
        let last: ContractDrift | null = null;
        const checking = createBerkeClient({ ...clientOptions, onDrift: (d) => void (last = d) });
        return { client: checking, lastDrift: () => last };
      }),

    refresh: createBerkeRefresh({ ctx, client, statusChecksPerCycle: cfg.statusChecksPerCycle, jobOf }),
  };
  return adapter;
};

async function placeOrder(t: BerkeTenant, order: VendorOrder): Promise<PlacedOrder> {
  const { ctx, client } = t;
  const returnUrl = ctx.links.returnUrl(order.id);
  if (returnUrl.length > MAX_REDIRECT_URL) {
    throw new VendorError(
      `The return URL for Berke is ${returnUrl.length} characters; Berke accepts at most ${MAX_REDIRECT_URL}. Shorten publicUrl.`,
      { retryable: false, code: 'vendor_rejected' },
    );
  }
  // A retake is a new attempt: its own Berke assessment, or Berke would hand back the finished one and its scores.
  const sourceCandidateId = berkeCandidateOf(order);
  const sourceJobId = t.jobOf(order);
  // The candidate may already have their Berke assessment (another package, or this order placed before a
  // timeout). docs/vendors/berke.md#performassessment: sourceJobId "is only recorded the first time … changing SourceJobId on subsequent calls
  // will create an error response", and every job is scored anyway, so it is sent only for a new assessment.
  const existing = await lookUp(t, sourceCandidateId);
  const done = existing !== null && (existing.assessmentStatus.statusId === 2 || existing.assessmentStatus.jobFitScoresAvailable);
  // docs/vendors/berke.md#performassessment: PerformAssessment re-sends the invitation on every call. The job runner calls placeOrder once per
  // order; a finished assessment is not called again at all (nothing to invite to): its scores come from
  // GetCompletedAssessment, as the status method's page says (docs/vendors/berke.md#statuses).
  let changes: OrderChange[];
  if (done) {
    const scored = scoredChanges(completedScores(await client.getCompletedAssessment(sourceCandidateId)), ctx.now(), sourceJobId);
    changes = [...statusChanges(existing!, ctx.now()).filter((c) => c.status !== 'completed'), ...scored];
  } else {
    const res = await client.performAssessment({
      sourceCandidateId,
      emailAddress: order.candidate.email,
      firstName: order.candidate.firstName,
      lastName: order.candidate.lastName,
      ...(sourceJobId && !existing ? { sourceJobId } : {}),
      onAssessmentCompleteRedirectToUrl: returnUrl,
    });
    changes = toOrderChanges(res, ctx.now(), sourceJobId);
  }
  const change = changes.at(-1) ?? {
    status: 'invited' as const,
    vendorStatus: String(existing?.assessmentStatus.statusId ?? ''),
    vendorTime: ctx.now(),
    dedupeKey: `invited:${sourceCandidateId}`,
  };
  const vendorData: Record<string, unknown> = { sourceCandidateId };
  if (sourceJobId) vendorData['sourceJobId'] = sourceJobId;
  ctx.log.info({ vendor: 'berke', orderId: order.id, status: change.status, shared: existing !== null }, 'berke assessment placed');
  return { vendorRef: sourceCandidateId, vendorData, change: { ...change, vendorRef: sourceCandidateId } };
}

/**
 * The candidate's assessment, when Berke has one. Not found is not an error here: the candidate simply has none yet.
 * Any answer that is not an assessment and not an outage counts as none: Berke answered, and asking again would get
 * the same answer, so a not-found worded in a way we do not recognise cannot hold the placement in retries.
 * PerformAssessment then creates the assessment, or reuses it by sourceCandidateId.
 */
async function lookUp(t: BerkeTenant, sourceCandidateId: string): Promise<BerkeAssessmentResponse | null> {
  try {
    return await t.client.getAssessmentStatus(sourceCandidateId);
  } catch (err) {
    if (!(err instanceof VendorError)) throw err;
    if (err.retryable && err.code !== 'vendor_bad_response') throw err; // Berke is down or throttling: retry later
    t.ctx.log.info({ vendor: 'berke', code: err.code, vendorCode: err.vendorCode ?? null }, 'berke assessment not found; creating it');
    return null;
  }
}

async function launchUrl(t: BerkeTenant, order: VendorOrder): Promise<VendorLink> {
  const res = await t.client.getAssessmentStatus(refOf(order));
  const url = res.assessmentStatus.assessmentUrl;
  // docs/vendors/berke.md#response: assessmentUrl "will be empty after the assessment is completed".
  if (!url) {
    throw new VendorError('This Berke assessment is complete; there is nothing left to start.', {
      retryable: false,
      code: 'launch_unavailable',
    });
  }
  return { url };
}

async function reportUrl(t: BerkeTenant, order: VendorOrder): Promise<VendorReport> {
  // The order's job's anonymous reportUrl, asked for now and never stored (docs/vendors/berke.md#reports). When the account disabled
  // anonymous report access, reportUrl is empty: GetReportForJob then answers the PDF itself (docs/vendors/berke.md#reports),
  // which the core streams to the recruiter behind the report ticket.
  // Report links come with the scores, from GetCompletedAssessment (docs/vendors/berke.md#completed-assessments).
  let scores: BerkeCompletedAssessment;
  try {
    scores = await t.client.getCompletedAssessment(refOf(order));
  } catch (err) {
    if (err instanceof VendorError && !err.retryable) {
      throw new VendorError('The Berke report is not available for this assessment yet.', { retryable: false, code: 'report_unavailable', cause: err });
    }
    throw err;
  }
  const jobId = t.jobOf(order);
  const fit = fitFor(scores.jobFit, jobId);
  if (!fit || fit.fitId === 5) {
    throw new VendorError('The Berke report is not available for this assessment yet.', {
      retryable: false,
      code: 'report_unavailable',
    });
  }
  if (fit.reportUrl) return { url: fit.reportUrl };
  const doc = await t.client.getReportForJob({ sourceCandidateId: refOf(order), ...(fit.sourceJobId ? { sourceJobId: fit.sourceJobId } : {}) });
  const name = `berke-report-${(fit.sourceJobId ?? 'primary').replace(/[^A-Za-z0-9-]+/g, '-')}.${doc.contentType === 'text/html' ? 'html' : 'pdf'}`;
  return { document: { contentType: doc.contentType, body: doc.body, filename: name } };
}

export default berke;
