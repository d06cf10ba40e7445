// `npx -y pnpm@10 ca <command> [options]`: parses the command line and runs one command (commands.ts).
// Each command's module (and with it the BFF) is loaded only to run it: `ca help` answers at once.
import { parseArgs } from 'node:util';
import { EXIT, UsageError, type Output } from './exit.js';

const HELP = `candidate-assessment operator CLI

  ca check        [--config FILE]                          validate the config (exit 2 names the bad field)
  ca probe        [--config FILE] [--tenant ID] [--vendor ID] [--timeout-ms N]
                                                           one cheap authenticated call per vendor (exit 1 if one fails)
  ca contract     [--config FILE] --tenant ID --vendor ID [--timeout-ms N]
                                                           go-live check: read-only calls, one verdict per assumption
                                                           (exit 1 if one is contradicted)
  ca token        [--config FILE] [--tenant ID] --candidate ID --role recruiter|candidate
                  [--first-name S] [--last-name S] [--email S] [--actor S] [--ttl SECONDS]
                                                           mint a widget token for manual tests (stdout: the token)
  ca dev          [--origin URL]... [--port N] [--write FILE] [--webhook URL]
                                                           integrator mode: a BFF with every vendor sandbox and a tenant
                                                           your page at --origin may use; prints the API key, endpoints,
                                                           script tag (--write: also as JSON). docs/integrate.md
  ca oauth-setup  [--config FILE] [--tenant ID] [--show-secrets]
                                                           what to give vendors that call us with OAuth (PSI)

--config defaults to $CA_CONFIG, then ./bff.config.json.`;

const io: Output = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.out(HELP);
    return command ? EXIT.ok : EXIT.usage;
  }
  const { values: v } = parseArgs({
    args: rest,
    strict: true,
    options: {
      config: { type: 'string' },
      tenant: { type: 'string' },
      vendor: { type: 'string' },
      'timeout-ms': { type: 'string' },
      candidate: { type: 'string' },
      role: { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
      email: { type: 'string' },
      actor: { type: 'string' },
      ttl: { type: 'string' },
      'show-secrets': { type: 'boolean' },
      origin: { type: 'string', multiple: true },
      port: { type: 'string' },
      write: { type: 'string' },
      webhook: { type: 'string' },
    },
  });
  const config = v.config ?? process.env['CA_CONFIG'] ?? './bff.config.json';
  const opt = <K extends string>(k: K, x: string | undefined) => (x === undefined ? {} : ({ [k]: x } as Record<K, string>));
  switch (command) {
    case 'check':
      return (await import('./commands.js')).check({ config }, io);
    case 'probe':
      return (await import('./commands.js')).probe({ config, ...opt('tenant', v.tenant), ...opt('vendor', v.vendor), ...(v['timeout-ms'] ? { timeoutMs: Number(v['timeout-ms']) } : {}) }, io);
    case 'contract':
      return (await import('./contract.js')).contract({ config, ...opt('tenant', v.tenant), ...opt('vendor', v.vendor), ...(v['timeout-ms'] ? { timeoutMs: Number(v['timeout-ms']) } : {}) }, io);
    case 'token':
      return (await import('./commands.js')).token(
        {
          config,
          ...opt('tenant', v.tenant),
          ...opt('candidate', v.candidate),
          ...opt('role', v.role),
          ...opt('firstName', v['first-name']),
          ...opt('lastName', v['last-name']),
          ...opt('email', v.email),
          ...opt('actor', v.actor),
          ...opt('ttl', v.ttl),
        },
        io,
      );
    case 'dev': {
      const port = v.port === undefined ? 8787 : Number(v.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError('--port is 0–65535 (0: any free port)');
      // Under `pnpm ca`, the working directory is the repository; INIT_CWD is where the command was typed.
      const cwd = process.env['INIT_CWD'] || process.cwd();
      return (await import('./dev.js')).dev({ origins: v.origin ?? [], port, cwd, ...opt('write', v.write), ...opt('webhook', v.webhook) }, io);
    }
    case 'oauth-setup':
      return (await import('./commands.js')).oauthSetup({ config, ...opt('tenant', v.tenant), showSecrets: v['show-secrets'] ?? false }, io);
    default:
      throw new UsageError(`Unknown command: ${command}. Try: ca help`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`ca: ${(err as Error).message ?? String(err)}\n`);
    process.exit(usage ? EXIT.usage : EXIT.failed);
  },
);
