// `ca contract` as an operator runs it (docs/operations.md#go-live-contract-check), against each real sandbox with
// the documented shapes, and against sandboxes switched to an altered shape.
import { sandboxModuleList, type TenantSetup, type VendorSandbox } from '@ca/sandboxes';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function ca(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/ca.mjs', ...args], { cwd: ROOT, timeout: 90_000, env: { ...process.env, CA_CONFIG: '' } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `[verdict, id]` of each assumption line `ca contract` printed. */
const verdicts = (stdout: string) =>
  [...stdout.matchAll(/^(held|CONTRADICTED|not exercised) +([a-z0-9.-]+) /gm)].map((m) => [m[1]!, m[2]!] as const);

describe('ca contract', () => {
  const started: VendorSandbox[] = [];
  let dir: string;
  /** Per shape, the config file of a tenant whose vendors are sandboxes started with that shape. */
  const configs: Record<'documented' | 'altered', string> = { documented: '', altered: '' };
  const secrets: string[] = [];
  /** Vendors whose adapter has a contract check, as `ca contract` says. */
  const checked = new Set<string>();
  /** `ca contract` against each documented sandbox: run once per vendor, all four started together (beforeAll). */
  const documentedRuns = new Map<string, ReturnType<typeof ca>>();
  const onDocumented = (vendor: string) => documentedRuns.get(vendor)!;

  async function tenantOn(shape: 'documented' | 'altered'): Promise<string> {
    const setups: Record<string, TenantSetup> = {};
    for (const m of sandboxModuleList) {
      const s = await m.start({ ...(m.demoOptions as object), contractShape: shape });
      started.push(s);
      setups[m.vendor] = m.connect(s, { bffUrl: 'http://127.0.0.1:8787', tenantId: 'acme' });
      secrets.push(...setups[m.vendor]!.secrets.map((x) => x.value));
    }
    const config = {
      publicUrl: 'http://127.0.0.1:8787',
      database: 'memory:',
      tenants: {
        acme: {
          name: 'Acme Corp',
          allowedOrigins: ['http://127.0.0.1:5173'],
          apiKeys: ['cli-test-api-key-0123456789abcdef'],
          widgetKeys: { k1: 'cli-test-widget-key-0123456789abcdef' },
          vendors: Object.fromEntries(Object.entries(setups).map(([v, s]) => [v, s.config])),
          packages: Object.values(setups).flatMap((s) => s.packages),
        },
      },
    };
    const file = join(dir, `${shape}.json`);
    await writeFile(file, JSON.stringify(config, null, 2));
    return file;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ca-contract-'));
    configs.documented = await tenantOn('documented');
    configs.altered = await tenantOn('altered');
    for (const m of sandboxModuleList) documentedRuns.set(m.vendor, ca('contract', '--config', configs.documented, '--tenant', 'acme', '--vendor', m.vendor));
  });
  afterAll(async () => {
    await Promise.all(documentedRuns.values());
    await Promise.all(started.map((s) => s.stop()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const m of sandboxModuleList) {
    it(`against the ${m.vendor} sandbox: nothing contradicted, every assumption reported once, exit 0`, async () => {
      const r = await onDocumented(m.vendor);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      if (/has no contract check/.test(r.stdout)) return;
      checked.add(m.vendor);
      const seen = verdicts(r.stdout);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter(([v]) => v === 'CONTRADICTED')).toEqual([]);
      expect(new Set(seen.map(([, id]) => id)).size).toBe(seen.length);
      expect(seen.some(([v]) => v === 'held')).toBe(true);
      expect(r.stdout).toMatch(new RegExp(`^${seen.filter(([v]) => v === 'held').length} held, 0 contradicted, \\d+ not exercised$`, 'm'));
      for (const s of secrets) expect(r.stdout + r.stderr).not.toContain(s);
    });
  }

  it('against the pymetrics sandbox: the exercised assumptions held, the order-bound ones not exercised', async () => {
    const r = await onDocumented('pymetrics');
    expect(verdicts(r.stdout)).toEqual([
      ['held', 'pymetrics.authenticate'],
      ['held', 'pymetrics.request-header'],
      ['held', 'pymetrics.echo'],
      ['held', 'pymetrics.list-assessments'],
      ['held', 'pymetrics.bulk-status'],
      ['not exercised', 'pymetrics.status-values'],
      ['not exercised', 'pymetrics.bulk-results'],
      ['not exercised', 'pymetrics.report'],
      ['not exercised', 'pymetrics.session-expired'],
    ]);
  });

  it('against the altered pymetrics sandbox: reports the contradiction with a redacted sample and exits 1', async () => {
    const r = await ca('contract', '--config', configs.altered, '--tenant', 'acme', '--vendor', 'pymetrics');
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(verdicts(r.stdout)).toContainEqual(['CONTRADICTED', 'pymetrics.list-assessments']);
    expect(r.stdout).toMatch(/^ +sample: .*<s1:id>33<\/s1:id><s1:name>\[redacted\]<\/s1:name>/m);
    expect(r.stdout).toMatch(/^4 held, 1 contradicted, 4 not exercised$/m);
  });

  it('refuses bad usage with exit 2: no --vendor, an unconfigured vendor, a bad config', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"tenants": {}}');
    const [none, other, badConfig] = await Promise.all([
      ca('contract', '--config', configs.documented, '--tenant', 'acme'),
      ca('contract', '--config', configs.documented, '--tenant', 'globex', '--vendor', 'psi'),
      ca('contract', '--config', bad, '--tenant', 'acme', '--vendor', 'psi'),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--vendor');
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('globex/psi is not configured');
    expect(badConfig.code).toBe(2);
  });

  it('covers all four vendors (each adapter offers a contract check)', () => {
    expect([...checked].sort()).toEqual(['berke', 'mettl', 'psi', 'pymetrics']);
  });
});
