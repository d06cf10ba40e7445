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

/** NOTIFY wakes workers for new jobs; delayed retries are found by polling, so poll often (a cheap indexed query). */
export const POLLING = { pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 } as const;

/** The queue on the BFF's own database connection; `start()` it before enqueuing or working. */
export function createBoss(db: Database, log: Logger): PgBoss {
  const boss = new PgBoss({
    db: db.boss,
    schema: db.jobSchema,
    ...(db.kind === 'pglite' ? { backend: 'pglite' as const } : {}),
    useListenNotify: true,
    supervise: true,
    // A job left active by a killed process is failed (and retried) once its heartbeat is 10 s stale;
    // otherwise it would hold a `stately` poll queue for its whole expiry.
    superviseIntervalSeconds: 5,
    monitorIntervalSeconds: 10,
    schedule: false,
    migrate: true,
  } as ConstructorParameters<typeof PgBoss>[0]);
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  return boss;
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
