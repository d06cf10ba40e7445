// The BFF as the container image runs it: packages/bff/scripts/deploy.mjs (the Dockerfile's build step) lays out the
// compiled BFF with production dependencies only in an empty directory outside the workspace, and
// `node packages/bff/dist/server.js` boots there with nothing else: it places an order with the Berke sandbox on
// its embedded database (the PGlite worker thread included), serves the widget at its pinned URL with the integrity
// it logs, and the API reference; no tsx, no TypeScript sources, no development dependency is there.
import { startBerkeSandbox, type BerkeSandbox } from '@ca/sandboxes';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acmeConfig, api, waitFor } from '../support/config.js';
import { freePort } from '../support/process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every file under dir, relative to it (symbolic links not followed). */
function files(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), base) : [relative(base, join(dir, e.name))],
  );
}
const bytesUnder = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? bytesUnder(join(dir, e.name)) : e.isFile() ? statSync(join(dir, e.name)).size : 0), 0);

describe('the deployed BFF: compiled JavaScript with production dependencies only', () => {
  let out: string;
  let sandbox: BerkeSandbox;
  let child: ChildProcess | undefined;
  let exited: Promise<number | null>;
  const lines: string[] = [];
  let url: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'ca-deploy-'));
    expect(relative(ROOT, out).startsWith('..')).toBe(true);
    const started = Date.now();
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, [join(ROOT, 'packages/bff/scripts/deploy.mjs'), out], { cwd: ROOT, timeout: 540_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
        err ? reject(new Error(`deploy failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(),
      ),
    );
    console.log(`[deploy] laid out in ${((Date.now() - started) / 1000).toFixed(1)} s: ${(bytesUnder(out) / 1e6).toFixed(0)} MB`);

    sandbox = await startBerkeSandbox();
    const port = await freePort();
    const config = join(out, 'bff.config.json');
    await writeFile(
      config,
      JSON.stringify({
        ...acmeConfig({
          port,
          database: `embedded:${join(out, 'data')}`,
          vendors: { berke: { baseUrl: sandbox.baseUrl, apiToken: sandbox.apiToken } },
          packages: [{ id: 'berke-sales', vendor: 'berke', name: 'Sales personality', sourceJobId: 'sales-rep' }],
        }),
        metrics: { token: 'deploy-test-metrics-token-0123456789' }, // required in production (NODE_ENV)
      }),
    );
    // Only what a container has: no NODE_OPTIONS, no loader, nothing of the workspace.
    child = spawn(process.execPath, ['packages/bff/dist/server.js', '--config', config], {
      cwd: out,
      env: { PATH: process.env['PATH']!, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((r) => child!.once('exit', (code) => r(code)));
    const collect = (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean));
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    // A first start initialises the embedded database (PGlite's initdb): seconds on a quiet machine, more under load.
    const until = Date.now() + 180_000;
    for (;;) {
      const listening = /listening on (http:\/\/[\d.:]+)/.exec(lines.join('\n'))?.[1];
      if (listening) {
        url = listening;
        break;
      }
      if (child.exitCode !== null || Date.now() > until) throw new Error(`the deployed BFF did not start (exit ${child.exitCode}):\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 600_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await sandbox?.stop();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('holds compiled JavaScript only, and no development dependency', () => {
    const bff = join(out, 'packages/bff');
    const top = readdirSync(bff);
    expect(top).toEqual(expect.arrayContaining(['dist', 'node_modules', 'package.json']));
    expect(top.filter((n) => ['src', 'testing', 'scripts', 'tsconfig.build.json'].includes(n))).toEqual([]);
    const own = files(join(bff, 'dist'));
    expect(own).toEqual(expect.arrayContaining(['server.js', 'store/pglite-worker.mjs', 'routes/scalar-standalone.js']));
    expect(own.filter((f) => f.endsWith('.ts') || f.endsWith('.test.js'))).toEqual([]);
    const installed = readdirSync(join(bff, 'node_modules/.pnpm'));
    // The development tools, and @scalar/api-reference: /docs serves its one file, copied beside routes/docs.js.
    for (const dev of ['tsx@', 'typescript@', 'vitest@', 'fast-check@', '@ca+sandboxes', '@seriousme+openapi-schema-validator@', 'playwright', '@scalar+api-reference@']) {
      expect(installed.filter((n) => n.startsWith(dev)), dev).toEqual([]);
    }
    const shared = join(bff, 'node_modules/@ca/shared');
    expect(existsSync(join(shared, 'src'))).toBe(false);
    expect(files(join(shared, 'dist')).some((f) => f.endsWith('.js'))).toBe(true);
  });

  it('boots with plain node, places an order with the vendor on its embedded database, and serves the API reference', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, 30_000, 'readiness');
    const res = await api(url, '/v1/orders', {
      method: 'POST',
      body: JSON.stringify({ packageId: 'berke-sales', candidateId: 'dep-1', candidate: { firstName: 'Ada', lastName: 'L', email: 'ada@example.com' } }),
    });
    expect(res.status).toBe(202);
    const { order } = (await res.json()) as { order: { id: string } };
    await waitFor(
      async () => ((await (await api(url, `/v1/orders/${order.id}`)).json()) as { order: { status: string } }).order.status === 'invited',
      30_000,
      'the order to be placed with Berke',
    );
    const docs = await fetch(`${url}/docs/scalar.js`);
    expect(docs.status).toBe(200);
    expect((await docs.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    expect((await fetch(`${url}/docs`)).status).toBe(200);
  });

  it('logs the pinned widget URL with an integrity that matches what it serves there', async () => {
    const logged = lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { widget?: { url: string; integrity: string }; msg?: string })
      .find((l) => l.widget);
    expect(logged?.msg).toMatch(/^widget: <script type="module" src="[^"]+" integrity="sha384-[^"]+" crossorigin="anonymous"><\/script>$/);
    const { url: pinned, integrity } = logged!.widget!;
    expect(pinned).toMatch(new RegExp(`^${url}/widget/[0-9a-f]{16}/widget\\.js$`));
    const res = await fetch(pinned);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const body = Buffer.from(await res.arrayBuffer());
    expect(integrity).toBe(`sha384-${createHash('sha384').update(body).digest('base64')}`);
    expect(Buffer.from(await (await fetch(`${url}/widget.js`)).arrayBuffer()).equals(body)).toBe(true);
  });

  it('stops cleanly on SIGTERM', async () => {
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
