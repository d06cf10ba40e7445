// The React wrapper in real Chromium (Debian /usr/bin/chromium) through Playwright, against a real BFF started by
// the widget's globalSetup. Never a downloaded browser.
import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'react',
    root: import.meta.dirname,
    include: ['src/**/*.test.ts'],
    globalSetup: ['../widget/testing/real-bff.global.ts'],
    testTimeout: 20_000,
    // Hooks start the real BFF: under the whole suite's load that took more than a minute once (a fresh-clone CI run).
    hookTimeout: 120_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
