// The container image and the compose file. Where a Docker daemon answers, the image is really built and inspected;
// everywhere, the files are checked without Docker: the final stage runs the compiled BFF laid out by the first (which
// compiled.test.ts boots without Docker), non-root USER and HEALTHCHECK in the final stage, the health
// check command run for real against a BFF, the compose file's structure (PostgreSQL, two replicas, proxy, health
// gates), the mounted config valid for the BFF with the compose environment, and the proxy passing SSE unbuffered.
import { parseConfig } from '@ca/bff';
import { startTestBff } from '@ca/bff/testing';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

interface Instruction {
  op: string;
  args: string;
}
/** Dockerfile instructions by stage: continuation lines joined, comments and the parser directive dropped. */
function dockerStages(text: string): Instruction[][] {
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Instruction[][] = [];
  for (const line of logical) {
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const ins = { op: op!.toUpperCase(), args: args! };
    if (ins.op === 'FROM') stages.push([]);
    stages.at(-1)!.push(ins);
  }
  return stages;
}

function dockerDaemon(): string | null {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 10_000 });
    return null;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    return e.code === 'ENOENT' ? 'docker is not on PATH' : `docker is on PATH but no daemon answers (${String(e.stderr ?? e.message).trim().split('\n')[0]})`;
  }
}

const stages = dockerStages(read('Dockerfile'));
const final = stages.at(-1)!;
const last = (op: string) => final.filter((i) => i.op === op).at(-1);
const compose = parseYaml(read('compose.yaml')) as {
  services: Record<string, { image?: string; build?: unknown; deploy?: { replicas?: number }; environment?: Record<string, string>; secrets?: string[]; volumes?: string[]; ports?: string[]; expose?: string[]; depends_on?: Record<string, { condition: string }>; healthcheck?: unknown }>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file: string }>;
};

describe('container image (Dockerfile)', () => {
  it('runs as a non-root user, with a health check, on Node 20, installing from the lockfile', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(final[0]!.args).toMatch(/^node:20[-.\w]*$/);
    expect(last('USER')?.args).toMatch(/^[a-z_][a-z0-9_-]*$/);
    expect(['root', '0'].includes(last('USER')!.args)).toBe(false);
    const hc = last('HEALTHCHECK')!.args;
    expect(hc).toMatch(/--interval=\d+s/);
    expect(hc).toMatch(/ CMD \[/);
    expect(last('EXPOSE')?.args).toBe('8787');
    expect(stages[0]!.map((i) => i.args).join('\n')).toContain('pnpm install --frozen-lockfile');
    // Compiled JavaScript with production dependencies only: the first stage lays it out (packages/bff/scripts/deploy.mjs,
    // booted by test/deploy/compiled.test.ts), the final one copies only that and runs it with plain node.
    expect(stages[0]!.map((i) => i.args).join('\n')).toMatch(/node packages\/bff\/scripts\/deploy\.mjs (\/\S+)/);
    const laidOut = /deploy\.mjs (\/\S+)/.exec(stages[0]!.map((i) => i.args).join('\n'))![1];
    expect(final.filter((i) => i.op === 'COPY').map((i) => i.args)).toEqual([`--from=build ${laidOut} /app`]);
    expect(JSON.parse(last('CMD')!.args)).toEqual(['node', 'packages/bff/dist/server.js']);
    expect(final.map((i) => i.args).join('\n')).not.toMatch(/tsx|scripts\/bff\.mjs/);
    // Nothing secret is baked in.
    for (const env of final.filter((i) => i.op === 'ENV')) expect(env.args).not.toMatch(/KEY|SECRET|PASSWORD/i);
  });

  it("ships a .dockerignore that keeps node_modules and git out but every workspace package in", () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter(Boolean);
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '.git']));
    const workspace = parseYaml(read('pnpm-workspace.yaml')) as { packages: string[] };
    for (const p of [...workspace.packages.map((x) => x.replace('/*', '')), 'pnpm-lock.yaml', 'scripts']) expect(ignored).not.toContain(p);
  });

  it("has a health check command that passes on a live BFF and fails on a dead one", async () => {
    const argv = JSON.parse(/ CMD (\[.*\])$/.exec(last('HEALTHCHECK')!.args)![1]!) as string[];
    expect(argv[0]).toBe('node');
    const run = (url: string) =>
      new Promise<number>((resolve) => {
        execFile(process.execPath, argv.slice(1), { env: { ...process.env, CA_HEALTHCHECK_URL: url }, timeout: 15_000 }, (err) =>
          resolve(err ? Number((err as { code?: number }).code ?? 1) : 0),
        );
      });
    const t = await startTestBff({ vendors: {}, packages: [] });
    try {
      expect(await run(`${t.url}/healthz`)).toBe(0);
      expect(await run(`${t.url}/no-such-endpoint`)).toBe(1);
    } finally {
      await t.stop();
    }
    expect(await run('http://127.0.0.1:9/healthz')).toBe(1);
    const defaultUrl = final.find((i) => i.op === 'ENV' && i.args.includes('CA_HEALTHCHECK_URL'))!.args;
    expect(defaultUrl).toContain('CA_HEALTHCHECK_URL=http://127.0.0.1:8787/healthz');
  });

  it('builds and inspects the image where a Docker daemon answers (skipped with a message elsewhere)', () => {
    const missing = dockerDaemon();
    if (missing) {
      console.log(`[container] skipped docker build: ${missing}. The file checks above ran instead.`);
      expect(missing).toMatch(/docker/);
      return;
    }
    execFileSync('docker', ['build', '-t', 'candidate-assessment-bff:test', '.'], { cwd: ROOT, stdio: 'inherit', timeout: 1_500_000 });
    const [info] = JSON.parse(execFileSync('docker', ['image', 'inspect', 'candidate-assessment-bff:test'], { encoding: 'utf8' })) as {
      Config: { User: string; Healthcheck?: { Test: string[] }; ExposedPorts: Record<string, unknown> };
    }[];
    expect(info!.Config.User).toBe('node');
    console.log(`[container] image size ${((info as unknown as { Size: number }).Size / 1e6).toFixed(0)} MB`);
    expect(info!.Config.Healthcheck?.Test[0]).toBe('CMD');
    expect(Object.keys(info!.Config.ExposedPorts)).toContain('8787/tcp');
  }, 1_600_000);
});

describe('compose file (compose.yaml)', () => {
  const { postgres, bff, proxy } = compose.services;

  it('runs the BFF as two replicas on PostgreSQL behind one proxy, each waiting for what it needs to be healthy', () => {
    expect(postgres?.image).toMatch(/^postgres:\d+/);
    expect(postgres?.healthcheck).toBeDefined();
    expect(compose.volumes).toHaveProperty('pgdata');
    expect(bff?.build).toBe('.');
    expect(bff?.deploy?.replicas).toBe(2);
    expect(bff?.depends_on?.['postgres']?.condition).toBe('service_healthy');
    expect(bff?.ports).toBeUndefined(); // replicas cannot share a host port: the proxy publishes one
    expect(bff?.expose).toEqual(['8787', '9464']); // the API for the proxy, metrics for a scraper on the network
    expect(proxy?.depends_on?.['bff']?.condition).toBe('service_healthy');
    expect(proxy?.ports?.[0]).toMatch(/:8080$/);
  });

  it("mounts a config the BFF accepts with the compose environment and secrets, in production, listening where the image's health check looks", () => {
    const mount = bff!.volumes!.find((v) => v.endsWith(':ro'))!;
    const [source, target] = mount.split(':');
    expect(target).toBe(bff!.environment!['CA_CONFIG']);
    expect(existsSync(join(ROOT, source!))).toBe(true);
    // The compose environment as the container sees it, with defaults applied, and NODE_ENV from the image.
    const env = Object.fromEntries(
      Object.entries(bff!.environment!).map(([k, v]) => [
        k,
        v.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, name: string, def?: string) => def ?? (() => { throw new Error(`${name} has no value`); })()),
      ]),
    );
    expect(final.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ')).toMatch(/NODE_ENV=production/);
    // The secrets as compose mounts them (/run/secrets/<name>), here files of a temporary directory.
    const dir = mkdtempSync(join(tmpdir(), 'compose-secrets-'));
    const given: Record<string, string> = { postgres_password: 'pw0123456789', acme_api_key: 'k'.repeat(40), acme_widget_secret: 'w'.repeat(40) };
    for (const name of bff!.secrets!) writeFileSync(join(dir, name), `${given[name]}\n`);
    const text = read(source!).replaceAll('${file:/run/secrets/', `\${file:${dir}/`);
    const config = parseConfig(JSON.parse(text), { ...env, NODE_ENV: 'production' });
    expect(config.database).toBe('postgres://ca:pw0123456789@postgres:5432/ca');
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8787 });
    expect(config.tenants['acme']?.apiKeys).toEqual([given['acme_api_key']]);
    expect(config.metrics.listen?.port).toBe(9464); // /metrics is not on the public listener
  });

  it('passes every secret as a file, never as an environment value', () => {
    const secrets = compose.secrets ?? {};
    expect(Object.keys(secrets).sort()).toEqual(['acme_api_key', 'acme_widget_secret', 'postgres_password']);
    for (const s of Object.values(secrets)) expect(s.file).toMatch(/^\.\/secrets\//);
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [k, v] of Object.entries(service.environment ?? {})) {
        if (/PASSWORD|SECRET|KEY|TOKEN/i.test(k)) expect(k, `${name}.${k}`).toMatch(/_FILE$/);
        expect(v, `${name}.${k}`).not.toMatch(/\$\{\w*(PASSWORD|SECRET|KEY|TOKEN)\w*/i);
      }
    }
    expect(compose.services['postgres']?.environment?.['POSTGRES_PASSWORD_FILE']).toBe('/run/secrets/postgres_password');
    const deployed = read('deploy/bff.config.json');
    for (const name of compose.services['bff']!.secrets!) expect(deployed).toContain(`\${file:/run/secrets/${name}}`);
    // Secrets stay out of the image and out of git.
    expect(read('.dockerignore').split('\n')).toContain('secrets');
    expect(read('.gitignore').split('\n')).toContain('secrets/');
  });

  it('documents every secret file and variable it uses in docs/operations.md, which the README links', () => {
    const operations = read('docs/operations.md');
    const deployment = operations.slice(operations.indexOf('## Deployment'));
    const variables = [...read('compose.yaml').matchAll(/\$\{(\w+)(?::[-?])/g)].map((m) => m[1]!);
    for (const name of new Set([...variables, ...Object.keys(compose.secrets ?? {})])) expect(deployment).toContain(name);
    expect(read('README.md')).toContain('docs/operations.md#deployment');
  });

  it('proxies round-robin to the replicas with SSE unbuffered', () => {
    const nginx = read('deploy/nginx.conf');
    expect(nginx).toMatch(/server bff:8787;/);
    expect(nginx).toMatch(/proxy_pass http:\/\/bff;/);
    expect(nginx).toMatch(/proxy_buffering off;/);
    expect(nginx).toMatch(/listen 8080;/);
  });

  it("limits requests per client itself, and is the one proxy whose X-Forwarded-For the BFF trusts", () => {
    const nginx = read('deploy/nginx.conf');
    expect(nginx).toMatch(/limit_req_zone \$binary_remote_addr zone=ca_api:\S+ rate=\d+r\/s;/);
    expect(nginx).toMatch(/location \/ \{[^}]*limit_req zone=ca_api /);
    expect(nginx).toMatch(/location = \/oauth\/token \{[^}]*limit_req zone=ca_token /);
    expect(nginx).toMatch(/limit_req_status 429;/);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    const networks = (compose.services['proxy'] as { networks?: Record<string, { ipv4_address?: string }> }).networks;
    const address = networks?.['internal']?.ipv4_address;
    expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const deployed = JSON.parse(read('deploy/bff.config.json')) as { trustedProxies?: string[] };
    expect(deployed.trustedProxies).toEqual([address]);
  });
});
