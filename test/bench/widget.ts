// Widget bundle size next to its floor: every file of the standalone bundle in packages/widget/dist (widget.js, the
// core, and its on-demand chunks under widget/) and
// a bare Lit element built by the widget's own Vite config (same Vite, plugins and minify settings).
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { ROOT } from './lib/child.js';

export interface SizeRow {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

const WIDGET = join(ROOT, 'packages/widget');

export function sizeOf(file: string, name: string): SizeRow {
  const buf = readFileSync(file);
  return {
    file: name,
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (statSync(p).isFile()) out.push(p);
  }
  return out.sort();
}

/**
 * Every file of the standalone bundle the widget build left in dist (`widget.js` and the chunks it loads from
 * `widget/`), whatever the widget engineer's chunking is at run time. `dist/lib` and `dist/types` are the npm
 * package's ES module build for bundlers (packages/widget/scripts/build-package.mjs): a page never loads them as they
 * are, so they are not part of what a script tag costs.
 */
export function widgetFiles(): SizeRow[] {
  const dist = join(WIDGET, 'dist');
  return filesUnder(dist)
    .filter((f) => /\.(m?js|css)$/.test(f))
    .filter((f) => { const r = relative(dist, f); return r === 'widget.js' || r.startsWith('widget/'); })
    .map((f) => sizeOf(f, relative(dist, f)));
}

/**
 * Builds test/bench/floor/bare-element with packages/widget/vite.config.ts, only the entry and output
 * directory replaced. `lit` resolves to the widget's own copy, so both bundles carry the same Lit.
 */
export async function bareLitElement(): Promise<SizeRow & { vite: string }> {
  const req = createRequire(join(WIDGET, 'package.json'));
  const vitePath = req.resolve('vite');
  const vite = (await import(pathToFileURL(vitePath).href)) as typeof import('vite');
  const litDir = realpathSync(join(WIDGET, 'node_modules/lit'));
  // Vite's build sets NODE_ENV=production in this process, which the bench's later BFF children would inherit (and a
  // BFF in production refuses to serve public metrics): put it back once the floor is built.
  const nodeEnv = process.env.NODE_ENV;
  const loaded = await vite.loadConfigFromFile({ command: 'build', mode: 'production' }, join(WIDGET, 'vite.config.ts'), WIDGET, 'silent');
  if (!loaded) throw new Error('packages/widget/vite.config.ts did not load');
  const outDir = mkdtempSync(join(tmpdir(), 'ca-bench-bare-'));
  const entry = join(import.meta.dirname, 'floor/bare-element/src/bare-element.ts');
  const config = loaded.config;
  const lib = typeof config.build?.lib === 'object' ? config.build.lib : {};
  try {
    await vite.build({
      ...config,
      configFile: false,
      root: join(import.meta.dirname, 'floor/bare-element'),
      logLevel: 'silent',
      resolve: { ...config.resolve, alias: [{ find: /^lit$/, replacement: join(litDir, 'index.js') }] },
      build: {
        ...config.build,
        outDir,
        emptyOutDir: true,
        lib: { ...lib, entry, formats: ['es'], fileName: () => 'bare-element.js' },
      },
    });
    const files = filesUnder(outDir).filter((f) => f.endsWith('.js'));
    if (files.length !== 1) throw new Error(`the bare element built to ${files.length} files`);
    return { ...sizeOf(files[0]!, 'bare Lit element (floor)'), vite: vite.version };
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    rmSync(outDir, { recursive: true, force: true });
  }
}
