// Resilience seen from the page: the BFF stops in the middle of a candidate's assessments and starts again on
// the same embedded database and port. The widget says it is reconnecting, then shows every change it missed,
// in order, without a reload.
import type { Order, OrderEvent } from '@ca/shared';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../demo/src/demo.js';
import { openSse } from '../../packages/bff/src/testing/sse-client.js';
import { changesOf, launchBrowser, openAtsPage, orderFromWidget, problemsOf, waitForStatus } from './support/browser.js';

describe('the widget across a BFF restart', () => {
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ca-e2e-')), 'bff');
    [demo, browser] = await Promise.all([
      startDemo({ bffPort: 0, atsPort: 0, database: `embedded:${dir}`, pollIntervalSeconds: 1, logLevel: 'silent' }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('shows "reconnecting" while the BFF is down, then catches up with every missed change, no reload', async () => {
    const candidateId = 'cand-1005';
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await openAtsPage(context, demo.recruiterUrl(candidateId));
    const berkeId = await orderFromWidget(page, 'berke-sales');
    const psiId = await orderFromWidget(page, 'psi-cert');
    await waitForStatus(page, berkeId, 'invited');
    await waitForStatus(page, psiId, 'invited');
    await page.locator('candidate-assessment [part=connection]', { hasText: 'Live' }).waitFor();
    const apiKey = demo.secrets().find((s) => s.name === 'tenant API key')!.value;
    const orders = async () =>
      ((await (await fetch(`${demo.bffUrl}/v1/orders?candidateId=${candidateId}`, { headers: { Authorization: `Bearer ${apiKey}` } })).json()) as { orders: Order[] }).orders;
    const berkeRef = (await orders()).find((o) => o.id === berkeId)!.vendorRef!;
    const psiRef = (await orders()).find((o) => o.id === psiId)!.vendorRef!;

    let refused = 0;
    page.on('requestfailed', (r) => {
      if (r.url().startsWith(`${demo.bffUrl}/v1/events`) && r.failure()?.errorText === 'net::ERR_CONNECTION_REFUSED') refused++;
    });
    const downAt = Date.now();
    await demo.restartBff(async () => {
      // While the BFF is down the page says so, and the candidate moves on at Berke (found by the next poll).
      await page.locator('candidate-assessment [part=connection]', { hasText: 'Reconnecting' }).waitFor({ timeout: 10_000 });
      demo.sandboxes.berke.advance(berkeRef, 'start');
      demo.sandboxes.berke.advance(berkeRef, 'progress', { percent: 40 });
      // A refused reconnect: the widget's back-off now waits a second or more before the next try.
      await expect.poll(() => refused, { timeout: 15_000, interval: 50 }).toBeGreaterThanOrEqual(1);
    });
    const upAt = Date.now();
    // Right after the restart, before the widget's back-off lets it reconnect: PSI books, Berke finishes and scores.
    await demo.sandboxes.psi.act(psiRef, 'book', { candidateId, examCode: 'CERT-1', slotId: 'nyc-site' });
    demo.sandboxes.berke.advance(berkeRef, 'complete');
    demo.sandboxes.berke.advance(berkeRef, 'score', { fitPct: 0.81 });
    await demo.sandboxes.psi.act(psiRef, 'reschedule', { candidateId, examCode: 'CERT-1', slotId: 'berlin-site' });
    // These changes were committed while the page was still away: it can only learn them by resuming.
    expect(await page.locator('candidate-assessment [part=connection]').textContent()).toContain('Reconnecting');
    expect(await page.locator(`candidate-assessment li[data-id="${psiId}"]`).getAttribute('data-status')).toBe('invited');

    await waitForStatus(page, psiId, 'scheduled', 30_000);
    await waitForStatus(page, berkeId, 'scored', 30_000);
    await page.locator('candidate-assessment [part=connection]', { hasText: 'Live' }).waitFor();
    await page.locator(`candidate-assessment li[data-id="${psiId}"] [part=booking]`, { hasText: 'Europe/Berlin' }).waitFor();

    // The page's view equals the server's, and it saw exactly the status changes the event log holds.
    const server = await orders();
    for (const o of server) {
      await page.locator(`candidate-assessment li[data-id="${o.id}"][data-status="${o.status}"]`).waitFor();
    }
    const log = await openSse(`${demo.bffUrl}/v1/events`, { token: apiKey, lastEventId: '0' });
    for (const o of server) await log.waitFor((e) => e.orderId === o.id && e.order.status === o.status && e.order.statusChangedAt === o.statusChangedAt, 10_000);
    log.close();
    const transitions = (id: string) =>
      log.events
        .filter((e: OrderEvent) => e.orderId === id)
        .map((e) => e.order.status)
        .filter((s, i, all) => i > 0 && s !== all[i - 1]);
    for (const id of [berkeId, psiId]) {
      expect((await changesOf(page, id)).map((c) => c.status)).toEqual(transitions(id));
    }
    expect(transitions(psiId)).toEqual(['invited', 'scheduled']);
    expect(transitions(berkeId).at(-1)).toBe('scored');
    expect(problemsOf(page).filter((p) => !/ERR_CONNECTION_REFUSED|ERR_INCOMPLETE_CHUNKED|ERR_EMPTY_RESPONSE|network error|Failed to load resource/.test(p))).toEqual([]);
    console.info(`BFF down ${upAt - downAt} ms; page live again ${Date.now() - upAt} ms after the restart`);
    await context.close();
  });
});
