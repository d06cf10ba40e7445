// `npx pnpm@10 demo`: starts everything (startDemo), prints the URLs, and stops it all on Ctrl-C / SIGTERM.
// Ports come from DEMO_BFF_PORT / DEMO_ATS_PORT, the BFF database from DEMO_DATABASE (default an embedded one in
// ./.data/demo; `memory:` keeps nothing on disk); secrets are made up at start and never printed.
import { PortInUseError, startDemo, type Demo } from './demo.js';

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    process.stderr.write(`demo: ${name} must be a port number (0–65535), not "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

/**
 * Stops everything on Ctrl-C / SIGTERM, from the very start: a signal during start-up stops the demo as soon as it
 * has started (the handlers are in place before anything is printed, so no signal meets Node's default and kills it).
 */
function stopOnSignals(): { started(demo: Demo): boolean } {
  let demo: Demo | undefined;
  let signalled = false;
  let stopping = false;
  const stop = () => {
    if (!demo || stopping) return;
    stopping = true;
    const force = setTimeout(() => {
      process.stderr.write('demo: did not stop within 10 s; exiting\n');
      process.exit(1);
    }, 10_000).unref();
    demo.stop().then(
      () => {
        clearTimeout(force);
        process.stdout.write('stopped.\n');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  const onSignal = (signal: string) => {
    if (!signalled) process.stdout.write(`\n${signal}: stopping the demo…\n`);
    signalled = true;
    stop();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  return {
    /** Hands over the started demo; true when a signal came meanwhile (it is being stopped). */
    started(d) {
      demo = d;
      if (signalled) stop();
      return signalled;
    },
  };
}

async function main() {
  const started = performance.now();
  const signals = stopOnSignals();
  const demo = await startDemo({
    bffPort: portFromEnv('DEMO_BFF_PORT', 8787),
    atsPort: portFromEnv('DEMO_ATS_PORT', 5173),
    logLevel: (process.env.DEMO_LOG_LEVEL as 'info' | undefined) ?? 'warn',
    ...(process.env.DEMO_DATABASE ? { database: process.env.DEMO_DATABASE } : {}),
  });
  if (signals.started(demo)) return;
  const [ada, grace] = demo.candidates;
  const lines = [
    '',
    `candidate-assessment demo is running (started in ${Math.round(performance.now() - started)} ms)`,
    '',
    `  Demo ATS (recruiter)     ${demo.atsUrl}/`,
    ...(ada ? [`  Candidate profile        ${demo.recruiterUrl(ada.id)}   (${ada.firstName} ${ada.lastName}, recruiter view + "Simulate the candidate")`] : []),
    ...(ada ? [`  Candidate portal         ${demo.portalUrl(ada.id)}   (what ${ada.firstName} sees)`] : []),
    ...(grace ? [`  Second candidate         ${demo.recruiterUrl(grace.id)}   and ${demo.portalUrl(grace.id)}`] : []),
    '',
    `  BFF                      ${demo.bffUrl}   (/widget.js, /docs, /openapi.json, /healthz, /metrics)`,
    ...demo.vendors.map((v) => `  ${v.title.padEnd(24)} ${v.entry}`),
    '',
    '  Sign in on the demo ATS as the recruiter (or a candidate), open the candidate profile, send an assessment, then',
    '  follow it in the candidate portal or use the "Simulate the candidate" panel. Secrets were generated for this run',
    '  and are not shown. Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`demo: could not start: ${err instanceof PortInUseError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
