#!/usr/bin/env node
// Lays out the BFF as it runs in production, in DIR: the compiled BFF with its production dependencies only
// (`pnpm deploy --prod`), the compiled @ca/shared, and the widget bundle where the BFF looks for it. No TypeScript,
// no tsx, no development dependencies. The Dockerfile runs it; test/deploy/compiled.test.ts boots its result.
//   node packages/bff/scripts/deploy.mjs DIR      then: cd DIR && node packages/bff/dist/server.js --config FILE
//   node packages/bff/scripts/deploy.mjs --build  only compile (packages/bff/dist/, packages/shared/dist/)
// Layout: DIR/packages/bff/{dist,node_modules,package.json} and DIR/packages/widget/dist/ (the BFF finds the widget
// at ../../widget/dist/widget.js from its dist/, as from its src/ in the workspace).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWidgetBuilt } from '../../../scripts/widget-build.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/** Runs a command; `emitted` also accepts tsc's exit 2 (type errors, output written: `pnpm typecheck` reports them). */
function run(cmd, args, cwd = ROOT, { emitted = false } = {}) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status === 0 || (emitted && r.status === 2)) return;
  throw new Error(`${[cmd, ...args].join(' ')} failed${r.error ? `: ${r.error.message}` : ''}`);
}

/**
 * Compiles @ca/shared and @ca/bff (tsc, incremental, emit only: `--noCheck` writes the same files in half the time;
 * `pnpm typecheck` checks the types) and copies the files the BFF reads at run time beside.
 */
export function buildBff() {
  for (const pkg of ['shared', 'bff']) {
    const dir = join(ROOT, 'packages', pkg);
    run(process.execPath, [TSC, '-p', 'tsconfig.build.json', '--noCheck', '--incremental', '--tsBuildInfoFile', 'node_modules/.cache/build.tsbuildinfo'], dir, { emitted: true });
  }
  const store = join(ROOT, 'packages/bff/src/store');
  for (const f of readdirSync(store).filter((n) => n.endsWith('.mjs'))) cpSync(join(store, f), join(ROOT, 'packages/bff/dist/store', f));
  // The one file of @scalar/api-reference that /docs serves (routes/docs.ts): the package is a development dependency.
  const scalar = join(dirname(createRequire(join(ROOT, 'packages/bff/package.json')).resolve('@scalar/api-reference')), 'browser/standalone.js');
  cpSync(scalar, join(ROOT, 'packages/bff/dist/routes/scalar-standalone.js'));
}

/**
 * A deployed workspace package keeps its development `exports` (TypeScript sources): give it the `publishConfig`
 * ones (compiled JavaScript), as `pnpm pack` would. The file is unlinked first: pnpm hard-links it to the workspace.
 */
function publishManifests(nodeModules) {
  const pnpmDir = join(nodeModules, '.pnpm');
  for (const entry of readdirSync(pnpmDir).filter((n) => n.startsWith('@ca+'))) {
    const scope = join(pnpmDir, entry, 'node_modules/@ca');
    for (const name of readdirSync(scope)) {
      const file = join(scope, name, 'package.json');
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (!pkg.publishConfig) continue;
      const { publishConfig, devDependencies: _dev, scripts: _scripts, ...rest } = pkg;
      unlinkSync(file);
      writeFileSync(file, `${JSON.stringify({ ...rest, ...publishConfig }, null, 2)}\n`);
    }
  }
}

export function deployBff(out) {
  const dir = resolve(out);
  rmSync(dir, { recursive: true, force: true });
  buildBff();
  ensureWidgetBuilt(ROOT, { strict: true });
  // --legacy: this workspace links its packages instead of injecting them (pnpm 10's default deploy needs injection).
  const pnpm = spawnSync('pnpm', ['--version'], { stdio: 'ignore' }).status === 0 ? ['pnpm'] : ['npx', '-y', 'pnpm@10'];
  run(pnpm[0], [...pnpm.slice(1), '--filter', '@ca/bff', 'deploy', '--legacy', '--prod', join(dir, 'packages/bff')]);
  publishManifests(join(dir, 'packages/bff/node_modules'));
  const widget = join(ROOT, 'packages/widget/dist');
  cpSync(join(widget, 'widget.js'), join(dir, 'packages/widget/dist/widget.js'));
  if (existsSync(join(widget, 'widget/i18n'))) cpSync(join(widget, 'widget/i18n'), join(dir, 'packages/widget/dist/widget/i18n'), { recursive: true });
  return dir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (out === '--build') {
    buildBff();
    process.exit(0);
  }
  if (!out) {
    process.stderr.write('usage: node packages/bff/scripts/deploy.mjs DIR\n');
    process.exit(2);
  }
  console.log(`deployed to ${deployBff(out)}`);
}
