// All test suites: Node unit/integration tests per package, the widget in real Chromium, end-to-end tests.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { useTestBuild } from './scripts/test-build.mjs';
import { testFilesMatching, useTestTemplate } from './scripts/test-files.mjs';

const root = dirname(fileURLToPath(import.meta.url));

// New embedded databases start from a copy of a freshly initialised one (CA_PGLITE_TEMPLATE_DIR), made before any test.
await useTestTemplate(root);
// The BFF and CLI processes the tests start run one bundle of the current sources instead of loading them through tsx
// (CA_TEST_BUILD_DIR; scripts/test-build.mjs).
await useTestBuild(root);

const widget = 'packages/widget/vitest.config.ts';
/** Tests that measure latency (the SSE hub under a replay storm). */
const TIMING = ['packages/bff/src/events/hub.test.ts'];

/** The BFF's test files that replace a module (`vi.mock`): they need modules of their own, so they run isolated. */
const BFF_MOCKING = testFilesMatching(root, 'packages/bff/src', /\bvi\.(do)?mock\(/);

/**
 * `pnpm test` runs three lanes side by side (scripts/test.mjs sets CA_LANE): `unit` holds every project not named
 * here; `e2e` the tests that start processes (BFFs, browsers, the CLI, tsc for the client); `build` the files that
 * build and install the packages and the deployed BFF (tsc, vite, pnpm pack/deploy, npm install), which spend much of
 * their time waiting on child processes and the registry, and the fault tests, so that the three lanes end together
 * (docs/testing.md#lanes).
 */
const LANES: Record<string, readonly string[]> = { e2e: ['e2e', 'bff-e2e-lane'], build: ['packaging', 'faults', 'bff-build-lane'] };
/**
 * The BFF's files run one after another in one worker, which made the unit lane the longest by two minutes: a few of
 * its longest files run in the other two lanes, in a worker of their own there (same settings as `bff`).
 */
const BFF_ELSEWHERE: Record<string, readonly string[]> = {
  // The e2e lane's child processes run a bundle instead of tsx (scripts/test-build.mjs): it lost more CPU than the
  // others and takes the pymetrics BFF test too.
  'bff-e2e-lane': ['packages/bff/src/vendors/mettl/mettl.bff.test.ts', 'packages/bff/src/vendors/psi/psi.bff.test.ts', 'packages/bff/src/vendors/pymetrics/pymetrics.bff.test.ts'],
  'bff-build-lane': ['packages/bff/src/vendors/berke/adapter.test.ts', 'packages/bff/src/core.test.ts', 'packages/bff/src/webhooks/dispatcher.test.ts', 'packages/bff/src/config.test.ts'],
};
const bffProject = (name: string, include: string[], exclude: string[] = []) => ({
  test: { name, include, exclude: [...exclude, '**/node_modules/**'], environment: 'node' as const, isolate: false, testTimeout: 30_000, hookTimeout: 60_000 },
});
const laneOf = (name: unknown) => Object.keys(LANES).find((lane) => LANES[lane]!.includes(String(name))) ?? 'unit';
const inLane = <P extends string | { test?: { name?: unknown } }>(projects: P[]) =>
  process.env.CA_LANE ? projects.filter((p) => laneOf(typeof p === 'string' ? undefined : p.test?.name) === process.env.CA_LANE) : projects;
/** The `packaging` project's files (the `build` lane). */
const PACKAGING = ['test/e2e/packages.test.ts', 'test/deploy/**/*.test.ts'];

export default defineConfig({
  test: {
    projects: inLane([
      { test: { name: 'shared', include: ['packages/shared/src/**/*.test.ts'], environment: 'node' } },
      // The BFF's files share one worker's modules (isolate: false): importing the BFF afresh for each file costs about
      // a second and a half each (docs/testing.md#lanes). Each file builds its own BFFs and databases; a file that mocks
      // a module runs in `bff-isolated`.
      bffProject('bff', ['packages/bff/src/**/*.test.ts'], [...TIMING, ...BFF_MOCKING, ...Object.values(BFF_ELSEWHERE).flat()]),
      ...Object.entries(BFF_ELSEWHERE).map(([name, files]) => bffProject(name, files.filter((f) => !BFF_MOCKING.includes(f)))),
      {
        test: {
          name: 'bff-isolated',
          include: BFF_MOCKING,
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'sandboxes',
          include: ['packages/sandboxes/src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      ...(existsSync(widget) ? [widget] : []),
      {
        test: {
          name: 'e2e',
          // The CLI's and the client's tests start processes and BFFs too: here they share the worker's modules (the
          // BFF's testing kit, about 4 s of CPU to import in a worker of their own) with the end-to-end files.
          include: ['test/**/*.test.ts', 'packages/cli/src/**/*.test.ts', 'packages/client/src/**/*.test.ts'],
          exclude: ['test/pg/**', 'test/faults/**', ...PACKAGING, '**/node_modules/**'],
          environment: 'node',
          // One Chromium for every file (each opens contexts of its own), not one started per file.
          globalSetup: ['test/e2e/support/browser.global.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // Files share the worker's modules (the demo, the BFF's testing kit, Playwright), imported once, not per file;
          // each file starts and stops its own servers and browser contexts.
          isolate: false,
        },
      },
      {
        test: {
          name: 'packaging',
          include: PACKAGING,
          environment: 'node',
          globalSetup: ['test/e2e/support/browser.global.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
          fileParallelism: false,
          // One worker's modules for the three files (the BFF's testing kit imported once, not by two of them).
          isolate: false,
        },
      },
      // Latency probes assert milliseconds: `pnpm test` (scripts/test.mjs) runs them in a vitest process of their own once
      // the rest has finished (CA_TIMING=1), so neither the suite's load nor its idle browsers decide them.
      ...(process.env.CA_TIMING
        ? [
            {
              test: {
                name: 'timing',
                include: TIMING,
                environment: 'node',
                testTimeout: 60_000,
                hookTimeout: 60_000,
                fileParallelism: false,
              },
            },
          ]
        : []),
      // Fault tests (kill -9, vendor outages, PostgreSQL restart, slow SSE clients): part of the test line, in the build
      // lane beside the rest (scripts/test.mjs); `.ci/run` runs the PostgreSQL restart among them through
      // `pnpm test:faults`.
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          isolate: false,
          testTimeout: 150_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      // Multi-replica tests need a real PostgreSQL: `.ci/run` sets TEST_DATABASE_URL and runs `pnpm test:pg`.
      ...(process.env.TEST_DATABASE_URL
        ? [{ test: { name: 'pg', include: ['test/pg/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } }]
        : []),
    ]),
  },
});
