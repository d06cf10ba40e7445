// /docs in real Chromium: the Scalar reference renders the BFF's own /openapi.json under the page's strict CSP,
// with no policy violation and no request leaving the BFF's origin.
import { startTestBff, type TestBff } from '@ca/bff/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';

describe('API reference at /docs', () => {
  let t: TestBff;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestBff({ vendors: {}, packages: [] });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('renders every operation group under the CSP, loading nothing from elsewhere', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    const foreign: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(`${t.url}/`) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { reportViolation(v: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`),
      );
    });
    const res = await page.goto(`${t.url}/docs`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self' 'nonce-");
    await page.getByText('Order an assessment (recruiter or API key)').first().waitFor({ timeout: 30_000 });
    await page.getByText('Vendor notification (PSI booking events)').first().waitFor();
    await page.getByText('An order event, POSTed to the tenant’s').first().waitFor();
    // The bundle's zod probes for eval once (`try { Function('') } catch`) and falls back to its interpreter when
    // the policy refuses: that refusal is the CSP working, not the page failing. Nothing else may be refused.
    expect(violations.filter((v) => !/^script-src eval .*\/docs\/scalar\.js:/.test(v))).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });
});
