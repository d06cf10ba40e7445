// Debian's Chromium driven by playwright-core, plus what the end-to-end tests do on the demo ATS pages:
// order from the widget, click the simulation panel, follow links into new tabs, record the widget's events.
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { CHROMIUM } from './chromium.js';

export const STEP_MS = 20_000;

/**
 * The e2e project's one browser (started by browser.global.ts; closing what this returns disconnects from it), or a
 * browser of its own where no global setup started one.
 */
export function launchBrowser(): Promise<Browser> {
  const endpoint = inject('browserEndpoint');
  return endpoint ? chromium.connect(endpoint) : chromium.launch(CHROMIUM);
}

const pageProblems = new WeakMap<Page, string[]>();

/** Script errors and console errors (CSP violations among them) the page had so far. */
export const problemsOf = (page: Page): string[] => pageProblems.get(page) ?? [];

export interface StatusChange {
  id: string;
  status: string;
  previous: string;
}

/**
 * Signs the browser context in to the demo ATS as the person an ATS page is for (its login form; the session is a
 * cookie the context keeps): the recruiter for a profile page, the candidate for their portal.
 */
export async function signInFor(context: BrowserContext, url: string): Promise<void> {
  const u = new URL(url);
  const portal = /^\/portal\/([^/]+)$/.exec(u.pathname);
  const form: Record<string, string> = portal ? { role: 'candidate', candidate: decodeURIComponent(portal[1]!) } : { role: 'recruiter' };
  const res = await context.request.post(`${u.origin}/login`, { form, maxRedirects: 0 });
  if (res.status() !== 303) throw new Error(`signing in to the demo ATS gave ${res.status()}`);
}

/**
 * Opens an ATS page and starts recording the widget's events in the page itself. The record lives in the page's
 * window: a reload would lose it, so finding it intact later proves the page never reloaded.
 */
export async function openAtsPage(context: BrowserContext, url: string, o: { beforeLoad?: (page: Page) => Promise<unknown> } = {}): Promise<Page> {
  await signInFor(context, url);
  const page = await context.newPage();
  await o.beforeLoad?.(page);
  page.setDefaultTimeout(STEP_MS);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    // A stream cut by the page itself (navigation, tab closed) is not a problem.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  pageProblems.set(page, problems);
  await page.goto(url);
  await page.evaluate(() => {
    const w = window as unknown as { __ca: { created: string[]; changes: { id: string; status: string; previous: string }[]; errors: string[] } };
    w.__ca = { created: [], changes: [], errors: [] };
    document.addEventListener('ca-order-created', (e) => w.__ca.created.push((e as CustomEvent).detail.order.id));
    document.addEventListener('ca-status-change', (e) => {
      const d = (e as CustomEvent).detail;
      w.__ca.changes.push({ id: d.order.id, status: d.order.status, previous: d.previous });
    });
    document.addEventListener('ca-error', (e) => w.__ca.errors.push((e as CustomEvent).detail.code));
  });
  await widgetReady(page);
  return page;
}

/** Waits until the widget shows its list (or its empty state) with the live connection up. */
export async function widgetReady(page: Page): Promise<void> {
  await page.locator('candidate-assessment [part=list], candidate-assessment [part=empty]').first().waitFor();
}

/** The status changes the page's widget announced for one order, in order; throws if the page was reloaded. */
export async function changesOf(page: Page, orderId: string): Promise<StatusChange[]> {
  const all = await page.evaluate(() => (window as unknown as { __ca?: { changes: StatusChange[] } }).__ca?.changes ?? null);
  if (all === null) throw new Error('the page lost its event record: it was reloaded');
  return all.filter((c) => c.id === orderId);
}

export async function widgetErrors(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __ca: { errors: string[] } }).__ca.errors);
}

/** Recruiter: picks a package in the widget's catalog and sends it; returns the new order's id. */
/**
 * Recruiter and candidate pages are tabs side by side. Each helper that clicks brings its tab to the front first:
 * a background tab gets about one animation frame a second, and Playwright waits for frames before it clicks.
 */
export async function orderFromWidget(page: Page, packageId: string): Promise<string> {
  await page.bringToFront();
  const before = await page.evaluate(() => (window as unknown as { __ca: { created: string[] } }).__ca.created.length);
  await page.locator('candidate-assessment select[part=package-select]').selectOption(packageId);
  await page.locator('candidate-assessment button[part=send]').click();
  const handle = await page.waitForFunction(
    (n) => (window as unknown as { __ca: { created: string[] } }).__ca.created[n],
    before,
    { timeout: STEP_MS },
  );
  return (await handle.jsonValue()) as string;
}

export const orderRow = (page: Page, orderId: string): Locator => page.locator(`candidate-assessment li[part=order][data-id="${orderId}"]`);

/** Waits until the widget shows the order in this status (the row's data-status and its badge text). */
export async function waitForStatus(page: Page, orderId: string, status: string, timeout = STEP_MS): Promise<void> {
  try {
    await page.locator(`candidate-assessment li[part=order][data-id="${orderId}"][data-status="${status}"]`).waitFor({ timeout });
  } catch (err) {
    const shown = await orderRow(page, orderId).getAttribute('data-status', { timeout: 1000 }).catch(() => 'no row');
    throw new Error(`${page.url()}: order ${orderId} still shows "${shown}" after ${timeout} ms; expected "${status}"`, { cause: err });
  }
}

/** Clicks one step of the "Simulate the candidate" panel and waits for the ATS to confirm it. */
export async function simulate(page: Page, orderId: string, action: string): Promise<void> {
  await page.bringToFront();
  const button = page.locator(`#sim-orders button[data-order="${orderId}"][data-action="${action}"]`);
  await button.click();
  await page.locator('#sim-status.ok, #sim-status.bad').first().waitFor();
  const text = await page.locator('#sim-status').textContent();
  if (!(await page.locator('#sim-status.ok').count())) throw new Error(`simulation ${action} failed: ${text}`);
  // Clear it so the next step waits for its own answer.
  await page.evaluate(() => {
    const s = document.getElementById('sim-status')!;
    s.className = 'small';
    s.textContent = '';
  });
}

/** Clicks a link that opens a new tab (launch, report) and returns that tab once it has loaded `urlPrefix`. */
export async function followToNewTab(page: Page, link: Locator, urlPrefix: string): Promise<Page> {
  await page.bringToFront();
  const [tab] = await Promise.all([page.context().waitForEvent('page', { timeout: STEP_MS }), link.click()]);
  tab.setDefaultTimeout(STEP_MS);
  await tab.waitForURL((u) => u.href.startsWith(urlPrefix), { timeout: STEP_MS });
  await tab.waitForLoadState('domcontentloaded');
  return tab;
}
