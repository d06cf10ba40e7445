// The one config validator, run by the BFF at start (server.ts) and by `ca check`: the BFF's own schema and every
// tenant's vendor blocks and packages, each checked by its vendor module, with every problem reported at once
// (docs/operations.md#configuration-reference). Opens nothing: adapter factories do no I/O.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { formatPath } from '../config-errors.js';
import { ConfigError, parseConfig, readConfigFile, substituteEnv, type Config } from '../config.js';
import type { VendorModule } from '../core/vendor-port.js';
import { checkVendorConfig, createVendorHost } from './host.js';

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Reads the file and validates it as the server does; a ConfigError lists every problem, one per line. */
export async function loadCheckedConfig(file: string, vendors: readonly VendorModule[], env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  return validateConfig(readConfigFile(file), vendors, env);
}

/** Validates a parsed config object: the BFF's schema, then each vendor block on its own, then what spans them. */
export async function validateConfig(raw: unknown, vendors: readonly VendorModule[], env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const lines: string[] = [];
  let config: Config | undefined;
  try {
    config = parseConfig(raw, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    lines.push(...err.message.split('\n'));
  }
  lines.push(...(await vendorBlockProblems(raw, vendors, env)));
  if (lines.length) throw new ConfigError(inFileOrder([...new Set(lines)], raw).join('\n'));
  await checkVendorConfig(config!, vendors); // what spans blocks (an OAuth client id used twice)
  return config!;
}

/**
 * Each `tenants.<t>.vendors.<v>` block with its packages, checked by its vendor module inside a config of its own,
 * so a problem elsewhere in the file hides none of them. Environment variables that are not set stay as written
 * (their absence is reported by the schema check). A package's problem is named by its index, as in the file.
 */
async function vendorBlockProblems(raw: unknown, vendors: readonly VendorModule[], env: NodeJS.ProcessEnv): Promise<string[]> {
  if (!isObject(raw) || !isObject(raw['tenants'])) return [];
  // An unset variable is reported by the schema check; here it stands in with a value any string field takes.
  const unset: { path: (string | number)[]; name: string }[] = [];
  substituteEnv(raw, env, [], unset);
  const stand = Object.fromEntries(unset.map((u) => [u.name, 'unset-variable-0123456789abcdefghij']));
  const unsetPaths = unset.map((u) => `${formatPath(u.path)}:`);
  const substituted = substituteEnv(raw, { ...env, ...stand }) as Record<string, unknown>;
  const publicUrl = typeof substituted['publicUrl'] === 'string' && URL.canParse(substituted['publicUrl']) ? substituted['publicUrl'] : 'http://127.0.0.1:8787';
  const out: string[] = [];
  for (const [tenantId, tenant] of Object.entries(substituted['tenants'] as Record<string, unknown>)) {
    if (!isObject(tenant) || !isObject(tenant['vendors'])) continue;
    const packages = Array.isArray(tenant['packages']) ? (tenant['packages'] as unknown[]) : [];
    for (const [vendor, block] of Object.entries(tenant['vendors'])) {
      if (!isObject(block)) continue;
      const own = packages.filter((p) => isObject(p) && p['vendor'] === vendor);
      const problem = (await blockProblem(publicUrl, tenantId, vendor, block, own, vendors)) ?? (await blockProblem(publicUrl, tenantId, vendor, block, [], vendors));
      const line = problem && asWritten(problem, tenantId, vendor, packages);
      if (line && !unsetPaths.some((p) => line.startsWith(p))) out.push(line);
    }
  }
  return out;
}

/** The vendor's complaint about one block and these packages: '' when it has none, undefined when they cannot be framed. */
async function blockProblem(publicUrl: string, tenantId: string, vendor: string, block: object, packages: unknown[], vendors: readonly VendorModule[]): Promise<string | undefined> {
  let config: Config;
  try {
    const tenant = { name: tenantId, widgetKeys: { check: 'x'.repeat(32) }, vendors: { [vendor]: block }, packages };
    config = parseConfig({ publicUrl, database: 'memory:', tenants: { [tenantId]: tenant } }, {});
  } catch {
    return packages.length ? undefined : ''; // not framable with these packages: try without; the schema check reports the rest
  }
  try {
    const host = createVendorHost({ config, vendors, secret: randomBytes(32), log: pino({ level: 'silent' }), now: () => new Date() });
    await host.close();
    return '';
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
}

/** `tenants.acme.vendors.berke.packages.b.sourceJobId` → `tenants.acme.packages[0].sourceJobId`, as the file has it. */
function asWritten(message: string, tenantId: string, vendor: string, packages: unknown[]): string {
  const prefix = `tenants.${tenantId}.vendors.${vendor}.packages.`;
  if (!message.startsWith(prefix)) return message;
  const rest = message.slice(prefix.length);
  const i = packages.findIndex((p) => isObject(p) && typeof p['id'] === 'string' && /^[.:]/.test(rest.slice(p['id'].length)) && rest.startsWith(p['id']));
  if (i < 0) return message;
  return `tenants.${tenantId}.packages[${i}]${rest.slice((packages[i] as { id: string }).id.length)}`;
}

/** Problem lines (`path: what`) sorted as their paths come in the file; a path not in it goes where its parent is. */
function inFileOrder(lines: string[], raw: unknown): string[] {
  const order = new Map<string, number>();
  const walk = (v: unknown, path: (string | number)[]) => {
    order.set(formatPath(path), order.size);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(raw, []);
  const parent = (path: string) => path.replace(/(\.[^.[\]]+|\[[^\]]+\])$/, '');
  const rank = (line: string) => {
    let path = line.slice(0, line.indexOf(': '));
    while (path && !order.has(path)) path = parent(path) === path ? '' : parent(path);
    return order.get(path || '(root)') ?? 0;
  };
  return lines.map((line, i) => ({ line, i, r: rank(line) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.line);
}
