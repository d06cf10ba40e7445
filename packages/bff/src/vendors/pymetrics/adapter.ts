// pymetrics behind the VendorAdapter interface: orchestration only (wire in client.ts, mapping in updates.ts).
// Never touches the database, never returns or logs the client secret, never reports a status it did not read.
import { z } from 'zod';
import { parseVendorConfig, vendorBaseUrl } from '../config.js';
import {
  VendorError,
  type PackageConfig,
  type PlacedOrder,
  type StatusUpdate,
  type VendorAdapter,
  type VendorAdapterFactory,
  type VendorContext,
  type VendorLink,
  type VendorOrder,
} from '../../core/vendor-port.js';
import { PymetricsClient } from './client.js';
import type { AssessmentResult, AssessmentStatus } from './codec.js';
import { hasResults } from './status.js';
import { resultChange, statusChange, type PymetricsOrderData } from './updates.js';

/** The tenant's `vendors.pymetrics` block (DESIGN.md §4.5). */
export const PymetricsConfig = z.object({
  /** Service URL, e.g. `https://www.pymetrics.com/integrations/webservice/v3/`; default: the WSDL's `soap:address`. */
  endpoint: vendorBaseUrl().optional(),
  /** Where to read the WSDL (seed 000: `https://www.pymetrics.com/integrations/webservice/v3/wsdl/`); default: our copy of it. */
  wsdl: vendorBaseUrl().optional(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** For `list_assessments` (catalog); without it the adapter has no catalog. */
  organizationId: z.string().min(1).optional(),
  /** Orders per get_bulk_status call. */
  batchSize: z.number().int().min(1).max(1000).default(100),
  pollIntervalSeconds: z.number().int().positive().default(300),
  timeoutMs: z.number().int().positive().default(20_000),
});
export type PymetricsConfig = z.infer<typeof PymetricsConfig>;

/** A pymetrics package: `assessmentId` is the pymetrics assessment (seed 000: "Used to identify which model"). */
export const PymetricsPackage = z.object({
  assessmentId: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String),
  /** Optional order fields (seed 000): ISO 639-1 language, city and country of the candidate. */
  applicationLocale: z.string().regex(/^[a-z]{2}$/).optional(),
  city: z.string().min(1).optional(),
  country: z.string().min(1).optional(),
});

const createPymetricsAdapter: VendorAdapterFactory = (ctx: VendorContext): VendorAdapter => {
  const config = parseVendorConfig(PymetricsConfig, ctx.config);
  // Checked at start so a bad package stops the server with a message naming it.
  for (const p of ctx.packages) parseVendorConfig(PymetricsPackage, p, `packages.${p.id}`);
  const client = new PymetricsClient({
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.wsdl ? { wsdl: config.wsdl } : {}),
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    fetch: ctx.fetch,
    log: ctx.log,
    now: () => ctx.now(),
    timeoutMs: config.timeoutMs,
  });

  function packageOf(pkg: PackageConfig) {
    try {
      return parseVendorConfig(PymetricsPackage, pkg, `packages.${pkg.id}`);
    } catch (e) {
      throw new VendorError(`package ${pkg.id} is not a valid pymetrics package`, { retryable: false, cause: e });
    }
  }

  function refOf(order: VendorOrder): string {
    if (!order.vendorRef) throw new VendorError('the order has not been placed at pymetrics yet', { retryable: true });
    return order.vendorRef;
  }

  async function refreshBatch(batch: readonly VendorOrder[]): Promise<StatusUpdate[]> {
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
      // seed 000: results of every order sharing an external_id come back together; each belongs to its own order_id.
      if (!refs.has(r.order_id)) foreign += 1;
      else if (!scored.has(r.order_id)) scored.set(r.order_id, r);
    }
    if (foreign) ctx.log.debug({ vendor: 'pymetrics', foreign }, 'skipped results of orders outside this batch');
    for (const [ref, r] of scored) updates.push({ match: { vendorRef: ref }, ...resultChange(r, now, byRef.get(ref)) });
    const waiting = done.filter((ref) => !scored.has(ref)).length;
    // seed 000: "There may be some delay after the order reaches COMPLETED status, before assessment results are ready."
    if (waiting) ctx.log.debug({ vendor: 'pymetrics', waiting }, 'pymetrics results not ready yet');
    return updates;
  }

  const adapter: VendorAdapter = {
    vendor: 'pymetrics',
    pollIntervalSeconds: config.pollIntervalSeconds,
    refreshBatchSize: config.batchSize,
    defaultKind: 'game',

    async placeOrder(order) {
      const pkg = packageOf(order.package);
      const locale = pkg.applicationLocale ?? isoLanguage(order.candidate.locale);
      const res = await client.requestAssessmentOrder({
        first_name: order.candidate.firstName,
        last_name: order.candidate.lastName,
        // DESIGN.md §4.4: a signed per-order ticket; pymetrics' call is only a hint to poll this order now.
        callback_url: ctx.links.callbackUrl(order.id),
        assessment_id: pkg.assessmentId,
        external_id: order.candidateId,
        email: order.candidate.email,
        ...(locale ? { application_locale: locale } : {}),
        ...(pkg.city ? { city: pkg.city } : {}),
        ...(pkg.country ? { country: pkg.country } : {}),
      });
      if (!res.success || !res.order_id) {
        throw new VendorError('pymetrics did not accept the assessment order', { retryable: false, code: 'vendor_rejected' });
      }
      const vendorData: PymetricsOrderData = res.assessment_url ? { assessmentUrl: res.assessment_url } : {};
      ctx.log.info({ vendor: 'pymetrics', orderId: order.id, vendorRef: res.order_id }, 'pymetrics order placed');
      const placed: PlacedOrder = {
        vendorRef: res.order_id,
        vendorData: { ...vendorData },
        // seed 000: a new request is PENDING until pymetrics approves it; the order response carries no status.
        change: {
          status: 'requested',
          vendorStatus: 'PENDING',
          vendorTime: ctx.now(),
          dedupeKey: 'PENDING',
          vendorRef: res.order_id,
          vendorData: { ...vendorData },
          raw: res,
        },
      };
      return placed;
    },

    async launchUrl(order): Promise<VendorLink> {
      const known = order.vendorData.assessmentUrl;
      if (typeof known === 'string' && known) return { url: known };
      // seed 000: get_bulk_status repeats the candidate link as `invite_url`.
      const [status] = (await client.getBulkStatus([refOf(order)])).filter((s) => s.order_id === order.vendorRef);
      if (!status?.invite_url) {
        throw new VendorError('pymetrics has no assessment link for this order yet', { retryable: true, code: 'link_not_ready' });
      }
      return { url: status.invite_url, vendorData: { assessmentUrl: status.invite_url } };
    },

    async reportUrl(order): Promise<VendorLink> {
      return { url: await client.getReport(refOf(order)) };
    },

    // seed 000: `evaluation_url` "is available in the response if the candidate is eligible for video evaluation";
    // a recruiter view, fetched fresh from get_bulk_status at click time (the saved one only if pymetrics is silent).
    async evaluationUrl(order): Promise<VendorLink> {
      const [status] = (await client.getBulkStatus([refOf(order)])).filter((s) => s.order_id === order.vendorRef);
      const url = status?.evaluation_url ?? (typeof order.vendorData.evaluationUrl === 'string' ? order.vendorData.evaluationUrl : undefined);
      if (!url) throw new VendorError('pymetrics offers no video evaluation for this order', { retryable: false, code: 'report_unavailable' });
      return { url, vendorData: { evaluationUrl: url } };
    },

    async refresh(orders) {
      const placed = orders.filter((o) => o.vendorRef && /^\d+$/.test(o.vendorRef));
      const updates: StatusUpdate[] = [];
      // One get_bulk_status call per batch (DESIGN.md §5), even if the runner hands over more than a batch.
      for (let i = 0; i < placed.length; i += config.batchSize) {
        updates.push(...(await refreshBatch(placed.slice(i, i + config.batchSize))));
      }
      return updates;
    },

    async probe() {
      // seed 000: `echo` answers its argument; it needs a session, so it proves the credentials too.
      return `echo answered "${await client.echo('candidate-assessment probe')}"`;
    },

    async close() {},
  };

  // seed 000: the order response's `assessment_url` is the candidate's invitation link; pymetrics has no call that
  // emails it again, so a reminder hands it to the ATS to send. No cancel call either: cancelling is marked here only.
  adapter.remind = async (order) => {
    const { url, vendorData } = await adapter.launchUrl(order);
    return { call: 'pymetrics assessment_url', sentBy: 'ats', url, ...(vendorData ? { vendorData } : {}) };
  };

  const organizationId = config.organizationId;
  if (organizationId) {
    adapter.catalog = async () =>
      (await client.listAssessments(organizationId)).map((a) => ({
        externalId: a.assessment_id,
        name: a.assessment_name ?? `Assessment ${a.assessment_id}`,
      }));
  }
  return adapter;
};

/** seed 000: `application_locale` is an ISO 639-1 code ("zh"); `zh-Hant-TW` → `zh`. */
function isoLanguage(locale: string | undefined): string | undefined {
  const lang = locale?.split(/[-_]/)[0]?.toLowerCase();
  return lang && /^[a-z]{2}$/.test(lang) ? lang : undefined;
}

export default createPymetricsAdapter;
