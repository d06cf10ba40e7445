// A lean keep-alive HTTP/1.1 load generator: a fixed number of connections, each a plain TCP socket with one
// request in flight, requests written as bytes and answers parsed just enough (status line, Content-Length or
// chunked body). It runs on the same cores as the server it measures, so it should cost as little as it can:
// node:http's client spent 0.2–0.5 ms of CPU per request here, about a third of what the BFF itself spent per
// webhook (the reason autocannon and wrk talk to sockets directly too). No dependency. Records every request's
// latency and status; bounded by a request count and a time limit.
import { connect, type Socket } from 'node:net';

export interface Req {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  latencies: Float64Array;
  statuses: Record<string, number>;
  /** Bodies of the first few responses (`keepBodies`) and of failures, to check what the server said. */
  bodies: string[];
  /** CPU time of this load generator per request (ms, user + system): its share of the machine the server runs on. */
  clientCpuMs: number;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** The bytes of one request on a keep-alive connection to `host`. */
function encode(r: Req, host: string): Buffer {
  const body = r.body === undefined ? undefined : Buffer.from(r.body);
  let head = `${r.method} ${r.path} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n`;
  for (const [k, v] of Object.entries(r.headers ?? {})) head += `${k}: ${v}\r\n`;
  if (body) head += `content-length: ${body.length}\r\n`;
  head += '\r\n';
  return body ? Buffer.concat([Buffer.from(head), body]) : Buffer.from(head);
}

interface Answer {
  status: number;
  body: Buffer;
  close: boolean;
}

/** One connection: sends a request, resolves with its answer; reconnects when the server closed the last one. */
class Connection {
  #socket: Socket | undefined;
  #buf: Buffer = Buffer.alloc(0);
  #pending: { resolve(a: Answer): void; reject(e: Error): void } | undefined;

  constructor(
    private readonly port: number,
    private readonly hostname: string,
  ) {}

  #open(): Socket {
    const s = connect({ port: this.port, host: this.hostname, noDelay: true });
    s.on('data', (chunk: Buffer) => {
      this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
      this.#parse();
    });
    const fail = (err: Error) => {
      if (this.#socket === s) this.#socket = undefined;
      this.#buf = Buffer.alloc(0);
      const p = this.#pending;
      this.#pending = undefined;
      p?.reject(err);
    };
    s.on('error', fail);
    s.on('close', () => fail(Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })));
    return s;
  }

  #parse(): void {
    const p = this.#pending;
    if (!p) return;
    const end = this.#buf.indexOf(CRLF2);
    if (end < 0) return;
    const head = this.#buf.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    const lower = head.toLowerCase();
    const close = /\r\nconnection: *close/.test(lower);
    const length = /\r\ncontent-length: *(\d+)/.exec(lower);
    let body: Buffer;
    let used: number;
    if (length) {
      used = end + 4 + Number(length[1]);
      if (this.#buf.length < used) return;
      body = this.#buf.subarray(end + 4, used);
    } else if (/\r\ntransfer-encoding: *chunked/.test(lower)) {
      const parts: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const line = this.#buf.indexOf('\r\n', at);
        if (line < 0) return;
        const size = parseInt(this.#buf.subarray(at, line).toString('latin1'), 16);
        if (this.#buf.length < line + 2 + size + 2) return;
        if (size === 0) {
          used = line + 4;
          break;
        }
        parts.push(this.#buf.subarray(line + 2, line + 2 + size));
        at = line + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      used = end + 4; // no body (204, 304) or one that ends with the connection: not sent by the servers measured here
      body = Buffer.alloc(0);
    }
    this.#buf = this.#buf.subarray(used);
    this.#pending = undefined;
    if (close) {
      this.#socket?.destroy();
      this.#socket = undefined;
    }
    p.resolve({ status, body, close });
  }

  send(bytes: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#socket ??= this.#open();
      this.#socket.write(bytes);
    });
  }

  close(): void {
    this.#socket?.destroy();
  }
}

export async function load(
  base: string,
  next: (i: number) => Req | undefined,
  o: { connections: number; maxRequests: number; maxSeconds: number; keepBodies?: number },
): Promise<LoadResult> {
  const url = new URL(base);
  const connections = Array.from({ length: o.connections }, () => new Connection(Number(url.port), url.hostname));
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const bodies: string[] = [];
  let issued = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + o.maxSeconds * 1000;

  const worker = async (c: Connection) => {
    for (;;) {
      if (issued >= o.maxRequests || performance.now() > deadline) return;
      const r = next(issued++);
      if (!r) return;
      const bytes = encode(r, url.host);
      const t = performance.now();
      try {
        const a = await c.send(bytes);
        latencies.push(performance.now() - t);
        statuses[String(a.status)] = (statuses[String(a.status)] ?? 0) + 1;
        if (bodies.length < (o.keepBodies ?? 0) || (a.status >= 400 && bodies.length < 20)) bodies.push(`${a.status} ${a.body.toString().slice(0, 300)}`);
      } catch (e) {
        const k = `error:${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
        statuses[k] = (statuses[k] ?? 0) + 1;
      }
    }
  };
  await Promise.all(connections.map(worker));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  for (const c of connections) c.close();
  const clientCpuMs = (used.user + used.system) / 1000 / Math.max(1, latencies.length);
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, latencies: Float64Array.from(latencies), statuses, bodies, clientCpuMs };
}
