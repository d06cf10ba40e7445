// The SSE hub: learns of new events by NOTIFY (or a slow safety poll), reads them from the event log,
// and writes each, encoded once, straight to the Node responses of the clients it concerns. It never
// writes to the database; the log is the only source (DESIGN.md §2, §6).
import type { OrderEvent } from '@ca/shared';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { Database } from '../store/db.js';
import { EVENTS_CHANNEL, eventsAfter, lastEventId, prunedThrough, type EventFilter } from '../store/events.js';
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
}

export interface SseHubOptions {
  db: Database;
  log: Logger;
  metrics: Metrics;
  /** Comment line interval; DESIGN.md §4.3 asks for at most 25 s. */
  heartbeatMs?: number;
  /** A client whose unsent bytes exceed this is dropped; it reconnects and resumes from the log. */
  maxBufferedBytes?: number;
  /** Safety poll for a missed NOTIFY (listener reconnecting). */
  safetyPollMs?: number;
}

const PAGE = 500;

/** Encodes one SSE frame. Event names and ids are ours (enum, digits): no CR/LF can reach the stream. */
export function sseFrame(id: string, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function createSseHub(opts: SseHubOptions) {
  const { db, log, metrics } = opts;
  const maxBuffered = opts.maxBufferedBytes ?? 1 << 20;
  const byKey = new Map<string, Set<Client>>();
  let cursor = 0n;
  let chain: Promise<void> = Promise.resolve();
  let drainQueued = false;
  let unlisten: (() => Promise<void>) | undefined;
  const timers: NodeJS.Timeout[] = [];

  const keyOf = (f: EventFilter) => (f.candidateId === undefined ? `t\0${f.tenantId}` : `c\0${f.tenantId}\0${f.candidateId}`);

  /** Runs tasks one at a time: a replay and a fan-out never interleave, so no event is sent twice or skipped. */
  function serial(task: () => Promise<void>): Promise<void> {
    chain = chain.then(task).catch((err) => log.error({ err: String(err) }, 'sse hub task failed'));
    return chain;
  }

  function write(c: Client, frame: string): void {
    if (c.closed) return;
    c.res.write(frame);
    if (c.res.writableLength > maxBuffered) {
      metrics.sseDropped.inc();
      log.warn({ tenant: c.filter.tenantId }, 'dropping a slow SSE client');
      drop(c);
      c.res.destroy();
    }
  }

  function drop(c: Client): void {
    if (c.closed) return;
    c.closed = true;
    const set = byKey.get(c.key);
    set?.delete(c);
    if (set && set.size === 0) byKey.delete(c.key);
    metrics.sseClients.dec();
  }

  function fanOut(ev: OrderEvent): void {
    const targets = [byKey.get(`c\0${ev.tenantId}\0${ev.candidateId}`), byKey.get(`t\0${ev.tenantId}`)];
    let full: string | undefined;
    let restricted: string | undefined;
    for (const set of targets) {
      if (!set) continue;
      for (const c of set) {
        if (c.role === 'candidate') {
          restricted ??= sseFrame(ev.id, ev.type, { ...ev, order: forRole(ev.order, 'candidate') });
          write(c, restricted);
        } else {
          full ??= sseFrame(ev.id, ev.type, ev);
          write(c, full);
        }
        metrics.sseDelivered.inc();
      }
    }
  }

  async function drain(): Promise<void> {
    for (;;) {
      const events = await eventsAfter(db, cursor, PAGE);
      for (const ev of events) {
        fanOut(ev);
        cursor = BigInt(ev.id);
      }
      if (events.length < PAGE) return;
    }
  }

  function kick(): void {
    if (drainQueued) return;
    drainQueued = true;
    void serial(async () => {
      drainQueued = false;
      await drain();
    });
  }

  return {
    async start(): Promise<void> {
      cursor = await lastEventId(db);
      unlisten = await db.listen(EVENTS_CHANNEL, kick, kick);
      timers.push(
        setInterval(() => {
          for (const set of byKey.values()) for (const c of set) if (!c.closed) c.res.write(': ping\n\n');
        }, opts.heartbeatMs ?? 20_000).unref(),
        setInterval(kick, opts.safetyPollMs ?? 5_000).unref(),
      );
    },

    /**
     * Adds a client whose response headers are already written. With `lastEventId`, first replays what it
     * missed, or sends `resync` when that id is outside the kept history.
     */
    connect(sub: SseSubscriber, lastSeen: bigint | null): Promise<void> {
      const c: Client = { ...sub, key: keyOf(sub.filter), closed: false };
      metrics.sseClients.inc();
      sub.res.on('close', () => drop(c));
      return serial(async () => {
        if (c.closed) return;
        await drain(); // catch up with events another replica committed before we compare ids
        if (lastSeen !== null) {
          const pruned = await prunedThrough(db);
          if (lastSeen < pruned || lastSeen > cursor) {
            write(c, sseFrame(cursor.toString(), 'resync', { reason: lastSeen > cursor ? 'unknown_id' : 'history_pruned' }));
          } else {
            let after = lastSeen;
            for (;;) {
              const missed = (await eventsAfter(db, after, PAGE, sub.filter)).filter((e) => BigInt(e.id) <= cursor);
              for (const ev of missed) {
                const order = sub.role === 'candidate' ? forRole(ev.order, 'candidate') : ev.order;
                write(c, sseFrame(ev.id, ev.type, { ...ev, order }));
              }
              if (missed.length < PAGE) break;
              after = BigInt(missed[missed.length - 1]!.id);
            }
          }
        }
        if (c.closed) return;
        write(c, sseFrame(cursor.toString(), 'ready', { lastEventId: cursor.toString() }));
        let set = byKey.get(c.key);
        if (!set) byKey.set(c.key, (set = new Set()));
        set.add(c);
      });
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

export type SseHub = ReturnType<typeof createSseHub>;
