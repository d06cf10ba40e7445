// Builds what the @ca/widget package ships (`pnpm pack` runs it as prepack): the standalone bundle dist/widget.js
// (the BFF serves the same file), the module for bundlers in dist/lib/ (`vite build --mode lib`), and the
// declarations in dist/types/, each only when it is missing or older than what it is made from.
//   node packages/widget/scripts/build-package.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWidgetBuilt } from '../../../scripts/widget-build.mjs';

const PKG = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: PKG, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} failed${r.error ? `: ${r.error.message}` : ''}`);
};

/** The newest modification time of the files under each path. */
const newest = (...paths) =>
  Math.max(0, ...paths.map((p) => (statSync(p).isDirectory() ? newest(...readdirSync(p).map((n) => join(p, n))) : statSync(p).mtimeMs)));
const stale = (out, ...inputs) => !existsSync(out) || statSync(out).mtimeMs < newest(...inputs);

const SRC = join(PKG, 'src');
const SHARED = dirname(fileURLToPath(import.meta.resolve('@ca/shared'))); // the wire types and values it inlines
ensureWidgetBuilt(join(PKG, '../..'), { strict: true });
if (stale(join(PKG, 'dist/lib/element.js'), SRC, SHARED, join(PKG, 'vite.config.ts'))) run(join(PKG, 'node_modules/.bin/vite'), ['build', '--mode', 'lib', '--logLevel', 'warn']);
if (stale(join(PKG, 'dist/types/wire.d.ts'), SRC, SHARED, join(PKG, 'scripts/types.mjs'))) run(process.execPath, [join(PKG, 'scripts/types.mjs')]);
