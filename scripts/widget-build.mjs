// Builds packages/widget/dist/widget.js when it is missing or older than the widget sources.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The widget package, or null when the bundle is there and newer than its sources (or there is nothing to build). */
function toBuild(root) {
  const pkg = join(root, 'packages/widget');
  const out = join(pkg, 'dist/widget.js');
  if (!existsSync(join(pkg, 'vite.config.ts'))) return null;
  if (existsSync(out) && statSync(out).mtimeMs >= newest(join(pkg, 'src'))) return null;
  process.stderr.write('building the widget bundle…\n');
  return pkg;
}

const vite = (pkg) => [join(pkg, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: pkg, stdio: 'inherit' }];

function failed(error, strict) {
  process.stderr.write(`widget build failed${error ? `: ${error.message}` : ''}\n`);
  if (strict) process.exit(1);
  process.stderr.write('/widget.js will answer 404 until it builds\n');
}

/** @param strict exit when the build fails (tests), rather than warn (the BFF still starts without it). */
export function ensureWidgetBuilt(root, { strict = false } = {}) {
  const pkg = toBuild(root);
  if (!pkg) return;
  const r = spawnSync(...vite(pkg));
  if (r.status !== 0) failed(r.error, strict);
}

/** ensureWidgetBuilt({ strict: true }) without blocking: the test set-up does other work while vite builds. */
export async function widgetBuilt(root) {
  const pkg = toBuild(root);
  if (!pkg) return;
  const [error, status] = await new Promise((done) =>
    spawn(...vite(pkg))
      .on('error', (err) => done([err, 1]))
      .on('close', (code) => done([undefined, code])),
  );
  if (status !== 0) failed(error, true);
}
