// An order accepted before the BFF is killed with SIGKILL survives, and its pending vendor job runs after
// a restart on the same embedded data directory. Real processes, real Berke sandbox over HTTP.
import type { Order } from '@ca/shared';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBerkeSandbox, type BerkeSandbox } from '@ca/sandboxes';
import { acmeConfig, api, waitFor } from './support/config.js';
import { freePort, startBffProcess, writeConfig, type BffProcess } from './support/process.js';

describe('durability on the embedded database', () => {
  let sandbox: BerkeSandbox | undefined;
  let bff: BffProcess | undefined;
  afterAll(async () => {
    await bff?.kill('SIGTERM');
    await sandbox?.stop();
  });

  it('keeps an accepted order across kill -9 and places it after restart', async () => {
    sandbox = await startBerkeSandbox();
    await sandbox.outage('error'); // the vendor is down: the placement job keeps retrying
    const port = await freePort();
    const dataDir = join(mkdtempSync(join(tmpdir(), 'ca-data-')), 'bff');
    const config = writeConfig(
      acmeConfig({
        port,
        database: `embedded:${dataDir}`,
        vendors: { berke: { baseUrl: sandbox.baseUrl, apiToken: sandbox.apiToken } },
        packages: [{ id: 'berke-sales', vendor: 'berke', name: 'Sales personality', sourceJobId: 'sales-rep' }],
      }),
    );
    bff = await startBffProcess(config);
    const res = await api(bff.url, '/v1/orders', {
      method: 'POST',
      body: JSON.stringify({ packageId: 'berke-sales', candidateId: 'dur-1', candidate: { firstName: 'Ada', lastName: 'L', email: 'ada@example.com' } }),
    });
    expect(res.status).toBe(202);
    const { order } = (await res.json()) as { order: Order };
    // Placing asks Berke first whether the candidate has an assessment (GetAssessmentStatus), then PerformAssessment.
    const vendorCalls = () => Object.values(sandbox!.calls()).reduce((a, b) => a + b, 0);
    await waitFor(async () => vendorCalls() >= 1, 20_000, 'a first placement attempt');

    bff.child.kill('SIGKILL');
    expect(await bff.exited).toBeNull(); // killed by signal, no clean shutdown
    await sandbox.outage('none');

    bff = await startBffProcess(config); // same data directory; the stale lock of the dead process is taken over
    const survived = (await (await api(bff.url, `/v1/orders/${order.id}`)).json()) as { order: Order };
    expect(survived.order.id).toBe(order.id);
    const placed = await waitFor(
      async () => {
        const o = ((await (await api(bff!.url, `/v1/orders/${order.id}`)).json()) as { order: Order }).order;
        return o.status === 'invited' ? o : undefined;
      },
      60_000,
      'the order to be placed after restart',
    );
    expect(placed.vendorRef).toBeTruthy();
    expect(sandbox.candidates().map((c) => c.sourceCandidateId)).toEqual([placed.vendorRef]);
  });

  it('refuses to open a data directory another live process holds', async () => {
    const port = await freePort();
    const dataDir = join(mkdtempSync(join(tmpdir(), 'ca-data-')), 'bff');
    const cfg = (p: number) => writeConfig(acmeConfig({ port: p, database: `embedded:${dataDir}`, vendors: {}, packages: [] }));
    const first = await startBffProcess(cfg(port));
    try {
      await expect(startBffProcess(cfg(await freePort()))).rejects.toThrow(/in use by process/);
    } finally {
      await first.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);
  });
});
