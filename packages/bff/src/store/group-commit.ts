// Group commit: work that arrives while a transaction runs waits, then shares the next transaction with
// whatever else is waiting, so many small writers pay for one BEGIN … COMMIT (and on PGlite, whose one
// connection runs one transaction at a time, wait for one). A unit resolves only once its transaction has
// committed; a failed batch is retried unit by unit, so one bad unit fails alone.
//
// Callers may announce work that is on its way (`expect()`); then a transaction starts once every announced unit
// has arrived and the batch holds as many units as recent work did (callers that are answered resend), or after
// `gatherMs`, whichever is first. On PostgreSQL a transaction's fixed cost (round trips, COMMIT) makes that wait
// worth it. PGlite runs on a thread of its own (store/pglite-thread.ts) and one transaction at a time: there the
// default is not to wait, not even a turn of the event loop. Started with whatever waited, its callers fall into
// two halves that alternate, so one half's requests are read and checked on this thread while the other half's
// transaction runs on that one (measured: waiting 4 ms for full batches left the database thread idle a third of
// the time). Started with whatever waited, though, the halves were uneven over HTTP (many transactions of one or
// two notifications); the ingest asks for `groups: 2`, a wait of at most 1 ms for half of recent work.
import type { Database, Tx } from './db.js';

export interface GroupCommitOptions<C> {
  db: Database;
  /** The shared state of one transaction (e.g. pending batched writes). */
  open(tx: Tx): C;
  /** Runs once every unit of the transaction has declared what it will need, before the first one works (e.g. batched reads). */
  prepare?(ctx: C): Promise<void>;
  /** Runs after every unit of the transaction, before COMMIT (e.g. writes the batched rows). */
  close(ctx: C): Promise<void>;
  /** Units per transaction at most (default 64). */
  maxBatch?: number;
  /** Transactions in flight at once (default 1 on PGlite, 4 on PostgreSQL). */
  maxConcurrent?: number;
  /** Longest wait for announced units, or for a batch as large as recent ones, before a transaction starts anyway (default 4 ms; 0 on PGlite). */
  gatherMs?: number;
  /**
   * Groups the callers fall into (default 1). With 2, a transaction waits (at most gatherMs) only for half as many
   * units as recent work held, not for announced ones beyond that: while one half's transaction runs, the other
   * half's requests are read and checked, and every transaction carries about half.
   */
  groups?: number;
}

interface Unit<C> {
  declare?: ((ctx: C) => void) | undefined;
  work(ctx: C): Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export interface GroupCommit<C> {
  /** Runs `work` in a shared transaction; resolves with its result after COMMIT. `declare` runs first, for `prepare`. */
  run<T>(work: (ctx: C) => Promise<T>, declare?: (ctx: C) => void): Promise<T>;
  /**
   * Announces a unit on its way (e.g. a request still being authenticated), so the next transaction waits a
   * moment for it. Call the returned function once it is about to `run`, or will not come after all.
   */
  expect(): () => void;
}

export function createGroupCommit<C>(opts: GroupCommitOptions<C>): GroupCommit<C> {
  const maxBatch = opts.maxBatch ?? 64;
  const maxConcurrent = opts.maxConcurrent ?? (opts.db.kind === 'pglite' ? 1 : 4);
  const gatherMs = opts.gatherMs ?? (opts.db.kind === 'pglite' ? 0 : 4);
  const groups = opts.groups ?? 1;
  const queue: (Unit<C> & { at: number; turned?: boolean })[] = [];
  let running = 0;
  let announced = 0;
  let waiting = false;
  let timer: NodeJS.Timeout | undefined;
  /** Units in transactions now running. */
  let inFlight = 0;
  /**
   * How many units recent work held at once (running + waiting), decaying as batches start smaller. Callers that
   * keep a steady number of requests going resend as soon as they are answered, so a transaction is worth starting
   * with that many: started at once with the half that waited, the callers split into two halves that alternate
   * and each transaction carries half as many units for the same fixed cost.
   */
  let demand = 0;
  /** When a transaction slot last came free: the wait for a full batch counts from there. */
  let freedAt = 0;

  async function commit(units: readonly Unit<C>[]): Promise<unknown[]> {
    return opts.db.transaction(async (tx) => {
      const ctx = opts.open(tx);
      for (const u of units) u.declare?.(ctx);
      await opts.prepare?.(ctx);
      const out: unknown[] = [];
      for (const u of units) out.push(await u.work(ctx));
      await opts.close(ctx);
      return out;
    });
  }

  async function execute(units: Unit<C>[]): Promise<void> {
    try {
      const out = await commit(units);
      units.forEach((u, i) => u.resolve(out[i]));
    } catch (err) {
      if (units.length === 1) return units[0]!.reject(err);
      for (const u of units) {
        try {
          u.resolve((await commit([u]))[0]);
        } catch (e) {
          u.reject(e);
        }
      }
    }
  }

  /** Wakes `pump` when the wait for announced units is over (they arriving wake it sooner). */
  function wakeIn(ms: number): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      pump();
    }, Math.max(1, Math.ceil(ms)));
  }

  function pump(): void {
    if (waiting) return;
    while (running < maxConcurrent && queue.length > 0) {
      const first = queue[0]!;
      if (queue.length < maxBatch) {
        // One turn of the event loop first, for requests already received but not read yet (unless told not to wait:
        // PGlite's thread waits on this one, and the turn cost its ingest a tenth, measured).
        if (!first.turned && gatherMs > 0) {
          first.turned = true;
          waiting = true;
          setImmediate(() => {
            waiting = false;
            pump();
          });
          return;
        }
        // Then, for at most gatherMs, a wait for announced units and for as many as recent work held, woken by
        // their arrival (run) or withdrawal, or by the timer: not a spin.
        const left = gatherMs - (performance.now() - Math.max(first.at, freedAt));
        const short = groups > 1 ? queue.length < Math.round(demand / groups) : announced > 0 || queue.length < Math.round(demand);
        if (left > 0 && short) return wakeIn(left);
      }
      const units = queue.splice(0, maxBatch);
      demand = Math.max(units.length, demand * 0.75);
      running++;
      inFlight += units.length;
      void execute(units).finally(() => {
        running--;
        inFlight -= units.length;
        freedAt = performance.now();
        pump();
      });
    }
  }

  return {
    run<T>(work: (ctx: C) => Promise<T>, declare?: (ctx: C) => void): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, declare, resolve: resolve as (v: unknown) => void, reject, at: performance.now() });
        demand = Math.max(demand, Math.min(maxBatch, queue.length + inFlight));
        pump();
      });
    },
    expect() {
      announced++;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        announced--;
        // After the caller's `run` (called right after this) has queued its unit, or at once if none comes.
        queueMicrotask(pump);
      };
    },
  };
}
