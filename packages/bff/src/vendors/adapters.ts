// Builds one adapter per tenant and configured vendor, each with its own context (links, signed
// tickets, logger). The core reaches vendors only through this.
import type { VendorId } from '@ca/shared';
import type { Logger } from 'pino';
import { createTicketSigner } from '../auth/tickets.js';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import type { OrderRow } from '../store/orders.js';
import { VendorConfigError, type VendorOrder, type PackageConfig, type VendorAdapter, type VendorAdapterFactory, type VendorContext } from '../core/vendor-port.js';

export interface AdapterEntry {
  tenantId: string;
  vendor: VendorId;
  adapter: VendorAdapter;
  ctx: VendorContext;
}

export interface Adapters {
  get(tenantId: string, vendor: VendorId): VendorAdapter | undefined;
  all(): readonly AdapterEntry[];
  /** Verifies a per-order ticket from a hook or return URL; the order id, or null. */
  verifyOrderTicket(purpose: 'hook' | 'return', tenantId: string, vendor: VendorId, ticket: string): string | null;
  close(): Promise<void>;
}

const DEFAULT_POLL_SECONDS = 300;

export function createAdapters(opts: {
  config: Config;
  factories: Partial<Record<VendorId, VendorAdapterFactory>>;
  secret: Uint8Array;
  log: Logger;
  now: () => Date;
  fetch?: typeof fetch;
}): Adapters {
  const { config, secret } = opts;
  const signer = (purpose: string, vendor: VendorId, tenantId: string) => createTicketSigner(secret, `${purpose}:${vendor}:${tenantId}`);
  const entries: AdapterEntry[] = [];
  for (const [tenantId, tenant] of Object.entries(config.tenants)) {
    for (const [vendor, block] of Object.entries(tenant.vendors) as [VendorId, Record<string, unknown> | undefined][]) {
      if (!block) continue;
      const factory = opts.factories[vendor];
      if (!factory) throw new ConfigError(`tenants.${tenantId}.vendors.${vendor}: no adapter for vendor ${vendor}`);
      const base = config.publicUrl;
      const ctx: VendorContext = {
        tenantId,
        config: { pollIntervalSeconds: DEFAULT_POLL_SECONDS, ...block },
        packages: tenant.packages.filter((p) => p.vendor === vendor) as PackageConfig[],
        publicUrl: base,
        links: {
          hookUrl: () => `${base}/hooks/${vendor}/${tenantId}`,
          callbackUrl: (orderId) => `${base}/hooks/${vendor}/${tenantId}/${signer('hook', vendor, tenantId).sign(orderId)}`,
          returnUrl: (orderId) => `${base}/return/${vendor}/${tenantId}/${signer('return', vendor, tenantId).sign(orderId)}`,
        },
        tickets: signer('data', vendor, tenantId),
        fetch: opts.fetch ?? globalThis.fetch.bind(globalThis),
        log: opts.log.child({ tenant: tenantId, vendor }),
        now: opts.now,
      };
      try {
        entries.push({ tenantId, vendor, adapter: factory(ctx), ctx });
      } catch (err) {
        if (err instanceof VendorConfigError) {
          const prefix = `tenants.${tenantId}.vendors.${vendor}`;
          throw new ConfigError(err.path ? `${prefix}.${err.message}` : `${prefix}: ${err.message}`);
        }
        throw err;
      }
    }
  }
  return {
    get: (tenantId, vendor) => entries.find((e) => e.tenantId === tenantId && e.vendor === vendor)?.adapter,
    all: () => entries,
    verifyOrderTicket: (purpose, tenantId, vendor, ticket) => signer(purpose, vendor, tenantId).verify(ticket),
    async close() {
      await Promise.all(entries.map((e) => e.adapter.close?.()));
    },
  };
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
  };
}
