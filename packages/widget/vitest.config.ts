// The widget's component tests: real Chromium (Debian /usr/bin/chromium) through Playwright, never a downloaded browser.
import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'widget',
    root: import.meta.dirname,
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      viewport: { width: 900, height: 900 },
      provider: playwright({
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
