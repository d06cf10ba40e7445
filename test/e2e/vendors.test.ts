// One recruiter-and-candidate journey per vendor through the whole demo, in Debian's Chromium: the recruiter
// orders in the widget on the ATS profile page, the candidate follows the launch link from the portal to the
// vendor sandbox, the simulation moves them on, and the recruiter's page shows every change live, then the results
// and the report. Saves each final recruiter view to docs/screenshots/e2e/<vendor>.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '@ca/demo';
import { ROOT } from '../support/process.js';
import {
  changesOf,
  followToNewTab,
  launchBrowser,
  openAtsPage,
  orderFromWidget,
  orderRow,
  problemsOf,
  simulate,
  waitForStatus,
  widgetErrors,
} from './support/browser.js';

const SHOTS = join(ROOT, 'docs/screenshots/e2e');

describe('each vendor, end to end in the browser', () => {
  let demo: Demo;
  let browser: Browser;
  let contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [demo, browser] = await Promise.all([
      startDemo({ bffPort: 0, atsPort: 0, database: 'memory:', pollIntervalSeconds: 1, logLevel: 'silent' }),
      launchBrowser(),
    ]);
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });
  afterEach(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    contexts = [];
  });

  /** The recruiter's profile page and the candidate's portal: two people, so two browser profiles. */
  async function pages(candidateId: string): Promise<{ recruiter: Page; portal: Page }> {
    contexts = await Promise.all([0, 1].map(() => browser.newContext({ viewport: { width: 1280, height: 900 } })));
    const [recruiter, portal] = await Promise.all([
      openAtsPage(contexts[0]!, demo.recruiterUrl(candidateId)),
      openAtsPage(contexts[1]!, demo.portalUrl(candidateId)),
    ]);
    return { recruiter, portal };
  }

  /** What every journey ends with: statuses seen live in order, no reload, no script or CSP error, a screenshot. */
  async function finish(vendor: string, recruiter: Page, portal: Page, orderId: string, expected: string[]) {
    await recruiter.screenshot({ path: join(SHOTS, `${vendor}.png`), fullPage: true });
    await portal.screenshot({ path: join(SHOTS, `${vendor}-candidate.png`), fullPage: true });
    const seen = (await changesOf(recruiter, orderId)).map((c) => c.status);
    expect(seen).toEqual(expected);
    await changesOf(portal, orderId); // the portal never reloaded either
    expect(problemsOf(recruiter)).toEqual([]);
    expect(problemsOf(portal)).toEqual([]);
    expect(await widgetErrors(recruiter)).toEqual([]);
  }

  it('pymetrics: ordered, approved, played from the portal, results and report', async () => {
    const { recruiter, portal } = await pages('cand-1003');
    const sandbox = demo.sandboxes.pymetrics;
    const id = await orderFromWidget(recruiter, 'pym-games');
    await waitForStatus(recruiter, id, 'requested');
    // The panel names the step a presenter could not guess (the order waits on pymetrics' approval) and marks its button.
    await expect.poll(() => recruiter.locator(`#next-${id}`).textContent(), { timeout: 15_000 }).toBe('Next: “pymetrics approves”.');
    expect(await recruiter.locator(`#sim-orders button.next[data-order="${id}"]`).getAttribute('data-action')).toBe('accept');
    await simulate(recruiter, id, 'accept');
    await waitForStatus(recruiter, id, 'invited');

    await waitForStatus(portal, id, 'invited');
    const game = await followToNewTab(portal, orderRow(portal, id).locator('a[part=launch]'), `${sandbox.url}/invite/`);
    await game.getByRole('button', { name: 'Create my account' }).click();
    await game.getByRole('button', { name: 'Start the games' }).click();
    await waitForStatus(recruiter, id, 'in_progress');
    await game.getByRole('button', { name: 'Finish the games' }).click();
    await waitForStatus(recruiter, id, 'completed');
    await game.close();

    await simulate(recruiter, id, 'score');
    await waitForStatus(recruiter, id, 'scored');
    const expected = sandbox.orders().find((o) => o.externalId === 'cand-1003')!.result;
    const result = orderRow(recruiter, id).locator('[part=result]');
    await expect(result.textContent()).resolves.toContain(`${expected.fitscore} / 100`);
    await expect(result.textContent()).resolves.toContain(expected.band);
    await waitForStatus(portal, id, 'scored');
    await orderRow(portal, id).locator('[part=completed]').waitFor();
    expect(await orderRow(portal, id).locator('[part=result]').count()).toBe(0);

    const report = await followToNewTab(recruiter, orderRow(recruiter, id).locator('a[part=report]'), `${sandbox.url}/results/downloads/assessments/`);
    expect(await report.locator('#fitscore').textContent()).toBe(expected.fitscore.toFixed(1));
    await report.close();
    await finish('pymetrics', recruiter, portal, id, ['invited', 'in_progress', 'completed', 'scored']);
  });

  it('Mettl: ordered, taken from a one-time link, graded by webhook, report', async () => {
    const { recruiter, portal } = await pages('cand-1001');
    const sandbox = demo.sandboxes.mettl;
    const id = await orderFromWidget(recruiter, 'mettl-java');
    await waitForStatus(recruiter, id, 'invited');

    await waitForStatus(portal, id, 'invited');
    const test = await followToNewTab(portal, orderRow(portal, id).locator('a[part=launch]'), `${sandbox.url}/take/`);
    await test.getByRole('button', { name: 'Start test' }).click();
    await waitForStatus(recruiter, id, 'in_progress');
    await orderRow(portal, id).locator('a[part=launch]', { hasText: 'Continue' }).waitFor();
    await test.getByRole('button', { name: 'Finish test' }).click();
    await waitForStatus(recruiter, id, 'completed');
    await test.close();

    await simulate(recruiter, id, 'grade');
    await waitForStatus(recruiter, id, 'scored');
    const result = orderRow(recruiter, id).locator('[part=result]');
    await expect(result.textContent()).resolves.toContain('82 / 100');
    await expect(result.textContent()).resolves.toContain('Credibility');
    await orderRow(portal, id).locator('[part=completed]').waitFor();

    const report = await followToNewTab(recruiter, orderRow(recruiter, id).locator('a[part=report]'), `${sandbox.url}/report/`);
    expect(await report.locator('h1').textContent()).toBe('Report: Ada Lovelace');
    await report.close();
    await finish('mettl', recruiter, portal, id, ['invited', 'in_progress', 'completed', 'scored']);
  });

  it('Berke: ordered, taken on the Berke page, back through our return endpoint, job fits and report', async () => {
    const { recruiter, portal } = await pages('cand-1004');
    const sandbox = demo.sandboxes.berke;
    const id = await orderFromWidget(recruiter, 'berke-sales');
    await waitForStatus(recruiter, id, 'invited');

    await waitForStatus(portal, id, 'invited');
    const test = await followToNewTab(portal, orderRow(portal, id).locator('a[part=launch]'), `${sandbox.url}/assess/`);
    await test.getByRole('button', { name: 'Start assessment' }).click();
    await waitForStatus(recruiter, id, 'in_progress');
    await test.getByRole('button', { name: 'Answer next section' }).click();
    const bar = orderRow(recruiter, id).locator('progress[part=progress]');
    await expect.poll(() => bar.evaluate((p) => (p as HTMLProgressElement).value).catch(() => null), { timeout: 20_000 }).toBe(25);

    // Finishing sends the candidate's browser through the BFF's /return/berke/… to the ATS's thank-you page.
    const hops: string[] = [];
    test.on('request', (r) => hops.push(r.url()));
    await test.getByRole('button', { name: 'Finish assessment' }).click();
    await test.waitForURL(`${demo.atsUrl}/portal/returned`);
    expect(hops.some((u) => u.startsWith(`${demo.bffUrl}/return/berke/acme/`))).toBe(true);
    expect(await test.locator('h1').textContent()).toBe('Thank you');
    await waitForStatus(recruiter, id, 'completed');
    await test.close();

    await simulate(recruiter, id, 'score');
    await waitForStatus(recruiter, id, 'scored');
    const fits = orderRow(recruiter, id).locator('[part=result] ul.fits li');
    await expect(fits.first().textContent()).resolves.toContain('Sales Representative');
    await expect(fits.first().textContent()).resolves.toContain('primary');
    expect(await fits.count()).toBe(3);

    const report = await followToNewTab(recruiter, orderRow(recruiter, id).locator('a[part=report]'), `${sandbox.url}/GetReport/`);
    expect(await report.locator('h1').textContent()).toBe('Job Fit Report: Sales Representative');
    await report.close();
    await finish('berke', recruiter, portal, id, ['invited', 'in_progress', 'completed', 'scored']);
  });

  it('PSI: ordered, booked on the scheduling page, shown in the exam time zone on both pages, completed', async () => {
    const { recruiter, portal } = await pages('cand-1002');
    const sandbox = demo.sandboxes.psi;
    const id = await orderFromWidget(recruiter, 'psi-cert');
    await waitForStatus(recruiter, id, 'invited');

    await waitForStatus(portal, id, 'invited');
    const scheduling = await followToNewTab(portal, orderRow(portal, id).locator('a[part=launch]'), `${sandbox.url}/schedule?`);
    await scheduling.getByRole('button', { name: 'Book Test center, Berlin' }).click();
    await scheduling.locator('#delivery', { hasText: 'HTTP 200' }).waitFor();
    await waitForStatus(recruiter, id, 'scheduled');
    const booking = orderRow(recruiter, id).locator('[part=booking]');
    await expect(booking.textContent()).resolves.toContain('Europe/Berlin');
    await expect(booking.textContent()).resolves.toContain('PSI Testzentrum Berlin Mitte');
    await orderRow(portal, id).locator('[part=booking]', { hasText: 'Europe/Berlin' }).waitFor();

    await scheduling.getByRole('button', { name: 'Reschedule to Online, Paris time' }).click();
    await orderRow(recruiter, id).locator('[part=booking]', { hasText: 'Europe/Paris' }).waitFor();
    await orderRow(portal, id).locator('[part=booking]', { hasText: 'Europe/Paris' }).waitFor();
    await scheduling.close();

    await simulate(recruiter, id, 'complete');
    await waitForStatus(recruiter, id, 'completed');
    await orderRow(portal, id).locator('[part=completed]').waitFor();
    // PSI gives no scores and no report.
    expect(await orderRow(recruiter, id).locator('a[part=report]').count()).toBe(0);
    await finish('psi', recruiter, portal, id, ['invited', 'scheduled', 'completed']);
  });
});
