// The SSE hub: learns of new events by NOTIFY (or a slow safety poll), reads them from the event log,
// and writes each, encoded once, straight to the Node responses of the clients it concerns. It never
// writes to the database; the log is the only source (DESIGN.md §2, §6).
import type { OrderEvent } from '@ca/shared';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { Database } from '../store/db.js';
import { EVENTS_CHANNEL, eventsAfter, lastEventId, replayGap, type EventFilter } from '../store/events.js';
import { forRole } from '../orders/view.js';

export interface SseSubscriber {
  res: ServerResponse;
  filter: EventFilter;
  /** Candidates never see results in events, as in responses. */
  role: 'recruiter' | 'candidate' | 'api';
}

interface Client extends SseSubscriber {
  key: string;
  closed: boolean;
  /** Live frames held back while the client's replay runs; null once it is live. */
  held: (string | Buffer)[] | null;
  heldBytes: number;
}

/** How many streams may be open, and how much a resuming client may ask for. */
export interface SseLimits {
  /** Open streams of one token subject (a candidate id of one tenant; an API key's tenant). */
  maxStreamsPerSubject: number;
  maxStreamsPerTenant: number;
  /** Open streams of this process. */
  maxStreams: number;
  /** A resume that would replay more events than this gets `resync` instead. */
  maxReplayEvents: number;
}

export const DEFAULT_SSE_LIMITS: SseLimits = { maxStreamsPerSubject: 5, maxStreamsPerTenant: 5000, maxStreams: 10_000, maxReplayEvents: 1000 };

export interface SseHubOptions {
  db: Database;
  log: Logger;
  metrics: Metrics;
  limits?: Partial<SseLimits>;
  /** Comment line interval; DESIGN.md §4.3 asks for at most 25 s. */
  heartbeatMs?: number;
  /** A client whose unsent bytes exceed this is dropped; it reconnects and resumes from the log. */
  maxBufferedBytes?: number;
  /** Safety poll for a missed NOTIFY (listener reconnecting). */
  safetyPollMs?: number;
  /** Replays reading the log at once; the rest wait their turn (they share the database with live fan-out). */
  concurrentReplays?: number;
}

/** A reserved stream slot; release it when the response closes. */
export interface StreamSlot {
  release(): void;
}

const PAGE = 500;
/** Replays read short pages: a client that hung up stops after one, and live drains get the database in between. */
const REPLAY_PAGE = 100;

/** Encodes one SSE frame. Event names and ids are ours (enum, digits): no CR/LF can reach the stream. */
export function sseFrame(id: string, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function createSseHub(opts: SseHubOptions) {
  const { db, log, metrics } = opts;
  const limits: SseLimits = { ...DEFAULT_SSE_LIMITS, ...opts.limits };
  const maxBuffered = opts.maxBufferedBytes ?? 1 << 20;
  const byKey = new Map<string, Set<Client>>();
  const open = { total: 0, bySubject: new Map<string, number>(), byTenant: new Map<string, number>() };
  let cursor = 0n;
  /** The newest event id a NOTIFY announced; `askNewest`: a wake-up came that announced none (safety poll, reconnect). */
  let announced = 0n;
  let askNewest = true;
  let chain: Promise<void> = Promise.resolve();
  let nextDrain: Promise<void> | null = null;
  let unlisten: (() => Promise<void>) | undefined;
  const timers: NodeJS.Timeout[] = [];
  // PGlite is one connection run on this thread: concurrent replays would only queue there, ahead of live drains.
  const replays = semaphore(opts.concurrentReplays ?? (db.kind === 'pglite' ? 1 : 4));

  const keyOf = (f: EventFilter) => (f.candidateId === undefined ? `t\0${f.tenantId}` : `c\0${f.tenantId}\0${f.candidateId}`);

  /** Fan-out runs one drain at a time, so the cursor only moves forward and no event is sent twice or skipped. */
  function serial(task: () => Promise<void>): Promise<void> {
    chain = chain.then(task).catch((err) => log.error({ err: String(err) }, 'sse hub task failed'));
    return chain;
  }

  /** Resolves after a drain that started after this call: every event committed before it has been fanned out. */
  function catchUp(): Promise<void> {
    nextDrain ??= serial(async () => {
      nextDrain = null;
      await drain();
    });
    return nextDrain;
  }

  function send(c: Client, frame: string | Buffer): void {
    if (c.closed) return;
    c.res.write(frame);
    if (c.res.writableLength > maxBuffered) tooSlow(c);
  }

  /** Live frames: written, or held while the client's replay is still running. */
  function write(c: Client, frame: string | Buffer): void {
    if (c.closed) return;
    if (!c.held) return send(c, frame);
    c.held.push(frame);
    c.heldBytes += frame.length;
    if (c.heldBytes > maxBuffered) tooSlow(c);
  }

  function tooSlow(c: Client): void {
    metrics.sseDropped.inc();
    log.warn({ tenant: c.filter.tenantId }, 'dropping a slow SSE client');
    drop(c);
    c.res.destroy();
  }

  function drop(c: Client): void {
    if (c.closed) return;
    c.closed = true;
    c.held = null;
    const set = byKey.get(c.key);
    set?.delete(c);
    if (set && set.size === 0) byKey.delete(c.key);
    metrics.sseClients.dec();
  }

  function fanOut(ev: OrderEvent): void {
    const targets = [byKey.get(`c\0${ev.tenantId}\0${ev.candidateId}`), byKey.get(`t\0${ev.tenantId}`)];
    // Encoded once for every client (written as a string, each response encoded it again).
    let full: Buffer | undefined;
    let restricted: Buffer | undefined;
    let delivered = 0;
    for (const set of targets) {
      if (!set) continue;
      delivered += set.size;
      for (const c of set) {
        if (c.role === 'candidate') {
          restricted ??= Buffer.from(sseFrame(ev.id, ev.type, { ...ev, order: forRole(ev.order, 'candidate') }));
          write(c, restricted);
        } else {
          full ??= Buffer.from(sseFrame(ev.id, ev.type, ev));
          write(c, full);
        }
      }
    }
    // Counted once per event, not per client: thousands of clients each paid the counter's own checks.
    if (delivered) metrics.sseDelivered.inc(delivered);
  }

  async function drain(): Promise<void> {
    if (byKey.size === 0) {
      // Nobody to send to: move the cursor without reading payloads, to the newest id announced (every id up to it
      // has committed: appends hold the log's lock until COMMIT), or, after a wake-up that announced nothing, the
      // newest in the log. A client that subscribed meanwhile took the old cursor as its start, so then read the
      // events after all.
      let newest = announced;
      if (askNewest) {
        askNewest = false;
        const inLog = await lastEventId(db).catch((err: unknown) => {
          askNewest = true;
          throw err;
        });
        if (inLog > newest) newest = inLog;
      }
      if (byKey.size === 0) {
        if (newest > cursor) cursor = newest;
        return;
      }
    }
    for (;;) {
      const events = await eventsAfter(db, cursor, PAGE);
      for (const ev of events) {
        fanOut(ev);
        cursor = BigInt(ev.id);
      }
      if (events.length < PAGE) return;
    }
  }

  /** Subscribes `c` to live fan-out now; frames are held until `goLive`. */
  function subscribe(c: Client): void {
    let set = byKey.get(c.key);
    if (!set) byKey.set(c.key, (set = new Set()));
    set.add(c);
  }

  /** Writes the held frames, then `ready` with the newest id fanned out, and lets live frames through. */
  function goLive(c: Client): void {
    if (c.closed) return;
    const held = c.held ?? [];
    c.held = null;
    for (const f of held) send(c, f);
    send(c, sseFrame(cursor.toString(), 'ready', { lastEventId: cursor.toString() }));
  }

  /**
   * Replays (lastSeen, through] from the log off the fan-out chain, while live frames after `through` are held.
   * Stops reading as soon as the client goes away. A gap too large to replay, or outside the kept history, is `resync`.
   */
  async function replay(c: Client, lastSeen: bigint, through: bigint): Promise<void> {
    const release = await replays.acquire();
    try {
      await turn(); // let a hang-up that already arrived close the client first
      if (c.closed) return;
      const max = limits.maxReplayEvents;
      const gap = await replayGap(db, c.filter, lastSeen, through, through - lastSeen > BigInt(max) ? max + 1 : 0);
      const reason = lastSeen < gap.prunedThrough ? 'history_pruned' : gap.events > max ? 'gap_too_large' : null;
      if (reason) return send(c, sseFrame(through.toString(), 'resync', { reason }));
      let after = lastSeen;
      while (!c.closed) {
        const missed = await eventsAfter(db, after, REPLAY_PAGE, c.filter, through);
        for (const ev of missed) {
          const order = c.role === 'candidate' ? forRole(ev.order, 'candidate') : ev.order;
          send(c, sseFrame(ev.id, ev.type, { ...ev, order }));
        }
        if (missed.length < REPLAY_PAGE) break;
        after = BigInt(missed[missed.length - 1]!.id);
        await turn();
      }
    } finally {
      release();
    }
  }

  const bump = (m: Map<string, number>, k: string, by: number) => {
    const n = (m.get(k) ?? 0) + by;
    if (n > 0) m.set(k, n);
    else m.delete(k);
  };

  return {
    async start(): Promise<void> {
      cursor = await lastEventId(db);
      const kick = () => {
        askNewest = true;
        void catchUp();
      };
      // The payload is the newest id of the transaction that committed (store/events.ts eventsAnnounced).
      const notified = (payload: string) => {
        if (/^\d{1,19}$/.test(payload) && BigInt(payload) > announced) announced = BigInt(payload);
        else askNewest = true;
        void catchUp();
      };
      unlisten = await db.listen(EVENTS_CHANNEL, notified, kick);
      timers.push(
        setInterval(() => {
          for (const set of byKey.values()) for (const c of set) if (!c.closed && !c.held) c.res.write(': ping\n\n');
        }, opts.heartbeatMs ?? 20_000).unref(),
        setInterval(kick, opts.safetyPollMs ?? 5_000).unref(),
      );
    },

    /**
     * Reserves a stream for `subject` of `tenantId`, or returns null when a cap is reached (answer 429).
     * Counted before any header is written, so refused streams cost nothing else.
     */
    admit(subject: string, tenantId: string): StreamSlot | null {
      const key = `${tenantId}\0${subject}`;
      if (
        open.total >= limits.maxStreams ||
        (open.byTenant.get(tenantId) ?? 0) >= limits.maxStreamsPerTenant ||
        (open.bySubject.get(key) ?? 0) >= limits.maxStreamsPerSubject
      ) {
        return null;
      }
      open.total++;
      bump(open.byTenant, tenantId, 1);
      bump(open.bySubject, key, 1);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          open.total--;
          bump(open.byTenant, tenantId, -1);
          bump(open.bySubject, key, -1);
        },
      };
    },

    /**
     * Adds a client whose response headers are already written. With `lastEventId`, first replays what it
     * missed, or sends `resync` when that id is outside the kept history or the gap is too large.
     */
    async connect(sub: SseSubscriber, lastSeen: bigint | null): Promise<void> {
      const c: Client = { ...sub, key: keyOf(sub.filter), closed: false, held: [], heldBytes: 0 };
      metrics.sseClients.inc();
      sub.res.on('close', () => drop(c));
      try {
        // Resuming: first a drain up to the newest event in the log, not only the newest a NOTIFY announced (its
        // NOTIFY may still be on its way, on PostgreSQL over a connection of its own): events that committed before
        // this request belong to its replay (and to its gap check), not to the live frames after `ready`; and one the
        // client saw on another replica is then fanned out here too. Resumes at once share one drain.
        if (lastSeen !== null) {
          askNewest = true;
          await catchUp();
        }
        if (c.closed) return;
        const through = cursor;
        subscribe(c); // from here on, live events after `through` are held for this client
        if (lastSeen !== null && lastSeen > through) send(c, sseFrame(through.toString(), 'resync', { reason: 'unknown_id' }));
        else if (lastSeen !== null && lastSeen < through) await replay(c, lastSeen, through);
        goLive(c);
      } catch (err) {
        log.warn({ err: String(err) }, 'could not start an SSE stream');
        drop(c);
        c.res.destroy();
      }
    },

    /** Number of open clients (tests, metrics). */
    size(): number {
      let n = 0;
      for (const set of byKey.values()) n += set.size;
      return n;
    },

    async stop(): Promise<void> {
      for (const t of timers) clearInterval(t);
      await unlisten?.();
      for (const set of byKey.values()) for (const c of set) c.res.end();
      byKey.clear();
    },
  };
}

/** Yields to the event loop (I/O callbacks run), not just to other promise continuations. */
const turn = () => new Promise<void>((r) => setImmediate(r));

/** At most `n` holders at once; the rest wait in arrival order. */
function semaphore(n: number): { acquire(): Promise<() => void> } {
  let free = n;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return {
    acquire() {
      if (free > 0) {
        free--;
        return Promise.resolve(once(release));
      }
      return new Promise((resolve) => waiting.push(() => resolve(once(release))));
    },
  };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      fn();
    }
  };
}

export type SseHub = ReturnType<typeof createSseHub>;
