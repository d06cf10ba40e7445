#!/usr/bin/env node
// `pnpm test:pg`: the PostgreSQL half of the suite. Every test file that runs on `testDatabases()` (PGlite, and
// PostgreSQL when TEST_DATABASE_URL is set) runs here on PostgreSQL only, since `pnpm test` ran its PGlite half
// already, then the multi-replica tests under test/pg. The files are found by what they call, so a new one is
// never left out.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testFilesMatching } from './test-files.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!process.env.TEST_DATABASE_URL) {
  process.stderr.write('test:pg needs TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test); .ci/run sets it\n');
  process.exit(2);
}

const onBoth = testFilesMatching(root, 'packages/bff/src', /\btestDatabases\(\)/);
if (onBoth.length === 0) {
  process.stderr.write('test:pg found no test file that runs on testDatabases()\n');
  process.exit(1);
}
process.stdout.write(`on PostgreSQL: ${onBoth.join(', ')} and test/pg\n`);
// The BFF's files are in `bff` and, a few of the longest, in the projects that run them in the other lanes.
const bffProjects = ['bff', 'bff-e2e-lane', 'bff-build-lane'].flatMap((name) => ['--project', name]);
const run = spawnSync('npx', ['vitest', 'run', ...bffProjects, '--project', 'pg', ...onBoth, 'test/pg', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CA_TEST_DATABASES: 'postgres' },
});
process.exit(run.status ?? 1);
