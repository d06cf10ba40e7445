// A real store (PGlite in memory, migrated), a real order service and real adapters built from one test
// vendor module, for the tests of services that sit between routes and the core. No HTTP, no jobs.
import pino from 'pino';
import { randomBytes } from 'node:crypto';
import { parseConfig } from '../src/config.js';
import type { StatusUpdate, VendorAdapter, VendorModule } from '../src/core/vendor-port.js';
import { createMetrics } from '../src/metrics.js';
import { createOrderService, type OrderService } from '../src/orders/service.js';
import { openDatabase, type Database } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { getOrder } from '../src/store/order-lookups.js';
import type { OrderRow } from '../src/store/orders.js';
import { createVendorHost, type VendorHost } from '../src/vendor-host/host.js';

export interface ServiceFixture {
  db: Database;
  orders: OrderService;
  adapters: VendorHost;
  metrics: ReturnType<typeof createMetrics>;
  log: pino.Logger;
  secret: Uint8Array;
  /** Replaces what the test vendor's adapter does, from the next call on (one fixture serves a whole file). */
  use(adapter: Partial<VendorAdapter>): void;
  /** An order of package `p1` for candidate `cand-1`, moved to `invited` with vendor reference `ref-<n>` unless `placed` is false. */
  order(o?: { placed?: boolean }): Promise<OrderRow>;
  apply(update: StatusUpdate): Promise<void>;
  close(): Promise<void>;
}

/**
 * Tenant `acme` with one vendor `testvendor` whose adapter does what `use()` last gave it (placeOrder and
 * launchUrl throw until then; optional capabilities are absent until given, as the core detects them).
 */
export async function startServiceFixture(now: () => Date = () => new Date()): Promise<ServiceFixture> {
  let impl: Partial<VendorAdapter> = {};
  const notUsed = () => Promise.reject(new Error('not given to this test vendor'));
  const adapter: VendorAdapter = {
    vendor: 'testvendor',
    pollIntervalSeconds: 300,
    defaultKind: 'test',
    get placeOrder() {
      return impl.placeOrder ?? notUsed;
    },
    get launchUrl() {
      return impl.launchUrl ?? notUsed;
    },
    get reportUrl() {
      return impl.reportUrl;
    },
    get evaluationUrl() {
      return impl.evaluationUrl;
    },
    get parseWebhook() {
      return impl.parseWebhook;
    },
    get oauthClients() {
      return impl.oauthClients;
    },
  };
  const module: VendorModule = { id: 'testvendor', displayName: 'Test vendor', create: () => adapter };
  const config = parseConfig(
    {
      publicUrl: 'http://127.0.0.1:8787',
      tenants: {
        acme: {
          name: 'Acme',
          widgetKeys: { k1: 'w'.repeat(40) },
          vendors: { testvendor: {} },
          packages: [{ id: 'p1', vendor: 'testvendor', name: 'Package one' }],
        },
      },
    },
    {},
  );
  const db = await openDatabase('memory:');
  await migrate(db);
  const secret = randomBytes(32);
  const log = pino({ level: 'silent' });
  const adapters = createVendorHost({ config, vendors: [module], secret, log, now });
  const orders = createOrderService({ db, now, enqueuePlacement: async () => {} });
  let n = 0;
  const apply = async (u: StatusUpdate) => {
    await orders.apply('acme', 'testvendor', [u], 'poll');
  };
  return {
    db,
    orders,
    adapters,
    metrics: createMetrics(),
    log,
    secret,
    apply,
    use(a) {
      impl = a;
    },
    async order(o = {}) {
      n += 1;
      const { order } = await orders.create({
        tenantId: 'acme',
        candidateId: 'cand-1',
        candidate: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
        packageId: 'p1',
        packageName: 'Package one',
        vendor: 'testvendor',
        vendorName: 'Test vendor',
      });
      if (o.placed !== false) {
        await apply({ match: { orderId: order.id }, status: 'invited', vendorStatus: 'INVITED', vendorTime: now(), dedupeKey: `invited-${n}`, vendorRef: `ref-${n}` });
      }
      return (await getOrder(db, order.id))!;
    },
    async close() {
      await adapters.close();
      await db.close();
    },
  };
}
