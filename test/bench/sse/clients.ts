// SSE client harness (a child process): many plain node:http connections, frames split on blank lines,
// the arrival time of each order event recorded per event id. The same harness reads the BFF and the floor.
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { serve, wallNow } from '../lib/child.js';

interface Conn {
  req: ClientRequest;
  res?: IncomingMessage;
  ready: boolean;
}

const conns: Conn[] = [];
/** SSE id → arrival times (ms, wall clock) at every client of this process. */
let arrivals = new Map<string, number[]>();
/** SSE id → `${orderId}:${version}`, parsed once per event per process. */
const keys = new Map<string, string>();
let sample: string | undefined;
let recording = false;
let errors = 0;
let closedByServer = 0;

function onFrame(c: Conn, frame: string, at: number) {
  // Frames are `id: …\nevent: …\ndata: …` (the hub's and the floor's sseFrame); comments and retry are skipped.
  if (!frame.startsWith('id: ')) return;
  const nl = frame.indexOf('\n');
  const id = frame.slice(4, nl);
  const ev = frame.slice(nl + 8, frame.indexOf('\n', nl + 1));
  if (ev === 'ready') {
    c.ready = true;
    return;
  }
  if (!recording || !ev.startsWith('order.')) return;
  let list = arrivals.get(id);
  if (!list) {
    arrivals.set(id, (list = []));
    const data = frame.slice(frame.indexOf('\ndata: ') + 7);
    const e = JSON.parse(data) as { order: { id: string; version: number } };
    keys.set(id, `${e.order.id}:${e.order.version}`);
    sample ??= data;
  }
  list.push(at);
}

function open(url: string, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const c: Conn = { req: undefined as unknown as ClientRequest, ready: false };
    let buf = '';
    let settled = false;
    const timer = setTimeout(() => fail(new Error('no ready frame in 60 s')), 60_000);
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      errors += 1;
      reject(e);
    };
    c.req = request(url, { agent: false, headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      c.res = res;
      if (res.statusCode !== 200) return fail(new Error(`SSE status ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = wallNow();
        buf += chunk;
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          onFrame(c, buf.slice(0, end), at);
          buf = buf.slice(end + 2);
        }
        if (c.ready && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve();
        }
      });
      res.on('end', () => (closedByServer += 1));
      res.on('error', () => {});
    });
    c.req.on('error', (e) => fail(e));
    c.req.end();
    conns.push(c);
  });
}

serve({
  /** Opens `n` more connections, `batch` at a time, each resolved on its `ready` frame. */
  async open({ url, n, headers, batch = 100 }: { url: string; n: number; headers: Record<string, string>; batch?: number }) {
    const started = performance.now();
    for (let i = 0; i < n; i += batch) {
      await Promise.all(Array.from({ length: Math.min(batch, n - i) }, () => open(url, headers)));
    }
    return { open: conns.filter((c) => c.ready).length, ms: Math.round(performance.now() - started) };
  },
  record() {
    arrivals = new Map();
    recording = true;
    return true;
  },
  /** Latencies of every recorded arrival whose event the producer timed, as a Float64Array in base64. */
  collect({ t0 }: { t0: Record<string, number> }) {
    recording = false;
    const out: number[] = [];
    let untimed = 0;
    const perEvent: Record<string, number> = {};
    for (const [id, times] of arrivals) {
      const key = keys.get(id)!;
      const start = t0[key];
      if (start === undefined) {
        untimed += times.length;
        continue;
      }
      perEvent[key] = times.length;
      for (const t of times) out.push(t - start);
    }
    const buf = Buffer.from(Float64Array.from(out).buffer);
    return { latencies: buf.toString('base64'), perEvent, untimed, errors, closedByServer, sample };
  },
  closeAll() {
    for (const c of conns) c.req.destroy();
    conns.length = 0;
    return true;
  },
  stop() {
    for (const c of conns) c.req.destroy();
    return true;
  },
});
