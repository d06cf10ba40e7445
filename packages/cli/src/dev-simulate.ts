// `ca dev`'s simulator: moves an order's candidate on at its vendor sandbox, as if the candidate or the vendor had
// acted (what the demo ATS's "Simulate the candidate" panel does), for pages that are not the demo's.
//   GET  /                          the steps of each vendor, in the order a candidate usually goes through them
//   POST /orders/{orderId}/{step}   advances that order (its vendor and reference read from the BFF with the API key)
// Loopback only, development only.
import { StepRefused, type DemoPackage, type SandboxModule, type VendorSandbox } from '@ca/sandboxes';
import { createServer, type Server } from 'node:http';

export interface Simulator {
  url: string;
  stop(): Promise<void>;
}

export async function startSimulator(o: {
  host: string;
  bffUrl: string;
  apiKey: string;
  modules: readonly SandboxModule[];
  sandboxes: Readonly<Record<string, VendorSandbox>>;
  packages: readonly DemoPackage[];
}): Promise<Simulator> {
  const steps = Object.fromEntries(o.modules.map((m) => [m.vendor, m.steps.map((s) => ({ id: s.id, label: s.label }))]));
  const advance = async (orderId: string, step: string): Promise<[number, object]> => {
    const res = await fetch(`${o.bffUrl}/v1/orders/${encodeURIComponent(orderId)}`, { headers: { Authorization: `Bearer ${o.apiKey}` } });
    if (!res.ok) return [res.status, (await res.json()) as object];
    const { order } = (await res.json()) as { order: { vendor: string; vendorRef: string | null; candidateId: string; packageId: string } };
    if (!steps[order.vendor]?.some((s) => s.id === step)) return [400, { error: `unknown step ${step} for ${order.vendor}; steps: ${steps[order.vendor]?.map((s) => s.id).join(', ')}` }];
    if (!order.vendorRef) return [409, { error: 'the vendor has not received this order yet; try again in a moment' }];
    const pkg = o.packages.find((p) => p.id === order.packageId);
    try {
      await o.sandboxes[order.vendor]!.advance(order.vendorRef, step, { candidateId: order.candidateId, ...(pkg ? { package: pkg } : {}) });
    } catch (err) {
      if (err instanceof StepRefused) return [409, { error: err.message }];
      throw err;
    }
    return [200, { ok: true, vendor: order.vendor, step }];
  };
  const server: Server = createServer((req, res) => {
    const send = ([status, body]: [number, object]) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    const m = /^\/orders\/([^/]+)\/([a-z_-]+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && req.url === '/') return send([200, { steps }]);
    if (req.method !== 'POST' || !m) return send([404, { error: 'GET / or POST /orders/{orderId}/{step}' }]);
    advance(decodeURIComponent(m[1]!), m[2]!).then(send, (err: unknown) => send([500, { error: String((err as Error).message ?? err) }]));
  });
  await new Promise<void>((ok) => server.listen(0, o.host, ok));
  return {
    url: `http://${o.host}:${(server.address() as { port: number }).port}`,
    stop: () => new Promise((ok) => server.close(() => ok())),
  };
}
