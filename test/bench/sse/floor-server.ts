// SSE fan-out floor (a child process): plain node:http, one shared frame string written to every open
// response at the same rate as the BFF producer, with the hub's headers, first frames and slow-client bound.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, wallNow } from '../lib/child.js';

const clients = new Set<ServerResponse>();
const MAX_BUFFERED = 1 << 20;
let lastId = 0;
let version = 1;

const frame = (id: number, event: string, data: unknown) => `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

const server = createServer((req, res) => {
  if (!req.url?.startsWith('/v1/events')) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
    Connection: 'keep-alive',
  });
  res.write('retry: 2000\n\n');
  res.write(frame(lastId, 'ready', { lastEventId: String(lastId) }));
  clients.add(res);
  res.on('close', () => clients.delete(res));
});
server.keepAliveTimeout = 0;

serve({
  async start() {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  },
  clients: () => clients.size,
  /** Broadcasts `template` (a real order event captured from the BFF run) with a fresh id, version and time. */
  async produce({ perSecond, durationMs, template }: { perSecond: number; durationMs: number; template: { order: { id: string; version: number } } }) {
    const t0: Record<string, number> = {};
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (performance.now() - wall0 >= durationMs) {
          clearInterval(timer);
          resolve();
          return;
        }
        const start = wallNow();
        const id = ++lastId;
        const v = ++version;
        const at = new Date().toISOString();
        const ev = { ...template, id: String(id), at, order: { ...template.order, version: v, statusChangedAt: at } };
        const f = frame(id, 'order.updated', ev);
        for (const res of clients) {
          res.write(f);
          if (res.writableLength > MAX_BUFFERED) res.destroy();
        }
        t0[`${template.order.id}:${v}`] = start;
      }, 1000 / perSecond);
    });
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - wall0;
    return { t0, events: Object.keys(t0).length, outcomes: {}, cpuPct: Math.round(((cpu.user + cpu.system) / 1000 / wall) * 100), cpuUs: cpu.user + cpu.system };
  },
  async stop() {
    for (const res of clients) res.end();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    return true;
  },
});
