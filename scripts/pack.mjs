#!/usr/bin/env node
// Packs the installable packages (docs/releasing.md#what-is-released) into npm tarballs, each built by its
// prepack script: @ca/widget and @ca/client side by side, then @ca/react (it compiles against the widget's built
// declarations).
//   node scripts/pack.mjs [DIR]     writes DIR/ca-<name>-<version>.tgz (default dist/packages) and lists them
//   import { packPackages } from './scripts/pack.mjs'
import { spawn } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGES = ['widget', 'client', 'react'];

function pnpmPack(pkg, dest) {
  return new Promise((done, fail) => {
    let output = '';
    const child = spawn('npx', ['-y', 'pnpm@10', 'pack', '--pack-destination', dest], { cwd: join(ROOT, 'packages', pkg), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', fail);
    child.on('close', (code) => {
      const file = /([^\s/]+\.tgz)\s*$/.exec(output.trim())?.[1];
      if (code !== 0 || !file) return fail(new Error(`packing packages/${pkg} failed (exit ${code}):\n${output}`));
      done({ pkg, file: join(dest, file), bytes: statSync(join(dest, file)).size });
    });
  });
}

/** @returns {Promise<{ pkg: string, file: string, bytes: number }[]>} one tarball per package, in PACKAGES order */
export async function packPackages(dest = join(ROOT, 'dist/packages')) {
  const dir = resolve(dest);
  mkdirSync(dir, { recursive: true });
  const [widget, client] = await Promise.all([pnpmPack('widget', dir), pnpmPack('client', dir)]);
  const react = await pnpmPack('react', dir);
  return [widget, client, react];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const t of await packPackages(process.argv[2])) console.log(`${t.file}  ${(t.bytes / 1024).toFixed(1)} KiB`);
}
