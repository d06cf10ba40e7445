// One SSE connection per BFF + candidate, shared by every widget instance on the page (module-level registry).
// Reads /v1/events with fetch so the token stays in the Authorization header; never puts it in a URL.
import type { OrderEvent } from '@ca/shared';
import { SseParser, type SseMessage } from './sse.js';

export type Connection = 'connecting' | 'live' | 'reconnecting';

export interface StreamListener {
  token(): string;
  /** A fresh token after `refused` got a 401; rejects when none can be had. */
  refreshToken(refused: string): Promise<string>;
  /** Whether the current token is past its exp (a failure with no answer is then taken as a 401). */
  tokenExpired(): boolean;
  event(e: OrderEvent): void;
  /** The stream may have missed events: refetch /v1/orders. */
  resync(): void;
  state(s: Connection): void;
  /** The token could not be renewed; the stream keeps trying with backoff while the listener stays. */
  failed(code: string): void;
}

const MAX_DELAY_MS = 30_000;
const streams = new Map<string, LiveStream>();

/** Joins (or opens) the shared stream for `key`; returns the function that leaves it. */
export function joinStream(api: string, key: string, listener: StreamListener): () => void {
  let s = streams.get(key);
  if (!s) streams.set(key, (s = new LiveStream(api, () => streams.delete(key))));
  const stream = s;
  stream.add(listener);
  return () => stream.remove(listener);
}

/** How many shared streams are open on this page (diagnostics and tests). */
export const openStreamCount = (): number => streams.size;

class TokenGone extends Error {}

class LiveStream {
  readonly #listeners = new Set<StreamListener>();
  #abort: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  #lastEventId = '';
  #retry: number | undefined;
  #opened = false;
  #current: Connection = 'connecting';

  readonly #api: string;
  readonly #onEmpty: () => void;

  constructor(api: string, onEmpty: () => void) {
    this.#api = api;
    this.#onEmpty = onEmpty;
  }

  add(l: StreamListener): void {
    this.#listeners.add(l);
    l.state(this.#current);
    if (this.#listeners.size === 1) void this.#connect();
  }

  remove(l: StreamListener): void {
    this.#listeners.delete(l);
    if (this.#listeners.size) return;
    this.#abort?.abort();
    clearTimeout(this.#timer);
    this.#onEmpty();
  }

  #set(s: Connection): void {
    this.#current = s;
    for (const l of this.#listeners) l.state(s);
  }

  async #connect(): Promise<void> {
    const lead = this.#listeners.values().next().value;
    if (!lead) return;
    const ctl = (this.#abort = new AbortController());
    const parser = new SseParser((m) => this.#message(m));
    parser.lastEventId = this.#lastEventId;
    const token = lead.token();
    const headers: Record<string, string> = { Accept: 'text/event-stream', Authorization: `Bearer ${token}` };
    if (this.#lastEventId) headers['Last-Event-ID'] = this.#lastEventId;
    let renewed = false;
    const renew = () =>
      lead.refreshToken(token).then(
        () => (renewed = true),
        () => {
          throw new TokenGone();
        },
      );
    try {
      let res: Response | undefined;
      try {
        res = await fetch(`${this.#api}/v1/events`, { headers, signal: ctl.signal, cache: 'no-store', credentials: 'omit' });
      } catch (err) {
        // After exp, no readable answer most likely means a 401 without CORS headers: renew rather than retry as is.
        if (ctl.signal.aborted || !lead.tokenExpired()) throw err;
      }
      if (!res || res.status === 401) {
        await res?.body?.cancel();
        await renew();
      } else if (!res.ok || !res.body) throw res.status;
      else await this.#read(res.body, parser);
    } catch (err) {
      if (ctl.signal.aborted) return;
      if (err instanceof TokenGone) for (const l of this.#listeners) l.failed('token_expired');
    }
    if (ctl.signal.aborted || !this.#listeners.size) return;
    // Exponential backoff with jitter so many widgets do not reconnect in lockstep after an outage; right away
    // after a first token renewal (a second 401 in a row waits like any failure).
    const base = Math.min(MAX_DELAY_MS, (this.#retry ?? 1000) * 2 ** this.#attempt);
    this.#again(renewed && this.#attempt === 0 ? 0 : base / 2 + (Math.random() * base) / 2);
    this.#attempt++;
  }

  async #read(body: ReadableStream, parser: SseParser): Promise<void> {
    this.#set('live');
    // Without an id to resume from, events sent while we were away are gone: ask for a refetch.
    if (this.#opened && !this.#lastEventId) for (const l of this.#listeners) l.resync();
    this.#opened = true;
    const reader = (body as ReadableStream<BufferSource>).pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      this.#attempt = 0;
      parser.feed(value);
      this.#lastEventId = parser.lastEventId;
      this.#retry = parser.retry ?? this.#retry;
    }
  }

  #again(delay: number): void {
    this.#set('reconnecting');
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#connect(), delay);
  }

  #message(m: SseMessage): void {
    if (m.event === 'resync') {
      for (const l of this.#listeners) l.resync();
      return;
    }
    if (m.event !== 'order.created' && m.event !== 'order.updated') return;
    let e: OrderEvent;
    try {
      e = JSON.parse(m.data) as OrderEvent;
    } catch {
      return;
    }
    if (!e?.order?.id) return;
    for (const l of this.#listeners) l.event(e);
  }
}
