// Starts the demo ATS on its own origin: the pages, the token endpoint and the simulation panel's back end.
// The demo and the multi-replica browser test both use it; it holds the tenant API key and never sends it out.
import { serve, type ServerType } from '@hono/node-server';
import type { DemoPackage, SandboxModule, VendorSandbox } from '@ca/sandboxes';
import { createAtsApp } from './app.js';
import { DEMO_CANDIDATES, type AtsCandidate } from './candidates.js';
import { createSimulator } from './simulator.js';

export interface AtsServerOptions {
  host?: string;
  port: number;
  bffUrl: string;
  apiKey: string;
  /** The sandboxes the simulation panel may move candidates on at (vendor id → running sandbox). */
  sandboxes: Readonly<Record<string, VendorSandbox | undefined>>;
  /** The tenant's catalog (a sandbox reads its own field from an order's package, e.g. PSI's examCode). */
  packages: readonly DemoPackage[];
  /** Sandbox modules whose simulator steps are offered; default every registered one. */
  sandboxModules?: readonly SandboxModule[];
  candidates?: readonly AtsCandidate[];
  company?: string;
}

export interface AtsServer {
  url: string;
  stop(): Promise<void>;
}

export async function startAtsServer(o: AtsServerOptions): Promise<AtsServer> {
  const host = o.host ?? '127.0.0.1';
  const app = createAtsApp({
    bffUrl: () => o.bffUrl,
    apiKey: o.apiKey,
    company: o.company ?? 'Acme',
    candidates: o.candidates ?? DEMO_CANDIDATES,
    simulator: createSimulator({ sandboxes: o.sandboxes, packages: o.packages, ...(o.sandboxModules ? { modules: o.sandboxModules } : {}) }),
  });
  const server = await new Promise<ServerType>((ok, fail) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: o.port }, () => ok(s));
    s.once('error', fail);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${host}:${port}`,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
