// Vitest globalSetup of the e2e project: one Chromium (Debian's) for every end-to-end file, which connect to it
// (support/browser.ts launchBrowser) and open contexts of their own. Never downloads a browser.
import { chromium, type BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { CHROMIUM } from './chromium.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared browser's Playwright endpoint; unset where no global setup started one (test/pg). */
    browserEndpoint?: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server: BrowserServer = await chromium.launchServer(CHROMIUM);
  project.provide('browserEndpoint', server.wsEndpoint());
  return () => server.close();
}
