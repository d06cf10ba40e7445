// A small keep-alive HTTP load generator (node:http, one Agent, a fixed number of connections each
// with one request in flight). Chosen over autocannon so the bench adds no dependency; it records every
// request's latency and status. Bounded by a request count and a time limit.
import { Agent, request } from 'node:http';

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
  /** Parsed JSON bodies of the first few responses per status, to check what the server said. */
  bodies: string[];
  /** CPU time of this load generator per request (ms, user + system): its share of the machine the server runs on. */
  clientCpuMs: number;
}

export async function load(
  base: string,
  next: (i: number) => Req | undefined,
  o: { connections: number; maxRequests: number; maxSeconds: number; keepBodies?: number },
): Promise<LoadResult> {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections, maxFreeSockets: o.connections });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const bodies: string[] = [];
  let issued = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + o.maxSeconds * 1000;

  const one = (r: Req) =>
    new Promise<void>((resolve) => {
      const t = performance.now();
      const headers: Record<string, string> = { ...r.headers };
      if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
      const req = request({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          latencies.push(performance.now() - t);
          const k = String(res.statusCode);
          statuses[k] = (statuses[k] ?? 0) + 1;
          if (bodies.length < (o.keepBodies ?? 0) || (res.statusCode! >= 400 && bodies.length < 20)) bodies.push(`${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`);
          resolve();
        });
      });
      req.on('error', (e) => {
        statuses[`error:${(e as NodeJS.ErrnoException).code ?? e.message}`] = (statuses[`error:${(e as NodeJS.ErrnoException).code ?? e.message}`] ?? 0) + 1;
        resolve();
      });
      req.end(r.body);
    });

  const worker = async () => {
    for (;;) {
      if (issued >= o.maxRequests || performance.now() > deadline) return;
      const r = next(issued++);
      if (!r) return;
      await one(r);
    }
  };
  await Promise.all(Array.from({ length: o.connections }, worker));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  const clientCpuMs = (used.user + used.system) / 1000 / Math.max(1, latencies.length);
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, latencies: Float64Array.from(latencies), statuses, bodies, clientCpuMs };
}
