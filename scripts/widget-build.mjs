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

export function ensureWidgetBuilt(root) {
  const pkg = join(root, 'packages/widget');
  const out = join(pkg, 'dist/widget.js');
  if (!existsSync(join(pkg, 'vite.config.ts'))) return;
  if (existsSync(out) && statSync(out).mtimeMs >= newest(join(pkg, 'src'))) return;
  process.stderr.write('building the widget bundle…\n');
  const r = spawnSync(join(root, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: pkg, stdio: 'inherit' });
  if (r.status !== 0) process.stderr.write('widget build failed: /widget.js will answer 404 until it builds\n');
}
