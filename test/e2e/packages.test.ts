// The installable packages as a stranger gets them (docs/releasing.md#what-is-released): @ca/widget, @ca/client
// and @ca/react packed by `pnpm pack` (scripts/pack.mjs), installed with npm into an empty directory outside the
// workspace, and used there: the client from a Node script against a real BFF (order, widget token, a signed
// webhook), the declarations by tsc, @ca/react rendered by react-dom/server and, bundled by Vite from that
// directory, in Chromium; the widget's standalone bundle from the package in Chromium against the BFF. Then the
// BFF's pinned widget URL in Chromium with its integrity, and refused with a wrong one.
import { createMemoryVendor, startTestBff, type TestBff } from '@ca/bff/testing';
import { widgetAsset } from '@ca/bff/widget';
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations.
import { packPackages } from '../../scripts/pack.mjs';
import { launchBrowser } from './support/browser.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const VITE = join(ROOT, 'test/node_modules/vite/bin/vite.js');
const SECRET = 'whsec_' + Buffer.from('install-test-webhook-secret-0123456789').toString('base64');

/** Runs a command in the install directory with an environment free of the workspace's (no pnpm/vitest variables). */
function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|PNPM|VITEST|NODE_OPTIONS|NODE_PATH|TEST)/i.test(k)));
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { cwd, env: { ...clean, ...env }, timeout: 120_000, maxBuffer: 8 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.css': 'text/css' };

describe('packages installed from their tarballs outside the workspace', () => {
  let dir: string;
  let tarballs: { pkg: string; file: string; bytes: number }[];
  let t: TestBff;
  let site: Server;
  let origin: string;
  let browser: Browser;
  const pages = new Map<string, string>();
  const deliveries: { headers: IncomingHttpHeaders; body: string }[] = [];
  const served: string[] = [];
  let widgetDir: string;

  beforeAll(async () => {
    const started = Date.now();
    dir = await mkdtemp(join(tmpdir(), 'ca-install-'));
    expect(relative(ROOT, dir).startsWith('..')).toBe(true);
    // The ATS side: a page server (pages, the installed widget, the Vite build) and a webhook receiver.
    site = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (req.method === 'POST' && url.pathname === '/hooks') {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          deliveries.push({ headers: req.headers, body });
          res.writeHead(204).end();
        });
        return;
      }
      if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
      served.push(url.pathname);
      const page = pages.get(url.pathname);
      if (page) return void res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
      const base = url.pathname.startsWith('/pkg/') ? widgetDir : url.pathname.startsWith('/app/') ? join(dir, 'app-dist') : undefined;
      const file = base && join(base, url.pathname.replace(/^\/(pkg|app)\//, ''));
      if (!file || !file.startsWith(base + sep) || !existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const mv = createMemoryVendor();
    [tarballs, t, browser] = await Promise.all([
      packPackages(join(dir, 'tarballs')) as Promise<typeof tarballs>,
      startTestBff({
        vendors: { berke: {} },
        packages: [{ id: 'p1', vendor: 'berke', name: 'Sales personality' }],
        factories: { berke: mv.factory },
        allowedOrigins: [origin],
        atsWebhook: { url: `${origin}/hooks`, secret: SECRET },
      }),
      launchBrowser(),
    ]);
    const packed = Date.now();
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'an-ats', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs.map((x) => x.file), 'react@^19', 'react-dom@^19'], dir);
    widgetDir = dirname(fileURLToPath((await run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('@ca/widget/widget.js'))"], dir)).trim()));
    console.log(
      `[packages] ${tarballs.map((x) => `${x.file.split('/').at(-1)} ${x.bytes} B`).join(', ')}; packed in ${((packed - started) / 1000).toFixed(1)} s, ` +
        `installed in ${((Date.now() - packed) / 1000).toFixed(1)} s`,
    );
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    site?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A page of the ATS origin: problems collected, default timeout for waits. */
  async function open(path: string, html: string): Promise<{ page: Page; problems: string[] }> {
    pages.set(path, html);
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(30_000);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
    await page.goto(`${origin}${path}`);
    return { page, problems };
  }

  it('installs the three packages from the tarballs alone, with their declared exports', async () => {
    expect(tarballs.map((x) => x.pkg)).toEqual(['widget', 'client', 'react']);
    for (const name of ['widget', 'client', 'react']) {
      const installed = join(dir, 'node_modules/@ca', name);
      expect(lstatSync(installed).isSymbolicLink(), `@ca/${name} is a copy, not a link into the workspace`).toBe(false);
      const pkg = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { private?: boolean; license: string; exports: Record<string, unknown> };
      expect(pkg.private).toBeUndefined();
      expect(pkg.license).toBe('MIT');
      expect(JSON.stringify(pkg.exports)).not.toMatch(/"\.\/src\//);
      expect(existsSync(join(installed, 'LICENSE'))).toBe(true);
    }
    // @ca/react's dependency on @ca/widget is met by the widget's tarball, not a registry copy.
    expect(existsSync(join(dir, 'node_modules/@ca/react/node_modules'))).toBe(false);
    expect(realpathSync(join(dir, 'node_modules/@ca/widget')).startsWith(dir)).toBe(true);
  });

  it('@ca/client: a Node script there mints a widget token, orders, and verifies the signed webhook', async () => {
    await writeFile(
      join(dir, 'client.mjs'),
      `import { createCaClient, mintWidgetToken, verifyWebhook } from '@ca/client';
const ca = createCaClient({ baseUrl: process.env.BFF, apiKey: process.env.KEY });
const candidate = { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' };
const { token } = await mintWidgetToken(ca, { role: 'recruiter', candidate: { id: 'c-1', ...candidate } });
const { data, response } = await ca.POST('/v1/orders', { params: { header: { 'Idempotency-Key': 'install-1' } }, body: { packageId: 'p1', candidateId: 'c-1', candidate } });
let missing = '';
try { verifyWebhook('', {}, '{}'); } catch (e) { missing = e.message; }
console.log(JSON.stringify({ token, status: response.status, order: data.order, missing }));
`,
    );
    const out = JSON.parse(await run(process.execPath, ['client.mjs'], dir, { BFF: t.url, KEY: t.apiKey })) as {
      token: string;
      status: number;
      order: { id: string; packageId: string };
      missing: string;
    };
    expect(out.status).toBe(202);
    expect(out.order.packageId).toBe('p1');
    expect(out.token.split('.')).toHaveLength(3);
    expect(out.missing).toMatch(/webhook secret is missing or empty/);
    await t.waitForOrder(out.order.id, (o) => o.status === 'invited');

    const until = Date.now() + 20_000;
    while (!deliveries.some((d) => d.body.includes(out.order.id)) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const delivery = deliveries.find((d) => d.body.includes(out.order.id))!;
    await writeFile(join(dir, 'delivery.json'), JSON.stringify(delivery));
    await writeFile(
      join(dir, 'verify.mjs'),
      `import { readFileSync } from 'node:fs';
import { verifyWebhook } from '@ca/client';
const { headers, body } = JSON.parse(readFileSync('delivery.json', 'utf8'));
const event = verifyWebhook(process.env.SECRET, headers, Buffer.from(body));
let tampered = 'accepted';
try { verifyWebhook(process.env.SECRET, headers, body.replace('p1', 'p2')); } catch { tampered = 'refused'; }
console.log(JSON.stringify({ type: event.type, id: event.order.id, tampered }));
`,
    );
    expect(JSON.parse(await run(process.execPath, ['verify.mjs'], dir, { SECRET }))).toEqual({ type: 'order.created', id: out.order.id, tampered: 'refused' });
  });

  it('type-checks a consumer against the installed declarations', async () => {
    await writeFile(
      join(dir, 'consumer.ts'),
      `import { createCaClient, verifyWebhook, type Order, type OrderEvent, type ErrorCode } from '@ca/client';
import type { CaStatusChangeDetail, CaErrorDetail } from '@ca/widget';
import type { CandidateAssessment as Element } from '@ca/widget/element';
import { CandidateAssessment, type CandidateAssessmentProps } from '@ca/react';

const ca = createCaClient({ baseUrl: 'https://bff.example.com', apiKey: 'k' });
export const list = ca.GET('/v1/orders', { params: { query: { candidateId: '1' } } }).then((r) => r.data?.orders.map((o: Order) => o.status));
export const fromNode = (h: Record<string, string | string[] | undefined>, body: Uint8Array): OrderEvent => verifyWebhook('whsec_x', h, body);
export const code: ErrorCode = 'package_not_found';
export const previous = (d: CaStatusChangeDetail): Order['status'] => d.previous;
export const errorCode = (d: CaErrorDetail): string => d.code;
export const api = (e: Element): string => e.api;
export const props: CandidateAssessmentProps = { api: 'https://bff.example.com', onStatusChange: (e) => void e.detail.order.version };
export const component = CandidateAssessment;
// @ts-expect-error: the types are real, not any: no such path
ca.GET('/v1/no-such-path');
// @ts-expect-error: not a status
export const wrong: CaStatusChangeDetail['previous'] = 'nope';
`,
    );
    const flags = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2023,dom,dom.iterable'];
    await run(process.execPath, [TSC, ...flags, 'consumer.ts'], dir);
  });

  it("the widget's standalone bundle from the package, in Chromium against the BFF, with its German chunk", async () => {
    const token = await t.token({ candidateId: 'c-1' });
    const { page, problems } = await open(
      '/widget.html',
      `<!doctype html><html lang="de"><body>
<candidate-assessment api="${t.url}" token="${token}"></candidate-assessment>
<script type="module" src="/pkg/widget.js"></script></body></html>`,
    );
    const el = page.locator('candidate-assessment');
    await el.locator('[part~=list]').getByText('Sales personality').waitFor();
    await expect.poll(() => el.locator('[part~=base]').getAttribute('lang')).toBe('de');
    expect(served.some((p) => /^\/pkg\/widget\/i18n\/de-[\w-]+\.js$/.test(p))).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('@ca/react: rendered by react-dom/server, and bundled by Vite from the install into a page that shows the orders', async () => {
    await writeFile(
      join(dir, 'ssr.mjs'),
      `import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { CandidateAssessment } from '@ca/react';
console.log(renderToString(createElement('main', null, createElement(CandidateAssessment, { api: 'https://bff.example.com' }))));
`,
    );
    expect((await run(process.execPath, ['ssr.mjs'], dir)).trim()).toBe('<main><candidate-assessment></candidate-assessment></main>');

    await writeFile(join(dir, 'index.html'), '<!doctype html><html><body><div id="root"></div><script type="module" src="./app.js"></script></body></html>');
    await writeFile(
      join(dir, 'app.js'),
      `import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { CandidateAssessment } from '@ca/react';
const q = new URLSearchParams(location.search);
createRoot(document.getElementById('root')).render(
  createElement(CandidateAssessment, { api: q.get('api'), token: q.get('token'), onReady: (e) => (document.title = 'ready: ' + e.detail.orders) }),
);
`,
    );
    await run(process.execPath, [VITE, 'build', '--base', '/app/', '--outDir', 'app-dist', '--logLevel', 'warn'], dir);
    pages.set('/react.html', readFileSync(join(dir, 'app-dist/index.html'), 'utf8'));
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(30_000);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    const token = await t.token({ candidateId: 'c-1' });
    await page.goto(`${origin}/react.html?api=${encodeURIComponent(t.url)}&token=${encodeURIComponent(token)}`);
    await expect.poll(() => page.title()).toBe('ready: 1');
    await page.locator('candidate-assessment [part~=list]').getByText('Sales personality').waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("the BFF's pinned widget URL loads with its integrity, and a wrong integrity is refused", async () => {
    const pinned = await widgetAsset(join(ROOT, 'packages/widget/dist/widget.js')); // the build the BFF serves now
    const tag = (integrity: string) =>
      `<!doctype html><html><body><script type="module" src="${t.url}${pinned.path}" integrity="${integrity}" crossorigin="anonymous"></script></body></html>`;
    const good = await open('/pinned.html', tag(pinned.integrity));
    await good.page.waitForFunction(() => customElements.get('candidate-assessment') !== undefined);
    expect(good.problems).toEqual([]);
    await good.page.context().close();

    const bad = await open('/pinned-bad.html', tag(`sha384-${Buffer.alloc(48).toString('base64')}`));
    await expect.poll(() => bad.problems.join('\n')).toMatch(/integrity/i);
    expect(await bad.page.evaluate(() => customElements.get('candidate-assessment') === undefined)).toBe(true);
    await bad.page.context().close();
  });
});
