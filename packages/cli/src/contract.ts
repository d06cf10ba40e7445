// `ca contract`: the go-live check of one tenant's vendor account (docs/operations.md#go-live-contract-check). Builds
// the tenant's adapter as the BFF does, runs its read-only contract check, and prints one verdict per assumption.
import { checkVendorConfig, ConfigError, createVendorHost, loadConfig, vendorModules, VendorError, type Config, type ContractFinding } from '@ca/bff';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { EXIT, UsageError, withTimeout, type Output } from './commands.js';

export interface ContractOptions {
  config: string;
  tenant?: string;
  vendor?: string;
  timeoutMs?: number;
}

const LABEL: Record<ContractFinding['verdict'], string> = { held: 'held         ', contradicted: 'CONTRADICTED ', not_exercised: 'not exercised' };

export async function contract(opts: ContractOptions, o: Output): Promise<number> {
  if (!opts.tenant || !opts.vendor) throw new UsageError('ca contract needs --tenant ID and --vendor ID');
  const config = await loadChecked(opts.config, o);
  if (!config) return EXIT.usage;
  const host = createVendorHost({ config, vendors: vendorModules, secret: randomBytes(32), log: pino({ level: 'silent' }), now: () => new Date() });
  try {
    const entry = host.all().find((e) => e.tenantId === opts.tenant && e.vendor === opts.vendor);
    if (!entry) {
      const configured = host.all().map((e) => `${e.tenantId}/${e.vendor}`);
      throw new UsageError(`${opts.tenant}/${opts.vendor} is not configured; configured: ${configured.join(', ') || 'none'}`);
    }
    const name = `${entry.tenantId}/${entry.vendor}`;
    if (typeof entry.adapter.contract !== 'function') {
      o.out(`${name}: this adapter has no contract check; nothing to verify`);
      return EXIT.ok;
    }
    const c = entry.adapter.contract();
    o.out(`${name} (${host.displayName(entry.vendor)}): checking ${c.assumptions.length} assumption(s) with read-only calls`);
    let findings: ContractFinding[];
    try {
      findings = await withTimeout(c.check(), opts.timeoutMs ?? 60_000);
    } catch (err) {
      const detail = err instanceof VendorError ? `${err.message} (${err.code}${err.vendorCode ? `, vendor code ${err.vendorCode}` : ''})` : String((err as Error).message ?? err);
      o.out(`FAILED ${name}: the check could not run: ${detail}`);
      return EXIT.failed;
    }
    const byId = new Map(findings.map((f) => [f.assumption, f]));
    const counts = { held: 0, contradicted: 0, not_exercised: 0 };
    for (const a of c.assumptions) {
      const f = byId.get(a.id) ?? { assumption: a.id, verdict: 'not_exercised' as const, detail: 'the check did not report it' };
      counts[f.verdict] += 1;
      o.out(`${LABEL[f.verdict]}  ${a.id}  ${a.summary}${f.detail ? ` — ${f.detail}` : ''}`);
      if (f.verdict === 'contradicted' && f.sample) o.out(`               sample: ${f.sample}`);
    }
    o.out(`${counts.held} held, ${counts.contradicted} contradicted, ${counts.not_exercised} not exercised`);
    return counts.contradicted > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    await host.close();
  }
}

async function loadChecked(file: string, o: Output): Promise<Config | null> {
  try {
    const config = loadConfig(file);
    await checkVendorConfig(config, vendorModules);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      o.err(`${file}: invalid configuration`);
      o.err(err.message);
      return null;
    }
    throw err;
  }
}
