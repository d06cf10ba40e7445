// An in-process vendor for core tests: implements VendorAdapter over a controllable in-memory state
// (orders placed, statuses to report, outages). Proves the core path without any vendor's wire format.
import type { OrderStatus, Result } from '@ca/shared';
import { VendorError, type StatusUpdate, type VendorAdapter, type VendorAdapterFactory, type VendorModule } from '../src/core/vendor-port.js';

export interface MemoryVendor {
  factory: VendorAdapterFactory;
  /** The same adapter as a vendor module of its own (id `memory` unless given). */
  module(id?: string, displayName?: string): VendorModule;
  placeCalls: number;
  /** The next N placements fail with a retryable error (an outage). */
  failNext(n: number, retryable?: boolean, message?: string, retryAfterMs?: number): void;
  /** What the vendor will report for an order on the next refresh. */
  set(vendorRef: string, status: OrderStatus, extra?: { at?: Date; result?: Result; progress?: number }): void;
  refs(): string[];
}

export function createMemoryVendor(vendorStatusOf: (s: OrderStatus) => string = (s) => s.toUpperCase()): MemoryVendor {
  const state = new Map<string, { status: OrderStatus; at: Date; result?: Result; progress?: number }>();
  let failures: { n: number; retryable: boolean; message: string; retryAfterMs?: number } = { n: 0, retryable: true, message: '' };
  const mv: MemoryVendor = {
    placeCalls: 0,
    failNext(n, retryable = true, message = 'vendor down', retryAfterMs) {
      failures = { n, retryable, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    },
    set(ref, status, extra = {}) {
      state.set(ref, { status, at: extra.at ?? new Date(), ...(extra.result ? { result: extra.result } : {}), ...(extra.progress !== undefined ? { progress: extra.progress } : {}) });
    },
    refs: () => [...state.keys()],
    module: (id = 'memory', displayName = 'In-memory vendor') => ({ id, displayName, create: (ctx) => ({ ...mv.factory(ctx), vendor: id }) }),
    factory: (ctx) => {
      const adapter: VendorAdapter = {
        vendor: 'berke',
        pollIntervalSeconds: Number(ctx.config.pollIntervalSeconds ?? 300),
        defaultKind: 'personality',
        async placeOrder(order) {
          mv.placeCalls += 1;
          if (failures.n > 0) {
            failures.n -= 1;
            throw new VendorError(failures.message, {
              retryable: failures.retryable,
              ...(failures.retryAfterMs !== undefined ? { retryAfterMs: failures.retryAfterMs } : {}),
            });
          }
          const ref = `mem-${order.id}`;
          const at = ctx.now();
          state.set(ref, { status: 'invited', at });
          return { vendorRef: ref, change: { status: 'invited', vendorStatus: vendorStatusOf('invited'), vendorTime: at, dedupeKey: `invited:${at.toISOString()}` } };
        },
        async launchUrl(order) {
          return { url: `https://vendor.example/launch/${order.vendorRef}?n=${Math.random().toString(36).slice(2)}` };
        },
        async reportUrl(order) {
          return { url: `https://vendor.example/report/${order.vendorRef}` };
        },
        async refresh(orders) {
          const out: StatusUpdate[] = [];
          for (const o of orders) {
            const s = o.vendorRef ? state.get(o.vendorRef) : undefined;
            if (!s) continue;
            out.push({
              match: { vendorRef: o.vendorRef! },
              status: s.status,
              vendorStatus: vendorStatusOf(s.status),
              vendorTime: s.at,
              dedupeKey: `${s.status}:${s.at.toISOString()}`,
              ...(s.result ? { result: s.result } : {}),
              ...(s.progress !== undefined ? { progress: s.progress } : {}),
            });
          }
          return out;
        },
      };
      return adapter;
    },
  };
  return mv;
}
