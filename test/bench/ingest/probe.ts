// Diagnosis (not part of `pnpm bench`): the ingest without HTTP on one database, with every transaction of the
// group commit traced from the main thread: statements per transaction, notifications per transaction, each
// statement's round trip, the main thread's work between a transaction's statements and the gap between one
// transaction's COMMIT answer and the next one's first statement. Run:
//   node --import tsx test/bench/ingest/probe.ts embedded|postgres://… [rounds]
import { startTestBff } from '@ca/bff/testing';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance as perf } from 'node:perf_hooks';
import { statCpuMs } from '../lib/proc.js';
import { seedOrders } from '../lib/seed.js';
import { PSI_CLIENT } from './config.js';
import { traceTransactions as trace, traces, txReport as report } from '../lib/tx-trace.js';

/** CPU time (ms, 10 ms ticks) of each of this process's threads. */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const ms = statCpuMs(`/proc/self/task/${tid}/stat`);
    if (!Number.isNaN(ms)) out.set(tid, ms);
  }
  return out;
}

/** CPU of the main thread and of the busiest other thread (the database's, on PGlite) between two snapshots. */
function split(a: Map<string, number>, b: Map<string, number>) {
  const main = (b.get(String(process.pid)) ?? 0) - (a.get(String(process.pid)) ?? 0);
  let db = 0;
  for (const [tid, ms] of b) if (tid !== String(process.pid)) db = Math.max(db, ms - (a.get(tid) ?? 0));
  return { main, db };
}

async function main() {
  const target = process.argv[2] ?? 'embedded';
  const rounds = Number(process.argv[3] ?? 3);
  const conc = Number(process.env.PROBE_CONC ?? 16);
  let dir: string | undefined; let database = target;
  if (target === 'embedded') { dir = mkdtempSync(join(tmpdir(), 'ca-probe-')); database = `embedded:${join(dir, 'db')}`; }
  const t = await startTestBff({ database, vendors: { psi: { clients: [PSI_CLIENT], schedulingUrl: 'https://psi.example/schedule?e={eligibilityId}' } }, packages: [{ id: 'psi-cert', vendor: 'psi', name: 'Certification exam', examCode: 'CERT-1' }] } as never);
  t.bff.log.level = 'warn';
  const db = t.bff.db as any;
  const N = Number(process.env.PROBE_N ?? 200); const PH = 3;
  await seedOrders(db, { tenantId: 'acme', vendor: 'psi', vendorName: 'PSI', packageId: 'psi-cert', packageName: 'Certification exam', count: N * (rounds * 2 + 1), candidates: N * (rounds * 2 + 1), candidatePrefix: 'p-', idPrefix: 'o_p', vendorRefSql: 'id', vendorStatus: 'invited' });
  const res = await fetch(`${t.url}/oauth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${PSI_CLIENT.clientId}:${PSI_CLIENT.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
  const token = ((await res.json()) as { access_token: string }).access_token;
  const base = Math.ceil(Date.now() / 1000) * 1000 + 60_000;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = (i: number, phase: number, phases: number) => JSON.stringify({
    booking_code: `BKG${String(i).padStart(8, '0')}`, booking_on: iso(base + (7 + phase) * 86_400_000), candidate_fname: 'Ada', candidate_id: `p-${i}`, candidate_lname: 'Lovelace',
    change_reason: phase === 0 ? 'BOOKING_CREATED' : phase === phases - 1 ? 'EXAM_COMPLETED' : 'BOOKING_RESCHEDULED', client_eligibility_id: `o_p${String(i).padStart(8, '0')}`,
    delivery_mode: 'SITE_PROCTORED', effective_date: iso(base + phase * 60_000), exam_code: 'CERT-1', exam_portions: [{ portion_code: 'P1', portion_name: 'Theory' }, { portion_code: 'P2', portion_name: 'Practice' }],
    location_address: '1 Main Street, New York, NY 10001', location_code: 'NY-017', location_name: 'PSI Test Center Manhattan', location_timezone: 'America/New_York' });
  async function run(bodies: string[]) {
    const deliveries = t.bff.deliveries; let next = 0;
    await Promise.all(Array.from({ length: conc }, async () => {
      for (let b = bodies[next++]; b; b = bodies[next++]) await deliveries.receive({ tenantId: 'acme', vendor: 'psi', method: 'PUT', path: '/hooks/psi/acme', headers: new Headers({ authorization: `Bearer ${token}`, 'content-type': 'application/json' }), query: new URLSearchParams(), readBody: async () => b });
    }));
  }
  const spread = (set: number) => Array.from({ length: N * PH }, (_, i) => body(set * N + (i % N), Math.floor(i / N), PH));
  const HOT = Math.round(N / 5); const HP = 15;
  const hot = (set: number) => Array.from({ length: HOT * HP }, (_, i) => body(set * N + (i % HOT), Math.floor(i / HOT), HP));
  if (process.env.PROBE_SQL) await db.exec(process.env.PROBE_SQL);
  await run(spread(rounds * 2)); // warm-up
  trace(db);
  for (let r = 0; r < rounds; r++) {
    for (const [name, bodies] of [['spread', spread(r * 2)], ['hot', hot(r * 2 + 1)]] as const) {
      traces.length = 0;
      const elu0 = perf.eventLoopUtilization(); const dbElu0 = db.threadUtilization?.();
      const cpu0 = process.cpuUsage(); const th0 = threadCpu(); const t0 = perf.now();
      await run(bodies);
      const secs = (perf.now() - t0) / 1000; const cpu = process.cpuUsage(cpu0); const th = split(th0, threadCpu());
      const mainBusy = perf.eventLoopUtilization(elu0).utilization; const dbBusy = dbElu0 ? db.threadUtilization(dbElu0).utilization : NaN;
      console.log(JSON.stringify({ round: r, name, ...(await report(traces, bodies.length, secs)), cpu_us: Math.round((cpu.user + cpu.system) / bodies.length), main_busy: Math.round(mainBusy * 100), db_busy: Math.round(dbBusy * 100), db_us: Math.round((dbBusy * secs * 1e6) / bodies.length), main_cpu_us: Math.round((th.main * 1000) / bodies.length), db_cpu_us: Math.round((th.db * 1000) / bodies.length) }));
    }
  }
  await t.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
