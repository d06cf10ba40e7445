// A real VendorContext for adapter tests: real ticket signing, real fetch, captured logs. No database.
import { randomBytes } from 'node:crypto';
import type { VendorId } from '@ca/shared';
import { createTicketSigner } from '../src/auth/tickets.js';
import type { ContractDrift } from '../src/core/contract.js';
import type { OrderChange, PackageConfig, VendorAdapter, VendorContext, VendorLogger, VendorOrder } from '../src/core/vendor-port.js';

export interface TestContextOptions {
  vendor: VendorId;
  tenantId?: string;
  config: Record<string, unknown>;
  packages: PackageConfig[];
  publicUrl?: string;
  now?: () => Date;
}

export interface TestContext extends VendorContext {
  /** Every log line the adapter wrote, serialised, for secret-leak checks. */
  logLines: string[];
  /** Every drift the adapter reported, in order. */
  drifts: ContractDrift[];
}

export function makeTestContext(opts: TestContextOptions): TestContext {
  const tenantId = opts.tenantId ?? 'acme';
  const publicUrl = (opts.publicUrl ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
  const secret = randomBytes(32);
  const signer = (purpose: string) => createTicketSigner(secret, `${purpose}:${opts.vendor}:${tenantId}`);
  const logLines: string[] = [];
  const line = (level: string) => (obj: object, msg?: string) => {
    logLines.push(JSON.stringify({ level, ...obj, msg }));
  };
  const log: VendorLogger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  const drifts: ContractDrift[] = [];
  return {
    tenantId,
    config: opts.config,
    packages: opts.packages,
    publicUrl,
    links: {
      hookUrl: () => `${publicUrl}/hooks/${opts.vendor}/${tenantId}`,
      callbackUrl: (orderId) => `${publicUrl}/hooks/${opts.vendor}/${tenantId}/${signer('hook').sign(orderId)}`,
      returnUrl: (orderId) => `${publicUrl}/return/${opts.vendor}/${tenantId}/${signer('return').sign(orderId)}`,
      exitUrl: () => `${publicUrl}/return/${opts.vendor}/${tenantId}`,
    },
    tickets: signer('data'),
    fetch: globalThis.fetch.bind(globalThis),
    log,
    now: opts.now ?? (() => new Date()),
    drift: (d) => {
      drifts.push(d);
      line('warn')({ call: d.call, shape: d.shape, sample: d.sample }, 'contract drift');
    },
    logLines,
    drifts,
  };
}

let seq = 0;
/** An order as the core would hand it to an adapter. */
export function makeTestOrder(pkg: PackageConfig, over: Partial<VendorOrder> = {}): VendorOrder {
  seq += 1;
  const now = new Date();
  return {
    id: `ord_test_${Date.now().toString(36)}_${seq}`,
    tenantId: 'acme',
    candidateId: `cand-${seq}`,
    candidate: { firstName: 'Ada', lastName: 'Lovelace', email: `ada.${seq}@example.com`, locale: 'en-US' },
    package: pkg,
    vendorRef: null,
    vendorData: {},
    status: 'requested',
    vendorStatus: null,
    createdAt: now,
    statusChangedAt: now,
    ...over,
  };
}

/** Applies an order change to an adapter's view of an order, the way the core would. */
export function applyChange(order: VendorOrder, change: OrderChange): VendorOrder {
  return {
    ...order,
    status: change.status,
    vendorStatus: change.vendorStatus,
    vendorRef: change.vendorRef ?? order.vendorRef,
    vendorData: { ...order.vendorData, ...change.vendorData },
    statusChangedAt: change.status === order.status ? order.statusChangedAt : new Date(),
  };
}

/** Places a test order with the adapter and returns the order as the core would then hold it. */
export async function placeTestOrder(adapter: VendorAdapter, pkg: PackageConfig, over: Partial<VendorOrder> = {}): Promise<VendorOrder> {
  const order = makeTestOrder(pkg, over);
  const placed = await adapter.placeOrder(order);
  return applyChange({ ...order, vendorRef: placed.vendorRef, vendorData: placed.vendorData ?? {} }, placed.change);
}
