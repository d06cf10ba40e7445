// One conformance suite every vendor adapter runs against its own sandbox (like Auth.js runBasicTests).
// Each vendor's test file calls runAdapterConformance() once, then adds what is particular to that vendor.
import type { VendorSandbox } from '@ca/sandboxes';
import type { OrderStatus } from '@ca/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from './vendor-context.js';

export { makeTestContext, type TestContext } from './vendor-context.js';
import { applyChange, makeTestOrder, placeTestOrder } from './vendor-context.js';
import {
  VendorError,
  type PackageConfig,
  type StatusUpdate,
  type VendorAdapter,
  type VendorOrder,
} from '../src/core/vendor-port.js';

export interface ConformanceFixture {
  adapter: VendorAdapter;
  ctx: TestContext;
  /** A package of this vendor that the sandbox knows. */
  package: PackageConfig;
  /** The vendor's sandbox the adapter talks to; the suite moves candidates on and breaks it through this interface. */
  sandbox: VendorSandbox;
  /** Steps the sandbox can advance a placed order through, in order, with the status each implies. */
  lifecycle: { step: string; expect: OrderStatus }[];
  /**
   * What the vendor now says about the order: `adapter.refresh` for polled vendors, or the notifications
   * the sandbox sent (parsed with `adapter.parseWebhook`) for pushing ones.
   */
  observe(order: VendorOrder): Promise<StatusUpdate[]>;
  /** True when every launch URL is single use, so two calls must differ. */
  launchUrlsAreSingleUse: boolean;
  /** Whether placing an order calls the vendor, so a vendor outage (`sandbox.outage('error')`) makes it fail. */
  orderingCallsVendor: boolean;
  /** Secrets that must appear in no URL and no log line. */
  secrets: string[];
  teardown(): Promise<void>;
}

export function runAdapterConformance(name: string, setup: () => Promise<ConformanceFixture>): void {
  describe(`${name} adapter conformance`, () => {
    let f: ConformanceFixture;
    const urls: string[] = [];

    beforeAll(async () => {
      f = await setup();
    });
    afterAll(async () => {
      await f?.teardown();
    });

    const place = () => placeTestOrder(f.adapter, f.package, { tenantId: f.ctx.tenantId });
    const advance = (order: VendorOrder, step: string) =>
      f.sandbox.advance(order.vendorRef!, step, { candidateId: order.candidateId, package: order.package });

    it('places an order and returns a vendor reference and a starting status', async () => {
      const order = await place();
      expect(order.vendorRef).toBeTruthy();
      expect(['requested', 'invited', 'scheduled']).toContain(order.status);
      expect(order.vendorStatus).toEqual(expect.any(String));
    });

    it('gives a launch URL, fresh on every call', async () => {
      const order = await place();
      const a = await f.adapter.launchUrl(order);
      const b = await f.adapter.launchUrl({ ...order, vendorData: { ...order.vendorData, ...a.vendorData } });
      urls.push(a.url, b.url);
      expect(new URL(a.url).protocol).toMatch(/^https?:$/);
      expect(new URL(b.url).protocol).toMatch(/^https?:$/);
      if (f.launchUrlsAreSingleUse) expect(b.url).not.toBe(a.url);
    });

    it('maps every lifecycle step the vendor reports to the unified status', async () => {
      let order = await place();
      for (const { step, expect: status } of f.lifecycle) {
        await advance(order, step);
        const updates = (await f.observe(order)).filter((u) => matches(u, order));
        expect(updates.map((u) => u.status), `after ${step}`).toContain(status);
        const last = updates.find((u) => u.status === status)!;
        expect(last.vendorTime).toBeInstanceOf(Date);
        expect(Number.isNaN(last.vendorTime.getTime())).toBe(false);
        expect(last.dedupeKey).toEqual(expect.any(String));
        order = applyChange(order, last);
      }
    });

    it('reports the same fact twice with the same dedupe key, so duplicates are harmless', async () => {
      const order = await place();
      const first = f.lifecycle[0]!;
      await advance(order, first.step);
      const a = (await f.observe(order)).filter((u) => matches(u, order) && u.status === first.expect);
      const b = (await f.observe(order)).filter((u) => matches(u, order) && u.status === first.expect);
      expect(a.length).toBeGreaterThan(0);
      for (const u of b) expect(a.map((x) => x.dedupeKey)).toContain(u.dedupeKey);
    });

    it('fails with a VendorError that says whether to retry', async () => {
      if (!f.orderingCallsVendor) return expect(f.adapter.placeOrder).toBeTypeOf('function');
      await f.sandbox.outage('error');
      try {
        const err = await f.adapter.placeOrder(makeTestOrder(f.package)).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(VendorError);
        expect(typeof (err as VendorError).retryable).toBe('boolean');
        expect((err as VendorError).message.length).toBeGreaterThan(0);
      } finally {
        await f.sandbox.outage('none');
      }
    });

    it('puts no secret in a URL or a log line', () => {
      const haystack = [...urls, ...f.ctx.logLines].join('\n');
      for (const secret of f.secrets) {
        expect(secret.length).toBeGreaterThan(3);
        expect(haystack).not.toContain(secret);
      }
    });
  });
}

function matches(u: StatusUpdate, order: VendorOrder): boolean {
  const m = u.match;
  if ('orderId' in m) return m.orderId === order.id;
  if ('vendorRef' in m) return m.vendorRef === order.vendorRef;
  return m.candidateId === order.candidateId && m.packageId === order.package.id;
}
