// Builds one adapter per tenant and configured vendor, each with its own context (links, signed
// tickets, logger). The core reaches vendors only through this.
import type { VendorId } from '@ca/shared';
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { createTicketSigner } from '../auth/tickets.js';
import { outboundFetch } from './outbound.js';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import type { OrderRow } from '../store/orders.js';
import { VendorConfigError, type VendorOrder, type PackageConfig, type VendorAdapter, type VendorContext, type VendorModule } from '../core/vendor-port.js';

export interface AdapterEntry {
  tenantId: string;
  vendor: VendorId;
  adapter: VendorAdapter;
  ctx: VendorContext;
}

export interface Adapters {
  get(tenantId: string, vendor: VendorId): VendorAdapter | undefined;
  all(): readonly AdapterEntry[];
  /** The vendor's display name (`Mercer | Mettl`); the id itself for a vendor no module names. */
  displayName(vendor: VendorId): string;
  /** Verifies a per-order ticket from a hook or return URL; the order id, or null. */
  verifyOrderTicket(purpose: 'hook' | 'return', tenantId: string, vendor: VendorId, ticket: string): string | null;
  close(): Promise<void>;
}

const DEFAULT_POLL_SECONDS = 300;

export function createAdapters(opts: {
  config: Config;
  vendors: readonly VendorModule[];
  secret: Uint8Array;
  log: Logger;
  now: () => Date;
  fetch?: typeof fetch;
}): Adapters {
  const { config, secret } = opts;
  const modules = new Map(opts.vendors.map((m) => [m.id, m]));
  const signer = (purpose: string, vendor: VendorId, tenantId: string) => createTicketSigner(secret, `${purpose}:${vendor}:${tenantId}`);
  // Per-order tickets carry their issue time (`<orderId>~<seconds, base 36>`): past the tenant's ticketMaxAgeDays they
  // stop working. Whether the order is still open (and not erased) is the delivery service's check.
  const orderTicket = (purpose: 'hook' | 'return', vendor: VendorId, tenantId: string, orderId: string) =>
    signer(purpose, vendor, tenantId).sign(`${orderId}~${Math.floor(opts.now().getTime() / 1000).toString(36)}`);
  const entries: AdapterEntry[] = [];
  const vendorFetch = outboundFetch(opts.fetch ?? globalThis.fetch.bind(globalThis));
  for (const [tenantId, tenant] of Object.entries(config.tenants)) {
    for (const [vendor, block] of Object.entries(tenant.vendors) as [VendorId, Record<string, unknown> | undefined][]) {
      if (!block) continue;
      const module = modules.get(vendor);
      if (!module) {
        throw new ConfigError(`tenants.${tenantId}.vendors.${vendor}: unknown vendor; known vendors: ${[...modules.keys()].join(', ')}`);
      }
      const base = config.publicUrl;
      const ctx: VendorContext = {
        tenantId,
        config: { pollIntervalSeconds: DEFAULT_POLL_SECONDS, ...block },
        packages: tenant.packages.filter((p) => p.vendor === vendor) as PackageConfig[],
        publicUrl: base,
        links: {
          hookUrl: () => `${base}/hooks/${vendor}/${tenantId}`,
          callbackUrl: (orderId) => `${base}/hooks/${vendor}/${tenantId}/${orderTicket('hook', vendor, tenantId, orderId)}`,
          returnUrl: (orderId) => `${base}/return/${vendor}/${tenantId}/${orderTicket('return', vendor, tenantId, orderId)}`,
          exitUrl: () => `${base}/return/${vendor}/${tenantId}`,
        },
        tickets: signer('data', vendor, tenantId),
        fetch: vendorFetch,
        log: opts.log.child({ tenant: tenantId, vendor }),
        now: opts.now,
      };
      try {
        entries.push({ tenantId, vendor, adapter: module.create(ctx), ctx });
      } catch (err) {
        if (err instanceof VendorConfigError) {
          const prefix = `tenants.${tenantId}.vendors.${vendor}`;
          throw new ConfigError(err.path ? `${prefix}.${err.message}` : `${prefix}: ${err.message}`);
        }
        throw err;
      }
    }
  }
  const oauthOwner = new Map<string, string>();
  for (const { tenantId, vendor, adapter } of entries) {
    for (const c of adapter.oauthClients ?? []) {
      const other = oauthOwner.get(c.clientId);
      if (other) throw new ConfigError(`tenants.${tenantId}.vendors.${vendor}: OAuth client id ${c.clientId} is also a client of ${other}`);
      oauthOwner.set(c.clientId, `tenant ${tenantId}`);
    }
  }
  return {
    get: (tenantId, vendor) => entries.find((e) => e.tenantId === tenantId && e.vendor === vendor)?.adapter,
    all: () => entries,
    displayName: (vendor) => modules.get(vendor)?.displayName ?? vendor,
    verifyOrderTicket: (purpose, tenantId, vendor, ticket) => {
      const value = signer(purpose, vendor, tenantId).verify(ticket);
      if (value === null) return null;
      const [orderId, issued] = value.split('~');
      if (issued === undefined) return orderId!; // issued before tickets carried a time: the order's state decides
      const maxAgeMs = (config.tenants[tenantId]?.retention.ticketMaxAgeDays ?? 0) * 86_400_000;
      return opts.now().getTime() - parseInt(issued, 36) * 1000 > maxAgeMs ? null : orderId!;
    },
    async close() {
      await Promise.all(entries.map((e) => e.adapter.close?.()));
    },
  };
}

/**
 * Builds every tenant's adapters with a throw-away ticket key and closes them again: the whole config, each
 * vendor block and package included, is checked before a database or port is opened. Adapter factories do
 * no I/O, so this costs only the validation. Throws `ConfigError` naming the field.
 */
export async function checkVendorConfig(config: Config, vendors: readonly VendorModule[]): Promise<void> {
  const adapters = createAdapters({ config, vendors, secret: randomBytes(32), log: pino({ level: 'silent' }), now: () => new Date() });
  await adapters.close();
}

/** The order as an adapter sees it, or null when its package is no longer configured. */
export function toVendorOrder(r: OrderRow, adapters: Adapters): VendorOrder | null {
  const entry = adapters.all().find((e) => e.tenantId === r.tenant_id && e.vendor === r.vendor);
  const pkg = entry?.ctx.packages.find((p) => p.id === r.package_id);
  if (!pkg) return null;
  return {
    id: r.id,
    tenantId: r.tenant_id,
    candidateId: r.candidate_id,
    candidate: r.candidate,
    ...(r.job ? { job: r.job } : {}),
    package: pkg,
    vendorRef: r.vendor_ref,
    vendorData: r.vendor_data,
    status: r.status,
    vendorStatus: r.vendor_status,
    createdAt: new Date(r.created_at),
    statusChangedAt: new Date(r.status_changed_at),
    ...(r.retake_of ? { retakeOf: r.retake_of } : {}),
  };
}
