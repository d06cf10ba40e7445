import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { ConfigError, loadConfig, parseConfig } from './config.js';
import { validateConfig } from './vendor-host/config-check.js';
import { createVendorHost } from './vendor-host/host.js';
import { vendorModules } from './vendors/registry.js';

const base = () => ({
  publicUrl: 'http://127.0.0.1:8787/',
  tenants: {
    acme: {
      name: 'Acme',
      allowedOrigins: ['http://127.0.0.1:5173'],
      apiKeys: ['${env:ACME_API_KEY}'],
      widgetKeys: { k1: '${env:ACME_WIDGET_SECRET}' },
      vendors: { berke: { baseUrl: 'http://127.0.0.1:1/api', apiToken: 'tok' } },
      packages: [{ id: 'berke-sales', vendor: 'berke', name: 'Sales', sourceJobId: 'sales-rep' }],
    },
  },
});
const env = { ACME_API_KEY: 'a'.repeat(20), ACME_WIDGET_SECRET: 'w'.repeat(40) };

describe('config', () => {
  it('substitutes ${env:NAME}, applies defaults and keeps vendor fields', () => {
    const c = parseConfig(base(), env);
    expect(c.tenants.acme!.apiKeys).toEqual(['a'.repeat(20)]);
    expect(c.publicUrl).toBe('http://127.0.0.1:8787');
    expect(c.database).toBe('embedded:./.data/bff');
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 8787 });
    expect(c.tenants.acme!.packages[0]).toMatchObject({ sourceJobId: 'sales-rep' });
  });

  const bad: [string, (c: ReturnType<typeof base>) => void, RegExp][] = [
    ['a short widget key', (c) => (c.tenants.acme.widgetKeys.k1 = 'short'), /^tenants\.acme\.widgetKeys\.k1: must be at least 32/],
    ['an origin with a path', (c) => (c.tenants.acme.allowedOrigins = ['http://x.example/page']), /^tenants\.acme\.allowedOrigins\[0\]: "http:\/\/x\.example\/page" is not an origin/],
    ['a package of an unconfigured vendor', (c) => c.tenants.acme.packages.push({ id: 'm', vendor: 'mettl', name: 'M', sourceJobId: '' }), /^tenants\.acme\.packages\[1\]\.vendor: vendor mettl is not configured/],
    ['a vendor id that is not an id', (c) => ((c.tenants.acme.vendors as Record<string, unknown>).AcmeTests = {}), /^tenants\.acme\.vendors\.AcmeTests: /],
    ['a bad database URL', (c) => ((c as Record<string, unknown>).database = 'mysql://x'), /^database: must be embedded/],
    ['no tenants', (c) => ((c as { tenants: unknown }).tenants = {}), /^tenants: needs at least one tenant/],
  ];
  it.each(bad)('names the field of %s', (_, mutate, message) => {
    const c = base();
    mutate(c);
    expect(() => parseConfig(c, env)).toThrow(message);
  });

  it('names the field whose environment variable is missing, without printing other values', () => {
    expect(() => parseConfig(base(), { ACME_API_KEY: 'a'.repeat(20) })).toThrow(/^tenants\.acme\.widgetKeys\.k1: environment variable ACME_WIDGET_SECRET is not set$/);
  });

  it('fills ${file:PATH} with the file without its trailing line break, once: a value filled in is not read again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-secret-'));
    writeFileSync(join(dir, 'api_key'), `${'f'.repeat(24)}\n`);
    writeFileSync(join(dir, 'widget'), `${'s'.repeat(40)}\r\n`);
    const c = base();
    c.tenants.acme.apiKeys = [`\${file:${join(dir, 'api_key')}}`];
    c.tenants.acme.widgetKeys.k1 = `\${file:${join(dir, 'widget')}}`;
    (c as Record<string, unknown>).database = `postgres://ca:\${file:${join(dir, 'api_key')}}@db:5432/ca`;
    const parsed = parseConfig(c, {});
    expect(parsed.tenants.acme!.apiKeys).toEqual(['f'.repeat(24)]);
    expect(parsed.tenants.acme!.widgetKeys).toEqual({ k1: 's'.repeat(40) });
    expect(parsed.database).toBe(`postgres://ca:${'f'.repeat(24)}@db:5432/ca`);
    // An environment value that looks like a file reference stays as it is.
    const literal = `\${file:${join(dir, 'api_key')}}`;
    expect(parseConfig(base(), { ...env, ACME_API_KEY: literal }).tenants.acme!.apiKeys).toEqual([literal]);
  });

  it('names the field whose secret file cannot be read, with the path and never a value', () => {
    const c = base();
    c.tenants.acme.apiKeys = ['${file:/run/secrets/nonexistent_acme_api_key}'];
    expect(() => parseConfig(c, env)).toThrow(/^tenants\.acme\.apiKeys\[0\]: cannot read secret file \/run\/secrets\/nonexistent_acme_api_key \(ENOENT\)$/);
  });

  it('refuses to serve /metrics publicly in production (NODE_ENV=production): metrics.token or metrics.listen is required', () => {
    const production = { ...env, NODE_ENV: 'production' };
    expect(() => parseConfig(base(), production)).toThrow(/^metrics: NODE_ENV is production and GET \/metrics would be public/);
    expect(parseConfig({ ...base(), metrics: { token: 'm'.repeat(16) } }, production).metrics.token).toBe('m'.repeat(16));
    expect(parseConfig({ ...base(), metrics: { listen: { port: 9464 } } }, production).metrics.listen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseConfig(base(), { ...env, NODE_ENV: 'development' }).metrics).toEqual({});
    const r = runBff({ ...base(), database: 'embedded:__DIR__/data' }, { NODE_ENV: 'production' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^metrics: NODE_ENV is production/m);
    expect(existsSync(join(r.dir, 'data'))).toBe(false);
  });

  it('refuses one API key in two tenants', () => {
    const c = base() as { tenants: Record<string, unknown> };
    c.tenants.beta = { ...(c.tenants.acme as object), name: 'Beta', packages: [] };
    expect(() => parseConfig(c, env)).toThrow(/tenants\.beta\.apiKeys\[0\]: is also an API key of tenant acme/);
  });

  const badVendor: [string, (c: ReturnType<typeof base>) => void, RegExp][] = [
    ['an unknown vendor', (c) => ((c.tenants.acme.vendors as Record<string, unknown>)['acme-tests'] = {}), /^tenants\.acme\.vendors\.acme-tests: unknown vendor; known vendors: pymetrics, mettl, berke, psi$/],
    ['a vendor block missing a field', (c) => delete (c.tenants.acme.vendors.berke as { apiToken?: string }).apiToken, /^tenants\.acme\.vendors\.berke\.apiToken: /],
    ['a vendor block with a bad value', (c) => (c.tenants.acme.vendors.berke.baseUrl = 'ftp://x'), /^tenants\.acme\.vendors\.berke\.baseUrl: /],
    ['a package with a bad vendor field', (c) => (c.tenants.acme.packages[0] = { id: 'b', vendor: 'berke', name: 'B', sourceJobId: 'x'.repeat(60) }), /^tenants\.acme\.packages\[0\]\.sourceJobId: /],
  ];
  it.each(badVendor)('checks vendor blocks before anything is opened, naming the field of %s', async (_, mutate, message) => {
    const c = base();
    mutate(c);
    await expect(validateConfig(c, vendorModules, env)).rejects.toThrow(message);
  });

  it('reports unreadable and malformed files', () => {
    expect(() => loadConfig('/nonexistent/bff.config.json')).toThrow(ConfigError);
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'c.json'), '{\n  "publicUrl": "http://x",\n  nope: 1\n}');
    expect(() => loadConfig(join(dir, 'c.json'))).toThrow(/c\.json is not valid JSON: line 3, column 3: /);
    writeFileSync(join(dir, 'd.json'), '{\n  "tenants": {\n');
    expect(() => loadConfig(join(dir, 'd.json'))).toThrow(/d\.json is not valid JSON: line 3, column 1: Expected property name or '}'$/);
    writeFileSync(join(dir, 'e.json'), '');
    expect(() => loadConfig(join(dir, 'e.json'))).toThrow(/e\.json is not valid JSON: line 1, column 1: Unexpected end of the file$/);
  });

  /** Runs the BFF command on a config file written to a fresh directory; the directory holds `data/` for embedded stores. */
  function runBff(config: object, extraEnv: Record<string, string> = {}): { status: number | null; stderr: string; dir: string } {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(config).replaceAll('__DIR__', dir));
    const root = resolve(import.meta.dirname, '../../..');
    const r = spawnSync(process.execPath, [join(root, 'scripts/bff.mjs'), '--config', join(dir, 'bad.json')], {
      env: { ...process.env, ...env, ...extraEnv },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: r.status, stderr: r.stderr, dir };
  }

  it('stops the server with a non-zero exit and a message naming the field', () => {
    const c = base();
    c.tenants.acme.widgetKeys.k1 = 'short';
    const r = runBff(c);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/tenants\.acme\.widgetKeys\.k1: must be at least 32 characters/);
    expect(r.stderr).not.toContain('a'.repeat(20));
  });

  it('exits 2 naming the field of a bad vendor block, before opening the database', () => {
    const c = { ...base(), database: 'embedded:__DIR__/data' };
    c.tenants.acme.vendors.berke.baseUrl = 'not a url';
    const r = runBff(c);
    expect(r.stderr).toMatch(/tenants\.acme\.vendors\.berke\.baseUrl: /);
    expect(r.status).toBe(2);
    expect(existsSync(join(r.dir, 'data'))).toBe(false);
  });
});

describe('bff.config.example.json', () => {
  it('is a valid config once its environment variables are set', () => {
    const root = resolve(import.meta.dirname, '../../..');
    const vars = ['ACME_API_KEY', 'ACME_WIDGET_SECRET', 'PYM_CLIENT_ID', 'PYM_CLIENT_SECRET', 'METTL_PUBLIC_KEY', 'METTL_PRIVATE_KEY', 'METTL_WEBHOOK_PASSWORD', 'BERKE_API_TOKEN', 'PSI_CLIENT_SECRET', 'ACME_WEBHOOK_SECRET'];
    const c = loadConfig(join(root, 'bff.config.example.json'), Object.fromEntries(vars.map((v) => [v, `${v.toLowerCase()}-0123456789abcdefghijklmnop`])));
    expect(c.tenants.acme!.packages.map((p) => p.vendor)).toEqual(['pymetrics', 'mettl', 'berke', 'psi']);
    // every vendor adapter accepts its block and packages
    const adapters = createVendorHost({ config: c, vendors: vendorModules, secret: new Uint8Array(32), log: pino({ level: 'silent' }), now: () => new Date() });
    expect(adapters.all().map((a) => a.vendor).sort()).toEqual(['berke', 'mettl', 'psi', 'pymetrics']);
    return adapters.close();
  });
});
