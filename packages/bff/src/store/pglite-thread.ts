// PGlite on a worker thread of its own (store/pglite-worker.mjs), behind the few calls the store makes of it:
// query, exec, transaction, listen and close, with PGlite's semantics (one connection; a transaction holds it,
// and statements outside it wait). Why a thread: PGlite runs each statement synchronously on the calling
// thread, so on the main thread a batch write held up HTTP, SSE and timers for milliseconds at a time, and
// the database and the HTTP side could never use two cores.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface ThreadResult<T> {
  rows: T[];
}

/** The calls pg-boss's `fromPglite` adapter and store/db.ts make of a PGlite instance or transaction. */
export interface PgliteLike {
  query<T>(text: string, params?: unknown[]): Promise<ThreadResult<T>>;
  exec(text: string): Promise<ThreadResult<unknown>[]>;
}

/** A transaction on the thread: `queryAndCommit` sends its last statement and the COMMIT in one message. */
export interface PgliteTx extends PgliteLike {
  queryAndCommit<T>(text: string, params?: unknown[]): Promise<ThreadResult<T>>;
}

/** An error from PostgreSQL in the worker, with its fields (`code`, `detail`, `constraint`, …). */
export class DatabaseError extends Error {
  code?: string;
  detail?: string;
  constraint?: string;
  constructor(fields: Record<string, string>) {
    super(fields.message);
    Object.assign(this, fields);
    this.name = fields.name === 'error' || !fields.name ? 'DatabaseError' : fields.name;
  }
}

/**
 * Initialises a new data directory in a short-lived process (pglite-init.mjs). initdb grows PGlite's WebAssembly memory
 * to about twice what an open database needs, and that memory is never given back while its thread lives: a BFF
 * started on a new directory held 855 MB for life, 392 MB once restarted on it (docs/benchmarks.md#idle). A worker
 * thread ended after initdb still left the process 90 MB above a restart; a process leaves nothing.
 */
async function initialise(dataDir: string, templateDir: string | undefined): Promise<void> {
  const script = fileURLToPath(new URL('./pglite-init.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, dataDir, templateDir ?? ''], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`initialising the embedded database in ${dataDir} failed (exit ${code}): ${stderr.trim()}`);
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/**
 * Diagnosis (`trace`): one message to the thread, stamped in milliseconds since the epoch on both threads: posted and
 * its answer received here; arrived, started (a transaction's first statement waits for the lock there) and answered
 * there. `tx` is the thread's number for the transaction the message belongs to; `commit` marks its last statement.
 */
export interface TracedMessage {
  id: number;
  op: string;
  tx?: number;
  commit?: boolean;
  posted: number;
  received?: number;
  arrived?: number;
  started?: number;
  answered?: number;
}

/** The trace's clock: milliseconds since the epoch, the same on both threads (the worker stamps its side with it too). */
const traceClock = () => performance.timeOrigin + performance.now();

export class PgliteThread implements PgliteLike {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<(payload: string) => void>>();
  #next = 1;
  #dead: Error | undefined;
  /** While tracing: each message's times on this side, by id. */
  #traced: Map<number, { posted: number; received?: number }> | undefined;

  private constructor(onError: (err: Error) => void) {
    this.#worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url));
    this.#worker.unref(); // referenced only while a call is pending (see #call)
    this.#worker.on('message', (m: { id?: number; ok?: boolean; result?: unknown; error?: Record<string, string>; op?: string; channel?: string; payload?: string }) => {
      if (m.op === 'notify') {
        for (const fn of this.#listeners.get(m.channel!) ?? []) fn(m.payload!);
        return;
      }
      const p = this.#pending.get(m.id!);
      if (!p) return;
      const t = this.#traced?.get(m.id!);
      if (t) t.received = traceClock();
      this.#settled(m.id!);
      if (m.ok) p.resolve(m.result);
      else p.reject(new DatabaseError(m.error!));
    });
    const die = (err: Error) => {
      if (this.#dead) return;
      this.#dead = err;
      this.#rejectAll(err);
      onError(err);
    };
    this.#worker.on('error', die);
    this.#worker.on('exit', (code) => die(new Error(`the embedded database's thread exited (code ${code})`)));
  }

  /**
   * Starts the thread and opens the database in `dataDir` (in memory without one). `templateDir`: where a new
   * database is copied from instead of initialised (see pglite-template.mjs).
   */
  static async open(dataDir: string | undefined, onError: (err: Error) => void = () => {}, templateDir?: string): Promise<PgliteThread> {
    if (dataDir && (!existsSync(dataDir) || readdirSync(dataDir).length === 0)) await initialise(dataDir, templateDir);
    const t = new PgliteThread(onError);
    try {
      await t.#call({ op: 'open', dataDir, templateDir });
    } catch (err) {
      await t.#worker.terminate();
      throw err;
    }
    return t;
  }

  #call<T>(m: Record<string, unknown>): Promise<T> {
    try {
      return this.#post<T>(m);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** `#call`, but throwing at once when `m` cannot be sent (a value that cannot cross to the thread): nothing was sent then. */
  #post<T>(m: Record<string, unknown>): Promise<T> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#next++;
    this.#traced?.set(id, { posted: traceClock() });
    this.#worker.postMessage({ ...m, id });
    // The answer comes in a later turn of the event loop, after this.
    if (this.#pending.size === 0) this.#worker.ref();
    return new Promise<T>((resolve, reject) => this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  #settled(id: number) {
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker.unref();
  }

  /** Answers every call still waiting with `err`. */
  #rejectAll(err: Error) {
    for (const [id, p] of this.#pending) {
      this.#settled(id);
      p.reject(err);
    }
  }

  query<T>(text: string, params?: unknown[]): Promise<ThreadResult<T>> {
    return this.#call({ op: 'query', text, params });
  }

  exec(text: string): Promise<ThreadResult<unknown>[]> {
    return this.#call({ op: 'exec', text });
  }

  /**
   * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws, or committed with its last
   * statement (`queryAndCommit`). BEGIN travels with the first statement and COMMIT can travel with the last: a
   * transaction of two statements is two round trips to the thread, not three.
   */
  async transaction<T>(fn: (tx: PgliteTx) => Promise<T>): Promise<T> {
    let begun: Promise<number> | undefined;
    let closed = false;
    /** Set once a statement that commits is sent: the thread ends the transaction then, committed or rolled back. */
    let ended = false;
    const send = async <R>(m: Record<string, unknown>): Promise<R> => {
      if (closed) throw new Error('Transaction is closed');
      if (m.commit) closed = true;
      if (begun) {
        const answer = this.#post<R>({ ...m, tx: await begun });
        // Sent (#post throws when it cannot send): the thread ends the transaction with it.
        if (m.commit) ended = true;
        return answer;
      }
      let first!: { ok: boolean; result?: R; error?: Record<string, string> };
      begun = this.#post<{ tx: number; first: typeof first }>({ op: 'begin', first: m }).then((r) => {
        first = r.first;
        return r.tx;
      });
      if (m.commit) ended = true;
      await begun;
      if (!first.ok) throw new DatabaseError(first.error!);
      return first.result!;
    };
    const end = async (commit: boolean) => {
      closed = true;
      if (ended) return;
      const tx = await begun?.catch(() => undefined);
      if (tx !== undefined) await this.#call({ op: 'end', commit, tx });
    };
    const tx: PgliteTx = {
      query: <R>(text: string, params?: unknown[]) => send<ThreadResult<R>>({ op: 'query', text, params }),
      queryAndCommit: <R>(text: string, params?: unknown[]) => send<ThreadResult<R>>({ op: 'query', text, params, commit: true }),
      exec: (text: string) => send<ThreadResult<unknown>[]>({ op: 'exec', text }),
    };
    let out: T;
    try {
      out = await fn(tx);
    } catch (err) {
      await end(false).catch(() => {});
      throw err;
    }
    await end(true);
    return out;
  }

  /** Subscribes to NOTIFY on `channel`; resolves to the unsubscribe call. */
  async listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.#listeners.get(channel);
    if (!set) {
      set = new Set();
      this.#listeners.set(channel, set);
      await this.#call({ op: 'listen', channel });
    }
    set.add(fn);
    return async () => {
      set.delete(fn);
      if (set.size === 0 && this.#listeners.get(channel) === set) {
        this.#listeners.delete(channel);
        if (!this.#dead) await this.#call({ op: 'unlisten', channel });
      }
    };
  }

  /**
   * Diagnosis only: starts tracing every message to the thread and back (`on`), or stops; resolves to what was traced
   * since the last call (test/bench/lib/tx-trace.ts reads it).
   */
  async trace(on: boolean): Promise<TracedMessage[]> {
    const here = this.#traced;
    this.#traced = undefined;
    const there = await this.#call<Omit<TracedMessage, 'posted' | 'received'>[]>({ op: 'trace', on });
    if (on) this.#traced = new Map();
    return there.flatMap((t) => {
      const h = here?.get(t.id);
      return h ? [{ ...t, ...h }] : [];
    });
  }

  /** How busy the database's thread has been (since `since`, when given). */
  utilization(since?: EventLoopUtilization): EventLoopUtilization {
    return this.#worker.performance.eventLoopUtilization(since);
  }

  async close(): Promise<void> {
    try {
      if (!this.#dead) await this.#call({ op: 'close' });
    } finally {
      const closed = (this.#dead ??= new Error('the embedded database is closed'));
      await this.#worker.terminate();
      // Whatever was still waiting (a transaction's statement sent after close began) gets an answer too.
      this.#rejectAll(closed);
    }
  }
}
