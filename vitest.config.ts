// All test suites: Node unit/integration tests per package, the widget in real Chromium, end-to-end tests.
import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const widget = 'packages/widget/vitest.config.ts';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'shared', include: ['packages/shared/src/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'bff',
          include: ['packages/bff/src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      ...(existsSync(widget) ? [widget] : []),
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
