// Diagnosis (not part of `pnpm bench`): what each statement of one ingest transaction costs the database. Drives the
// BFF's own update batch (orders/update-batch.ts, the one the delivery service's group commit uses) with batches of
// real PSI notifications (the bench's shapes, read by the PSI adapter's own parser), one transaction at a time, and
// times from the main thread each statement: the batched find, the write statement of store/batch.ts, COMMIT (sent
// alone here, so it can be told apart from the write). PGlite: also the CPU of the database's thread; PostgreSQL: also
// the CPU of the server processes that ran the transactions. Then EXPLAIN (ANALYZE, BUFFERS, VERBOSE) of the write
// statement with a real batch's parameters, in a transaction rolled back, and variants of the write statement timed
// A/B interleaved in the same run (STMT_VARIANTS: names from VARIANTS below; every other pair in reverse order). Run:
//   node --import tsx test/bench/ingest/stmt-cost.ts embedded|postgres://…/test [pairs]
// STMT_SIZES=8,16 notifications per transaction; STMT_BLOCK=40 transactions per block of a pair; STMT_SPLIT=1 sends
// every variant's COMMIT alone too (its write time is then the statement's own); STMT_SQL runs before the orders are
// seeded (a storage parameter to try); STMT_EXPLAIN=0 skips the plans, =all plans every variant; STMT_KEEP=1 keeps the
// PostgreSQL schema (bench_stmt_cost) for a look afterwards. Diagnosis only: the numbers are noisy on a shared machine.
import { startTestBff } from '@ca/bff/testing';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance as perf } from 'node:perf_hooks';
import { parseNotification, toStatusUpdate } from '../../../packages/bff/src/vendors/psi/webhook.js';
import { dropSchema, freshSchema } from '../lib/pg.js';
import { statCpuMs } from '../lib/proc.js';
import { seedOrders } from '../lib/seed.js';
import { PSI_CLIENT } from './config.js';

const PACKAGES = [{ id: 'psi-cert', vendor: 'psi' as const, name: 'Certification exam', examCode: 'CERT-1' }];
const SCHEMA = 'bench_stmt_cost';

/** A rewrite of the write statement (text and parameters) measured against the statement as the BFF sends it. */
type Variant = (text: string, params: unknown[]) => { text: string; params: unknown[] };
const VARIANTS: Record<string, Variant> = {
  /** As sent. */
  base: (text, params) => ({ text, params }),
  /** Every JSON parameter read as json: no jsonb value built for the whole parameter before it is taken apart. */
  json: (text, params) => ({
    text: text
      .replace(/jsonb_to_recordset\((\$\d+)::jsonb\)/g, 'json_to_recordset($1::json)')
      .replace(/jsonb_array_elements\((\$\d+)::jsonb\)/g, 'json_array_elements($1::json)')
      .replace(/e->'payload'/g, `(e->'payload')::jsonb`),
    params,
  }),
  /** The orders UPDATE's key list from a text[] parameter instead of a second parse of its JSON one. */
  keys: (text, params) => {
    const m = /ARRAY\(SELECT jsonb_array_elements\((\$\d+)::jsonb\)->>'id'\)/.exec(text);
    if (!m) return { text, params };
    const ids = (JSON.parse(params[Number(m[1]!.slice(1)) - 1] as string) as { id: string }[]).map((u) => u.id);
    const p = [...params, `{${ids.map((id) => `"${id.replace(/["\\]/g, '\\$&')}"`).join(',')}}`];
    return { text: text.replace(m[0], `$${p.length}::text[]`), params: p };
  },
  /** Measurement only (announces nothing): the same statement without pg_notify. */
  nonotify: (text, params) => ({ text: text.replace('pg_notify(', 'concat_ws('), params }),
  /** Measurement only (checks no foreign key): the statement run with triggers off (session_replication_role, set before). */
  nofk: (text, params) => ({ text, params }),
  /** Every statement of the transaction on its generic plan (plan_cache_mode, set before the find): no planning per run. */
  generic: (text, params) => ({ text, params }),
  /** Every statement of the transaction planned for its parameters (plan_cache_mode, set before the find). */
  custom: (text, params) => ({ text, params }),
  /** The history INSERT without its ON CONFLICT clause (a speculative insertion per row). */
  noconflict: (text, params) => ({ text: text.replace(/\s*ON CONFLICT \(order_id, dedupe_key\) DO NOTHING/, ''), params }),
  /** The order's vendor data concatenated only when an update brings some. */
  vdata: (text, params) => ({
    text: text.replace(`vendor_data = o.vendor_data || coalesce(x.vendor_data, '{}'::jsonb)`, `vendor_data = CASE WHEN x.vendor_data IS NULL THEN o.vendor_data ELSE o.vendor_data || x.vendor_data END`),
    params,
  }),
  /** Measurement only (changes what is stored): the history rows without the raw notification in their detail. */
  noraw: (text, params) => ({
    text,
    params: params.map((p, i) =>
      /INSERT INTO ca_status_history/.test(text) && i === 0 && typeof p === 'string'
        ? JSON.stringify((JSON.parse(p) as { detail: Record<string, unknown> }[]).map((h) => ({ ...h, detail: { ...h.detail, raw: undefined } })))
        : p,
    ),
  }),
};

/** CPU (ms, 10 ms ticks) of each thread of this process, or of the given processes. */
function cpuOf(paths: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of paths) {
    const ms = statCpuMs(p);
    if (!Number.isNaN(ms)) out.set(p, ms);
  }
  return out;
}
const threads = () => readdirSync('/proc/self/task').filter((t) => t !== String(process.pid)).map((t) => `/proc/self/task/${t}/stat`);

/** The median: a transaction that waited seconds behind the BFF's own background work (seen) says nothing of its statements. */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const r1 = (x: number) => Math.round(x * 10) / 10;
const ms = (x: number) => Math.round(x * 100) / 100;

async function main() {
  const target = process.argv[2] ?? 'embedded';
  const pairs = Number(process.argv[3] ?? 3);
  const sizes = (process.env.STMT_SIZES ?? '8,16').split(',').map(Number);
  const block = Number(process.env.STMT_BLOCK ?? 40);
  // STMT_SPLIT=1: the variants too with COMMIT sent alone, so their write times hold the statement only (on PostgreSQL
  // the WAL flush of COMMIT, milliseconds on a busy disk, would drown a difference in the statement).
  const splitAll = process.env.STMT_SPLIT === '1';
  const variants = ['base', ...(process.env.STMT_VARIANTS ?? 'json,keys').split(',').filter((v) => v && v !== 'base')];
  let dir: string | undefined;
  let database = target;
  if (target === 'embedded') {
    dir = mkdtempSync(join(tmpdir(), 'ca-stmt-'));
    database = `embedded:${join(dir, 'db')}`;
  } else {
    process.env.BENCH_DATABASE_URL = target;
    database = (await freshSchema(SCHEMA))!;
  }
  const t = await startTestBff({ database, vendors: { psi: { clients: [PSI_CLIENT], schedulingUrl: 'https://psi.example/schedule?e={eligibilityId}' } }, packages: PACKAGES } as never);
  t.bff.log.level = 'warn';
  const db = t.bff.db;
  const pglite = db.kind === 'pglite';

  // Orders in sets of G, each notified three times (created, rescheduled, completed) interleaved, as the bench's spread.
  const G = 200;
  // Transactions per size: the warm-up, the plans (three per variant) and per pair one block for the statement-by-statement
  // timing and one per variant; every notification must find its order, or the write would be another statement.
  const perSize = (pairs * (variants.length + 1) + 1) * block + 3 * variants.length + 1;
  const count = sizes.reduce((n, s) => n + Math.ceil((perSize * s) / (3 * G)) * G, 0) + G;
  // STMT_SQL: run before the orders are seeded (e.g. a storage parameter to try).
  if (process.env.STMT_SQL) await db.exec(process.env.STMT_SQL);
  await seedOrders(db, { tenantId: 'acme', vendor: 'psi', vendorName: 'PSI', packageId: 'psi-cert', packageName: 'Certification exam', count, candidates: count, candidatePrefix: 'c-', idPrefix: 'o_c', vendorRefSql: 'id', vendorStatus: 'invited' });
  const base = Math.ceil(Date.now() / 1000) * 1000 + 60_000;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = (i: number, phase: number) =>
    JSON.stringify({
      booking_code: `BKG${String(i).padStart(8, '0')}`, booking_on: iso(base + (7 + phase) * 86_400_000), candidate_fname: 'Ada', candidate_id: `c-${i}`, candidate_lname: 'Lovelace',
      change_reason: ['BOOKING_CREATED', 'BOOKING_RESCHEDULED', 'EXAM_COMPLETED'][phase], client_eligibility_id: `o_c${String(i).padStart(8, '0')}`,
      delivery_mode: 'SITE_PROCTORED', effective_date: iso(base + phase * 60_000), exam_code: 'CERT-1', exam_portions: [{ portion_code: 'P1', portion_name: 'Theory' }, { portion_code: 'P2', portion_name: 'Practice' }],
      location_address: '1 Main Street, New York, NY 10001', location_code: 'NY-017', location_name: 'PSI Test Center Manhattan', location_timezone: 'America/New_York',
    });
  let next = 0;
  const nextBody = () => {
    const k = next++;
    const set = Math.floor(k / (3 * G));
    return body(set * G + (k % G), Math.floor((k % (3 * G)) / G));
  };

  const pids = new Set<number>();
  /** Notifications not applied (no order left, a duplicate): the write statement would not be the one measured. */
  let unapplied = 0;
  type Times = { find: number[]; write: number[]; commit: number[]; other: number[]; tx: number[]; before: number[] };
  /** One transaction of `n` notifications, as the delivery service builds it; `explain` plans the write instead and rolls back. */
  async function transaction(n: number, variant: Variant, times: Times, opts: { split: boolean; explain?: boolean }): Promise<string | undefined> {
    const bodies = Array.from({ length: n }, nextBody);
    let plan: string | undefined;
    const t0 = perf.now();
    let writeBack = 0;
    try {
      await db.transaction(async (inner) => {
        if (!pglite) {
          const [{ pid }] = (await inner.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`)) as [{ pid: number }];
          pids.add(pid);
        }
        const timed = async (kind: keyof Times, run: () => Promise<unknown[]>) => {
          const s = perf.now();
          try {
            return await run();
          } finally {
            times[kind].push(perf.now() - s);
            if (kind === 'write') writeBack = perf.now();
            if (kind === 'write') times.before.push(s - t0);
          }
        };
        const isWrite = (text: string) => /^WITH h AS/.test(text);
        if (variant === VARIANTS.generic || variant === VARIANTS.custom) await inner.query(`SET LOCAL plan_cache_mode = force_${variant === VARIANTS.generic ? 'generic' : 'custom'}_plan`);
        const tx = new Proxy(inner, {
          get: (o, k) => {
            if (k === 'query' || k === 'queryAndCommit') {
              return async (text: string, params: unknown[] = []) => {
                if (!isWrite(text) && opts.explain && /jsonb_array_elements\(\$1::jsonb\)/.test(text)) {
                  // The planner's estimates for a statement over a JSON list, generic and custom: PostgreSQL's plan cache
                  // plans each run anew while the custom estimate is the lower one, and JIT-compiles above jit_above_cost.
                  const lit = (v: unknown) => (v === null ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`);
                  await o.query(`PREPARE ca_stmt_cost_probe AS ${text}`);
                  for (const mode of ['generic', 'custom']) {
                    await o.query(`SET LOCAL plan_cache_mode = force_${mode}_plan`);
                    const rows = await o.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ca_stmt_cost_probe(${params.map(lit).join(', ')})`);
                    console.log(`--- ${mode} plan of: ${text.replace(/\s+/g, ' ').slice(0, 70)}…\n${rows.map((r) => r['QUERY PLAN']).filter((l) => !/^\s*(Output|Function Call)/.test(l)).join('\n')}`);
                  }
                  await o.query(`DEALLOCATE ca_stmt_cost_probe`);
                  await o.query(`RESET plan_cache_mode`);
                }
                if (!isWrite(text)) return timed(/jsonb_array_elements\(\$1::jsonb\) WITH ORDINALITY/.test(text) ? 'find' : 'other', () => o.query(text, params));
                const v = variant(text, params);
                if (variant === VARIANTS.nofk) await o.query(`SET LOCAL session_replication_role = replica`);
                if (opts.explain) {
                  const rows = await o.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, VERBOSE) ${v.text}`, v.params);
                  // Function Call lines quote every parameter in full: cut to their start.
                  plan = rows.map((r) => (r['QUERY PLAN'].length > 240 ? `${r['QUERY PLAN'].slice(0, 240)}…` : r['QUERY PLAN'])).join('\n');
                  throw new Error('rolled back');
                }
                return timed('write', () => (k === 'queryAndCommit' && !opts.split ? o.queryAndCommit(v.text, v.params) : o.query(v.text, v.params)));
              };
            }
            return Reflect.get(o, k);
          },
        });
        const batch = t.bff.orders.batch(tx as never);
        const updates = bodies.map((b) => {
          const { notification, raw } = parseNotification(b);
          return [toStatusUpdate(notification, { packages: PACKAGES as never, observedAt: new Date(), raw })];
        });
        for (const us of updates) batch.prefetch('acme', 'psi', us);
        await batch.load();
        const deliveries = [];
        for (const [i, us] of updates.entries()) {
          const out = [];
          for (const u of us) out.push(await batch.apply('acme', 'psi', u, 'webhook'));
          if (out.some((o) => o.outcome !== 'applied')) unapplied++;
          const outcome = out.every((o) => o.outcome === 'applied') ? 'applied' : out.some((o) => o.outcome === 'no_match') ? 'no_match' : 'history_only';
          deliveries.push({ tenantId: 'acme', vendor: 'psi', receivedAt: new Date(), method: 'PUT', path: '/hooks/psi/acme', contentType: 'application/json', body: bodies[i]!, outcome, orderIds: out.flatMap((o) => ('order' in o ? [o.order.id] : [])) });
        }
        await batch.flush({ deliveries, commit: true });
      });
    } catch (e) {
      if (!opts.explain || (e as Error).message !== 'rolled back') throw e;
    }
    const end = perf.now();
    if (opts.split && !opts.explain) times.commit.push(end - writeBack);
    times.tx.push(end - t0);
    return plan;
  }

  const empty = (): Times => ({ find: [], write: [], commit: [], other: [], tx: [], before: [] });
  const cpuPaths = () => (pglite ? threads() : [...pids].map((p) => `/proc/${p}/stat`));
  const cpuSum = (a: Map<string, number>, b: Map<string, number>) => (pglite ? Math.max(0, ...[...b].map(([k, v]) => v - (a.get(k) ?? 0))) : [...b].reduce((s, [k, v]) => s + v - (a.get(k) ?? 0), 0));

  const settings = await db.query(`SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'wal_level', 'plan_cache_mode', 'shared_buffers', 'wal_buffers')`);
  console.log(JSON.stringify({ database: db.kind, pairs, sizes, block, variants, orders: count, settings: Object.fromEntries(settings.map((r) => [r.name, r.setting])) }));
  for (const n of sizes) {
    for (let i = 0; i < block; i++) await transaction(n, VARIANTS.base!, empty(), { split: true }); // warm-up: plans, caches
    if (process.env.STMT_EXPLAIN !== '0') {
      // The third of three runs (the first ones fill caches); every variant with STMT_EXPLAIN=all.
      for (const v of process.env.STMT_EXPLAIN === 'all' ? variants : ['base']) {
        let plan: string | undefined;
        for (let i = 0; i < 3; i++) plan = await transaction(n, VARIANTS[v]!, empty(), { split: true, explain: true });
        console.log(`--- EXPLAIN write statement, ${n} notifications, variant ${v}\n${plan}`);
      }
    }
    // Statement by statement (`split`: COMMIT sent alone), then each variant as the BFF sends it (write + COMMIT in one
    // go) or, with STMT_SPLIT=1, as `split` is.
    const results: Record<string, { rt_us: number[]; cpu_us: number[] }> = {};
    const split = empty();
    const stmtTimes: Record<string, Times> = {};
    // WAL written meanwhile (on PostgreSQL the whole server's, other sessions' too).
    const [{ lsn: lsn0 }] = (await db.query<{ lsn: string }>(`SELECT pg_current_wal_lsn()::text AS lsn`)) as [{ lsn: string }];
    for (let p = 0; p < pairs; p++) {
      // Every other pair in reverse order, so no variant always runs first or after the same one.
      const order = ['split', ...variants];
      for (const v of p % 2 ? order.reverse() : order) {
        const times = v === 'split' ? split : empty();
        const paths = cpuPaths();
        const c0 = cpuOf(paths);
        for (let i = 0; i < block; i++) await transaction(n, VARIANTS[v === 'split' ? 'base' : v]!, times, { split: v === 'split' || splitAll });
        const cpu = cpuSum(c0, cpuOf(paths.length ? paths : cpuPaths()));
        (stmtTimes[v] ??= empty()).find.push(...times.find);
        stmtTimes[v]!.write.push(...times.write);
        stmtTimes[v]!.before.push(...times.before);
        stmtTimes[v]!.tx.push(...times.tx);
        const rt = median(times.find) + median(times.write) + (times.commit.length ? median(times.commit) : 0) + (times.other.reduce((a, b) => a + b, 0) / block);
        (results[v] ??= { rt_us: [], cpu_us: [] }).rt_us.push(Math.round((rt * 1000) / n));
        results[v]!.cpu_us.push(Math.round((cpu * 1000) / (block * n)));
      }
    }
    const [{ bytes }] = (await db.query<{ bytes: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::text AS bytes`, [lsn0])) as [{ bytes: string }];
    console.log(JSON.stringify({
      notifications: n,
      wal_bytes_per_notification: Math.round(Number(bytes) / (pairs * (variants.length + 1) * block * n)),
      median_per_notification_us: { find: r1((median(split.find) * 1000) / n), write: r1((median(split.write) * 1000) / n), commit: r1((median(split.commit) * 1000) / n), other: r1((split.other.reduce((a, b) => a + b, 0) * 1000) / (pairs * block * n)) },
      median_per_tx_ms: { find: ms(median(split.find)), write: ms(median(split.write)), commit: ms(median(split.commit)), tx: ms(median(split.tx)) },
    }));
    // Per variant: the medians of the find and of the write statement, per notification.
    console.log(JSON.stringify({ notifications: n, find_write_us_per_notification: Object.fromEntries(Object.entries(stmtTimes).map(([k, v]) => [k, [Math.round((median(v.find) * 1000) / n), Math.round((median(v.write) * 1000) / n)]])) }));
    // Per transaction: from its start to the write being sent (BEGIN, the reads, the updates applied here), and in all.
    console.log(JSON.stringify({ notifications: n, median_ms_before_write_and_tx: Object.fromEntries(Object.entries(stmtTimes).map(([k, v]) => [k, [ms(median(v.before)), ms(median(v.tx))]])) }));
    // Per pair: statement round trips per notification (main thread) and database CPU per notification (PGlite's
    // thread, or the PostgreSQL backends), each variant's blocks run in turn.
    console.log(JSON.stringify({ notifications: n, round_trips_us_per_notification: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.rt_us])), db_cpu_us_per_notification: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.cpu_us])) }));
  }
  console.log(JSON.stringify({ unapplied }));
  // How many order updates were HOT (no new index entries): those that changed no indexed column and found room on their page.
  console.log(JSON.stringify((await db.query(`SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relid = 'ca_orders'::regclass`))[0]));
  // Whether the prepared statements run a generic plan or are planned again each time (custom plans).
  await db.transaction(async (tx) => {
    const rows = await tx.query(`SELECT generic_plans, custom_plans, left(regexp_replace(statement, '\\s+', ' ', 'g'), 90) AS statement FROM pg_prepared_statements WHERE generic_plans + custom_plans > 20 ORDER BY generic_plans + custom_plans DESC LIMIT 8`);
    for (const r of rows) console.log(JSON.stringify(r));
  });
  await t.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  else if (!process.env.STMT_KEEP) await dropSchema(SCHEMA);
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
