import { describe, expect, it } from 'vitest';
import { runAdapterConformance } from '../../../testing/conformance.js';
import { makeTestContext, makeTestOrder } from '../../../testing/vendor-context.js';
import { VendorConfigError, type PackageConfig, type VendorOrder } from '../../core/vendor-port.js';
import psi from './adapter.js';
import { startPsiSandbox } from '@ca/sandboxes';
import { startTestReceiver } from '../../../testing/psi-receiver.js';

const pkg: PackageConfig = { id: 'psi-cert', vendor: 'psi', name: 'Certification exam', examCode: 'CERT-1' };
const clientSecret = 'psi-client-secret-0123456789';
const config = {
  clients: [{ clientId: 'psi', clientSecret }],
  schedulingUrl: 'https://psi.example.com/schedule?eligibility={eligibilityId}&cand={candidateId}&exam={examCode}',
};

describe('PSI adapter', () => {
  it('places an order as an invited eligibility whose id is stable for the order', async () => {
    const adapter = psi(makeTestContext({ vendor: 'psi', config, packages: [pkg] }));
    const order = makeTestOrder(pkg);
    const a = await adapter.placeOrder(order);
    const b = await adapter.placeOrder(order);
    expect(a.vendorRef).toBe(order.id);
    expect(b.vendorRef).toBe(a.vendorRef);
    expect(a.change).toMatchObject({ status: 'invited', vendorStatus: 'ELIGIBILITY_CREATED' });
    expect(b.change.dedupeKey).toBe(a.change.dedupeKey);
    expect(adapter.oauthClients).toEqual([{ clientId: 'psi', clientSecret }]);
    expect(adapter.defaultKind).toBe('exam');
  });

  it('builds the scheduling link from config with URL-encoded values', async () => {
    const adapter = psi(makeTestContext({ vendor: 'psi', config, packages: [pkg] }));
    const order: VendorOrder = { ...makeTestOrder(pkg), candidateId: 'ats/42 & co', vendorRef: 'ord_x?y' };
    const { url } = await adapter.launchUrl(order);
    expect(url).toBe('https://psi.example.com/schedule?eligibility=ord_x%3Fy&cand=ats%2F42%20%26%20co&exam=CERT-1');
    const parsed = new URL(url);
    expect(parsed.searchParams.get('eligibility')).toBe('ord_x?y');
    expect(parsed.searchParams.get('cand')).toBe('ats/42 & co');
    expect(url).not.toContain(clientSecret);
  });

  const badConfigs: [string, Record<string, unknown>, PackageConfig[], string][] = [
    ['no clients', { ...config, clients: [] }, [pkg], 'clients'],
    ['a short client secret', { ...config, clients: [{ clientId: 'psi', clientSecret: 'short' }] }, [pkg], 'clients.0.clientSecret'],
    ['a link without {eligibilityId}', { ...config, schedulingUrl: 'https://psi.example.com/s' }, [pkg], 'schedulingUrl'],
    ['an unknown placeholder', { ...config, schedulingUrl: 'https://x.test/{eligibilityId}/{email}' }, [pkg], 'schedulingUrl'],
    ['a link that is not http', { ...config, schedulingUrl: 'javascript:{eligibilityId}' }, [pkg], 'schedulingUrl'],
    ['a package without examCode', config, [{ ...pkg, examCode: undefined }], 'packages.psi-cert.examCode'],
    ['two packages with one examCode', config, [pkg, { ...pkg, id: 'psi-again' }], 'packages.psi-again.examCode'],
  ];
  it.each(badConfigs)('refuses a config with %s, naming the field', (_name, cfg, packages, path) => {
    const make = () => psi(makeTestContext({ vendor: 'psi', config: cfg, packages }));
    expect(make).toThrow(VendorConfigError);
    try {
      make();
    } catch (err) {
      expect((err as VendorConfigError).path).toBe(path);
    }
  });
});

runAdapterConformance('psi', async () => {
  const sandbox = await startPsiSandbox();
  const ctx = makeTestContext({
    vendor: 'psi',
    config: { clients: [{ clientId: 'psi', clientSecret }], schedulingUrl: sandbox.schedulingUrl },
    packages: [pkg],
  });
  const adapter = psi(ctx);
  const receiver = await startTestReceiver(adapter);
  sandbox.connect({ bffUrl: receiver.url, tenantId: 'acme', clientId: 'psi', clientSecret });
  return {
    adapter,
    ctx,
    package: pkg,
    lifecycle: [
      { step: 'book', expect: 'scheduled' },
      { step: 'reschedule', expect: 'scheduled' },
      { step: 'cancel', expect: 'invited' },
      { step: 'book', expect: 'scheduled' },
      { step: 'complete', expect: 'completed' },
    ],
    sandbox,
    async observe() {
      return [...receiver.updates];
    },
    launchUrlsAreSingleUse: false,
    orderingCallsVendor: false,
    secrets: [clientSecret],
    async teardown() {
      await sandbox.stop();
      await receiver.stop();
    },
  };
});
