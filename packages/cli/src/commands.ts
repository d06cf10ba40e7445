// The operator CLI's commands as functions: each takes parsed options and an output sink and returns an exit
// code. They read the config like the BFF does and never print a secret unless asked to (--show-secrets).
import { ConfigError, createVendorHost, loadCheckedConfig, vendorModules, VendorError, type Config } from '@ca/bff';
import { mintWidgetToken } from '@ca/shared/server';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { EXIT, UsageError, type Output } from './exit.js';
import { whereItFailed } from './reach.js';

export { EXIT, UsageError, type Output };

async function load(file: string, o: Output): Promise<Config | null> {
  try {
    return await loadCheckedConfig(file, vendorModules); // the validator the BFF runs at start (server.ts)
  } catch (err) {
    if (err instanceof ConfigError) {
      o.err(`${file}: invalid configuration`);
      o.err(err.message);
      return null;
    }
    throw err;
  }
}

/** `ca check`: the config is valid; one line per tenant says what it holds. */
export async function check(opts: { config: string }, o: Output): Promise<number> {
  const config = await load(opts.config, o);
  if (!config) return EXIT.usage;
  o.out(`${opts.config}: valid`);
  o.out(`publicUrl ${config.publicUrl} · listen ${config.listen.host}:${config.listen.port} · database ${config.database.split(':')[0]}`);
  for (const [id, t] of Object.entries(config.tenants)) {
    const vendors = Object.keys(t.vendors).filter((v) => (t.vendors as Record<string, unknown>)[v]);
    o.out(
      `tenant ${id} (${t.name}): vendors ${vendors.join(', ') || 'none'} · ${t.packages.length} package(s) · ${t.allowedOrigins.length} allowed origin(s) · ` +
        `${t.apiKeys.length} API key(s) · widget keys ${Object.keys(t.widgetKeys).join(', ')} · ATS webhook ${t.atsWebhook ? 'yes' : 'no'}`,
    );
  }
  return EXIT.ok;
}

export interface ProbeResult {
  tenant: string;
  vendor: string;
  outcome: 'ok' | 'failed' | 'none';
  detail: string;
  ms: number;
}

/** `ca probe`: one cheap authenticated call per configured vendor, with the configured credentials. */
export async function probe(opts: { config: string; tenant?: string; vendor?: string; timeoutMs?: number }, o: Output): Promise<number> {
  const config = await load(opts.config, o);
  if (!config) return EXIT.usage;
  const adapters = createVendorHost({ config, vendors: vendorModules, secret: randomBytes(32), log: pino({ level: 'silent' }), now: () => new Date() });
  const results: ProbeResult[] = [];
  try {
    const entries = adapters.all().filter((e) => (!opts.tenant || e.tenantId === opts.tenant) && (!opts.vendor || e.vendor === opts.vendor));
    if (entries.length === 0) throw new UsageError('No configured vendor matches --tenant/--vendor.');
    for (const { tenantId, vendor, adapter, ctx } of entries) {
      const started = performance.now();
      const done = (outcome: ProbeResult['outcome'], detail: string) =>
        results.push({ tenant: tenantId, vendor, outcome, detail, ms: Math.round(performance.now() - started) });
      if (typeof adapter.probe !== 'function') {
        const inbound = (adapter.oauthClients?.length ?? 0) > 0 || typeof adapter.parseWebhook === 'function';
        done('none', inbound ? 'no outbound API to call (the vendor calls us); see `ca oauth-setup`' : 'this adapter has no probe');
        continue;
      }
      try {
        const said = await withTimeout(adapter.probe(), opts.timeoutMs ?? 20_000);
        done('ok', said);
      } catch (err) {
        const detail = err instanceof VendorError ? `${err.message} (${err.code}${err.vendorCode ? `, vendor code ${err.vendorCode}` : ''})` : String((err as Error).message ?? err);
        done('failed', `${detail} · ${await whereItFailed(err, ctx.config)}`);
      }
    }
  } finally {
    await adapters.close();
  }
  for (const r of results) o.out(`${r.outcome === 'ok' ? 'ok    ' : r.outcome === 'failed' ? 'FAILED' : '-     '} ${r.tenant}/${r.vendor}  ${r.detail}  (${r.ms} ms)`);
  return results.some((r) => r.outcome === 'failed') ? EXIT.failed : EXIT.ok;
}

/** `p`, or a rejection naming `ms` when it has not settled by then. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** `ca token`: a widget token signed with the tenant's first widget key, for manual tests. Only the token goes to stdout. */
export async function token(
  opts: { config: string; tenant?: string; candidate?: string; role?: string; firstName?: string; lastName?: string; email?: string; actor?: string; ttl?: string },
  o: Output,
): Promise<number> {
  const config = await load(opts.config, o);
  if (!config) return EXIT.usage;
  const tenantId = opts.tenant ?? (Object.keys(config.tenants).length === 1 ? Object.keys(config.tenants)[0] : undefined);
  if (!tenantId || !Object.hasOwn(config.tenants, tenantId)) throw new UsageError(`--tenant must name one of: ${Object.keys(config.tenants).join(', ')}`);
  if (!opts.candidate) throw new UsageError('--candidate <ATS candidate id> is required');
  // No default: a recruiter token sees and acts on every order of the candidate, so nobody gets one without asking.
  const role = opts.role;
  if (role !== 'recruiter' && role !== 'candidate') throw new UsageError('--role is required: recruiter or candidate');
  const ttl = opts.ttl === undefined ? 600 : Number(opts.ttl);
  if (!Number.isInteger(ttl) || ttl < 30 || ttl > 900) throw new UsageError('--ttl is 30–900 seconds');
  const [kid, secret] = Object.entries(config.tenants[tenantId]!.widgetKeys)[0]!;
  const minted = await mintWidgetToken({
    tenantId,
    kid,
    secret,
    role,
    candidate: {
      id: opts.candidate,
      firstName: opts.firstName ?? 'Test',
      lastName: opts.lastName ?? 'Candidate',
      email: opts.email ?? `${opts.candidate.replace(/[^A-Za-z0-9._-]/g, '_')}@example.invalid`,
    },
    ...(opts.actor ? { actor: opts.actor } : {}),
    ttlSeconds: ttl,
  });
  o.out(minted.token);
  o.err(`${role} token for candidate ${opts.candidate} of tenant ${tenantId} (key ${kid}), valid until ${minted.expiresAt}`);
  return EXIT.ok;
}

/** `ca oauth-setup`: what to give each vendor that calls our hooks with OAuth2 client credentials (PSI). */
export async function oauthSetup(opts: { config: string; tenant?: string; showSecrets?: boolean }, o: Output): Promise<number> {
  const config = await load(opts.config, o);
  if (!config) return EXIT.usage;
  const adapters = createVendorHost({ config, vendors: vendorModules, secret: randomBytes(32), log: pino({ level: 'silent' }), now: () => new Date() });
  let shown = 0;
  for (const { tenantId, vendor, adapter, ctx } of adapters.all()) {
    if (opts.tenant && tenantId !== opts.tenant) continue;
    const clients = adapter.oauthClients ?? [];
    if (clients.length === 0) continue;
    shown += 1;
    o.out(`Tenant ${tenantId} · ${adapters.displayName(vendor)}: set up the vendor's notifications with`);
    o.out(`  notification URL   ${ctx.links.hookUrl()}   (HTTPS PUT, JSON body)`);
    o.out(`  authentication     OAuth 2.0 client credentials (RFC 6749 §4.4)`);
    o.out(`  token URL          ${config.publicUrl}/oauth/token   (POST grant_type=client_credentials; client id and secret by HTTP Basic or in the form)`);
    o.out(`  token type         Bearer, valid 3600 s, for /hooks/* only`);
    for (const c of clients) {
      o.out(`  client id          ${c.clientId}`);
      o.out(`  client secret      ${opts.showSecrets ? c.clientSecret : '(in your config; add --show-secrets to print it)'}`);
    }
  }
  await adapters.close();
  if (shown === 0) o.out('No configured vendor calls us with OAuth client credentials.');
  return EXIT.ok;
}
