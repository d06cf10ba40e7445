#!/usr/bin/env node
// `pnpm test`: every test, in three vitest processes side by side, then the latency probe alone.
//
// Vitest gives a run cores − 1 workers: one on a 2-core machine, so a single run is serial and uses one core of two.
// The tests that start processes (project `e2e`: BFFs, browsers, the CLI, tsc) are a lane of their own beside the
// rest, and the builds of the packages and the deployed BFF (`packaging`), which wait on child processes
// and the registry much of their time, a third with the fault tests (`faults`), so the three end about together
// (vitest.config.ts puts each project in its lane).
// The latency probe (`timing`) asserts milliseconds, so it runs after all three, on a quiet machine.
// Each line of a lane's output is prefixed with its name; the exit code is non-zero if any lane failed.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useTestTemplate } from './test-files.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The embedded databases' template, made once here rather than by both lanes at once.
await useTestTemplate(root);
const vitest = join(root, 'node_modules', '.bin', 'vitest');

/** Runs vitest with `args`, each output line prefixed with `name`; resolves to its exit code and seconds. */
function lane(name, args, env = {}) {
  const started = performance.now();
  const child = spawn(vitest, ['run', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const tag = `[${name}] `;
  for (const [from, to] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    let rest = '';
    from.setEncoding('utf8');
    from.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      if (lines.length) to.write(lines.map((l) => tag + l).join('\n') + '\n');
    });
    from.on('end', () => rest && to.write(tag + rest + '\n'));
  }
  return new Promise((resolve) => {
    child.on('error', (err) => resolve({ name, code: 1, seconds: 0, error: err.message }));
    child.on('close', (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), seconds: (performance.now() - started) / 1000 }));
  });
}

// vitest.config.ts puts the projects of each lane in it (CA_LANE).
const results = await Promise.all(['unit', 'e2e', 'build'].map((name) => lane(name, [], { CA_LANE: name })));
results.push(await lane('timing', ['--project=timing'], { CA_TIMING: '1' }));

for (const r of results) console.log(`${r.name}: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code}${r.error ? `: ${r.error}` : ''})`} in ${r.seconds.toFixed(0)} s`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
