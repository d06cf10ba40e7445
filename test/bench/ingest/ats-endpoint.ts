// The tenant's ATS webhook endpoint in the ingest bench: a child process of its own (as an ATS is), answering 200 to
// every delivery and counting them, so the BFF's CPU and event loop carry only the BFF's side of the webhooks.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '../lib/child.js';

let received = 0;
let lastAt = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    lastAt = performance.now();
    res.writeHead(200).end();
  });
});

serve({
  async start() {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ats` };
  },
  /** Deliveries received so far, and how long ago the last one came (ms). */
  received: () => ({ received, msAgo: received ? performance.now() - lastAt : NaN }),
  async stop() {
    await new Promise((r) => server.close(r));
    return true;
  },
});
