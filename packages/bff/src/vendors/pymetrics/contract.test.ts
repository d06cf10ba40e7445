// pymetrics' RequestHeader namespace, drift reporting and go-live contract check against the sandbox
// (docs/vendors/pymetrics.md#request-header, #assumptions).
import { startPymetricsSandbox, type PymetricsSandbox, type PymetricsSandboxOptions } from '@ca/sandboxes';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContractDrift } from '../../core/contract.js';
import type { VendorLogger } from '../../core/vendor-port.js';
import { PymetricsClient } from './client.js';
import { pymetricsContract } from './contract.js';

const silent: VendorLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
let sandbox: PymetricsSandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function client(opts: PymetricsSandboxOptions, headerNamespace?: 'walkthrough' | 'sample', drifts: ContractDrift[] = []) {
  sandbox = await startPymetricsSandbox({ callbacks: false, ...opts });
  return new PymetricsClient({
    endpoint: sandbox.endpoint,
    clientId: sandbox.clientId,
    clientSecret: sandbox.clientSecret,
    fetch: globalThis.fetch,
    log: silent,
    now: () => new Date(),
    onDrift: (d) => drifts.push(d),
    ...(headerNamespace ? { headerNamespace } : {}),
  });
}

describe('pymetrics RequestHeader namespace', () => {
  it("sends the walkthrough's namespace by default, which the sandbox wants", async () => {
    const c = await client({});
    expect(await c.echo('hi')).toBe('hi');
  });

  it("sends the raw sample's namespace with headerNamespace 'sample', refused by a walkthrough service", async () => {
    const c = await client({}, 'sample');
    await expect(c.echo('hi')).rejects.toMatchObject({ name: 'VendorError', retryable: false, message: expect.stringContaining('must be in namespace') });
    await sandbox!.stop();
    const s = await client({ headerNamespace: 'sample' }, 'sample');
    expect(await s.echo('hi')).toBe('hi');
  });
});

describe('pymetrics contract check', () => {
  it('holds every exercised assumption against the documented sandbox and says why the rest are not exercised', async () => {
    const c = await client({});
    const findings = await pymetricsContract(c, 'ACME').check();
    expect(Object.fromEntries(findings.map((f) => [f.assumption, f.verdict]))).toEqual({
      'pymetrics.authenticate': 'held',
      'pymetrics.request-header': 'held',
      'pymetrics.echo': 'held',
      'pymetrics.list-assessments': 'held',
      'pymetrics.bulk-status': 'held',
      'pymetrics.status-values': 'not_exercised',
      'pymetrics.bulk-results': 'not_exercised',
      'pymetrics.report': 'not_exercised',
      'pymetrics.session-expired': 'not_exercised',
    });
    // Read-only: nothing was ordered.
    expect(Object.keys(sandbox!.calls()).sort()).toEqual(['authenticate', 'echo', 'get_bulk_status', 'list_assessments']);
  });

  it('reports the altered listing as contradicted, with a redacted sample, and the header namespace mismatch too', async () => {
    const drifts: ContractDrift[] = [];
    const altered = await pymetricsContract(await client({ contractShape: 'altered' }, undefined, drifts), 'ACME').check();
    const listing = altered.find((f) => f.assumption === 'pymetrics.list-assessments')!;
    expect(listing).toMatchObject({ verdict: 'contradicted', detail: expect.stringContaining('assessment_id') });
    expect(listing.sample).toContain('<s1:id>33</s1:id>');
    expect(listing.sample).toContain('<s1:name>[redacted]</s1:name>');
    expect(drifts.map((d) => d.call)).toEqual(['list_assessments']);
    await sandbox!.stop();
    const wrongNs = await pymetricsContract(await client({ headerNamespace: 'sample' }), 'ACME').check();
    expect(wrongNs.find((f) => f.assumption === 'pymetrics.request-header')).toMatchObject({
      verdict: 'contradicted',
      sample: expect.stringContaining('must be in namespace'),
    });
  });
});
