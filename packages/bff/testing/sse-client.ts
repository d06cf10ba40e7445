// A small SSE client over fetch for tests and the demo's checks: Authorization header, Last-Event-ID,
// frames parsed per the WHATWG event-stream rules (id, event, data; comments ignored).
import type { OrderEvent } from '@ca/shared';

export interface SseFrame {
  id?: string;
  event: string;
  data: string;
}

export interface SseClient {
  /** Order events received, in order. */
  events: OrderEvent[];
  /** Every frame, including ready and resync. */
  frames: SseFrame[];
  lastEventId: string | undefined;
  waitFor(pred: (e: OrderEvent) => boolean, timeoutMs?: number): Promise<OrderEvent>;
  waitForFrame(pred: (f: SseFrame) => boolean, timeoutMs?: number): Promise<SseFrame>;
  /** Resolves when the server ends the stream. */
  closed: Promise<void>;
  close(): void;
}

export async function openSse(url: string, opts: { token: string; lastEventId?: string; origin?: string }): Promise<SseClient> {
  const ctrl = new AbortController();
  const headers: Record<string, string> = { Authorization: `Bearer ${opts.token}`, Accept: 'text/event-stream' };
  if (opts.lastEventId !== undefined) headers['Last-Event-ID'] = opts.lastEventId;
  if (opts.origin) headers.Origin = opts.origin;
  const res = await fetch(url, { headers, signal: ctrl.signal });
  if (res.status !== 200 || !res.body) {
    const text = await res.text().catch(() => '');
    throw new Error(`SSE ${res.status}: ${text}`);
  }
  const client: SseClient = {
    events: [],
    frames: [],
    lastEventId: opts.lastEventId,
    waitFor: (pred, ms) => waitUntil(() => client.events.find(pred), ms, 'event'),
    waitForFrame: (pred, ms) => waitUntil(() => client.frames.find(pred), ms, 'frame'),
    closed: Promise.resolve(),
    close: () => ctrl.abort(),
  };
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  function waitUntil<T>(find: () => T | undefined, ms = 10_000, what: string): Promise<T> {
    const hit = find();
    if (hit !== undefined) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const check = () => {
        const h = find();
        if (h !== undefined) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(h);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`timed out after ${ms} ms waiting for an SSE ${what}; got ${client.frames.map((f) => f.event).join(', ')}`));
      }, ms);
      listeners.add(check);
    });
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  client.closed = (async () => {
    let buf = '';
    let frame: { id?: string; event?: string; data: string[] } = { data: [] };
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buf += value;
        let nl: number;
        while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + (buf.startsWith('\r\n', nl) ? 2 : 1));
          if (line === '') {
            if (frame.data.length || frame.event) {
              const f: SseFrame = { event: frame.event ?? 'message', data: frame.data.join('\n'), ...(frame.id !== undefined ? { id: frame.id } : {}) };
              if (f.id !== undefined) client.lastEventId = f.id;
              client.frames.push(f);
              if (f.event === 'order.created' || f.event === 'order.updated') client.events.push(JSON.parse(f.data) as OrderEvent);
              notify();
            }
            frame = { data: [] };
            continue;
          }
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') frame.data.push(val);
          else if (field === 'event') frame.event = val;
          else if (field === 'id' && !val.includes('\0')) frame.id = val;
        }
      }
    } catch {
      // aborted by close() or the connection dropped
    }
  })();
  return client;
}
