// The demo's React example page in Chromium: React renders <candidate-assessment> through @ca/react under the ATS
// pages' strict CSP, and the element's events land in React state (the event list on the page).
import { startDemo, type Demo } from '@ca/demo';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signInFor } from './support/browser.js';

describe('React example page of the demo', () => {
  let demo: Demo;
  let browser: Browser;
  beforeAll(async () => {
    demo = await startDemo({ bffPort: 0, atsPort: 0, database: 'memory:', logLevel: 'silent' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('renders the recruiter widget with React and shows its events', async () => {
    const context = await browser.newContext();
    await signInFor(context, `${demo.atsUrl}/react/cand-1001`); // the demo ATS gives recruiter pages to a signed-in recruiter
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/.test(m.text())) problems.push(m.text());
    });
    const res = await page.goto(`${demo.atsUrl}/react/cand-1001`);
    expect(res?.headers()['content-security-policy']).not.toContain('unsafe-inline');
    const log = page.locator('#react-log');
    await log.getByText(/^ready: 0 assessment\(s\)$/).waitFor({ timeout: 30_000 });
    await page.locator('candidate-assessment').waitFor();

    const apiKey = demo.secrets().find((s) => s.name === 'tenant API key')!.value;
    const placed = await fetch(`${demo.bffUrl}/v1/orders`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ packageId: 'berke-sales', candidateId: 'cand-1001', candidate: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' } }),
    });
    expect(placed.status).toBe(202);
    await log.getByText('ordered: Sales personality').waitFor({ timeout: 20_000 });
    await log.getByText('Sales personality: requested → invited').waitFor({ timeout: 20_000 });
    expect(problems).toEqual([]);
    await context.close();
  });
});
