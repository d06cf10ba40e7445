// Builds packages/widget/dist/widget.js when it is missing or older than the widget sources.
import { spawnSync } from 'node:child_process';
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

/** @param strict exit when the build fails (tests), rather than warn (the BFF still starts without it). */
export function ensureWidgetBuilt(root, { strict = false } = {}) {
  const pkg = join(root, 'packages/widget');
  const out = join(pkg, 'dist/widget.js');
  if (!existsSync(join(pkg, 'vite.config.ts'))) return;
  if (existsSync(out) && statSync(out).mtimeMs >= newest(join(pkg, 'src'))) return;
  process.stderr.write('building the widget bundle…\n');
  const r = spawnSync(join(pkg, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: pkg, stdio: 'inherit' });
  if (r.status === 0) return;
  process.stderr.write(`widget build failed${r.error ? `: ${r.error.message}` : ''}\n`);
  if (strict) process.exit(1);
  process.stderr.write('/widget.js will answer 404 until it builds\n');
}
