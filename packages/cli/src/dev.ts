// `ca dev`: integrator mode (docs/integrate.md). A BFF with every vendor sandbox and one tenant, `dev`, usable from
// the developer's own page: it allows the origins given with --origin and prints (and with --write, writes as JSON)
// what an ATS back end and page need: the BFF URL, the API key, the widget session endpoint, the script tag and, with
// --webhook, the webhook secret. The API key and webhook secret are kept in the --write file and used again on the
// next start, so a token endpoint that read them keeps working. Data lives in memory: a restart starts empty.
import { ConfigError, parseConfig, startBff, vendorModules, type RunningBff } from '@ca/bff';
import { sandboxModuleList, type DemoPackage, type VendorSandbox } from '@ca/sandboxes';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { EXIT, UsageError, type Output } from './commands.js';
import { startSimulator } from './dev-simulate.js';

export interface DevOptions {
  origins: readonly string[];
  /** BFF port; 0 picks a free one. Default 8787. */
  port?: number;
  host?: string;
  /** Where to write the connection details as JSON (relative to `cwd`). */
  write?: string;
  /** The ATS endpoint that receives the tenant's signed webhooks. */
  webhook?: string;
  cwd?: string;
}

/** What `--write` puts in its file (and what docs/integrate.md reads). */
export interface DevDetails {
  bffUrl: string;
  tenant: string;
  apiKey: string;
  widgetSessionsUrl: string;
  widgetScriptUrl: string;
  scriptTag: string;
  allowedOrigins: string[];
  webhook?: { url: string; secret: string };
  /** `POST {simulateUrl}/orders/{orderId}/{step}` moves an order on at its sandbox (dev-simulate.ts). */
  simulateUrl: string;
  sandboxes: { vendor: string; title: string; entry: string; steps: string[] }[];
}

export interface RunningDev {
  details: DevDetails;
  stop(): Promise<void>;
}

const TENANT = 'dev';
const secret = (bytes: number) => randomBytes(bytes).toString('base64url');

/** The API key and webhook secret of an earlier run's --write file, when it has them. */
function earlier(file: string | undefined): { apiKey?: string; webhookSecret?: string } {
  if (!file) return {};
  try {
    const d = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevDetails>;
    return {
      ...(typeof d.apiKey === 'string' && d.apiKey.length >= 32 ? { apiKey: d.apiKey } : {}),
      ...(typeof d.webhook?.secret === 'string' && d.webhook.secret.length >= 24 ? { webhookSecret: d.webhook.secret } : {}),
    };
  } catch {
    return {};
  }
}

function freePort(port: number, host: string): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', (err: NodeJS.ErrnoException) => fail(err.code === 'EADDRINUSE' ? new UsageError(`port ${port} is in use on ${host}: choose another with --port`) : err));
    s.listen(port, host, () => {
      const actual = (s.address() as { port: number }).port;
      s.close(() => ok(actual));
    });
  });
}

/** Starts the sandboxes and the BFF; `stop()` stops them all. */
export async function startDev(opts: DevOptions): Promise<RunningDev> {
  const host = opts.host ?? '127.0.0.1';
  const file = opts.write ? resolve(opts.cwd ?? process.cwd(), opts.write) : undefined;
  const kept = earlier(file);
  const apiKey = kept.apiKey ?? `ak_dev_${secret(24)}`;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    const port = await freePort(opts.port ?? 8787, host);
    const bffUrl = `http://${host}:${port}`;
    const vendors: Record<string, Record<string, unknown>> = {};
    const packages: DemoPackage[] = [];
    const sandboxes: DevDetails['sandboxes'] = [];
    const started: Record<string, VendorSandbox> = {};
    for (const m of sandboxModuleList) {
      const sandbox: VendorSandbox = await m.start(m.demoOptions);
      stops.push(() => sandbox.stop());
      started[m.vendor] = sandbox;
      const setup = m.connect(sandbox, { bffUrl, tenantId: TENANT, pollIntervalSeconds: 3 });
      vendors[m.vendor] = setup.config;
      packages.push(...setup.packages);
      sandboxes.push({ vendor: m.vendor, title: m.title, entry: setup.entry, steps: m.steps.map((st) => st.id) });
    }
    const webhook = opts.webhook ? { url: opts.webhook, secret: kept.webhookSecret ?? secret(24) } : undefined;
    const config = parseConfig(
      {
        publicUrl: bffUrl,
        listen: { host, port },
        database: 'memory:',
        // Warnings only (an origin refused, a vendor failing); CA_DEV_LOG=debug shows every request and vendor call.
        log: { level: process.env['CA_DEV_LOG'] === 'debug' ? 'debug' : 'warn' },
        tenants: {
          [TENANT]: {
            name: 'Development',
            allowedOrigins: [...opts.origins],
            apiKeys: [apiKey],
            widgetKeys: { k1: secret(32) },
            vendors,
            packages,
            ...(webhook ? { atsWebhook: { ...webhook, timeoutMs: 10_000 } } : {}),
          },
        },
      },
      {},
    );
    const bff: RunningBff = await startBff({ config, vendors: vendorModules });
    stops.push(() => bff.stop());
    const simulator = await startSimulator({ host, bffUrl, apiKey, modules: sandboxModuleList, sandboxes: started, packages });
    stops.push(() => simulator.stop());
    const details: DevDetails = {
      bffUrl,
      tenant: TENANT,
      apiKey,
      widgetSessionsUrl: `${bffUrl}/v1/widget-sessions`,
      widgetScriptUrl: `${bffUrl}/widget.js`,
      scriptTag: `<script type="module" src="${bffUrl}/widget.js"></script>`,
      allowedOrigins: config.tenants[TENANT]!.allowedOrigins,
      ...(webhook ? { webhook } : {}),
      simulateUrl: simulator.url,
      sandboxes,
    };
    if (file) writeFileSync(file, JSON.stringify(details, null, 2) + '\n', { mode: 0o600 });
    return { details, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** What `ca dev` prints once everything listens. */
export function describeDev(d: DevDetails, file: string | undefined, ms: number): string[] {
  return [
    `candidate-assessment dev BFF is running (started in ${ms} ms). Guide: docs/integrate.md`,
    '',
    `  BFF                ${d.bffUrl}   (API reference: ${d.bffUrl}/docs)`,
    `  Tenant             ${d.tenant}; pages allowed from: ${d.allowedOrigins.join(', ') || 'none (add --origin http://localhost:3000)'}`,
    `  API key            ${d.apiKey}`,
    `  Widget sessions    POST ${d.widgetSessionsUrl}   (Authorization: Bearer <API key>)`,
    `  Script tag         ${d.scriptTag}`,
    `  Element            <candidate-assessment api="${d.bffUrl}"></candidate-assessment>`,
    ...(d.webhook ? [`  Webhooks           ${d.webhook.url}   secret ${d.webhook.secret}`] : []),
    ...d.sandboxes.map((s) => `  Sandbox            ${s.title}: ${s.entry}   steps ${s.steps.join(', ')}`),
    `  Simulate           curl -X POST ${d.simulateUrl}/orders/<order id>/<step>   (as if the candidate or vendor acted)`,
    ...(file ? [`  Written to         ${file}`] : []),
    '',
    '  Development only: the keys above are for this BFF, and its data lives in memory. Ctrl-C stops everything.',
    '',
  ];
}

/** `ca dev`: runs until SIGINT or SIGTERM, then stops everything and resolves with the exit code. */
export async function dev(opts: DevOptions, o: Output): Promise<number> {
  const started = performance.now();
  let running: RunningDev;
  try {
    running = await startDev(opts);
  } catch (err) {
    if (err instanceof ConfigError) {
      o.err(`ca dev: ${err.message}`);
      return EXIT.usage;
    }
    throw err;
  }
  const file = opts.write ? resolve(opts.cwd ?? process.cwd(), opts.write) : undefined;
  o.out(describeDev(running.details, file, Math.round(performance.now() - started)).join('\n'));
  return new Promise((done) => {
    const stop = (signal: string) => {
      o.out(`${signal}: stopping…`);
      running.stop().then(
        () => {
          o.out('stopped.');
          done(EXIT.ok);
        },
        () => done(EXIT.failed),
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
