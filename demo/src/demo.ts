// startDemo(): the BFF on an embedded database, the four vendor sandboxes and the demo ATS on another origin,
// with secrets generated at start. Used by `pnpm demo` and by the end-to-end tests. Never prints a secret.
import { parseConfig, startBff, type RunningBff } from '@ca/bff';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { startBerkeSandbox, type BerkeSandbox } from '../../packages/bff/src/vendors/berke/sandbox.js';
import { startMettlSandbox, type MettlSandbox } from '../../packages/bff/src/vendors/mettl/sandbox.js';
import { startPsiSandbox, type PsiSandbox } from '../../packages/bff/src/vendors/psi/sandbox.js';
import { startPymetricsSandbox, type PymetricsSandbox } from '../../packages/bff/src/vendors/pymetrics/sandbox.js';
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
}

export interface Demo {
  bffUrl: string;
  atsUrl: string;
  candidates: readonly AtsCandidate[];
  /** Recruiter profile and candidate portal of a candidate. */
  recruiterUrl(candidateId: string): string;
  portalUrl(candidateId: string): string;
  sandboxes: { pymetrics: PymetricsSandbox; mettl: MettlSandbox; berke: BerkeSandbox; psi: PsiSandbox };
  /** Every credential the demo generated (tests check that no page ever shows one). */
  secrets(): { name: string; value: string }[];
  bff(): RunningBff;
  /** Stops the BFF (its connections drop), runs `whileDown`, then starts it again on the same port and database. */
  restartBff(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export const PACKAGES = [
  { id: 'pym-games', vendor: 'pymetrics', name: 'Job fit games', assessmentId: '33', description: 'Neuroscience-based games, about 25 minutes.' },
  { id: 'mettl-java', vendor: 'mettl', name: 'Java coding test', assessmentId: '123456', description: 'Proctored coding test, 60 minutes.' },
  { id: 'berke-sales', vendor: 'berke', name: 'Sales personality', sourceJobId: 'sales-rep', description: 'Personality and job-fit profile.' },
  { id: 'psi-cert', vendor: 'psi', name: 'Certification exam', examCode: 'CERT-1', description: 'Proctored exam at a test center or online.' },
] as const;

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

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
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
    mettlPublic: `mettl-ak-${secret(9)}`,
    mettlPrivate: `mettl-pk-${secret()}`,
    mettlWebhookPassword: secret(18),
    berkeToken: `berke-${secret()}`,
    pymetricsSecret: `pym-${secret()}`,
    psiSecret: `psi-${secret()}`,
  };
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };

  try {
    const pymetrics = await startPymetricsSandbox({ clientId: 'acme-demo', clientSecret: keys.pymetricsSecret, autoScore: false });
    stops.push(() => pymetrics.stop());
    const mettl = await startMettlSandbox({ publicKey: keys.mettlPublic, privateKey: keys.mettlPrivate, autoGradeMs: false });
    stops.push(() => mettl.stop());
    const berke = await startBerkeSandbox({ apiToken: keys.berkeToken });
    stops.push(() => berke.stop());
    const psi = await startPsiSandbox();
    stops.push(() => psi.stop());
    psi.connect({ bffUrl, tenantId: 'acme', clientId: 'psi-acme', clientSecret: keys.psiSecret });

    const poll = opts.pollIntervalSeconds ?? 3;
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
          vendors: {
            pymetrics: { endpoint: pymetrics.endpoint, clientId: pymetrics.clientId, clientSecret: keys.pymetricsSecret, organizationId: 'ACME', pollIntervalSeconds: poll },
            mettl: {
              baseUrl: mettl.baseUrl,
              publicKey: keys.mettlPublic,
              privateKey: keys.mettlPrivate,
              webhookUser: 'acme-mettl-hooks',
              webhookPassword: keys.mettlWebhookPassword,
              pollIntervalSeconds: poll,
            },
            berke: { baseUrl: berke.baseUrl, apiToken: keys.berkeToken, pollIntervalSeconds: poll },
            psi: { clients: [{ clientId: 'psi-acme', clientSecret: keys.psiSecret }], schedulingUrl: psi.schedulingUrl, pollIntervalSeconds: poll },
          },
          packages: PACKAGES,
        },
      },
    });

    let bff = await startBff({ config });
    stops.push(() => bff.stop());

    const ats = await startAtsServer({
      host,
      port: atsPort,
      bffUrl,
      apiKey: keys.apiKey,
      candidates,
      sandboxes: { pymetrics: pymetrics.url, mettl: mettl.url, berke: berke.url, psi: psi.url },
      examCodes: Object.fromEntries(PACKAGES.flatMap((p) => ('examCode' in p ? [[p.id, p.examCode]] : []))),
    });
    stops.push(() => ats.stop());

    return {
      bffUrl,
      atsUrl,
      candidates,
      recruiterUrl: (id) => `${atsUrl}/candidates/${encodeURIComponent(id)}`,
      portalUrl: (id) => `${atsUrl}/portal/${encodeURIComponent(id)}`,
      sandboxes: { pymetrics, mettl, berke, psi },
      secrets: () => [
        { name: 'tenant API key', value: keys.apiKey },
        { name: 'widget key', value: keys.widgetKey },
        { name: 'Mettl public key', value: keys.mettlPublic },
        { name: 'Mettl private key', value: keys.mettlPrivate },
        { name: 'Mettl webhook password', value: keys.mettlWebhookPassword },
        { name: 'Berke API token', value: keys.berkeToken },
        { name: 'pymetrics client secret', value: keys.pymetricsSecret },
        { name: 'PSI client secret', value: keys.psiSecret },
      ],
      bff: () => bff,
      async restartBff(whileDown) {
        await bff.stop();
        await whileDown?.();
        bff = await startBff({ config });
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
