// What the API reads about orders: one order as its caller may see it, a candidate's orders, an order's history and
// the tenant's package catalog. Reads only: every change goes through the order service (service.ts).
import type { Order, Package } from '@ca/shared';
import type { Config } from '../config.js';
import { orderNotFound, packageNotFound } from '../errors.js';
import type { Database } from '../store/db.js';
import { listHistory } from '../store/history.js';
import { getOrder, listCandidateOrders } from '../store/order-lookups.js';
import { toOrder, type OrderRow } from '../store/orders.js';
import type { VendorHost } from '../vendor-host/host.js';

/** Whose orders a caller may see: a tenant's, or with a widget token only its candidate's. */
export interface OrderScope {
  tenantId: string;
  candidateId?: string;
}

export interface OrderReadDeps {
  db: Database;
  config: Config;
  adapters: VendorHost;
}

export function createOrderReads(deps: OrderReadDeps) {
  const { db, config, adapters } = deps;

  /** Loads an order the caller may see; anything else is 404, so ids of others' orders leak nothing. */
  async function visibleOrder(scope: OrderScope, id: string): Promise<OrderRow> {
    const row = await getOrder(db, id);
    if (!row || row.tenant_id !== scope.tenantId) throw orderNotFound();
    if (scope.candidateId !== undefined && row.candidate_id !== scope.candidateId) throw orderNotFound();
    return row;
  }

  return {
    visibleOrder,

    async order(scope: OrderScope, id: string): Promise<Order> {
      return toOrder(await visibleOrder(scope, id));
    },

    async candidateOrders(tenantId: string, candidateId: string): Promise<Order[]> {
      return (await listCandidateOrders(db, tenantId, candidateId)).map((r) => toOrder(r));
    },

    /** The order's recorded updates, oldest first, as GET /v1/orders/{id}/history answers them. */
    async history(scope: OrderScope, id: string) {
      const row = await visibleOrder(scope, id);
      return (await listHistory(db, row.id)).map((h) => ({
        status: h.status,
        vendorStatus: h.vendor_status,
        vendorTime: new Date(h.vendor_time).toISOString(),
        receivedAt: new Date(h.received_at).toISOString(),
        source: h.source,
        applied: h.applied,
        action: h.action ?? null,
        actor: h.actor ?? null,
      }));
    },

    /** The tenant's packages with the recruiter actions each vendor offers. */
    catalog(tenantId: string): Package[] {
      return config.tenants[tenantId]!.packages.map((pkg) => {
        const adapter = adapters.get(tenantId, pkg.vendor);
        return {
          id: pkg.id,
          vendor: pkg.vendor,
          vendorName: adapters.displayName(pkg.vendor),
          name: pkg.name,
          kind: pkg.kind ?? adapter?.defaultKind ?? 'test',
          ...(pkg.description ? { description: pkg.description } : {}),
          // Cancel and retake work for every vendor (marked here where the vendor has no call); remind needs its call.
          actions: typeof adapter?.remind === 'function' ? ['cancel', 'remind', 'retake'] : ['cancel', 'retake'],
        };
      });
    },

    /** A package of the tenant's catalog as an order names it; 404 when the catalog has no such package. */
    orderedPackage(tenantId: string, packageId: string) {
      const pkg = config.tenants[tenantId]!.packages.find((x) => x.id === packageId);
      if (!pkg) throw packageNotFound(packageId);
      return { packageId: pkg.id, packageName: pkg.name, vendor: pkg.vendor, vendorName: adapters.displayName(pkg.vendor) };
    },
  };
}

export type OrderReads = ReturnType<typeof createOrderReads>;
