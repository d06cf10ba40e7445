// The SSE connections of this process, by tenant or candidate, and each one's back-pressure: frames held while
// its replay runs, a client past its buffer dropped. Never blocks on a slow client: it reconnects and resumes.
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { EventFilter } from '../store/events.js';
import { sseFrame } from './frame.js';

export interface SseSubscriber {
  res: ServerResponse;
  filter: EventFilter;
  /** Candidates never see results in events, as in responses. */
  role: 'recruiter' | 'candidate' | 'api';
}

export interface SseClient extends SseSubscriber {
  key: string;
  closed: boolean;
  /** Live frames held back while the client's replay runs; null once it is live. */
  held: (string | Buffer)[] | null;
  heldBytes: number;
}

/** The registry key of a subscriber: a candidate's stream, or a whole tenant's. Fan-out builds the same keys. */
export const keyOf = (f: EventFilter) => (f.candidateId === undefined ? `t\0${f.tenantId}` : `c\0${f.tenantId}\0${f.candidateId}`);

export function createSseClients(opts: { log: Logger; metrics: Metrics; maxBufferedBytes: number }) {
  const { log, metrics } = opts;
  const maxBuffered = opts.maxBufferedBytes;
  const byKey = new Map<string, Set<SseClient>>();

  function send(c: SseClient, frame: string | Buffer): void {
    if (c.closed) return;
    c.res.write(frame);
    if (c.res.writableLength > maxBuffered) tooSlow(c);
  }

  /** Live frames: written, or held while the client's replay is still running. */
  function write(c: SseClient, frame: string | Buffer): void {
    if (c.closed) return;
    if (!c.held) return send(c, frame);
    c.held.push(frame);
    c.heldBytes += frame.length;
    if (c.heldBytes > maxBuffered) tooSlow(c);
  }

  function tooSlow(c: SseClient): void {
    metrics.sseDropped.inc();
    log.warn({ tenant: c.filter.tenantId }, 'dropping a slow SSE client');
    drop(c);
    c.res.destroy();
  }

  function drop(c: SseClient): void {
    if (c.closed) return;
    c.closed = true;
    c.held = null;
    const set = byKey.get(c.key);
    set?.delete(c);
    if (set && set.size === 0) byKey.delete(c.key);
    metrics.sseClients.dec();
  }

  /** Subscribes `c` to live fan-out now; frames are held until `goLive`. */
  function subscribe(c: SseClient): void {
    let set = byKey.get(c.key);
    if (!set) byKey.set(c.key, (set = new Set()));
    set.add(c);
  }

  /** Writes the held frames, then `ready` with the newest id fanned out, and lets live frames through. */
  function goLive(c: SseClient, cursor: bigint): void {
    if (c.closed) return;
    const held = c.held ?? [];
    c.held = null;
    for (const f of held) send(c, f);
    send(c, sseFrame(cursor.toString(), 'ready', { lastEventId: cursor.toString() }));
  }

  return {
    /** Live clients by `keyOf` their filter; read by fan-out and by the log follower (is anyone listening?). */
    byKey,
    send,
    write,
    drop,
    subscribe,
    goLive,
    /** A comment line to every live client, so proxies keep the stream open. */
    ping(): void {
      for (const set of byKey.values()) for (const c of set) if (!c.closed && !c.held) c.res.write(': ping\n\n');
    },
    size(): number {
      let n = 0;
      for (const set of byKey.values()) n += set.size;
      return n;
    },
    /** Ends every response and forgets the clients. */
    endAll(): void {
      for (const set of byKey.values()) for (const c of set) c.res.end();
      byKey.clear();
    },
  };
}

export type SseClients = ReturnType<typeof createSseClients>;
