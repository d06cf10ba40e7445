// The Mettl adapter: schedules per package and attempt, registration with a signed order ticket, fresh
// single-use links, reconciliation per schedule. Orchestration only: the wire is in client.ts, mapping in status/result.
import { parseVendorConfig } from '../config.js';
import {
  VendorError,
  type PlacedOrder,
  type StatusUpdate,
  type VendorAdapter,
  type VendorAdapterFactory,
  type VendorContext,
  type VendorLink,
  type VendorOrder,
} from '../../core/vendor-port.js';
import { createMettlClient, type MettlClient } from './client.js';
import { isPsychometric, MettlConfig, MettlPackage } from './config.js';
import { resultOf } from './result.js';
import { FACT_STATUS, factKey, factOfResult } from './status.js';
import { parseGmt } from './time.js';
import { basicAuthValue, createWebhookParser, RESUME_MARKER } from './webhook.js';
import type { RegistrationEntry, TestStatus } from './wire.js';

/** What Mettl said about one candidate of a registration call. */
type RegistrationOutcome =
  | { kind: 'link'; status: string; url: string }
  /** seed 001: "a unique email Id can only take a test once in a schedule": the attempt is used up. */
  | { kind: 'finished'; status: string }
  /** Mettl refused the candidate (`status: "error"`, e.g. E607 "Candidate registration limit exceeded"). */
  | { kind: 'refused'; status: string; code: string | undefined; message: string };

/** Statuses of a candidate who finished the test in a schedule (grv07/clat views.py: `Completed`; expired tests too). */
const FINISHED = new Set(['completed', 'expired', 'graded', 'testexpired']);
/**
 * Error codes of a refused registration worth trying again later. Mettl documents no list; only server-side faults
 * are assumed transient. E607 (registration limit), E028 and E401 (signature) need a person, so they fail the order.
 */
const TRANSIENT_REGISTRATION_CODES = new Set(['E500', 'E502', 'E503']);


/**
 * `vendorRef` is `<accessKey>:<email>`: a Mettl candidate is identified by email within a schedule
 * (seed 001), and an access key never contains ":", so the first ":" splits it.
 */
export function formatVendorRef(accessKey: string, email: string): string {
  return `${accessKey}:${email}`;
}

export function parseVendorRef(ref: string): { accessKey: string; email: string } | null {
  const i = ref.indexOf(':');
  return i > 0 && i < ref.length - 1 ? { accessKey: ref.slice(0, i), email: ref.slice(i + 1) } : null;
}

/** What placeOrder saves in `vendorData`. */
interface MettlOrderData {
  accessKey: string;
  email: string;
  attempt: number;
  assessmentId: string;
}

const mettl: VendorAdapterFactory = (ctx: VendorContext): VendorAdapter => {
  const config = parseVendorConfig(MettlConfig, ctx.config);
  const packages = new Map(
    ctx.packages.map((p) => [p.id, parseVendorConfig(MettlPackage, p, `packages.${p.id}`)] as const),
  );
  const client: MettlClient = createMettlClient({
    baseUrl: config.baseUrl,
    publicKey: config.publicKey,
    privateKey: config.privateKey,
    fetch: ctx.fetch,
    now: () => ctx.now(),
    log: ctx.log,
    timeoutMs: config.timeoutMs,
  });
  const psychometricAssessments = new Set([...packages.values()].filter(isPsychometric).map((p) => p.assessmentId));
  const parseWebhook = createWebhookParser({
    webhookUser: config.webhookUser,
    webhookPassword: config.webhookPassword,
    tickets: ctx.tickets,
    log: ctx.log,
    now: () => ctx.now(),
    isPsychometric: (assessmentId) => assessmentId !== undefined && psychometricAssessments.has(assessmentId),
  });

  function packageOf(order: VendorOrder): MettlPackage {
    return packages.get(order.package.id) ?? parseVendorConfig(MettlPackage, order.package, 'package');
  }

  /** seed 001: "you can name the schedules/test links as 1st attempt, 2nd attempt and so on". */
  function scheduleName(pkg: MettlPackage, attempt: number): string {
    return `${config.sourceApp} ${pkg.id} attempt ${attempt}`;
  }

  function scheduleSpec(pkg: MettlPackage, attempt: number) {
    const hook = ctx.links.hookUrl();
    const resumeHook = `${hook}${hook.includes('?') ? '&' : '?'}${RESUME_MARKER.name}=${RESUME_MARKER.value}`;
    // VENDOR-NOTES §1.5: the API docs write `…Url` for three of the URLs and `…URL` for the resume one.
    return {
      name: scheduleName(pkg, attempt),
      sourceApp: config.sourceApp,
      assessmentId: pkg.assessmentId,
      scheduleType: 'AlwaysOn',
      access: { type: config.accessType, sendEmail: false },
      testStartNotificationUrl: hook,
      testFinishNotificationUrl: hook,
      testGradedNotificationUrl: hook,
      testResumeEnabledForExpiredTestURL: resumeHook,
      testNotificationBasicAuthHeader: basicAuthValue(config.webhookUser, config.webhookPassword),
      // seed 001: after "Finish Test" the candidate is sent here (`exitRedirectionURL` of Edit Assessment; the schedule's
      // `exitRedirectionUrl` in MettlHelper.java). A schedule is shared by orders, so it names none: our exit page
      // thanks the candidate or sends them to the tenant's candidateReturnUrl; notifications carry the status.
      exitRedirectionUrl: ctx.links.exitUrl(),
    };
  }

  /** assessmentId|name → access key; one lookup per schedule per process, shared by concurrent orders. */
  const schedules = new Map<string, Promise<string>>();

  function ensureSchedule(pkg: MettlPackage, attempt: number): Promise<string> {
    const key = `${pkg.assessmentId}|${scheduleName(pkg, attempt)}`;
    let pending = schedules.get(key);
    if (!pending) {
      pending = findOrCreateSchedule(pkg, attempt);
      schedules.set(key, pending);
      pending.catch(() => schedules.delete(key));
    }
    return pending;
  }

  async function findSchedule(pkg: MettlPackage, name: string): Promise<string | null> {
    const list = await client.listSchedules(pkg.assessmentId);
    return list.schedules.find((s) => s.name === name)?.accessKey ?? null;
  }

  async function findOrCreateSchedule(pkg: MettlPackage, attempt: number): Promise<string> {
    const sc = scheduleSpec(pkg, attempt);
    const existing = await findSchedule(pkg, sc.name);
    if (existing) {
      // VENDOR-NOTES §1.7 (grv07/clat rescue): re-apply our notification URLs and Basic header, which may
      // have changed since the schedule was made (new public URL, rotated webhook password).
      await client.editSchedule(existing, sc);
      return existing;
    }
    try {
      return (await client.createSchedule(pkg.assessmentId, sc)).createdSchedule.accessKey;
    } catch (err) {
      // Another replica may have created it between our lookup and create (names are unique per assessment).
      if (err instanceof VendorError && !err.retryable) {
        const raced = await findSchedule(pkg, sc.name);
        if (raced) return raced;
      }
      throw err;
    }
  }

  function registrationOf(order: VendorOrder) {
    const email = order.candidate.email;
    return {
      registrationDetails: [
        { 'Email Address': email, 'First Name': order.candidate.firstName, 'Last Name': order.candidate.lastName },
      ],
      // VENDOR-NOTES §1.7: context_data comes back in every notification; our ticket authenticates them.
      optionalParams: [{ email, context_data: ctx.tickets.sign(order.id) }],
    };
  }

  /** Registers (again) and returns Mettl's answer for this candidate. Each call issues a new single-use URL. */
  async function register(accessKey: string, order: VendorOrder): Promise<RegistrationOutcome> {
    const res = await client.registerCandidates(accessKey, registrationOf(order), {
      allowMissingMandatoryRegistrationFields: 'true',
    });
    const email = order.candidate.email.toLowerCase();
    const entry = res.registrationStatus.find((r) => r.email?.toLowerCase() === email) ?? res.registrationStatus[0]!;
    return outcomeOf(entry);
  }

  function outcomeOf(entry: RegistrationEntry): RegistrationOutcome {
    const status = entry.status ?? 'ToBeTaken';
    const url = entry.url && /^https?:\/\//i.test(entry.url) ? entry.url : undefined;
    const norm = status.replace(/[\s_-]/g, '').toLowerCase();
    if (url && norm !== 'error') return { kind: 'link', status, url };
    if (FINISHED.has(norm)) return { kind: 'finished', status };
    const code = entry.code ?? entry.error?.code;
    const message = (entry.message ?? entry.error?.message ?? `Mettl registered the candidate as ${status} without a link`).slice(0, 300);
    return { kind: 'refused', status, code, message };
  }

  /** A refused registration as the error the job runner retries (transient codes) or fails the order with. */
  function refusal(r: Extract<RegistrationOutcome, { kind: 'refused' }>): VendorError {
    const retryable = r.code !== undefined && TRANSIENT_REGISTRATION_CODES.has(r.code);
    return new VendorError(`Mettl refused to register the candidate: ${r.message}${r.code ? ` (${r.code})` : ''}.`, {
      retryable,
      code: retryable ? 'vendor_unavailable' : 'vendor_rejected',
      ...(r.code ? { vendorCode: r.code } : {}),
    });
  }

  function orderData(order: VendorOrder): MettlOrderData {
    const d = order.vendorData as Partial<MettlOrderData>;
    const fromRef = order.vendorRef ? parseVendorRef(order.vendorRef) : null;
    const accessKey = typeof d.accessKey === 'string' ? d.accessKey : fromRef?.accessKey;
    const email = typeof d.email === 'string' ? d.email : (fromRef?.email ?? order.candidate.email);
    if (!accessKey) {
      throw new VendorError('This Mettl order has no schedule yet.', { retryable: false, code: 'order_not_placed' });
    }
    return {
      accessKey,
      email,
      attempt: typeof d.attempt === 'number' ? d.attempt : 1,
      assessmentId: typeof d.assessmentId === 'string' ? d.assessmentId : '',
    };
  }

  async function placeOrder(order: VendorOrder): Promise<PlacedOrder> {
    const pkg = packageOf(order);
    for (let attempt = 1; attempt <= config.maxAttempts; attempt++) {
      const accessKey = await ensureSchedule(pkg, attempt);
      const reg = await register(accessKey, order);
      if (reg.kind === 'finished') {
        // seed 001: a schedule lets an email take the test once; a retake goes to the next attempt's schedule.
        ctx.log.info({ vendor: 'mettl', orderId: order.id, attempt, vendorStatus: reg.status }, 'mettl attempt used, trying next');
        continue;
      }
      // Only a finished attempt moves on: a refused candidate would be refused in every schedule, and each new
      // schedule is a Mettl object nobody asked for.
      if (reg.kind === 'refused') throw refusal(reg);
      const vendorData: MettlOrderData = { accessKey, email: order.candidate.email, attempt, assessmentId: pkg.assessmentId };
      const vendorRef = formatVendorRef(accessKey, order.candidate.email);
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

  async function launchUrl(order: VendorOrder): Promise<VendorLink> {
    const { accessKey } = orderData(order);
    // seed 001: the candidate URL "can be used by the candidate only once", so each click registers again
    // (the documented way to get a link) and gets a new one; an interrupted test continues through it.
    const reg = await register(accessKey, order);
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

  async function reportUrl(order: VendorOrder): Promise<VendorLink> {
    const { accessKey, email } = orderData(order);
    const { testStatus } = await client.candidateResult(accessKey, email);
    const url = testStatus?.htmlReport || testStatus?.pdfReport;
    if (!url || !/^https?:\/\//i.test(url)) {
      throw new VendorError('The Mettl report is not available yet.', { retryable: false, code: 'report_unavailable' });
    }
    return { url };
  }

  function updateFromResult(order: VendorOrder, accessKey: string, ts: TestStatus): StatusUpdate | null {
    const fact = factOfResult({ status: ts.status, completionMode: ts.completionMode, hasResult: Boolean(ts.result) });
    if (fact === null) return null;
    const at = fact === 'start' || fact === 'resume' ? parseGmt(ts.start_time_GMT) : fact === 'registered' ? null : parseGmt(ts.end_time_GMT);
    const update: StatusUpdate = {
      match: { orderId: order.id },
      status: FACT_STATUS[fact],
      vendorStatus: ts.completionMode && ts.completionMode !== ts.status ? `${ts.status}/${ts.completionMode}` : (ts.status ?? fact),
      vendorTime: at ?? ctx.now(),
      dedupeKey: factKey(fact, at, accessKey),
      raw: ts,
    };
    if (fact === 'graded' || fact === 'graded-expired') update.result = resultOf({ testStatus: ts, psychometric: isPsychometric(packageOf(order)) });
    return update;
  }

  /** seed 001: for psychometric reports ask for the recommendation and the response style too. */
  const resultParams = (pkg: MettlPackage): Record<string, string> =>
    isPsychometric(pkg) ? { ir: JSON.stringify({ recommendation: true }), rs: 'true' } : {};

  /** Page size of Get Results of All Candidates in Schedule (MettlHelper.java asks for 500; 100 keeps pages small). */
  const RESULTS_PAGE = 100;
  /** Pages read per schedule per cycle, so a huge schedule cannot hold the poll job. */
  const MAX_RESULT_PAGES = 50;

  /** Every candidate's testStatus in one schedule, by lower-case email, paging with `offset` until a short page. */
  async function scheduleResults(accessKey: string, pkg: MettlPackage, wanted: ReadonlySet<string>): Promise<Map<string, TestStatus>> {
    const out = new Map<string, TestStatus>();
    for (let page = 0; page < MAX_RESULT_PAGES; page++) {
      const rows = await client.scheduleResults(accessKey, RESULTS_PAGE, page * RESULTS_PAGE, resultParams(pkg));
      for (const r of rows) if (r.testStatus) out.set(r.email.toLowerCase(), r.testStatus);
      if (rows.length < RESULTS_PAGE || [...wanted].every((e) => out.has(e))) break;
    }
    return out;
  }

  async function refresh(orders: readonly VendorOrder[]): Promise<StatusUpdate[]> {
    const cutoff = ctx.now().getTime() - config.reconcileAfterSeconds * 1000;
    // Notifications are the normal path; only orders quiet for reconcileAfterSeconds are asked about
    // (VENDOR-NOTES §1.7: Mettl's retry policy is unknown, a missed graded webhook is rescued by polling).
    const due = orders.filter((o) => o.statusChangedAt.getTime() <= cutoff && (o.vendorData.accessKey || o.vendorRef));
    const updates: StatusUpdate[] = [];
    let retryable: VendorError | null = null;
    // One Get Results of All Candidates in Schedule per schedule (paged), not one call per candidate.
    const bySchedule = new Map<string, { order: VendorOrder; email: string }[]>();
    for (const order of due) {
      try {
        const { accessKey, email } = orderData(order);
        bySchedule.set(accessKey, [...(bySchedule.get(accessKey) ?? []), { order, email: email.toLowerCase() }]);
      } catch (err) {
        if (!(err instanceof VendorError)) throw err;
      }
    }
    for (const [accessKey, members] of bySchedule) {
      try {
        const results = await scheduleResults(accessKey, packageOf(members[0]!.order), new Set(members.map((m) => m.email)));
        for (const { order, email } of members) {
          const testStatus = results.get(email);
          const update = testStatus ? updateFromResult(order, accessKey, testStatus) : null;
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

  async function catalog(): Promise<{ externalId: string; name: string }[]> {
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

  return {
    vendor: 'mettl',
    pollIntervalSeconds: config.pollIntervalSeconds,
    refreshBatchSize: 500,
    defaultKind: 'test',
    placeOrder,
    launchUrl,
    reportUrl,
    refresh,
    parseWebhook,
    catalog,
    // Cancel: none. Mettl's only removal call, Delete Result of Candidate in Schedule, works on Completed/Expired tests
    // (VENDOR-NOTES §1.4), so an open registration cannot be withdrawn there; the core marks the order cancelled and
    // issues no more launch links, and Mettl links are single-use and fetched at click time (seed 001).
    async remind(order) {
      // seed 001: the candidate-specific link "can be sent to the candidate over email": registering again issues a new one.
      const { url } = await launchUrl(order);
      return { call: 'Mettl re-registration', sentBy: 'ats', url };
    },
    async probe() {
      const res = await client.listAssessments(1, 0); // a signed read of one item
      return `signed request accepted; ${res.paging?.total ?? res.assessments.length} assessment(s) visible`;
    },
  };
};

export default mettl;
