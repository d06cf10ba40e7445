// Diagnosis only (BENCH_TX_TRACE=1, and test/bench/ingest/probe.ts): wraps a running BFF's database handle to trace
// every transaction from the main thread: notifications per transaction (the length of the batched find's JSON
// list), statements per transaction, each statement's round trip, the main thread's work between a transaction's
// statements, the gap from one transaction's end to the next one's first statement, and how much of the time some
// transaction was open. Replaces `transaction` on the live object; no source change.
import { performance as perf } from 'node:perf_hooks';

type Q = (text: string, params?: unknown[]) => Promise<unknown[]>;
interface TxTrace { start: number; stmts: { sent: number; back: number; kind: string }[]; end: number; units: number }
export const traces: TxTrace[] = [];

let threadTrace: ((on: boolean) => Promise<Msg[]>) | undefined;

export function traceTransactions(db: any): void {
  threadTrace = db.threadTrace?.bind(db);
  void threadTrace?.(true);
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

/** A message to PGlite's thread (store/pglite-thread.ts TracedMessage), times in ms since the epoch. */
interface Msg { id: number; op: string; tx?: number; commit?: boolean; posted: number; received?: number; arrived?: number; started?: number; answered?: number }

const epoch = (t: number) => perf.timeOrigin + t;

/**
 * The database thread's time over the traced messages: busy (a message's work, started to answered) and idle,
 * split by what the thread waited for. Idle before message b, after the work of a:
 * - `in_tx`: b is the next statement of a's transaction (the main thread works on a's answer meanwhile);
 * - `between_tx`: a ended a transaction and b begins the next one;
 * - `handoff`: b had arrived before a was answered (a transaction's BEGIN waiting behind the lock): the thread's
 *   own time from a's answer to b's start; `other`: b sent before a's answer came back (a statement outside a
 *   transaction, say).
 * Each idle gap is cut into `back` (a answered there → received here), `main` (received → b posted; between
 * transactions also `gc`: received → the next db.transaction call, the group commit's part) and `there` (b posted →
 * arrived, and arrived → started). Totals in ms over the window, and % of it.
 */
function threadIdle(msgs: Msg[], ts: TxTrace[]) {
  const done = msgs.filter((m) => m.started !== undefined && m.answered !== undefined && m.arrived !== undefined).sort((a, b) => a.started! - b.started!);
  if (done.length < 2) return null;
  const window = done[done.length - 1]!.answered! - done[0]!.started!;
  const starts = ts.map((t) => epoch(t.start)).sort((a, b) => a - b);
  const acc = { busy: 0, in_tx: { n: 0, back: 0, main: 0, there: 0 }, between_tx: { n: 0, back: 0, gc: 0, main: 0, there: 0 }, handoff: { n: 0, ms: 0 }, other: { n: 0, ms: 0 } };
  for (let i = 0; i < done.length; i++) {
    const b = done[i]!;
    acc.busy += b.answered! - b.started!;
    if (i === 0) continue;
    const a = done[i - 1]!;
    const idle = b.started! - a.answered!;
    if (idle <= 0) continue;
    if (b.arrived! <= a.answered!) {
      // b was there already: the thread passing PGlite's lock on, or answering a before starting b.
      acc.handoff.n++;
      acc.handoff.ms += idle;
      continue;
    }
    if (a.received === undefined || b.posted < a.received) {
      acc.other.n++;
      acc.other.ms += idle;
      continue;
    }
    const back = a.received - a.answered!;
    const there = b.started! - b.posted;
    const main = b.posted - a.received;
    if (a.tx !== undefined && a.tx === b.tx) {
      acc.in_tx.n++; acc.in_tx.back += back; acc.in_tx.main += main; acc.in_tx.there += there;
    } else {
      // The group commit's part: from the answer that ended a's transaction to the next transaction's start.
      const next = starts.find((s) => s >= a.received! - 0.001 && s <= b.posted) ?? b.posted;
      acc.between_tx.n++; acc.between_tx.back += back; acc.between_tx.gc += next - a.received; acc.between_tx.main += b.posted - next; acc.between_tx.there += there;
    }
  }
  const ms = (x: number) => +x.toFixed(1);
  const pct = (x: number) => +((x / window) * 100).toFixed(1);
  const part = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, k === 'n' ? v : `${ms(v)} ms ${pct(v)}%`]));
  return { window_ms: ms(window), busy_pct: pct(acc.busy), idle_pct: pct(window - acc.busy), in_tx: part(acc.in_tx), between_tx: part(acc.between_tx), handoff: part(acc.handoff), other: part(acc.other) };
}

/**
 * The transactions `ts` (copied at once: callers empty the list next) and, on PGlite, the database thread's idle time
 * split (`threadIdle`) over the messages traced since the last call.
 */
export async function txReport(ts: TxTrace[], n: number, seconds: number) {
  const copy = [...ts];
  const msgs = threadTrace ? await threadTrace(true) : [];
  return { ...txStats(copy, n, seconds), ...(threadTrace ? { thread: threadIdle(msgs, copy) } : {}) };
}

function txStats(ts: TxTrace[], n: number, seconds: number) {
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

