// The widget's component tests and the React wrapper's (packages/react), in one project: real Chromium (Debian
// /usr/bin/chromium) through Playwright, never a downloaded browser. One project means one Chromium, one Vite server and
// one real-BFF control server (testing/real-bff.global.ts, which imports the BFF once) for both packages
// (docs/testing.md#lanes).
import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';

export default defineProject({
  plugins: [
    {
      // @open-wc/testing-helpers tries a Web Test Runner socket (only for its sendKeys helpers, unused here).
      name: 'ca-no-wtr-socket',
      resolveId: (id) => (id.endsWith('__web-dev-server__web-socket.js') ? '\0wtr-socket' : null),
      load: (id) => (id === '\0wtr-socket' ? 'export const sendMessageWaitForResponse = undefined;' : null),
    },
  ],
  test: {
    name: 'widget',
    root: import.meta.dirname,
    include: ['src/**/*.test.ts', '../react/src/**/*.test.ts'],
    globalSetup: ['testing/real-bff.global.ts'],
    testTimeout: 20_000,
    // Hooks start the real BFF: under the whole suite's load that took more than a minute once (a fresh-clone CI run).
    hookTimeout: 120_000,
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
      commands: {
        /** Emulates user settings: forced colors (Windows high contrast), reduced motion. `null` resets one. */
        async emulateMedia(ctx, media: { forcedColors?: 'active' | 'none' | null; reducedMotion?: 'reduce' | 'no-preference' | null }) {
          await (ctx as unknown as { page: { emulateMedia(m: typeof media): Promise<void> } }).page.emulateMedia(media);
        },
      },
    },
  },
});
