// The durable job queue (pg-boss on PGlite or PostgreSQL) the job modules share: its queue names, its options, and how
// a batch of jobs is settled. Holds no business rule: placement.ts, polls.ts and hints.ts decide what a job does.
import { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Database } from '../store/db.js';

export const Q = {
  place: 'place-order',
  refresh: 'refresh-vendor',
  refreshOrder: 'refresh-order',
} as const;

/** Seconds without a worker heartbeat after which an active job counts as orphaned. */
export const HEARTBEAT = 10;

/**
 * How often an idle worker asks for jobs. With LISTEN/NOTIFY (both databases) a job sent wakes its queue's workers at
 * once, a job coming due later (a retry, a deferral) wakes them through `wakeWhenDue` below, and a worker that finished
 * a batch asks once more: the poll is only a backstop (a job an expired or orphaned one was retried as). Polling every
 * second, five workers cost an idle BFF 5 statements a second, most of its idle CPU (docs/benchmarks.md#idle). Without
 * NOTIFY pg-boss polls every `pollingIntervalSeconds`.
 */
export const POLLING = { pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 30 } as const;

/**
 * Seconds between pg-boss's supervisions (expiry, orphans, retention, queue stats). On PGlite one costs about 350 ms of
 * CPU (measured idle: 38 ms/s in the 10 s holding one, 4–8 ms/s between), so every 60 s it alone was 6 ms/s.
 */
const SUPERVISE_SECONDS = { pglite: 300, postgres: 10 } as const;

/** The queue on the BFF's own database connection; `start()` it before enqueuing or working. */
export function createBoss(db: Database, log: Logger): PgBoss {
  const boss = new PgBoss({
    db: db.boss,
    schema: db.jobSchema,
    ...(db.kind === 'pglite' ? { backend: 'pglite' as const } : {}),
    useListenNotify: true,
    supervise: true,
    // A job left active by a killed process is failed (and retried) once its heartbeat is 10 s stale; otherwise it
    // would hold a `stately` poll queue for its whole expiry. Each supervision is 6–8 statements: every 5 s they were
    // most of an idle BFF's remaining CPU, on PGlite's thread above all. PGlite has one process (its data directory is
    // locked), so an orphan can only be an earlier run's, found by the supervision `wakeWhenDue` runs once its
    // heartbeat is stale; on PostgreSQL another replica's orphan waits at most 20 s.
    superviseIntervalSeconds: SUPERVISE_SECONDS[db.kind],
    monitorIntervalSeconds: SUPERVISE_SECONDS[db.kind],
    // pg-boss's flows (jobs waiting on other jobs) are not used; its default checked them every 5 s.
    flowIntervalSeconds: 600,
    schedule: false,
    migrate: true,
  } as ConstructorParameters<typeof PgBoss>[0]);
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  wakeWhenDue(boss, db, log);
  return boss;
}

/** The next delayed job of a queue (ms from now; ≤ 0: due), or null: none waits. */
async function nextDue(db: Database, queue: string, dueToo: boolean): Promise<number | null> {
  const [r] = await db.query<{ ms: number | null }>(
    `SELECT (extract(epoch FROM min(start_after) - now()) * 1000)::float8 AS ms FROM ${db.jobSchema}.job
     WHERE name = $1 AND state < 'active'${dueToo ? '' : ' AND start_after > now()'}`,
    [queue],
  );
  return r?.ms ?? null;
}

/**
 * Wakes a queue's workers when its next delayed job comes due, instead of a poll finding it: pg-boss sends no NOTIFY
 * when a retry's or a deferred job's `start_after` passes. Looked up when a worker starts (jobs left by an earlier run),
 * 1, 3 and 8 s after a batch with a failure (its retry written by then), and after a send with `startAfter`; each wake looks up the
 * next. A worker that finished a batch also asks again at once: a `stately` queue's job waiting behind the one just
 * finished is fetchable only now, and no NOTIFY says so. Wraps `work` and `send` of this instance; nothing else changes.
 */
function wakeWhenDue(boss: PgBoss, db: Database, log: Logger): void {
  const timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  /** Queues worked here (each `work` call's workers: `localConcurrency` of them). */
  const workers = new Set<string>();
  let stopped = false;
  let orphans: NodeJS.Timeout | undefined;
  const wake = (queue: string) => {
    for (const w of boss.getWipData()) if (w.name === queue) boss.notifyWorker(w.id);
  };
  const wakeAt = (queue: string, at: number) => {
    const t = timers.get(queue);
    if (t && t.at <= at) return;
    if (t) clearTimeout(t.timer);
    const timer = setTimeout(() => {
      timers.delete(queue);
      wake(queue);
      look(queue, false);
    }, Math.max(0, at - Date.now())).unref();
    timers.set(queue, { at, timer });
  };
  /** Looks up the queue's next delayed job and sets its wake-up; `dueToo`: one already due wakes the workers now. */
  const look = (queue: string, dueToo: boolean) => {
    if (stopped) return;
    nextDue(db, queue, dueToo).then(
      (ms) => {
        if (ms !== null && !stopped) wakeAt(queue, Date.now() + Math.max(0, ms) + 20);
      },
      (err) => log.warn({ queue, err: String((err as Error).message) }, 'could not look up the next delayed job'),
    );
  };
  // pg-boss writes a batch's failures after the handler returns, later still on a busy database: looked up more than
  // once, so a retry written late is not left to the backstop poll (a missed lookup cost a vendor-outage retry 30 s).
  const lookSoon = (queue: string) => {
    for (const s of [1, 3, 8]) setTimeout(() => look(queue, true), s * 1000).unref();
  };
  const failed = (out: unknown) => Array.isArray(out) && out.some((r) => (r as { status?: string } | null)?.status === 'failed');

  /** One supervision once an earlier run's active jobs have a stale heartbeat, then a look for the retries it made. */
  const superviseOnce = () => {
    if (stopped) return;
    boss
      .supervise()
      .then(() => {
        for (const queue of workers) look(queue, true);
      })
      .catch((err) => log.warn({ err: String((err as Error).message) }, 'could not supervise the job queue'));
  };

  const work = boss.work.bind(boss) as (name: string, options: object, handler: (jobs: never[]) => Promise<unknown>) => Promise<string>;
  boss.work = (async (name: string, options: object, handler: (jobs: never[]) => Promise<unknown>) => {
    const id = await work(name, options, async (jobs) => {
      try {
        const out = await handler(jobs);
        if (failed(out)) lookSoon(name);
        return out;
      } catch (err) {
        lookSoon(name);
        throw err;
      } finally {
        // Set now, read by the workers once this batch is settled: they fetch again at once.
        wake(name);
      }
    });
    workers.add(name);
    look(name, true);
    orphans ??= setTimeout(superviseOnce, (HEARTBEAT + 2) * 1000).unref();
    return id;
  }) as typeof boss.work;

  const send = boss.send.bind(boss) as (...args: unknown[]) => Promise<string | null>;
  boss.send = (async (...args: unknown[]) => {
    const id = await send(...args);
    const options = args[2] as { startAfter?: unknown } | undefined;
    if (typeof args[0] === 'string' && options?.startAfter !== undefined) look(args[0], false);
    return id;
  }) as typeof boss.send;

  const stop = boss.stop.bind(boss);
  boss.stop = (options) => {
    stopped = true;
    clearTimeout(orphans);
    for (const t of timers.values()) clearTimeout(t.timer);
    timers.clear();
    return stop(options);
  };
}

/** Runs `fn` for every job of a batch at once and settles each job alone: a failure fails (and retries) only its job. */
export function settleEach<J extends { id: string }>(jobs: J[], fn: (job: J) => Promise<unknown>) {
  return Promise.all(
    jobs.map(async (job) => {
      try {
        await fn(job);
        return { id: job.id, status: 'completed' as const };
      } catch (err) {
        return { id: job.id, status: 'failed' as const, output: { message: String((err as Error).message) } };
      }
    }),
  );
}
