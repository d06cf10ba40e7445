// The Mettl adapter: schedules per package and attempt, registration with a signed order ticket, fresh
// single-use links, reconciliation per schedule. Orchestration only: the wire is in client.ts, schedules in
// schedules.ts, registration in registration.ts, reconciliation in refresh.ts, mapping in status/result.
import { parseVendorConfig } from '../config.js';
import {
  VendorError,
  type PlacedOrder,
  type VendorAdapter,
  type VendorAdapterFactory,
  type VendorContext,
  type VendorLink,
  type VendorOrder,
} from '../../core/vendor-port.js';
import type { ContractDrift } from '../../core/contract.js';
import { createMettlClient, type MettlClient, type MettlClientOptions } from './client.js';
import { mettlContract } from './contract.js';
import { isPsychometric, MettlConfig, MettlPackage } from './config.js';
import { formatVendorRef, orderData, type MettlOrderData } from './order-data.js';
import { refreshOrders } from './refresh.js';
import { refusal, register } from './registration.js';
import { createSchedules, type Schedules } from './schedules.js';
import { FACT_STATUS, factKey } from './status.js';
import { createWebhookParser } from './webhook.js';

/** One tenant's Mettl set-up, built once by the factory and handed to each operation. */
interface MettlTenant {
  ctx: VendorContext;
  config: MettlConfig;
  client: MettlClient;
  schedules: Schedules;
  packageOf(order: VendorOrder): MettlPackage;
}

const mettl: VendorAdapterFactory = (ctx: VendorContext): VendorAdapter => {
  const config = parseVendorConfig(MettlConfig, ctx.config);
  const packages = new Map(
    ctx.packages.map((p) => [p.id, parseVendorConfig(MettlPackage, p, `packages.${p.id}`)] as const),
  );
  const clientOptions: MettlClientOptions = {
    baseUrl: config.baseUrl,
    publicKey: config.publicKey,
    privateKey: config.privateKey,
    fetch: ctx.fetch,
    now: () => ctx.now(),
    log: ctx.log,
    timeoutMs: config.timeoutMs,
  };
  const client: MettlClient = createMettlClient({ ...clientOptions, onDrift: (d) => ctx.drift(d) });
  const psychometricAssessments = new Set([...packages.values()].filter(isPsychometric).map((p) => p.assessmentId));
  const parseWebhook = createWebhookParser({
    webhookUser: config.webhookUser,
    webhookPassword: config.webhookPassword,
    tickets: ctx.tickets,
    log: ctx.log,
    now: () => ctx.now(),
    isPsychometric: (assessmentId) => assessmentId !== undefined && psychometricAssessments.has(assessmentId),
  });
  const t: MettlTenant = {
    ctx,
    config,
    client,
    schedules: createSchedules(client, config, ctx.links),
    packageOf: (order) => packages.get(order.package.id) ?? parseVendorConfig(MettlPackage, order.package, 'package'),
  };
  const launch = (order: VendorOrder) => launchUrl(t, order);

  return {
    vendor: 'mettl',
    pollIntervalSeconds: config.pollIntervalSeconds,
    refreshBatchSize: 500,
    defaultKind: 'test',
    placeOrder: (order) => placeOrder(t, order),
    launchUrl: launch,
    reportUrl: (order) => reportUrl(t, order),
    refresh: (orders) => refreshOrders(t, orders),
    parseWebhook,
    catalog: () => catalog(client),
    // Cancel: none. Mettl's only removal call, Delete Result of Candidate in Schedule, works on Completed/Expired tests
    // (docs/vendors/mettl.md#endpoints), so an open registration cannot be withdrawn there; the core marks the order cancelled and
    // issues no more launch links, and Mettl links are single-use and fetched at click time (docs/vendors/mettl.md#registration).
    async remind(order) {
      // docs/vendors/mettl.md#registration: the candidate-specific link "can be sent to the candidate over email": registering again issues a new one.
      const { url } = await launch(order);
      return { call: 'Mettl re-registration', sentBy: 'ats', url };
    },
    // The go-live check's own clients: what fails our parsing there is its finding, not production drift.
    contract: () =>
      mettlContract(() => {
        let last: ContractDrift | null = null;
        return {
          client: createMettlClient({ ...clientOptions, onDrift: (d) => void (last = d) }),
          lastDrift: () => last,
          wrongKey: createMettlClient({ ...clientOptions, privateKey: `${config.privateKey}-not` }),
          packages: [...packages.values()],
        };
      }),
    async probe() {
      const res = await client.listAssessments(1, 0); // a signed read of one item
      return `signed request accepted; ${res.paging?.total ?? res.assessments.length} assessment(s) visible`;
    },
  };
};

async function placeOrder(t: MettlTenant, order: VendorOrder): Promise<PlacedOrder> {
  const { ctx, config } = t;
  const pkg = t.packageOf(order);
  for (let attempt = 1; attempt <= config.maxAttempts; attempt++) {
    const accessKey = await t.schedules.ensure(pkg, attempt);
    const reg = await register(t.client, ctx.tickets, accessKey, order);
    if (reg.kind === 'finished') {
      // docs/vendors/mettl.md#schedules: a schedule lets an email take the test once; a retake goes to the next attempt's schedule.
      ctx.log.info({ vendor: 'mettl', orderId: order.id, attempt, vendorStatus: reg.status }, 'mettl attempt used, trying next');
      continue;
    }
    // Only a finished attempt moves on: a refused candidate would be refused in every schedule, and each new
    // schedule is a Mettl object nobody asked for.
    if (reg.kind === 'refused') throw refusal(reg);
    const vendorData: MettlOrderData = { accessKey, email: order.candidate.email, attempt, assessmentId: pkg.assessmentId };
    const vendorRef = formatVendorRef(accessKey, order.id);
    return {
      vendorRef,
      vendorData: { ...vendorData },
      change: {
        status: FACT_STATUS.registered,
        vendorStatus: reg.status,
        // Mettl's notification times have whole seconds: registering "now" with milliseconds would make a
        // start in the same second look older than the invitation, and the core would not apply it.
        vendorTime: new Date(Math.floor(ctx.now().getTime() / 1000) * 1000),
        dedupeKey: factKey('registered', null, accessKey),
        vendorRef,
        vendorData: { ...vendorData },
      },
    };
  }
  throw new VendorError(`The candidate has used all ${config.maxAttempts} Mettl attempts for this package.`, {
    retryable: false,
    code: 'attempts_exhausted',
  });
}

async function launchUrl(t: MettlTenant, order: VendorOrder): Promise<VendorLink> {
  const { accessKey } = orderData(order);
  // docs/vendors/mettl.md#registration: the candidate URL "can be used by the candidate only once", so each click registers again
  // (the documented way to get a link) and gets a new one; an interrupted test continues through it.
  const reg = await register(t.client, t.ctx.tickets, accessKey, order);
  if (reg.kind === 'refused') throw refusal(reg);
  if (reg.kind === 'finished') {
    throw new VendorError(`Mettl issues no new link: the test in this schedule is ${reg.status}.`, {
      retryable: false,
      code: 'launch_unavailable',
      vendorCode: reg.status,
    });
  }
  return { url: reg.url };
}

async function reportUrl(t: MettlTenant, order: VendorOrder): Promise<VendorLink> {
  const { accessKey, email } = orderData(order);
  const { testStatus } = await t.client.candidateResult(accessKey, email);
  const url = testStatus?.htmlReport || testStatus?.pdfReport;
  if (!url || !/^https?:\/\//i.test(url)) {
    throw new VendorError('The Mettl report is not available yet.', { retryable: false, code: 'report_unavailable' });
  }
  return { url };
}

/** Every assessment of the account, a page of 100 at a time. */
async function catalog(client: MettlClient): Promise<{ externalId: string; name: string }[]> {
  const limit = 100;
  const out: { externalId: string; name: string }[] = [];
  for (let page = 0; page < 100; page++) {
    const res = await client.listAssessments(limit, page * limit);
    out.push(...res.assessments.map((a) => ({ externalId: a.id, name: a.name })));
    const total = res.paging?.total;
    if (res.assessments.length < limit || (total !== undefined && out.length >= total)) break;
  }
  return out;
}

export default mettl;
