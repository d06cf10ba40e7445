// Diagnosis only (BENCH_TX_TRACE=1, and test/bench/ingest/probe.ts): wraps a running BFF's database handle to trace
// every transaction from the main thread: notifications per transaction (the length of the batched find's JSON
// list), statements per transaction, each statement's round trip, the main thread's work between a transaction's
// statements, the gap from one transaction's end to the next one's first statement, and how much of the time some
// transaction was open. Replaces `transaction` on the live object; no source change.
import { performance as perf } from 'node:perf_hooks';

type Q = (text: string, params?: unknown[]) => Promise<unknown[]>;
interface TxTrace { start: number; stmts: { sent: number; back: number; kind: string }[]; end: number; units: number }
export const traces: TxTrace[] = [];

export function traceTransactions(db: any): void {
  const transaction = db.transaction.bind(db);
  db.transaction = async (fn: (tx: any) => Promise<unknown>) => {
    const t: TxTrace = { start: perf.now(), stmts: [], end: 0, units: 0 };
    try {
      return await transaction((inner: any) =>
        fn(new Proxy(inner, {
          get: (o, k) => {
            const f = Reflect.get(o, k);
            if (k !== 'query' && k !== 'queryAndCommit') return f;
            return async (text: string, params?: unknown[]) => {
              const s = { sent: perf.now(), back: 0, kind: /jsonb_array_elements/.test(text) && !/INSERT/.test(text) ? 'find' : /INSERT/.test(text) ? 'write' : 'other' };
              if (s.kind === 'find' && typeof params?.[0] === 'string') t.units = Math.max(t.units, (JSON.parse(params[0]) as unknown[]).length);
              t.stmts.push(s);
              try { return await (f as Q).call(o, text, params); } finally { s.back = perf.now(); }
            };
          },
        })),
      );
    } finally {
      t.end = perf.now();
      traces.push(t);
    }
  };
}

const q = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? +s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(3) : NaN; };
const mean = (xs: number[]) => +(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)).toFixed(3);

export function txReport(ts: TxTrace[], n: number, seconds: number) {
  const span = seconds * 1000;
  const byKind = (k: string) => ts.flatMap((t) => t.stmts.filter((s) => s.kind === k).map((s) => s.back - s.sent));
  const between = ts.flatMap((t) => t.stmts.slice(1).map((s, i) => s.sent - t.stmts[i]!.back));
  const sorted = [...ts].sort((a, b) => a.start - b.start);
  const gaps = sorted.slice(1).map((t, i) => t.stmts[0] ? t.stmts[0].sent - sorted[i]!.end : NaN).filter((x) => !Number.isNaN(x));
  // Time with at least one transaction open.
  let covered = 0; let until = -Infinity;
  for (const t of sorted) { const s = Math.max(t.start, until); if (t.end > s) covered += t.end - s; until = Math.max(until, t.end); }
  const units = ts.map((t) => t.units);
  return {
    tx: ts.length, per_tx_units_mean: mean(units), units_p50: q(units, 0.5), stmts_per_tx: mean(ts.map((t) => t.stmts.length)),
    find_rt_ms: [mean(byKind('find')), q(byKind('find'), 0.9)], write_rt_ms: [mean(byKind('write')), q(byKind('write'), 0.9)],
    main_between_stmts_ms: [mean(between), q(between, 0.9)], gap_after_commit_ms: [mean(gaps), q(gaps, 0.9)],
    tx_open_pct: Math.round((covered / span) * 100), tx_ms: mean(ts.map((t) => t.end - t.start)), notif_per_s: Math.round(n / seconds),
  };
}

