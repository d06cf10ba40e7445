// pymetrics behind the VendorAdapter interface: orchestration only (wire in client.ts, polling in refresh.ts,
// mapping in updates.ts). Never touches the database, never returns or logs the client secret, never reports a
// status it did not read.
import { parseVendorConfig } from '../config.js';
import {
  VendorError,
  type PackageConfig,
  type PlacedOrder,
  type VendorAdapter,
  type VendorAdapterFactory,
  type VendorContext,
  type VendorLink,
  type VendorOrder,
} from '../../core/vendor-port.js';
import { PymetricsClient } from './client.js';
import { PymetricsConfig, PymetricsPackage } from './config.js';
import { pymetricsContract } from './contract.js';
import { refreshOrders } from './refresh.js';
import { orderCallFailure } from './unconfirmed.js';
import type { PymetricsOrderData } from './updates.js';

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
    headerNamespace: config.headerNamespace,
    onDrift: (d) => ctx.drift(d),
  });

  const adapter: VendorAdapter = {
    vendor: 'pymetrics',
    pollIntervalSeconds: config.pollIntervalSeconds,
    refreshBatchSize: config.batchSize,
    defaultKind: 'game',
    placeOrder: (order) => placeOrder(ctx, client, order),
    launchUrl: (order) => launchUrl(client, order),

    async reportUrl(order): Promise<VendorLink> {
      return { url: await client.getReport(refOf(order)) };
    },

    evaluationUrl: (order) => evaluationUrl(client, order),
    refresh: (orders) => refreshOrders(ctx, client, config.batchSize, orders),

    async probe() {
      // docs/vendors/pymetrics.md#sessions: `echo` answers its argument; it needs a session, so it proves the credentials too.
      return `echo answered "${await client.echo('candidate-assessment probe')}"`;
    },

    contract: () => pymetricsContract(client, config.organizationId),

    async close() {},
  };

  // docs/vendors/pymetrics.md#ordering: the order response's `assessment_url` is the candidate's invitation link; pymetrics has no call that
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

async function placeOrder(ctx: VendorContext, client: PymetricsClient, order: VendorOrder): Promise<PlacedOrder> {
  const pkg = packageOf(order.package);
  const locale = pkg.applicationLocale ?? isoLanguage(order.candidate.locale);
  const res = await client.requestAssessmentOrder({
    first_name: order.candidate.firstName,
    last_name: order.candidate.lastName,
    // docs/contracts.md#vendor-facing-endpoints: a signed per-order ticket; pymetrics' call is only a hint to poll this order now.
    callback_url: ctx.links.callbackUrl(order.id),
    assessment_id: pkg.assessmentId,
    external_id: order.candidateId,
    email: order.candidate.email,
    ...(locale ? { application_locale: locale } : {}),
    ...(pkg.city ? { city: pkg.city } : {}),
    ...(pkg.country ? { country: pkg.country } : {}),
  }).catch((err: unknown) => {
    throw orderCallFailure(err);
  });
  if (!res.success || !res.order_id) {
    throw new VendorError('pymetrics did not accept the assessment order', { retryable: false, code: 'vendor_rejected' });
  }
  if (res.refusedAssessmentUrl) ctx.log.warn({ vendor: 'pymetrics', orderId: order.id, vendorRef: res.order_id }, 'pymetrics sent an assessment_url that is not http(s); order kept without it');
  const vendorData: PymetricsOrderData = res.assessment_url ? { assessmentUrl: res.assessment_url } : {};
  ctx.log.info({ vendor: 'pymetrics', orderId: order.id, vendorRef: res.order_id }, 'pymetrics order placed');
  const placed: PlacedOrder = {
    vendorRef: res.order_id,
    vendorData: { ...vendorData },
    // docs/vendors/pymetrics.md#statuses: a new request is PENDING until pymetrics approves it; the order response carries no status.
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
}

async function launchUrl(client: PymetricsClient, order: VendorOrder): Promise<VendorLink> {
  const known = order.vendorData.assessmentUrl;
  if (typeof known === 'string' && known) return { url: known };
  // docs/vendors/pymetrics.md#statuses: get_bulk_status repeats the candidate link as `invite_url`.
  const [status] = (await client.getBulkStatus([refOf(order)])).filter((s) => s.order_id === order.vendorRef);
  if (!status?.invite_url) {
    throw new VendorError('pymetrics has no assessment link for this order yet', { retryable: true, code: 'link_not_ready' });
  }
  return { url: status.invite_url, vendorData: { assessmentUrl: status.invite_url } };
}

// docs/vendors/pymetrics.md#results: `evaluation_url` "is available in the response if the candidate is eligible for video evaluation";
// a recruiter view, fetched fresh from get_bulk_status at click time (the saved one only if pymetrics is silent).
async function evaluationUrl(client: PymetricsClient, order: VendorOrder): Promise<VendorLink> {
  const [status] = (await client.getBulkStatus([refOf(order)])).filter((s) => s.order_id === order.vendorRef);
  const url = status?.evaluation_url ?? (typeof order.vendorData.evaluationUrl === 'string' ? order.vendorData.evaluationUrl : undefined);
  if (!url) throw new VendorError('pymetrics offers no video evaluation for this order', { retryable: false, code: 'report_unavailable' });
  return { url, vendorData: { evaluationUrl: url } };
}

/** docs/vendors/pymetrics.md#ordering: `application_locale` is an ISO 639-1 code ("zh"); `zh-Hant-TW` → `zh`. */
function isoLanguage(locale: string | undefined): string | undefined {
  const lang = locale?.split(/[-_]/)[0]?.toLowerCase();
  return lang && /^[a-z]{2}$/.test(lang) ? lang : undefined;
}

export default createPymetricsAdapter;
