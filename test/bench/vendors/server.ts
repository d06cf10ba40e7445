// Vendor efficiency, BFF side (a child process): one vendor's sandbox and a BFF with the real vendor module, 1,000
// orders placed through POST /v1/orders and the real adapter, then the sandbox's call counters reset and one refresh
// cycle (the job runner's pollNow) run; the calls the sandbox counted during that cycle are the figure.
import { startTestBff, type TestBff } from '@ca/bff/testing';
import { sandboxModuleFor, type DemoPackage } from '@ca/sandboxes';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../lib/child.js';

type Vendor = 'pymetrics' | 'mettl' | 'berke';

/** Sandbox options: Berke's own burst limit raised so placing 1,000 candidates is not the part that waits. */
const sandboxOptions: Record<Vendor, Record<string, unknown>> = {
  pymetrics: { autoScore: false },
  mettl: { autoGradeMs: false },
  berke: { burstLimit: { calls: 1_000_000, perMs: 60_000 } },
};

async function openCounts(t: TestBff) {
  return t.bff.db.query<{ status: string; placed: boolean; n: string }>(
    `SELECT status, vendor_ref IS NOT NULL AS placed, count(*)::text AS n FROM ca_orders GROUP BY 1, 2`,
  );
}

serve({
  async run({ vendor, n }: { vendor: Vendor; n: number }) {
    const mod = sandboxModuleFor(vendor)!;
    const sandbox = await mod.start(sandboxOptions[vendor]);
    const dir = mkdtempSync(join(tmpdir(), `ca-bench-vendor-${vendor}-`));
    const database = `embedded:${join(dir, 'db')}`;
    let t: TestBff | undefined;
    try {
      const setup = mod.connect(sandbox, { bffUrl: 'http://127.0.0.1:1', tenantId: 'acme' });
      // Mettl asks only about orders quiet for reconcileAfterSeconds (900 by default): 0 makes every open order due,
      // the most a cycle can cost. Berke places under a raised client limit; the cycle runs under the default one.
      const extra: Record<Vendor, Record<string, unknown>> = {
        pymetrics: {},
        mettl: { reconcileAfterSeconds: 0 },
        berke: { rateLimit: { calls: 1_000_000, perMs: 60_000 } },
      };
      const start = (more: Record<string, unknown>) =>
        startTestBff({ database, vendors: { [vendor]: { ...setup.config, ...more } }, packages: setup.packages as DemoPackage[] as never });
      t = await start(extra[vendor]);
      t.bff.log.level = 'warn';
      const pkg = setup.packages[0]!.id;
      const t0 = performance.now();
      let next = 0;
      const bff = t;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < n) {
            const i = next++;
            const token = await bff.token({ role: 'recruiter', candidateId: `eff-${i}` });
            await bff.order(pkg, { token, idempotencyKey: `eff-${i}` });
          }
        }),
      );
      for (;;) {
        const rows = await openCounts(t);
        const unplaced = rows.filter((r) => !r.placed && r.status !== 'failed').reduce((a, r) => a + Number(r.n), 0);
        if (unplaced === 0) break;
        if (performance.now() - t0 > 600_000) throw new Error(`placement stuck: ${JSON.stringify(rows)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const placeSeconds = (performance.now() - t0) / 1000;
      if (vendor === 'berke') {
        // A fresh process with the default client limit (120 calls / 60 s) over the same database.
        await t.stop();
        t = await start({});
        t.bff.log.level = 'warn';
      }
      // The runner's first scheduled cycle (sent within 10 s of start) would add its calls to the measured one's.
      await t.scheduledPollsDone(60_000);
      const states = await openCounts(t);
      const placePerVendor = sandbox.calls();
      sandbox.resetCalls();
      const c0 = performance.now();
      await t.pollNow(vendor);
      const cycleSeconds = (performance.now() - c0) / 1000;
      const calls = sandbox.calls();
      return { placeSeconds, cycleSeconds, calls, placeCalls: placePerVendor, states };
    } finally {
      await t?.stop();
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
