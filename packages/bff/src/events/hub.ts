// The SSE hub: learns of new events by NOTIFY (or a slow safety poll), reads them from the event log,
// and writes each, encoded once, straight to the clients it concerns (their sockets, as whole chunks). It never
// writes to the database; the log is the only source (docs/architecture.md#sse-hub).
// Its parts: log-follower.ts (NOTIFY, drains in order), fan-out.ts (live frames), clients.ts (connections and
// back-pressure), replay.ts (resumes), limits.ts (stream caps), frame.ts (the SSE encoding).
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { Database } from '../store/db.js';
import { createSseClients, keyOf, type SseClient, type SseSubscriber } from './clients.js';
import { createFanOut } from './fan-out.js';
import { sseFrame } from './frame.js';
import { createStreamCaps, DEFAULT_SSE_LIMITS, type SseLimits, type StreamSlot } from './limits.js';
import { createLogFollower } from './log-follower.js';
import { createReplayer } from './replay.js';

export type { SseSubscriber } from './clients.js';
export type { SseLimits, StreamSlot } from './limits.js';

export interface SseHubOptions {
  db: Database;
  log: Logger;
  metrics: Metrics;
  limits?: Partial<SseLimits>;
  /** Comment line interval; docs/contracts.md#sse asks for at most 25 s. */
  heartbeatMs?: number;
  /** A client whose unsent bytes exceed this is dropped; it reconnects and resumes from the log. */
  maxBufferedBytes?: number;
  /**
   * Safety poll for a missed NOTIFY. A lost PostgreSQL listener already looks again once it is back; PGlite's
   * notifications never leave the process. Default 15 s on PostgreSQL, 60 s on PGlite: each poll is a statement an
   * idle BFF pays (docs/benchmarks.md#idle).
   */
  safetyPollMs?: number;
  /** Replays reading the log at once; the rest wait their turn (they share the database with live fan-out). */
  concurrentReplays?: number;
}

export function createSseHub(opts: SseHubOptions) {
  const { db, log, metrics } = opts;
  const limits: SseLimits = { ...DEFAULT_SSE_LIMITS, ...opts.limits };
  const clients = createSseClients({ log, metrics, maxBufferedBytes: opts.maxBufferedBytes ?? 1 << 20 });
  const follower = createLogFollower({ db, log, listeners: clients.byKey, fanOut: createFanOut(clients, metrics) });
  const caps = createStreamCaps(limits);
  const replay = createReplayer({
    db,
    maxReplayEvents: limits.maxReplayEvents,
    // PGlite is one connection run on this thread: concurrent replays would only queue there, ahead of live drains.
    concurrentReplays: opts.concurrentReplays ?? (db.kind === 'pglite' ? 1 : 4),
    send: clients.send,
  });
  const timers: NodeJS.Timeout[] = [];

  return {
    async start(): Promise<void> {
      await follower.start();
      timers.push(
        setInterval(clients.ping, opts.heartbeatMs ?? 20_000).unref(),
        setInterval(follower.kick, opts.safetyPollMs ?? (db.kind === 'pglite' ? 60_000 : 15_000)).unref(),
      );
    },

    /**
     * Reserves a stream for `subject` of `tenantId`, or returns null when a cap is reached (answer 429).
     * Counted before any header is written, so refused streams cost nothing else.
     */
    admit(subject: string, tenantId: string): StreamSlot | null {
      return caps.admit(subject, tenantId);
    },

    /**
     * Adds a client whose response headers are already written. With `lastEventId`, first replays what it
     * missed, or sends `resync` when that id is outside the kept history or the gap is too large.
     */
    async connect(sub: SseSubscriber, lastSeen: bigint | null): Promise<void> {
      const c: SseClient = { ...sub, key: keyOf(sub.filter), closed: false, held: [], heldBytes: 0, socket: null };
      metrics.sseClients.inc();
      sub.res.on('close', () => clients.drop(c));
      try {
        // Resuming: first a drain up to the newest event in the log: events that committed before this request
        // belong to its replay (and to its gap check), not to the live frames after `ready`; and one the client saw
        // on another replica is then fanned out here too. Resumes at once share one drain.
        if (lastSeen !== null) await follower.catchUpWithLog();
        if (c.closed) return;
        const through = follower.cursor();
        clients.subscribe(c); // from here on, live events after `through` are held for this client
        if (lastSeen !== null && lastSeen > through) clients.send(c, sseFrame(through.toString(), 'resync', { reason: 'unknown_id' }));
        else if (lastSeen !== null && lastSeen < through) await replay(c, lastSeen, through);
        clients.goLive(c, follower.cursor());
      } catch (err) {
        log.warn({ err: String(err) }, 'could not start an SSE stream');
        clients.drop(c);
        c.res.destroy();
      }
    },

    /** Number of open clients (tests, metrics). */
    size(): number {
      return clients.size();
    },

    async stop(): Promise<void> {
      for (const t of timers) clearInterval(t);
      await follower.stop();
      clients.endAll();
    },
  };
}

export type SseHub = ReturnType<typeof createSseHub>;
