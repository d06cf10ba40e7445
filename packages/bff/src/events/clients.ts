// The SSE connections of this process, by tenant or candidate, and each one's back-pressure: frames held while
// its replay runs, a client past its buffer dropped. Never blocks on a slow client: it reconnects and resumes.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { EventFilter } from '../store/events.js';
import { sseFrame, type EncodedFrame } from './frame.js';

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
  held: EncodedFrame[] | null;
  heldBytes: number;
  /** Once live: the response's socket, where fan-out writes its frames as whole chunks (`directSocket`), or null. */
  socket: Socket | null;
}

/** The registry key of a subscriber: a candidate's stream, or a whole tenant's. Fan-out builds the same keys. */
export const keyOf = (f: EventFilter) => (f.candidateId === undefined ? `t\0${f.tenantId}` : `c\0${f.tenantId}\0${f.candidateId}`);

export function createSseClients(opts: { log: Logger; metrics: Metrics; maxBufferedBytes: number }) {
  const { log, metrics } = opts;
  const maxBuffered = opts.maxBufferedBytes;
  const byKey = new Map<string, Set<SseClient>>();

  /** Replays, `ready`, `resync`: through the response. */
  function send(c: SseClient, frame: string): void {
    if (c.closed || c.res.writableEnded) return;
    c.res.write(frame);
    if (c.res.writableLength > maxBuffered) tooSlow(c);
  }

  /** A live frame: written (as a whole chunk straight to the socket where it can be), or held while a replay runs. */
  function write(c: SseClient, frame: EncodedFrame): void {
    if (c.closed) return;
    if (c.held) {
      c.held.push(frame);
      c.heldBytes += frame.bytes.length;
      if (c.heldBytes > maxBuffered) tooSlow(c);
      return;
    }
    if (c.res.writableEnded) return;
    const s = c.socket;
    if (s) s.write(frame.chunk);
    else c.res.write(frame.bytes);
    if ((s ?? c.res).writableLength > maxBuffered) tooSlow(c);
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
    for (const f of held) write(c, f);
    send(c, sseFrame(cursor.toString(), 'ready', { lastEventId: cursor.toString() }));
    c.socket = directSocket(c.res);
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

/** What `directSocket` reads of a Node response beyond its public API. */
type NodeResponse = ServerResponse & { chunkedEncoding?: boolean; _headerSent?: boolean; outputData?: unknown[] };

/**
 * The response's socket, when a frame written to it as one whole HTTP/1.1 chunk is exactly what `res.write` would
 * put there: the headers are on the wire, the body is chunked, the socket is this response's and nothing waits in
 * the response's own queue. Then fan-out writes one prebuilt buffer per client instead of `res.write`'s four
 * pieces (size line, CRLF, frame, CRLF) gathered on a cork; the bytes are the same, and so is their order with
 * anything written through the response (both go down the socket's one stream). `res.end()` still ends the body
 * (fan-out stops writing once it is called). Anything else (HTTP/1.0, a pipelined response not yet on its
 * socket, another server) keeps `res.write`.
 */
export function directSocket(res: ServerResponse): Socket | null {
  const r = res as NodeResponse;
  const s = r.socket as (Socket & { _httpMessage?: unknown }) | null;
  if (!s || s._httpMessage !== r || r.chunkedEncoding !== true || r._headerSent !== true || r.outputData?.length !== 0 || r.writableEnded) return null;
  return s;
}
