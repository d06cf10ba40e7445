// The vendor host: one adapter per tenant and configured vendor, each built from its vendor module with its own
// context (links, signed per-order tickets, logger, a fetch that follows no redirect). Services reach vendors only
// through this; it never touches the database (docs/architecture.md#layers).
import type { VendorId } from '@ca/shared';
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { createTicketSigner } from '../auth/tickets.js';
import { outboundFetch } from '../vendors/outbound.js';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import type { Metrics } from '../metrics.js';
import { VendorConfigError, type PackageConfig, type VendorAdapter, type VendorContext, type VendorModule } from '../core/vendor-port.js';
import { withCheckedUrls } from './checked-urls.js';
import { driftReporter } from './drift.js';

/** One tenant's adapter of one vendor, with the context it was built with. */
export interface HostedVendor {
  tenantId: string;
  vendor: VendorId;
  adapter: VendorAdapter;
  ctx: VendorContext;
}

export interface VendorHost {
  get(tenantId: string, vendor: VendorId): VendorAdapter | undefined;
  all(): readonly HostedVendor[];
  /** A tenant's package of a vendor as the adapter sees it; undefined when it is no longer configured. */
  packageOf(tenantId: string, vendor: VendorId, packageId: string): PackageConfig | undefined;
  /** The vendor's display name (`Mercer | Mettl`); the id itself for a vendor no module names. */
  displayName(vendor: VendorId): string;
  /** Verifies a per-order ticket from a hook or return URL; the order id, or null. */
  verifyOrderTicket(purpose: 'hook' | 'return', tenantId: string, vendor: VendorId, ticket: string): string | null;
  close(): Promise<void>;
}

export interface VendorHostOptions {
  config: Config;
  vendors: readonly VendorModule[];
  secret: Uint8Array;
  log: Logger;
  now: () => Date;
  fetch?: typeof fetch;
  /** Where drift is counted (`ca_vendor_contract_drift_total`); without it drift is only logged. */
  metrics?: Pick<Metrics, 'vendorContractDrift'>;
}

const DEFAULT_POLL_SECONDS = 300;

type TicketSigner = ReturnType<typeof createTicketSigner>;
type SignerFor = (purpose: string, vendor: VendorId, tenantId: string) => TicketSigner;

export function createVendorHost(opts: VendorHostOptions): VendorHost {
  const { config, secret } = opts;
  const modules = new Map(opts.vendors.map((m) => [m.id, m]));
  const signer: SignerFor = (purpose, vendor, tenantId) => createTicketSigner(secret, `${purpose}:${vendor}:${tenantId}`);
  const vendorFetch = outboundFetch(opts.fetch ?? globalThis.fetch.bind(globalThis));
  const drift = driftReporter(opts.metrics);
  const entries: HostedVendor[] = [];
  for (const [tenantId, tenant] of Object.entries(config.tenants)) {
    for (const [vendor, block] of Object.entries(tenant.vendors) as [VendorId, Record<string, unknown> | undefined][]) {
      if (!block) continue;
      const module = modules.get(vendor);
      if (!module) {
        throw new ConfigError(`tenants.${tenantId}.vendors.${vendor}: unknown vendor; known vendors: ${[...modules.keys()].join(', ')}`);
      }
      const packages = tenant.packages.filter((p) => p.vendor === vendor) as PackageConfig[];
      const ctx = vendorContext({ ...opts, tenantId, vendor, block, packages, signer, fetch: vendorFetch, drift });
      entries.push({ tenantId, vendor, adapter: createAdapter(module, ctx), ctx });
    }
  }
  checkOAuthClients(entries);
  const entry = (tenantId: string, vendor: VendorId) => entries.find((e) => e.tenantId === tenantId && e.vendor === vendor);
  return {
    get: (tenantId, vendor) => entry(tenantId, vendor)?.adapter,
    all: () => entries,
    packageOf: (tenantId, vendor, packageId) => entry(tenantId, vendor)?.ctx.packages.find((p) => p.id === packageId),
    displayName: (vendor) => modules.get(vendor)?.displayName ?? vendor,
    verifyOrderTicket: (purpose, tenantId, vendor, ticket) => {
      const value = signer(purpose, vendor, tenantId).verify(ticket);
      if (value === null) return null;
      const [orderId, issued, extra] = value.split('~');
      // A ticket without its issue time would work for as long as its order stays open: refused, like one past its age.
      if (!orderId || issued === undefined || extra !== undefined || !/^[0-9a-z]{1,12}$/.test(issued)) return null;
      const maxAgeMs = (config.tenants[tenantId]?.retention.ticketMaxAgeDays ?? 0) * 86_400_000;
      return opts.now().getTime() - parseInt(issued, 36) * 1000 > maxAgeMs ? null : orderId;
    },
    async close() {
      await Promise.all(entries.map((e) => e.adapter.close?.()));
    },
  };
}

/** What one tenant's adapter of one vendor gets: its config block, its packages, its URLs and tickets, a logger. */
function vendorContext(o: {
  config: Config;
  tenantId: string;
  vendor: VendorId;
  block: Record<string, unknown>;
  packages: PackageConfig[];
  signer: SignerFor;
  fetch: typeof fetch;
  log: Logger;
  now: () => Date;
  drift: ReturnType<typeof driftReporter>;
}): VendorContext {
  const { tenantId, vendor, signer, now } = o;
  const log = o.log.child({ tenant: tenantId, vendor });
  const base = o.config.publicUrl;
  // Per-order tickets carry their issue time (`<orderId>~<seconds, base 36>`): past the tenant's ticketMaxAgeDays they
  // stop working. Whether the order is still open (and not erased) is the delivery service's check.
  const orderTicket = (purpose: 'hook' | 'return', orderId: string) =>
    signer(purpose, vendor, tenantId).sign(`${orderId}~${Math.floor(now().getTime() / 1000).toString(36)}`);
  return {
    tenantId,
    config: { pollIntervalSeconds: DEFAULT_POLL_SECONDS, ...o.block },
    packages: o.packages,
    publicUrl: base,
    links: {
      hookUrl: () => `${base}/hooks/${vendor}/${tenantId}`,
      callbackUrl: (orderId) => `${base}/hooks/${vendor}/${tenantId}/${orderTicket('hook', orderId)}`,
      returnUrl: (orderId) => `${base}/return/${vendor}/${tenantId}/${orderTicket('return', orderId)}`,
      exitUrl: () => `${base}/return/${vendor}/${tenantId}`,
    },
    tickets: signer('data', vendor, tenantId),
    fetch: o.fetch,
    log,
    now,
    drift: (d) => o.drift({ tenantId, vendor, log }, d),
  };
}

/** Builds the adapter; a vendor's own config complaint becomes a ConfigError naming the field in the config file. */
function createAdapter(module: VendorModule, ctx: VendorContext): VendorAdapter {
  try {
    return withCheckedUrls(module.create(ctx));
  } catch (err) {
    if (err instanceof VendorConfigError) {
      const prefix = `tenants.${ctx.tenantId}.vendors.${module.id}`;
      throw new ConfigError(err.path ? `${prefix}.${err.message}` : `${prefix}: ${err.message}`);
    }
    throw err;
  }
}

/** An OAuth client id names one tenant's adapter: the token endpoint finds the caller by it. */
function checkOAuthClients(entries: readonly HostedVendor[]): void {
  const oauthOwner = new Map<string, string>();
  for (const { tenantId, vendor, adapter } of entries) {
    for (const c of adapter.oauthClients ?? []) {
      const other = oauthOwner.get(c.clientId);
      if (other) throw new ConfigError(`tenants.${tenantId}.vendors.${vendor}: OAuth client id ${c.clientId} is also a client of ${other}`);
      oauthOwner.set(c.clientId, `tenant ${tenantId}`);
    }
  }
}

/**
 * Builds every tenant's adapters with a throw-away ticket key and closes them again: the whole config, each
 * vendor block and package included, is checked before a database or port is opened. Adapter factories do
 * no I/O, so this costs only the validation. Throws `ConfigError` naming the field.
 */
export async function checkVendorConfig(config: Config, vendors: readonly VendorModule[]): Promise<void> {
  const host = createVendorHost({ config, vendors, secret: randomBytes(32), log: pino({ level: 'silent' }), now: () => new Date() });
  await host.close();
}
