// Prints the raw, gzip and brotli sizes of the built widget bundle (dist/widget.js) against its budget.
// Run after `pnpm --filter @ca/widget build`; exits 1 when the bundle is missing or over budget.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET_GZIP = 15 * 1024;
const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'widget.js');
let code;
try {
  code = readFileSync(file);
} catch {
  console.error(`${file} not found: run \`npx pnpm@10 --filter @ca/widget build\` first`);
  process.exit(1);
}
const gzip = gzipSync(code, { level: 9 }).length;
const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
console.table([
  { file: 'dist/widget.js', raw: kb(code.length), gzip: kb(gzip), brotli: kb(brotli), 'gzip budget': kb(BUDGET_GZIP) },
]);
if (gzip > BUDGET_GZIP) {
  console.error(`over budget by ${kb(gzip - BUDGET_GZIP)} gzip`);
  process.exit(1);
}
