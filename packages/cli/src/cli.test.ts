// The operator CLI as an operator runs it (`node scripts/ca.mjs`, what `npx -y pnpm@10 ca` runs), against the real
// vendor sandboxes: config check, one probe per vendor with good and bad credentials, token minting, OAuth set-up.
import { sandboxModuleList, type TenantSetup, type VendorSandbox } from '@ca/sandboxes';
import { jwtVerify } from 'jose';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const WIDGET_KEY = 'cli-test-widget-key-0123456789abcdef';

function ca(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/ca.mjs', ...args], { cwd: ROOT, timeout: 60_000, env: { ...process.env, CA_CONFIG: '' } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('ca (operator CLI)', () => {
  const sandboxes: Record<string, VendorSandbox> = {};
  const setups: Record<string, TenantSetup> = {};
  let dir: string;
  const file = (name: string) => join(dir, name);

  async function writeConfig(name: string, vendors: Record<string, unknown>): Promise<string> {
    const config = {
      publicUrl: 'http://127.0.0.1:8787',
      database: 'memory:',
      tenants: {
        acme: {
          name: 'Acme Corp',
          allowedOrigins: ['http://127.0.0.1:5173'],
          apiKeys: ['cli-test-api-key-0123456789abcdef'],
          widgetKeys: { k1: WIDGET_KEY },
          vendors,
          packages: Object.values(setups).flatMap((s) => s.packages),
        },
      },
    };
    await writeFile(file(name), JSON.stringify(config, null, 2));
    return file(name);
  }
  const goodVendors = () => Object.fromEntries(Object.entries(setups).map(([v, s]) => [v, s.config]));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ca-cli-'));
    for (const m of sandboxModuleList) {
      const s = await m.start(m.demoOptions);
      sandboxes[m.vendor] = s;
      setups[m.vendor] = m.connect(s, { bffUrl: 'http://127.0.0.1:8787', tenantId: 'acme' });
    }
    await writeConfig('good.json', goodVendors());
  });
  afterAll(async () => {
    await Promise.all(Object.values(sandboxes).map((s) => s.stop()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('checks a valid config and says what each tenant holds', async () => {
    const r = await ca('check', '--config', file('good.json'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('good.json: valid');
    expect(r.stdout).toMatch(/tenant acme \(Acme Corp\): vendors pymetrics, mettl, berke, psi · 4 package\(s\)/);
  });

  it('refuses a bad config with exit 2 and names the field', async () => {
    await writeFile(file('bad.json'), JSON.stringify({ tenants: { acme: { name: 'A', allowedOrigins: [], apiKeys: ['x'.repeat(32)], widgetKeys: { k1: 'short' }, vendors: {}, packages: [] } } }));
    const r = await ca('check', '--config', file('bad.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tenants.acme.widgetKeys.k1');
  });

  it('lists every problem of a broken config at once, as the BFF itself does at start', async () => {
    const broken = {
      publicUrl: 'http://127.0.0.1:8787',
      lisen: { port: 8787 },
      tenants: {
        acme: {
          name: 'Acme',
          allowedOrigin: ['http://localhost:3000'],
          allowedOrigins: ['http://LOCALHOST:3000/', 'http://localhost:3000/app'],
          apiKeys: ['${env:CLI_TEST_UNSET_KEY}'],
          widgetKeys: { k1: 'short' },
          vendors: { berke: { baseUrl: 'http://127.0.0.1:1/api', apiToken: 't', pollIntervalSecs: 60 } },
        },
      },
    };
    await writeFile(file('broken.json'), JSON.stringify(broken, null, 2));
    await writeFile(file('syntax.json'), '{\n  "publicUrl": "http://x",\n  "tenants": {,\n}');
    // The three processes are independent: started together.
    const [r, bff, s] = await Promise.all([
      ca('check', '--config', file('broken.json')),
      // The BFF itself, started on the same file, stops with exactly these lines: one validator (loadCheckedConfig).
      new Promise<{ code: number; stderr: string }>((done) =>
        execFile(process.execPath, ['scripts/bff.mjs', '--config', file('broken.json')], { cwd: ROOT, timeout: 60_000 }, (err, _out, stderr) =>
          done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
        ),
      ),
      ca('check', '--config', file('syntax.json')),
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n').sort()).toEqual(
      [
        `${file('broken.json')}: invalid configuration`,
        'lisen: unknown key "lisen"; did you mean "listen"?',
        'tenants.acme.allowedOrigin: unknown key "allowedOrigin"; did you mean "allowedOrigins"?',
        'tenants.acme.allowedOrigins[1]: "http://localhost:3000/app" is not an origin: write scheme, host and optional port only, such as https://ats.example.com or http://localhost:3000',
        'tenants.acme.apiKeys[0]: environment variable CLI_TEST_UNSET_KEY is not set',
        'tenants.acme.widgetKeys.k1: must be at least 32 characters',
        'tenants.acme.vendors.berke.pollIntervalSecs: unknown key "pollIntervalSecs"; did you mean "pollIntervalSeconds"?',
      ].sort(),
    );
    expect(bff.code).toBe(2);
    expect(bff.stderr.trim().split('\n').slice(1)).toEqual(r.stderr.trim().split('\n').slice(1));
    expect(s.code).toBe(2);
    expect(s.stderr).toContain(`${file('syntax.json')} is not valid JSON: line 3, column 15: Expected property name or '}'`);
  });

  it('probes each vendor with its credentials: pymetrics echo, signed reads for Mettl and Berke, nothing to call at PSI', async () => {
    for (const s of Object.values(sandboxes)) s.resetCalls();
    const r = await ca('probe', '--config', file('good.json'));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok +acme\/pymetrics +echo answered "candidate-assessment probe"/m);
    expect(r.stdout).toMatch(/^ok +acme\/mettl +signed request accepted; \d+ assessment\(s\) visible/m);
    expect(r.stdout).toMatch(/^ok +acme\/berke +API token accepted; \d+ job\(s\) active/m);
    expect(r.stdout).toMatch(/^- +acme\/psi +no outbound API to call/m);
    // The sandboxes saw the calls, and nothing that invites or orders anyone.
    expect(Object.keys(sandboxes['pymetrics']!.calls())).toContain('echo');
    expect(Object.keys(sandboxes['berke']!.calls())).toEqual(['GetJobs']);
    expect(Object.keys(sandboxes['mettl']!.calls())).toEqual(['listAssessments']);
    for (const s of Object.values(setups)) for (const secret of s.secrets) expect(r.stdout + r.stderr).not.toContain(secret.value);
  });

  it('reports each vendor whose credentials are refused and exits 1', async () => {
    const vendors = goodVendors() as Record<string, Record<string, unknown>>;
    vendors['berke'] = { ...vendors['berke'], apiToken: 'not-the-token' };
    vendors['mettl'] = { ...vendors['mettl'], privateKey: 'not-the-private-key' };
    const wrong = await writeConfig('wrong.json', vendors);
    const [r, only] = await Promise.all([ca('probe', '--config', wrong, '--timeout-ms', '15000'), ca('probe', '--config', wrong, '--vendor', 'pymetrics')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAILED acme\/berke +Berke: .*/m);
    expect(r.stdout).toMatch(/^FAILED acme\/mettl +/m);
    expect(r.stdout).toMatch(/^ok +acme\/pymetrics/m);
    expect(only.code).toBe(0);
    expect(only.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('names the host and the network error of a vendor it cannot reach', async () => {
    const closed = await new Promise<number>((ok) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => ok(port));
      });
    });
    const vendors = goodVendors() as Record<string, Record<string, unknown>>;
    vendors['berke'] = { ...vendors['berke'], baseUrl: `http://127.0.0.1:${closed}/api` };
    vendors['mettl'] = { ...vendors['mettl'], baseUrl: 'https://vendor.nonexistent.invalid/v2' };
    const r = await ca('probe', '--config', await writeConfig('unreachable.json', vendors), '--timeout-ms', '15000');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^FAILED acme/berke +Berke .* · 127\\.0\\.0\\.1:${closed}: ECONNREFUSED 127\\.0\\.0\\.1:${closed} `, 'm'));
    expect(r.stdout).toMatch(/^FAILED acme\/mettl +.* · vendor\.nonexistent\.invalid: (ENOTFOUND|EAI_AGAIN) vendor\.nonexistent\.invalid /m);
    expect(r.stdout).toMatch(/^ok +acme\/pymetrics/m);
  });

  it('mints a widget token the BFF would accept', async () => {
    const [r, bad, roleless] = await Promise.all([
      ca('token', '--config', file('good.json'), '--candidate', 'cand-42', '--role', 'candidate', '--ttl', '300', '--email', 'x@example.com'),
      ca('token', '--config', file('good.json'), '--candidate', 'c', '--role', 'recruiter', '--ttl', '3600'),
      // No role, no token: a recruiter token is never what you get by leaving something out.
      ca('token', '--config', file('good.json'), '--candidate', 'c'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const tok = r.stdout.trim();
    const { payload, protectedHeader } = await jwtVerify(tok, new TextEncoder().encode(WIDGET_KEY), { audience: 'candidate-assessment', issuer: 'acme' });
    expect(protectedHeader).toMatchObject({ alg: 'HS256', kid: 'k1' });
    expect(payload).toMatchObject({ sub: 'cand-42', role: 'candidate', cand: { email: 'x@example.com' } });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(r.stderr).toMatch(/candidate token for candidate cand-42 of tenant acme/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--ttl');
    expect([roleless.code, roleless.stdout]).toEqual([2, '']);
    expect(roleless.stderr).toContain('--role is required');
  });

  it('prints the PSI OAuth client set-up, the secret only when asked', async () => {
    const psi = setups['psi']!;
    const clientId = (psi.config['clients'] as { clientId: string }[])[0]!.clientId;
    const secret = psi.secrets[0]!.value;
    const [r, shown] = await Promise.all([ca('oauth-setup', '--config', file('good.json')), ca('oauth-setup', '--config', file('good.json'), '--show-secrets')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('notification URL   http://127.0.0.1:8787/hooks/psi/acme');
    expect(r.stdout).toContain('token URL          http://127.0.0.1:8787/oauth/token');
    expect(r.stdout).toContain(`client id          ${clientId}`);
    expect(r.stdout).not.toContain(secret);
    expect(shown.stdout).toContain(`client secret      ${secret}`);
  });

  it('explains its commands and refuses unknown ones', async () => {
    const [help, r] = await Promise.all([ca('help'), ca('frobnicate')]);
    expect(help.stdout).toContain('ca probe');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown command');
  });
});
