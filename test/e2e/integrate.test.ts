// docs/integrate.md followed from an empty directory outside the repository, as a stranger would: its `ca dev`
// command (ports swapped for free ones), its server.mjs and hooks.mjs code blocks written as files and run with node,
// @ca/client packed and installed with npm as it says. Then real Chromium opens the page on the allowed origin,
// sends an assessment and sees it live, hooks.mjs verifies the signed webhooks, a page on an origin not allowed gets
// `origin_not_allowed`, and Ctrl-C (SIGINT) stops `ca dev` cleanly.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GUIDE = readFileSync(join(ROOT, 'docs/integrate.md'), 'utf8');

/** The fenced blocks of a language in the guide, in order. */
const blocks = (lang: string) => [...GUIDE.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const fileBlock = (name: string) => {
  const b = blocks('js').find((s) => s.startsWith(`// ${name}:`));
  if (!b) throw new Error(`docs/integrate.md has no js block starting "// ${name}:"`);
  return b;
};

/** The environment of someone's shell: none of the workspace's pnpm, npm or vitest variables. */
const cleanEnv = (more: Record<string, string> = {}) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|PNPM|VITEST|NODE_OPTIONS|NODE_PATH|TEST|INIT_CWD)/i.test(k))),
  ...more,
});

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((ok, fail) =>
    execFile(cmd, args, { cwd, env: cleanEnv(), timeout: 240_000, maxBuffer: 8 << 20 }, (err, stdout, stderr) =>
      err ? fail(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stdout}\n${stderr}`)) : ok(stdout),
    ),
  );
}

interface Proc {
  child: ChildProcess;
  out(): string;
  waitFor(re: RegExp, ms?: number): Promise<string>;
  exited: Promise<number | null>;
}

function start(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Proc {
  const child = spawn(cmd, args, { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters = new Set<() => void>();
  const take = (c: Buffer) => {
    out += c.toString();
    for (const w of waiters) w();
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  return {
    child,
    out: () => out,
    exited,
    waitFor: (re, ms = 120_000) =>
      new Promise((ok, fail) => {
        const check = () => {
          const m = re.exec(out);
          if (m) {
            waiters.delete(check);
            clearTimeout(timer);
            ok(m[0]);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`no ${re} within ${ms} ms in:\n${out}`));
        }, ms);
        waiters.add(check);
        void exited.then(() => setTimeout(() => (waiters.has(check) ? fail(new Error(`exited before ${re}:\n${out}`)) : undefined), 50));
        check();
      }),
  };
}

describe('docs/integrate.md, followed from an empty directory', () => {
  let dir: string;
  let dev: Proc;
  let server: Proc;
  let hooks: Proc;
  let browser: Browser;
  let pagePort: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ca-integrate-'));
    expect(relative(ROOT, dir).startsWith('..')).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    pagePort = await freePort();
    const hooksPort = await freePort();
    // Step 1: the guide's command, with the repository where it is and free ports instead of 3000/3001/8787.
    const command = blocks('sh')[0]!.trim() // the first sh block: step 1's command
      .replaceAll('localhost:3000', `localhost:${pagePort}`)
      .replaceAll('localhost:3001', `localhost:${hooksPort}`)
      .split(/\s+/);
    expect(command.slice(0, 3)).toEqual(['node', '../candidate-assessment/scripts/ca.mjs', 'dev']);
    dev = start(process.execPath, [join(ROOT, 'scripts/ca.mjs'), ...command.slice(2), '--port', '0'], dir);
    // Step 5's install, meanwhile: pack @ca/client as the guide says (into the directory, not the repository).
    const packed = run('npx', ['-y', 'pnpm@10', '--filter', '@ca/client', 'pack', '--pack-destination', dir], ROOT).then(async () => {
      const tgz = readdirSync(dir).find((f) => /^ca-client-.*\.tgz$/.test(f))!;
      await run('npm', ['install', '--no-audit', '--no-fund', `./${tgz}`], dir);
    });
    [, , browser] = await Promise.all([dev.waitFor(/dev BFF is running/, 180_000), packed, launchBrowser()]);
    await writeFile(join(dir, 'server.mjs'), fileBlock('server.mjs'));
    await writeFile(join(dir, 'hooks.mjs'), fileBlock('hooks.mjs'));
    server = start(process.execPath, ['server.mjs'], dir, { PORT: String(pagePort) });
    hooks = start(process.execPath, ['hooks.mjs'], dir, { HOOKS_PORT: String(hooksPort) });
    await waitForHttp(`http://localhost:${pagePort}/`);
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    for (const p of [server, hooks, dev]) if (p && p.child.exitCode === null) p.child.kill('SIGTERM');
    await Promise.all([server?.exited, hooks?.exited, dev?.exited]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints and writes the key and endpoints, allowing the origin given', () => {
    const written = JSON.parse(readFileSync(join(dir, 'ca-dev.json'), 'utf8')) as { apiKey: string; bffUrl: string; allowedOrigins: string[]; widgetSessionsUrl: string };
    expect(dev.out()).toContain(`API key            ${written.apiKey}`);
    expect(dev.out()).toContain(`POST ${written.widgetSessionsUrl}`);
    expect(written.allowedOrigins).toEqual([`http://localhost:${pagePort}`]);
    expect(written.widgetSessionsUrl).toBe(`${written.bffUrl}/v1/widget-sessions`);
    expect(existsSync(join(dir, 'node_modules/@ca/client/package.json'))).toBe(true);
  });

  it('shows the widget on the page, sends an assessment live, and hooks.mjs verifies its webhooks', async () => {
    const page = await browser.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    try {
      await page.goto(`http://localhost:${pagePort}/`);
      const send = page.locator('candidate-assessment [part~="send"]');
      await send.waitFor({ timeout: 60_000 });
      // Berke invites at once (a pymetrics order waits for the vendor's approval step first).
      await page.locator('candidate-assessment [part~="package-select"]').selectOption('berke-sales');
      await send.click();
      await page.locator('candidate-assessment [part~="order"]').first().waitFor({ timeout: 30_000 });
      const created = await hooks.waitFor(/webhook order\.created \S+ \w+/, 60_000);
      await expect.poll(() => logs.some((l) => /^status invited was \w+/.test(l)), { timeout: 60_000, message: `page: ${logs.join(' | ')}\nhooks: ${hooks.out()}` }).toBe(true);
      // The guide's simulator step: the candidate starts, and the page follows.
      const orderId = created.split(' ')[2]!;
      const { simulateUrl } = JSON.parse(readFileSync(join(dir, 'ca-dev.json'), 'utf8')) as { simulateUrl: string };
      const sim = await fetch(`${simulateUrl}/orders/${orderId}/start`, { method: 'POST' });
      expect(sim.status, await sim.clone().text()).toBe(200);
      await expect.poll(() => logs.some((l) => /^status in_progress was invited/.test(l)), { timeout: 60_000, message: logs.join(' | ') }).toBe(true);
      await hooks.waitFor(/webhook order\.\S+ \S+ in_progress/, 30_000);
      expect(hooks.out()).not.toContain('refused webhook');
      expect(logs.filter((l) => l.startsWith('assessment widget:'))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('tells a page on an origin it was not started with which origin and setting, readably', async () => {
    const page = await browser.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    try {
      await page.goto(`http://127.0.0.1:${pagePort}/`); // another origin than http://localhost:<port>
      await expect.poll(() => logs.find((l) => l.startsWith('assessment widget:')), { timeout: 60_000 }).toBe(
        `assessment widget: origin_not_allowed Origin http://127.0.0.1:${pagePort} is not allowed for tenant dev: add it to tenants.dev.allowedOrigins in the BFF config.`,
      );
      await dev.waitFor(/refused requests from http:\/\/127\.0\.0\.1:\d+: not in tenants\.dev\.allowedOrigins/, 10_000);
    } finally {
      await page.close();
    }
  });

  it('stops on Ctrl-C (SIGINT) with exit status 0', async () => {
    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(dev.out()).toMatch(/SIGINT: stopping…\nstopped\.\n$/);
  });
});

async function waitForHttp(url: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      if (Date.now() > until) throw new Error(`${url} does not answer`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
