// Measures the built widget: dist/widget.js (the core, English only) and each language chunk in dist/widget/i18n/,
// raw, gzip (level 9) and brotli (quality 11) bytes, against their gzip budgets. Run after the widget build.
//   node packages/widget/scripts/size.mjs          a table; exits 1 when something is missing or over budget
//   node packages/widget/scripts/size.mjs --json   the same as JSON on stdout (for `pnpm bench`)
//   import { measureWidget } from './packages/widget/scripts/size.mjs'   the same object, nothing printed
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const CORE_BUDGET_GZIP = 14 * 1024;
export const CHUNK_BUDGET_GZIP = 1.5 * 1024;
const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

const sizes = (buf) => ({
  raw: buf.length,
  gzip: gzipSync(buf, { level: 9 }).length,
  brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});

/**
 * @returns {{ dist: string, core: { file: string, raw: number, gzip: number, brotli: number, budgetGzip: number },
 *   languages: { lang: string, file: string, raw: number, gzip: number, brotli: number, budgetGzip: number }[],
 *   overBudget: string[] }} sizes in bytes; file paths relative to dist/ (also the URL path under the BFF's root)
 * @throws when dist/widget.js is missing (build first)
 */
export function measureWidget(dist = DIST) {
  const core = { file: 'widget.js', ...sizes(readFileSync(join(dist, 'widget.js'))), budgetGzip: CORE_BUDGET_GZIP };
  let names = [];
  try {
    names = readdirSync(join(dist, 'widget/i18n')).filter((n) => n.endsWith('.js')).sort();
  } catch {
    /* no language chunks */
  }
  const languages = names.map((n) => ({
    lang: n.split('-')[0],
    file: `widget/i18n/${n}`,
    ...sizes(readFileSync(join(dist, 'widget/i18n', n))),
    budgetGzip: CHUNK_BUDGET_GZIP,
  }));
  const overBudget = [core, ...languages].filter((f) => f.gzip > f.budgetGzip).map((f) => f.file);
  return { dist, core, languages, overBudget };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let m;
  try {
    m = measureWidget();
  } catch {
    console.error(`${join(DIST, 'widget.js')} not found: run \`npx -y pnpm@10 --filter @ca/widget build\` first`);
    process.exit(1);
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify(m, null, 2));
  else {
    const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
    console.table(
      [m.core, ...m.languages].map((f) => ({ file: `dist/${f.file}`, raw: kb(f.raw), gzip: kb(f.gzip), brotli: kb(f.brotli), 'gzip budget': kb(f.budgetGzip) })),
    );
  }
  if (m.overBudget.length) {
    console.error(`over the gzip budget: ${m.overBudget.join(', ')}`);
    process.exit(1);
  }
}
