// Live across replicas, seen in the browser: two BFF processes on one PostgreSQL. The recruiter's page (demo
// ATS) streams from replica A while every vendor callback, webhook and poll lands on replica B; each status change
// still shows on the page live, without a reload. Needs TEST_DATABASE_URL.
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAtsServer, type AtsServer } from '@ca/demo';
import { withSchema } from '@ca/bff/testing';
import { startBerkeSandbox, startPsiSandbox, startPymetricsSandbox, type BerkeSandbox, type PsiSandbox, type PymetricsSandbox } from '@ca/sandboxes';
import { changesOf, launchBrowser, openAtsPage, orderFromWidget, problemsOf, simulate, waitForStatus } from '../e2e/support/browser.js';
import { acmeConfig, API_KEY } from '../support/config.js';
import { freePort, startBffProcess, writeConfig, type BffProcess } from '../support/process.js';

const pgUrl = process.env.TEST_DATABASE_URL!;
const PSI_SECRET = `psi-${randomBytes(12).toString('hex')}`;
const packages = [
  { id: 'pym-games', vendor: 'pymetrics', name: 'Job fit games', assessmentId: '33' },
  { id: 'berke-sales', vendor: 'berke', name: 'Sales personality', sourceJobId: 'sales-rep' },
  { id: 'psi-cert', vendor: 'psi', name: 'Certification exam', examCode: 'CERT-1' },
];

/** One Prometheus counter, summed over the series whose labels contain `labels`. */
async function counter(url: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && l.includes(labels))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

describe('the widget live across two replicas on PostgreSQL', () => {
  let pym: PymetricsSandbox;
  let berke: BerkeSandbox;
  let psi: PsiSandbox;
  let a: BffProcess;
  let b: BffProcess;
  let ats: AtsServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!pgUrl) throw new Error('TEST_DATABASE_URL is required for the PostgreSQL suite');
    [pym, berke, psi, browser] = await Promise.all([startPymetricsSandbox({ autoScore: false }), startBerkeSandbox(), startPsiSandbox(), launchBrowser()]);
    const database = withSchema(pgUrl, `e2e_${randomBytes(5).toString('hex')}`);
    const [pa, pb, patS] = [await freePort(), await freePort(), await freePort()];
    const bUrl = `http://127.0.0.1:${pb}`;
    const atsOrigin = `http://127.0.0.1:${patS}`;
    // Vendors only know replica B (publicUrl: callbacks, webhooks, return links); only B polls.
    const vendors = (poll: number) => ({
      pymetrics: { endpoint: pym.endpoint, clientId: pym.clientId, clientSecret: pym.clientSecret, pollIntervalSeconds: poll },
      berke: { baseUrl: berke.baseUrl, apiToken: berke.apiToken, pollIntervalSeconds: poll },
      psi: { clients: [{ clientId: 'psi-acme', clientSecret: PSI_SECRET }], schedulingUrl: psi.schedulingUrl, pollIntervalSeconds: poll },
    });
    const config = (port: number, poll: number) => writeConfig(acmeConfig({ port, database, vendors: vendors(poll), packages, publicUrl: bUrl, allowedOrigins: [atsOrigin] }));
    a = await startBffProcess(config(pa, 3600));
    b = await startBffProcess(config(pb, 1));
    psi.connect({ bffUrl: b.url, tenantId: 'acme', clientId: 'psi-acme', clientSecret: PSI_SECRET });
    ats = await startAtsServer({
      port: patS,
      bffUrl: a.url,
      apiKey: API_KEY,
      sandboxes: { pymetrics: pym, berke, psi },
      packages,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await ats?.stop();
    await Promise.all([a?.kill(), b?.kill()]);
    await Promise.all([pym?.stop(), berke?.stop(), psi?.stop()]);
  });

  it('shows every status change on a page connected to A while the vendors talk to B', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const streamedFrom = new Set<string>();
    context.on('request', (r) => {
      if (r.url().includes('/v1/events')) streamedFrom.add(new URL(r.url()).origin);
    });
    const page = await openAtsPage(context, `${ats.url}/candidates/cand-1002`);
    const pymId = await orderFromWidget(page, 'pym-games');
    const berkeId = await orderFromWidget(page, 'berke-sales');
    const psiId = await orderFromWidget(page, 'psi-cert');
    for (const id of [pymId, berkeId, psiId]) await waitForStatus(page, id, id === pymId ? 'requested' : 'invited');

    const steps: [string, string, string][] = [
      [pymId, 'accept', 'invited'],
      [pymId, 'start', 'in_progress'],
      [pymId, 'complete', 'completed'],
      [pymId, 'score', 'scored'],
      [berkeId, 'start', 'in_progress'],
      [berkeId, 'complete', 'completed'],
      [berkeId, 'score', 'scored'],
      [psiId, 'book', 'scheduled'],
      [psiId, 'complete', 'completed'],
    ];
    const latencies: number[] = [];
    for (const [id, action, status] of steps) {
      const t0 = Date.now();
      await simulate(page, id, action);
      await waitForStatus(page, id, status, 20_000);
      latencies.push(Date.now() - t0);
    }

    expect((await changesOf(page, pymId)).map((c) => c.status)).toEqual(['invited', 'in_progress', 'completed', 'scored']);
    expect((await changesOf(page, berkeId)).map((c) => c.status)).toEqual(['invited', 'in_progress', 'completed', 'scored']);
    expect((await changesOf(page, psiId)).map((c) => c.status)).toEqual(['invited', 'scheduled', 'completed']);
    expect([...streamedFrom]).toEqual([a.url]);
    // Vendor traffic reached B only; A delivered the events to the page.
    expect(await counter(b.url, 'ca_webhooks_total', 'vendor="psi"')).toBeGreaterThanOrEqual(2);
    expect(await counter(b.url, 'ca_webhooks_total', 'vendor="pymetrics"')).toBeGreaterThanOrEqual(4);
    expect(await counter(a.url, 'ca_webhooks_total')).toBe(0);
    expect(await counter(a.url, 'ca_sse_events_delivered_total')).toBeGreaterThanOrEqual(9);
    expect(pym.callbacks.every((c) => c.url.startsWith(b.url) && c.outcome === 200)).toBe(true);
    expect(problemsOf(page)).toEqual([]);
    console.info(`simulated step → shown on the page via the other replica: ${latencies.map((l) => `${l} ms`).join(', ')}`);
    await context.close();
  });
});
