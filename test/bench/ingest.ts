// Webhook ingest through the real hook endpoints with real auth (PSI: bearer from /oauth/token; Mettl:
// Basic header + signed context_data), each delivery stored + applied + event appended in one transaction,
// on PGlite (embedded) and PostgreSQL, next to single-row INSERT commits on the same database.
import { join } from 'node:path';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { startChild, type Child } from './lib/child.js';
import { load, type Req } from './lib/load.js';
import { dropSchema, freshSchema } from './lib/pg.js';
import { round, summary } from './lib/stats.js';
import { METTL_HOOK, PSI_CLIENT } from './ingest/config.js';

export interface IngestRow {
  database: 'PGlite' | 'PostgreSQL';
  /** `psi-hot`: PSI notifications to few orders, many each (HOT_PHASES), interleaved. */
  vendor: 'psi' | 'mettl' | 'psi-hot' | 'psi-direct' | 'psi-ats' | 'floor';
  requests: number;
  per_s: number;
  p50_ms: number;
  p99_ms: number;
  applied: number;
  /** Notifications in flight. */
  connections: number;
  /** CPU time of the BFF process per delivery (ms, user + system). */
  bff_cpu_ms?: number;
  /** Of that, the main thread's (HTTP, authentication, parsing, the group commit); the rest is the database thread's on PGlite, and V8's GC and compiler threads. */
  main_cpu_ms?: number;
  /** CPU time of the load generator per delivery (ms): it shares the machine's cores with the BFF. */
  client_cpu_ms?: number;
  /** How busy the BFF's main thread and, on PGlite, the database's thread were during the phase (%). */
  main_busy_pct?: number;
  db_busy_pct?: number;
  /** `psi-ats`: events the tenant's ATS webhook endpoint received, of the events the ingest appended. */
  ats_received?: number;
  ats_events?: number;
  /** `psi-ats`: seconds from the last notification's answer to the last event at the ATS endpoint. */
  ats_all_in_s?: number;
  note?: string;
}

interface Counts {
  deliveries: { vendor: string; outcome: string; n: string }[];
  updatedEvents: number;
}

interface Elu {
  main: EventLoopUtilization;
  db: EventLoopUtilization | null;
}

/**
 * Notifications in flight: the ingest runs once per level, each on orders of its own (the floor at the first level);
 * 16 and 64 unless BENCH_INGEST_CONNECTIONS says otherwise (a comma-separated list).
 */
export const INGEST_LEVELS = (process.env.BENCH_INGEST_CONNECTIONS ?? '16,64').split(',').map(Number);
export const INGEST_CONNECTIONS = INGEST_LEVELS[0]!;
const PHASES = 3;
/** Hot orders: this many PSI notifications per order (booked, rescheduled 13 times, completed), interleaved over the orders. */
const HOT_PHASES = 15;

interface Prepared {
  psi: { orderId: string; candidateId: string }[];
  /** Orders of their own for the run without HTTP. */
  directPsi: { orderId: string; candidateId: string }[];
  mettl: { orderId: string; candidateId: string; ticket: string }[];
}

/** A PSI NotificationRequest (docs/vendors/psi.md#notifications), as in psi/fixtures/booking-created-site-all-fields.json. */
function psiDelivery(o: Prepared['psi'][number], phase: number, base: number, token: string, phases = PHASES): Req {
  const reason = phase === 0 ? 'BOOKING_CREATED' : phase === phases - 1 ? 'EXAM_COMPLETED' : 'BOOKING_RESCHEDULED';
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = {
    booking_code: `BKG${o.orderId.slice(2, 10).toUpperCase()}`,
    booking_on: iso(base + (7 + phase) * 86_400_000),
    candidate_fname: 'Ada',
    candidate_id: o.candidateId,
    candidate_lname: 'Lovelace',
    change_reason: reason,
    client_eligibility_id: o.orderId,
    delivery_mode: 'SITE_PROCTORED',
    effective_date: iso(base + phase * 60_000),
    exam_code: 'CERT-1',
    exam_portions: [
      { portion_code: 'P1', portion_name: 'Theory' },
      { portion_code: 'P2', portion_name: 'Practice' },
    ],
    location_address: '1 Main Street, New York, NY 10001',
    location_code: 'NY-017',
    location_name: 'PSI Test Center Manhattan',
    location_timezone: 'America/New_York',
  };
  return { method: 'PUT', path: '/hooks/psi/acme', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** Mettl start / finish / graded notifications, shaped as mettl/fixtures/{start-2014,finish-2024,graded-2024}.json. */
function mettlDelivery(o: Prepared['mettl'][number], phase: number, base: number): Req {
  const gmt = (ms: number) => new Date(ms).toUTCString();
  const started = base;
  const ended = base + 45 * 60_000;
  const common = {
    invitation_key: 'bench-access-key',
    assessment_id: 123456,
    candidate_instance_id: 136419634,
    context_data: o.ticket,
    source_app: 'candidate-assessment',
    notification_url: 'http://127.0.0.1/hooks/mettl/acme',
    name: 'Ada Lovelace',
    email: `${o.candidateId}@example.com`,
  };
  const body =
    phase === 0
      ? { EVENT_TYPE: 'startAssessment', ...common, timestamp_GMT: gmt(started), start_time_GMT: gmt(started) }
      : phase === 1
        ? { EVENT_TYPE: 'finishTest', ...common, timestamp_GMT: gmt(ended), finish_mode: 'NormalSubmission' }
        : {
            EVENT_TYPE: 'gradedAssessment',
            ...common,
            timestamp_GMT: gmt(ended + 60_000),
            finish_mode: 'NormalSubmission',
            start_time_GMT: gmt(started).replace('GMT', 'UTC'),
            end_time_GMT: gmt(ended).replace('GMT', 'UTC'),
            marks_scored: 37.5,
            max_marks: 50.0,
            total_attempt_time: 2700,
            percentile: 90.9,
            assessment_name: 'Java coding test',
            schedule_title: 'candidate-assessment mettl-java attempt 1',
            sectional_scores: JSON.stringify([
              { sectionName: 'Section #1', sectionScore: 20.0, sectionMaxScore: 25.0 },
              { sectionName: 'Section #2', sectionScore: 17.5, sectionMaxScore: 25.0 },
            ]),
            grading_type: 'NormalGrading',
            testStatus: {
              status: 'Completed',
              overallStatus: 'Completed',
              completionMode: 'Completed',
              result: { totalMarks: 37.5, maxMarks: 50.0, percentile: 90.9, candidateCredibilityIndex: 'High', performanceCategory: 'Good' },
              htmlReport: 'https://mettl.com/analytics/share-report?key=bench',
            },
          };
  const authorization = `Basic ${Buffer.from(`${METTL_HOOK.webhookUser}:${METTL_HOOK.webhookPassword}`).toString('base64')}`;
  return { method: 'POST', path: '/hooks/mettl/acme', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

async function psiToken(url: string): Promise<string> {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${PSI_CLIENT.clientId}:${PSI_CLIENT.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  if (res.status !== 200) throw new Error(`/oauth/token answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

const pct = (x: number) => (Number.isNaN(x) ? undefined : Math.round(x * 100));

/** One measured phase: `requests` deliveries from `next` at `connections` in flight, with the BFF's CPU and threads' use. */
async function measured(server: Child, url: string, next: (i: number) => Req | undefined, requests: number, connections: number) {
  const cpuBefore = await server.call<NodeJS.CpuUsage>('cpu');
  const mainBefore = await server.call<number>('mainThreadCpu');
  const eluBefore = await server.call<Elu>('elu');
  const r = await load(url, next, { connections, maxRequests: requests, maxSeconds: 120, keepBodies: 0 });
  const cpuAfter = await server.call<NodeJS.CpuUsage>('cpu');
  const mainAfter = await server.call<number>('mainThreadCpu');
  const eluAfter = await server.call<Elu>('elu');
  const busy = (a: EventLoopUtilization | null, b: EventLoopUtilization | null) => (a && b ? (b.active - a.active) / (b.active + b.idle - a.active - a.idle) : NaN);
  // CPU the BFF process spent per delivery (user + system): steadier than a rate on a shared machine.
  const cpuMs = (cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / 1000 / r.requests;
  return { r, cpuMs, mainCpuMs: (mainAfter - mainBefore) / r.requests, mainBusy: busy(eluBefore.main, eluAfter.main), dbBusy: busy(eluBefore.db, eluAfter.db) };
}

/** Deliveries of `vendor` stored as applied so far. */
const appliedOf = (c: Counts, vendor: string) => Number(c.deliveries.find((d) => d.vendor === vendor && d.outcome === 'applied')?.n ?? 0);

/** Vendor times after the orders' placement (an older one would only go to history as stale). */
const vendorTimeBase = () => Math.ceil(Date.now() / 1000) * 1000 + 60_000;

/**
 * One run's deliveries of a vendor: to its orders `set`·n … (`set`+1)·n − 1, phase by phase (every order's booking,
 * then every reschedule, …), so each delivery changes its order.
 */
function deliveriesTo(prepared: Prepared, vendor: 'psi' | 'mettl', set: number, n: number, base: number, token: string, phases = PHASES) {
  const at = set * n;
  return (i: number): Req | undefined => {
    if (i >= n * phases) return undefined;
    const phase = Math.floor(i / n);
    return vendor === 'psi' ? psiDelivery(prepared.psi[at + (i % n)]!, phase, base, token, phases) : mettlDelivery(prepared.mettl[at + (i % n)]!, phase, base);
  };
}

/**
 * Not measured: both vendors' deliveries to orders `set` of their own at the highest level, so the phases measured
 * next find the BFF's code compiled and its statements prepared. Without it the first phase ran cold (PSI at 64 in
 * flight first: 970–1,090/s against 1,560–1,760/s after other phases, alternating runs).
 */
async function warmUp(url: string, prepared: Prepared, set: number, n: number, base: number, token: string): Promise<void> {
  for (const vendor of ['psi', 'mettl'] as const) {
    await load(url, deliveriesTo(prepared, vendor, set, n, base, token), { connections: INGEST_LEVELS.at(-1)!, maxRequests: n * PHASES, maxSeconds: 120, keepBodies: 0 });
  }
}

/**
 * PSI at the highest level again, on a BFF whose tenant sends every event to an ATS webhook (an endpoint in a process
 * of its own, answering 200). The writes are the same as without it; the webhook dispatcher reads the tenant's events
 * from the log after its cursor and sends them beside the ingest (webhooks/dispatcher.ts). Also: how long after the last
 * notification was answered the ATS endpoint had every event.
 */
async function withAtsWebhook(name: IngestRow['database'], database: string, n: number): Promise<IngestRow> {
  const endpoint = await startChild('ingest/ats-endpoint.ts');
  const server = await startChild('ingest/server.ts');
  try {
    const { url: atsWebhook } = await endpoint.call<{ url: string }>('start');
    const { url } = await server.call<{ url: string }>('start', { database, atsWebhook }, 180_000);
    // Set 0 warms up, set 1 is measured.
    const prepared = await server.call<Prepared>('prepare', { n: 2 * n }, 300_000);
    const token = await psiToken(url);
    const base = vendorTimeBase();
    const connections = INGEST_LEVELS.at(-1)!;
    const received = () => endpoint.call<{ received: number; msAgo: number }>('received');
    /** Waits until the endpoint has `events` events (for at most two minutes); the endpoint's count then. */
    const allReceived = async (events: number, since: number) => {
      let ats = await received();
      while (ats.received < events && performance.now() - since < 120_000) {
        await new Promise((res) => setTimeout(res, 100));
        ats = await received();
      }
      return ats;
    };
    await warmUp(url, prepared, 0, n, base, token);
    // The warm-up's events delivered before the phase measured starts: they would run beside it.
    const before = await server.call<Counts>('counts');
    const atsBefore = await allReceived(before.updatedEvents, performance.now());
    if (process.env.BENCH_PHASE_PROF) await server.call('profileStart');
    const { r, cpuMs, mainBusy, dbBusy } = await measured(server, url, deliveriesTo(prepared, 'psi', 1, n, base, token), n * PHASES, connections);
    const answered = performance.now();
    const counts = await server.call<Counts>('counts');
    const applied = appliedOf(counts, 'psi') - appliedOf(before, 'psi');
    const events = counts.updatedEvents - before.updatedEvents;
    const ats = await allReceived(counts.updatedEvents, answered);
    const allIn = (performance.now() - ats.msAgo - answered) / 1000;
    if (process.env.BENCH_PHASE_PROF) console.error(`  CPU profile: ${await server.call('profileStop', join(process.env.BENCH_PHASE_PROF, `ingest-${name}-psi-ats.cpuprofile`))}`);
    const s = summary(r.latencies);
    const row: IngestRow = {
      database: name,
      vendor: 'psi-ats',
      connections,
      requests: r.requests,
      per_s: Math.round(r.perSecond),
      p50_ms: s.p50,
      p99_ms: s.p99,
      applied,
      bff_cpu_ms: round(cpuMs),
      client_cpu_ms: round(r.clientCpuMs),
      main_busy_pct: pct(mainBusy),
      db_busy_pct: pct(dbBusy),
      ats_received: ats.received - atsBefore.received,
      ats_events: events,
      ats_all_in_s: ats.received >= counts.updatedEvents ? round(Math.max(0, allIn)) : NaN,
    };
    console.error(`  ingest ${name} psi with an ATS webhook at ${connections} in flight: ${row.per_s}/s, p99 ${s.p99} ms, BFF CPU ${cpuMs.toFixed(3)} ms per delivery; ATS endpoint: ${row.ats_received}/${row.ats_events} events, the last ${row.ats_all_in_s} s after the last notification was answered`);
    return row;
  } finally {
    await server.stop();
    await endpoint.stop();
  }
}

async function onDatabase(name: IngestRow['database'], database: string, ordersPerVendor: number, hotOrders: number): Promise<IngestRow[]> {
  const server = await startChild('ingest/server.ts');
  const rows: IngestRow[] = [];
  try {
    const { url } = await server.call<{ url: string }>('start', { database }, 180_000);
    // Orders for every level (level k notifies orders set k of each vendor) and for the warm-up (the set after them).
    // Then hot orders: after those sets, as many orders as a set has (the first `hotOrders` of them used).
    const prepared = await server.call<Prepared>('prepare', { n: ordersPerVendor * (INGEST_LEVELS.length + 2) }, 300_000);
    const token = await psiToken(url);
    const base = vendorTimeBase();
    const n = ordersPerVendor;
    const applied = async (vendor: string) => appliedOf(await server.call<Counts>('counts'), vendor);
    await warmUp(url, prepared, INGEST_LEVELS.length, n, base, token);
    const phasesOf: { vendor: 'psi' | 'mettl' | 'psi-hot'; connections: number; next: (i: number) => Req | undefined; count: number }[] = [
      ...INGEST_LEVELS.flatMap((connections, level) =>
        (['psi', 'mettl'] as const).map((vendor) => ({ vendor, connections, next: deliveriesTo(prepared, vendor, level, n, base, token), count: n * PHASES })),
      ),
      // Hot orders at the first level: `hotOrders` orders of the set after the warm-up's, HOT_PHASES notifications each.
      {
        vendor: 'psi-hot' as const,
        connections: INGEST_CONNECTIONS,
        next: (i: number) => (i < hotOrders * HOT_PHASES ? psiDelivery(prepared.psi[(INGEST_LEVELS.length + 1) * n + (i % hotOrders)]!, Math.floor(i / hotOrders), base, token, HOT_PHASES) : undefined),
        count: hotOrders * HOT_PHASES,
      },
    ];
    for (const { vendor, connections, next, count } of phasesOf) {
      const appliedBefore = await applied(vendor === 'psi-hot' ? 'psi' : vendor);
      if (process.env.BENCH_SQL_TRACE) await server.call('sqlReport');
      if (process.env.BENCH_TX_TRACE) await server.call('txReport', { n: 1, seconds: 1 });
      const prof = process.env.BENCH_PHASE_PROF;
      if (prof) await server.call('profileStart');
      const { r, cpuMs, mainCpuMs, mainBusy, dbBusy } = await measured(server, url, next, count, connections);
      if (prof) console.error(`  CPU profile: ${await server.call('profileStop', join(prof, `ingest-${name}-${vendor}-${connections}.cpuprofile`))}`);
      if (process.env.BENCH_SQL_TRACE) {
        const rep = await server.call<{ transactions: unknown; statements: { sql: string; n: number; ms: number; avg_ms: number; rows: number }[] }>('sqlReport');
        console.error(`  SQL during ${name} ${vendor} (${r.requests} deliveries): transactions ${JSON.stringify(rep.transactions)}`);
        console.table(rep.statements.slice(0, 16));
      }
      if (process.env.BENCH_TX_TRACE) console.error(`  transactions during ${name} ${vendor}: ${JSON.stringify(await server.call('txReport', { n: r.requests, seconds: r.requests / r.perSecond }))}`);
      const s = summary(r.latencies);
      rows.push({
        database: name,
        vendor,
        connections,
        requests: r.requests,
        per_s: Math.round(r.perSecond),
        p50_ms: s.p50,
        p99_ms: s.p99,
        applied: (await applied(vendor === 'psi-hot' ? 'psi' : vendor)) - appliedBefore,
        bff_cpu_ms: round(cpuMs),
        main_cpu_ms: round(mainCpuMs),
        client_cpu_ms: round(r.clientCpuMs),
        main_busy_pct: pct(mainBusy),
        db_busy_pct: pct(dbBusy),
      });
      if (r.statuses['200'] !== r.requests) console.error(`  ingest ${name} ${vendor}: statuses ${JSON.stringify(r.statuses)} ${r.bodies.slice(0, 3).join(' | ')}`);
      console.error(`  ingest ${name} ${vendor} at ${connections} in flight: ${Math.round(r.perSecond)}/s, p99 ${s.p99} ms, BFF CPU ${cpuMs.toFixed(3)} ms per delivery, load generator CPU ${r.clientCpuMs.toFixed(3)} ms; busy: main thread ${Math.round(mainBusy * 100)}%, database thread ${Number.isNaN(dbBusy) ? '-' : `${Math.round(dbBusy * 100)}%`}`);
    }
    const counts = await server.call<Counts>('counts');
    // After the counts above (these are PSI deliveries too). The ceiling behind the route: the same PSI notifications (phase by phase, as many in flight) handed to the
    // delivery service in the BFF's process, without HTTP.
    if (process.env.BENCH_PHASE_PROF) await server.call('profileStart');
    const direct = await server.call<{ count: number; perSecond: number; cpuMs: number; outcomes: Record<string, number> }>(
      'direct',
      { reqs: Array.from({ length: n * PHASES }, (_, i) => psiDelivery(prepared.directPsi[i % n]!, Math.floor(i / n), base, token)), concurrency: INGEST_CONNECTIONS },
      300_000,
    );
    if (process.env.BENCH_PHASE_PROF) console.error(`  CPU profile: ${await server.call('profileStop', join(process.env.BENCH_PHASE_PROF, `ingest-${name}-psi-direct.cpuprofile`))}`);
    rows.push({
      database: name,
      vendor: 'psi-direct',
      connections: INGEST_CONNECTIONS,
      requests: direct.count,
      per_s: Math.round(direct.perSecond),
      p50_ms: NaN,
      p99_ms: NaN,
      applied: direct.outcomes.applied ?? 0,
      bff_cpu_ms: round(direct.cpuMs),
      note: 'the same PSI notifications handed to the delivery service in-process, no HTTP (the ceiling behind the route)',
    });
    console.error(`  ingest ${name} psi without HTTP: ${Math.round(direct.perSecond)}/s, BFF CPU ${direct.cpuMs.toFixed(3)} ms per delivery ${JSON.stringify(direct.outcomes)}`);
    const bodyBytes = Math.round(
      [psiDelivery(prepared.psi[0]!, 0, base, token), mettlDelivery(prepared.mettl[0]!, 2, base)].reduce((a, r) => a + r.body!.length, 0) / 2,
    );
    const floor = await server.call<{ count: number; perSecond: number; seconds: number; cpuMs: number }>('floor', { count: n * PHASES, concurrency: INGEST_CONNECTIONS, bodyBytes }, 120_000);
    rows.push({
      database: name,
      vendor: 'floor',
      connections: INGEST_CONNECTIONS,
      requests: floor.count,
      per_s: Math.round(floor.perSecond),
      p50_ms: NaN,
      p99_ms: NaN,
      applied: 0,
      bff_cpu_ms: round(floor.cpuMs, 3),
      note: `single-row INSERT commits, ${bodyBytes} B text, ${INGEST_CONNECTIONS} in flight`,
    });
    // Diagnosis: commits one at a time (what a lock held until COMMIT allows), the rate without group commit.
    const serial = await server.call<{ count: number; perSecond: number }>('floor', { count: 400, concurrency: 1, bodyBytes }, 120_000);
    rows.push({ database: name, vendor: 'floor', connections: 1, requests: serial.count, per_s: Math.round(serial.perSecond), p50_ms: NaN, p99_ms: NaN, applied: 0, note: 'the same commits one at a time (diagnosis, not a floor)' });
    console.error(`  ingest ${name} floor: ${Math.round(floor.perSecond)}/s (serial ${Math.round(serial.perSecond)}/s); updated events ${counts.updatedEvents}`);
  } finally {
    await server.stop();
  }
  return rows.map((r) => ({ ...r, p50_ms: round(r.p50_ms), p99_ms: round(r.p99_ms) }));
}

export async function webhookIngest(o: { ordersPerVendor: number; hotOrders: number; postgres: boolean }): Promise<{ rows: IngestRow[]; skipped?: string }> {
  const rows = await onDatabase('PGlite', 'embedded', o.ordersPerVendor, o.hotOrders);
  rows.push(await withAtsWebhook('PGlite', 'embedded', o.ordersPerVendor));
  if (!o.postgres) return { rows, skipped: 'PostgreSQL not asked for' };
  const pgUrl = await freshSchema('bench_ingest');
  if (!pgUrl) return { rows, skipped: 'PostgreSQL unreachable (BENCH_DATABASE_URL)' };
  try {
    rows.push(...(await onDatabase('PostgreSQL', pgUrl, o.ordersPerVendor, o.hotOrders)));
  } finally {
    await dropSchema('bench_ingest');
  }
  const atsUrl = (await freshSchema('bench_ingest_ats'))!;
  try {
    rows.push(await withAtsWebhook('PostgreSQL', atsUrl, o.ordersPerVendor));
  } finally {
    await dropSchema('bench_ingest_ats');
  }
  return { rows };
}
