// Resilience seen from the page: the BFF goes away in the middle of a candidate's assessments (stopped in the
// demo, or its process killed with SIGKILL) and starts again on the same embedded database and port. The widget
// says it is reconnecting, then shows every change it missed, in order, without a reload.
import type { Order, OrderEvent } from '@ca/shared';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAtsServer, type AtsServer } from '@ca/demo';
import { startDemo, type Demo } from '@ca/demo';
import { openSse } from '@ca/bff/testing';
import { startBerkeSandbox, startPsiSandbox, type BerkeSandbox, type PsiSandbox } from '@ca/sandboxes';
import { acmeConfig, API_KEY } from '../support/config.js';
import { freePort, startBffProcess, writeConfig, type BffProcess } from '../support/process.js';
import { changesOf, launchBrowser, openAtsPage, orderFromWidget, problemsOf, waitForStatus } from './support/browser.js';

const tmpData = () => join(mkdtempSync(join(tmpdir(), 'ca-e2e-')), 'bff');

interface Setup {
  page: Page;
  bffUrl: string;
  apiKey: string;
  berke: BerkeSandbox;
  psi: PsiSandbox;
  /** Takes the BFF away, runs `whileDown`, brings it back on the same port and database. */
  outage(whileDown: () => Promise<void>): Promise<void>;
}

/**
 * The flow both variants share: Berke and PSI orders invited, the BFF goes away; while it is down the candidate
 * moves on at Berke; once it is back (the page still cut off) PSI books and reschedules and Berke finishes and
 * is scored (found by the BFF's poll). The page must end equal to the server, having announced exactly the
 * status changes of the event log.
 */
async function outageFlow(s: Setup, candidateId: string): Promise<{ downMs: number; catchUpMs: number }> {
  const { page } = s;
  const berkeId = await orderFromWidget(page, 'berke-sales');
  const psiId = await orderFromWidget(page, 'psi-cert');
  await waitForStatus(page, berkeId, 'invited');
  await waitForStatus(page, psiId, 'invited');
  await page.locator('candidate-assessment [part=connection]', { hasText: 'Live' }).waitFor();
  const orders = async () =>
    ((await (await fetch(`${s.bffUrl}/v1/orders?candidateId=${candidateId}`, { headers: { Authorization: `Bearer ${s.apiKey}` } })).json()) as { orders: Order[] }).orders;
  const refs = new Map((await orders()).map((o) => [o.id, o.vendorRef!]));
  const [berkeRef, psiRef] = [refs.get(berkeId)!, refs.get(psiId)!];

  let refused = 0;
  page.on('requestfailed', (r) => {
    if (r.url().startsWith(`${s.bffUrl}/v1/events`) && r.failure()?.errorText === 'net::ERR_CONNECTION_REFUSED') refused++;
  });
  // Once the BFF is gone, the page's network path to its stream stays cut until the changes below are committed
  // (a restart can finish just as a reconnect fires); then the page can learn them only by resuming.
  const cut = (route: Route) => route.abort('connectionrefused');
  const downAt = Date.now();
  await s.outage(async () => {
    await page.locator('candidate-assessment [part=connection]', { hasText: 'Reconnecting' }).waitFor({ timeout: 10_000 });
    await page.route(`${s.bffUrl}/v1/events*`, cut);
    await s.berke.advance(berkeRef, 'start');
    await s.berke.advance(berkeRef, 'progress', { percent: 40 });
    await expect.poll(() => refused, { timeout: 15_000, interval: 50 }).toBeGreaterThanOrEqual(1);
  });
  const upAt = Date.now();
  await s.psi.advance(psiRef, 'book', { candidateId, examCode: 'CERT-1', slotId: 'nyc-site' });
  await s.berke.advance(berkeRef, 'complete');
  await s.berke.advance(berkeRef, 'score', { fitPct: 0.81 });
  await s.psi.advance(psiRef, 'reschedule', { candidateId, examCode: 'CERT-1', slotId: 'berlin-site' });
  await expect
    .poll(async () => (await orders()).find((o) => o.id === berkeId)?.status, { timeout: 20_000, message: 'the restarted BFF polls Berke again and finds the order scored' })
    .toBe('scored');
  const connection = await page.locator('candidate-assessment [part=connection]').textContent();
  const shownPsi = await page.locator(`candidate-assessment li[data-id="${psiId}"]`).getAttribute('data-status');
  await page.unroute(`${s.bffUrl}/v1/events*`, cut);

  await waitForStatus(page, psiId, 'scheduled', 30_000);
  await waitForStatus(page, berkeId, 'scored', 30_000);
  await page.locator('candidate-assessment [part=connection]', { hasText: 'Live' }).waitFor();
  await page.locator(`candidate-assessment li[data-id="${psiId}"] [part=booking]`, { hasText: 'Europe/Berlin' }).waitFor();
  const catchUpMs = Date.now() - upAt;
  // The changes were committed while the page was away: it showed none of them before it resumed.
  expect(connection).toContain('Reconnecting');
  expect(shownPsi).toBe('invited');

  const server = await orders();
  for (const o of server) await page.locator(`candidate-assessment li[data-id="${o.id}"][data-status="${o.status}"]`).waitFor();
  const log = await openSse(`${s.bffUrl}/v1/events`, { token: s.apiKey, lastEventId: '0' });
  for (const o of server) await log.waitFor((e) => e.orderId === o.id && e.order.status === o.status && e.order.statusChangedAt === o.statusChangedAt, 10_000);
  log.close();
  const inIdOrder = [...log.events].sort((x, y) => (BigInt(x.id) < BigInt(y.id) ? -1 : 1));
  const transitions = (id: string) =>
    inIdOrder
      .filter((e: OrderEvent) => e.orderId === id)
      .map((e) => e.order.status)
      .filter((st, i, all) => i > 0 && st !== all[i - 1]);
  for (const id of [berkeId, psiId]) expect((await changesOf(page, id)).map((c) => c.status)).toEqual(transitions(id));
  expect(transitions(psiId)).toEqual(['invited', 'scheduled']);
  // A replay from the start of the log comes oldest first (ids are numbers: 4 before 34).
  expect(log.events.map((e) => e.id), 'the event log replays in id order').toEqual(inIdOrder.map((e) => e.id));
  expect(transitions(berkeId).at(-1)).toBe('scored');
  // Refused connections while the BFF is away are expected, and so is the demo ATS answering its simulation panel
  // 502 (bad gateway: it asks the BFF for the candidate's orders) if the panel refreshes then; nothing else may go
  // wrong on the page.
  const expected = /ERR_CONNECTION_REFUSED|ERR_INCOMPLETE_CHUNKED|ERR_EMPTY_RESPONSE|Failed to load resource|^HTTP 502 \S+\/ats\/simulation\?/;
  expect(problemsOf(page).filter((p) => !expected.test(p))).toEqual([]);
  return { downMs: upAt - downAt, catchUpMs };
}

describe('the widget across a BFF outage', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows "reconnecting" while the demo BFF is stopped, then catches up with every missed change, no reload', async () => {
    const demo: Demo = await startDemo({ bffPort: 0, atsPort: 0, database: `embedded:${tmpData()}`, pollIntervalSeconds: 1, logLevel: 'silent' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await openAtsPage(context, demo.recruiterUrl('cand-1005'));
      const t = await outageFlow(
        {
          page,
          bffUrl: demo.bffUrl,
          apiKey: demo.secrets().find((x) => x.name === 'tenant API key')!.value,
          berke: demo.sandboxes.berke,
          psi: demo.sandboxes.psi,
          outage: (whileDown) => demo.restartBff(whileDown),
        },
        'cand-1005',
      );
      console.info(`stopped BFF: down ${t.downMs} ms; page caught up ${t.catchUpMs} ms after the restart`);
    } finally {
      await context.close();
      await demo.stop();
    }
  });

  it('does the same when the BFF process is killed with SIGKILL and started again', async () => {
    const [berke, psi] = await Promise.all([startBerkeSandbox(), startPsiSandbox()]);
    const [port, atsPort] = [await freePort(), await freePort()];
    const psiSecret = 'psi-kill-test-secret-0123456789';
    const packages = [
      { id: 'berke-sales', vendor: 'berke', name: 'Sales personality', sourceJobId: 'sales-rep' },
      { id: 'psi-cert', vendor: 'psi', name: 'Certification exam', examCode: 'CERT-1' },
    ];
    const config = writeConfig(
      acmeConfig({
        port,
        database: `embedded:${tmpData()}`,
        allowedOrigins: [`http://127.0.0.1:${atsPort}`],
        vendors: {
          berke: { baseUrl: berke.baseUrl, apiToken: berke.apiToken, pollIntervalSeconds: 1 },
          psi: { clients: [{ clientId: 'psi-acme', clientSecret: psiSecret }], schedulingUrl: psi.schedulingUrl },
        },
        packages,
      }),
    );
    let bff: BffProcess = await startBffProcess(config);
    psi.connect({ bffUrl: bff.url, tenantId: 'acme', clientId: 'psi-acme', clientSecret: psiSecret });
    const ats: AtsServer = await startAtsServer({ port: atsPort, bffUrl: bff.url, apiKey: API_KEY, sandboxes: { berke, psi }, packages });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await openAtsPage(context, `${ats.url}/candidates/cand-1006`);
      const t = await outageFlow(
        {
          page,
          bffUrl: bff.url,
          apiKey: API_KEY,
          berke,
          psi,
          async outage(whileDown) {
            bff.child.kill('SIGKILL');
            expect(await bff.exited).toBeNull(); // killed, no clean shutdown
            await whileDown();
            bff = await startBffProcess(config);
          },
        },
        'cand-1006',
      );
      console.info(`killed BFF: down ${t.downMs} ms; page caught up ${t.catchUpMs} ms after the restart`);
    } finally {
      await context.close();
      await ats.stop();
      await bff.kill();
      await Promise.all([berke.stop(), psi.stop()]);
    }
  });
});
