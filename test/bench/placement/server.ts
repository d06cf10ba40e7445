// Placement throughput, BFF side (a child process): orders accepted through the order service, then placed by the
// pg-boss placement queue (PSI: an eligibility id, no vendor round trip), on the embedded database or PostgreSQL.
import { startTestBff, type TestBff } from '@ca/bff/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../lib/child.js';

let t: TestBff | undefined;
let dir: string | undefined;

serve({
  async start({ database }: { database: string }) {
    if (database === 'embedded') {
      dir = mkdtempSync(join(tmpdir(), 'ca-bench-place-'));
      database = `embedded:${join(dir, 'db')}`;
    }
    t = await startTestBff({
      database,
      vendors: { psi: { clients: [{ clientId: 'psi-bench', clientSecret: 'psi-bench-client-secret-0123456789' }], schedulingUrl: 'https://psi.example/s?e={eligibilityId}' } },
      packages: [{ id: 'psi-cert', vendor: 'psi', name: 'Certification exam', examCode: 'CERT-1' }],
    });
    t.bff.log.level = 'warn';
    return true;
  },

  /** Accepts `n` orders (16 at a time), then waits until none is left unplaced; seconds for each part. */
  async run({ n }: { n: number }) {
    const bff = t!.bff;
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < n) {
          const i = next++;
          await bff.orders.create({
            tenantId: 'acme',
            candidateId: `place-${i}`,
            candidate: { firstName: 'Ada', lastName: 'Lovelace', email: `place-${i}@example.com` },
            packageId: 'psi-cert',
            packageName: 'Certification exam',
            vendor: 'psi',
            vendorName: 'PSI',
          });
        }
      }),
    );
    const accepted = performance.now();
    for (;;) {
      const [r] = await bff.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ca_orders WHERE vendor_ref IS NULL`);
      if (r!.n === '0') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const placed = performance.now();
    return { acceptSeconds: (accepted - t0) / 1000, placedSeconds: (placed - t0) / 1000 };
  },

  async stop() {
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    return true;
  },
});
