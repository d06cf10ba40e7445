// Benchmarks: widget bundle size, order create latency, SSE delivery latency (one client and fan-out).
// Uses the real BFF over loopback HTTP with PGlite and the in-process test vendor.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { startTestBff } from '../../packages/bff/src/testing/harness.js';
import { createMemoryVendor } from '../../packages/bff/src/testing/memory-vendor.js';
import { openSse } from '../../packages/bff/src/testing/sse-client.js';
import { ROOT } from '../support/process.js';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const row = (xs: number[]) => ({ n: xs.length, p50_ms: +pct(xs, 50).toFixed(2), p95_ms: +pct(xs, 95).toFixed(2), p99_ms: +pct(xs, 99).toFixed(2), max_ms: +Math.max(...xs).toFixed(2) });

function widgetSize() {
  const file = join(ROOT, 'packages/widget/dist/widget.js');
  if (!existsSync(file)) return console.log('widget not built');
  const buf = readFileSync(file);
  console.log('\nWidget bundle (packages/widget/dist/widget.js), budget 15 KB gzip');
  console.table({ 'widget.js': { raw_bytes: buf.length, gzip_bytes: gzipSync(buf, { level: 9 }).length, brotli_bytes: brotliCompressSync(buf).length } });
}

async function latencies() {
  const mv = createMemoryVendor();
  const t = await startTestBff({ vendors: { berke: {} }, packages: [{ id: 'p1', vendor: 'berke', name: 'P1' }], factories: { berke: mv.factory } });
  t.bff.log.level = 'warn';
  try {
    const token = await t.token({ candidateId: 'bench' });
    const sse = await openSse(`${t.url}/v1/events`, { token });
    await sse.waitForFrame((f) => f.event === 'ready');
    const create: number[] = [];
    const deliver: number[] = [];
    for (let i = 0; i < 300; i++) {
      const start = performance.now();
      const res = await t.api('/v1/orders', { method: 'POST', token, body: JSON.stringify({ packageId: 'p1' }) });
      create.push(performance.now() - start);
      const { order } = (await res.json()) as { order: { id: string } };
      await sse.waitFor((e) => e.orderId === order.id && e.type === 'order.created');
      deliver.push(performance.now() - start);
    }
    sse.close();

    // Fan-out: N clients on one candidate, one event each round; time until the last client has it.
    const clients = await Promise.all(Array.from({ length: 200 }, () => openSse(`${t.url}/v1/events`, { token })));
    await Promise.all(clients.map((c) => c.waitForFrame((f) => f.event === 'ready')));
    const fan: number[] = [];
    for (let i = 0; i < 30; i++) {
      const start = performance.now();
      const res = await t.api('/v1/orders', { method: 'POST', token, body: JSON.stringify({ packageId: 'p1' }) });
      const { order } = (await res.json()) as { order: { id: string } };
      await Promise.all(clients.map((c) => c.waitFor((e) => e.orderId === order.id && e.type === 'order.created')));
      fan.push(performance.now() - start);
    }
    clients.forEach((c) => c.close());
    console.log('\nBFF on PGlite, loopback HTTP, one process (client and server share the machine)');
    console.table({
      'POST /v1/orders → 202': row(create),
      'POST → order.created on 1 SSE client': row(deliver),
      'POST → order.created on all 200 SSE clients': row(fan),
    });
  } finally {
    await t.stop();
  }
}

widgetSize();
await latencies();
process.exit(0);
