// startDemo(): the BFF on an embedded database, every registered vendor sandbox and the demo ATS on another
// origin, with secrets generated at start. Used by `pnpm demo` and by the end-to-end tests. Never prints a secret.
// Knows no vendor: each sandbox module says what its tenant config block and demo packages are.
import { parseConfig, startBff, vendorModules, type RunningBff, type VendorModule } from '@ca/bff';
import { sandboxModuleList, type DemoPackage, type SandboxModule, type StartedSandboxes, type VendorSandbox } from '@ca/sandboxes';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DEMO_CANDIDATES, type AtsCandidate } from './ats/candidates.js';
import { startAtsServer } from './ats/server.js';

export interface DemoOptions {
  host?: string;
  /** Default 8787; 0 picks a free port. */
  bffPort?: number;
  /** Default 5173; 0 picks a free port. */
  atsPort?: number;
  /** BFF database: default `embedded:./.data/demo` (relative to the working directory); `memory:` or a postgres URL also work. */
  database?: string;
  /** Wipe an embedded data directory at start (default true: the sandboxes keep no state across runs). */
  fresh?: boolean;
  /** How often the BFF polls each vendor (Berke is poll-only). Default 3 s, so the demo feels live. */
  pollIntervalSeconds?: number;
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  candidates?: readonly AtsCandidate[];
  /** The BFF's vendors; default every registered one (`vendorModules` of @ca/bff). */
  vendors?: readonly VendorModule[];
  /** The sandboxes to start, one per vendor; default every registered one (`sandboxModuleList` of @ca/sandboxes). */
  sandboxes?: readonly SandboxModule[];
}

export interface Demo {
  bffUrl: string;
  atsUrl: string;
  candidates: readonly AtsCandidate[];
  /** Recruiter profile and candidate portal of a candidate. */
  recruiterUrl(candidateId: string): string;
  portalUrl(candidateId: string): string;
  /** The started sandbox of each registered vendor. */
  sandboxes: StartedSandboxes;
  /** Each sandbox's title and the address worth opening, in registry order. */
  vendors: readonly { vendor: string; title: string; entry: string }[];
  /** Every credential the demo generated (tests check that no page ever shows one). */
  secrets(): { name: string; value: string }[];
  bff(): RunningBff;
  /** Stops the BFF (its connections drop), runs `whileDown`, then starts it again on the same port and database. */
  restartBff(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

const secret = (bytes = 24) => randomBytes(bytes).toString('base64url');

export class PortInUseError extends Error {}

/** Resolves a free port for 0; for a fixed port, checks that it is free and explains how to pick another. */
async function portFor(port: number, host: string, what: string, envName: string): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'EADDRINUSE'
          ? new PortInUseError(`Port ${port} (${what}) is already in use on ${host}. Stop what uses it, or choose another port: ${envName}=${port + 1} npx pnpm@10 demo`)
          : err,
      ),
    );
    s.listen(port, host, () => {
      const actual = (s.address() as { port: number }).port;
      s.close(() => ok(actual));
    });
  });
}

/** Empties the demo's data directory, unless a live process holds it (the BFF's lock file names that process). */
function wipe(dir: string): void {
  let holder = 0;
  try {
    holder = Number(readFileSync(`${dir}.lock`, 'utf8').trim());
  } catch {
    // no lock file: nobody holds it
  }
  if (holder && holder !== process.pid) {
    let alive = true;
    try {
      process.kill(holder, 0);
    } catch (err) {
      alive = (err as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (alive) throw new Error(`${dir} is in use by another demo or BFF (process ${holder}); stop it first`);
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts the demo. A port asked as 0 is found free before the BFF and the ATS listen (each needs the other's URL in its
 * config first), so another process can take it in between: then the demo starts again on other ports, up to three
 * times. A fixed port in use is reported at once.
 */
export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const anyPort = opts.bffPort === 0 || opts.atsPort === 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDemoOnce(opts);
    } catch (err) {
      if (!anyPort || attempt === 3 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}

async function startDemoOnce(opts: DemoOptions): Promise<Demo> {
  const host = opts.host ?? '127.0.0.1';
  const candidates = opts.candidates ?? DEMO_CANDIDATES;
  const bffPort = await portFor(opts.bffPort ?? 8787, host, 'BFF', 'DEMO_BFF_PORT');
  const atsPort = await portFor(opts.atsPort ?? 5173, host, 'demo ATS', 'DEMO_ATS_PORT');
  const bffUrl = `http://${host}:${bffPort}`;
  const atsUrl = `http://${host}:${atsPort}`;
  const database = opts.database ?? 'embedded:./.data/demo';
  if (database.startsWith('embedded:') && opts.fresh !== false) wipe(resolve(database.slice('embedded:'.length)));

  const keys = {
    apiKey: `ak_${secret()}`,
    widgetKey: secret(32),
  };
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };

  try {
    const poll = opts.pollIntervalSeconds ?? 3;
    const started: Record<string, VendorSandbox> = {};
    const vendorBlocks: Record<string, Record<string, unknown>> = {};
    const packages: DemoPackage[] = [];
    const vendorSecrets: { name: string; value: string }[] = [];
    const vendors: { vendor: string; title: string; entry: string }[] = [];
    const sandboxModules = opts.sandboxes ?? sandboxModuleList;
    for (const m of sandboxModules) {
      const sandbox = await m.start(m.demoOptions);
      stops.push(() => sandbox.stop());
      const setup = m.connect(sandbox, { bffUrl, tenantId: 'acme', pollIntervalSeconds: poll });
      started[m.vendor] = sandbox;
      vendorBlocks[m.vendor] = setup.config;
      packages.push(...setup.packages);
      vendorSecrets.push(...setup.secrets);
      vendors.push({ vendor: m.vendor, title: m.title, entry: setup.entry });
    }

    const config = parseConfig({
      publicUrl: bffUrl,
      listen: { host, port: bffPort },
      database,
      log: { level: opts.logLevel ?? 'info' },
      tenants: {
        acme: {
          name: 'Acme Corp',
          allowedOrigins: [atsUrl],
          apiKeys: [keys.apiKey],
          widgetKeys: { k1: keys.widgetKey },
          candidateReturnUrl: `${atsUrl}/portal/returned`,
          vendors: vendorBlocks,
          packages,
        },
      },
    });

    const bffVendors = opts.vendors ?? vendorModules;
    let bff = await startBff({ config, vendors: bffVendors });
    stops.push(() => bff.stop());

    const ats = await startAtsServer({
      host,
      port: atsPort,
      bffUrl,
      apiKey: keys.apiKey,
      candidates,
      sandboxes: started,
      packages,
      sandboxModules,
    });
    stops.push(() => ats.stop());

    return {
      bffUrl,
      atsUrl,
      candidates,
      recruiterUrl: (id) => `${atsUrl}/candidates/${encodeURIComponent(id)}`,
      portalUrl: (id) => `${atsUrl}/portal/${encodeURIComponent(id)}`,
      sandboxes: started as StartedSandboxes,
      vendors,
      secrets: () => [
        { name: 'tenant API key', value: keys.apiKey },
        { name: 'widget key', value: keys.widgetKey },
        ...vendorSecrets,
      ],
      bff: () => bff,
      async restartBff(whileDown) {
        await bff.stop();
        await whileDown?.();
        bff = await startBff({ config, vendors: bffVendors });
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
