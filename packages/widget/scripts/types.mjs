// Writes the package's type declarations to dist/types/: tsc's declarations of the two entries (index.ts,
// candidate-assessment.ts), where the wire types the widget takes from @ca/shared (a private workspace package of
// zod schemas) are written out structurally in dist/types/wire.d.ts, so the declarations need only `lit`.
//   node packages/widget/scripts/types.mjs
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const PKG = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(PKG, 'dist/types');
/** @ca/shared's browser entry (a development dependency), where the wire types are declared. */
const SHARED = fileURLToPath(import.meta.resolve('@ca/shared'));

const base = ts.parseJsonConfigFileContent(ts.readConfigFile(join(PKG, '../../tsconfig.base.json'), ts.sys.readFile).config, ts.sys, PKG).options;

function fail(diagnostics) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => PKG, getNewLine: () => '\n' };
  throw new Error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
}

/**
 * tsc's declarations of the entries and everything they import from the widget's own sources. Type errors in the
 * sources are `pnpm typecheck`'s to report; this fails only when a declaration cannot be written.
 */
function emitDeclarations() {
  const options = { ...base, declaration: true, emitDeclarationOnly: true, noEmit: false, outDir: OUT, rootDir: join(PKG, 'src'), types: [] };
  const program = ts.createProgram([join(PKG, 'src/index.ts'), join(PKG, 'src/candidate-assessment.ts')], options);
  const { diagnostics } = program.emit();
  if (diagnostics.length) fail(diagnostics);
}

/** `export type Order = { … }` for each name: the type the zod schema infers, written out in full. */
function wireTypes(names) {
  const program = ts.createProgram([SHARED], { ...base, types: [] });
  const checker = program.getTypeChecker();
  const exported = new Map(checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(SHARED))).map((s) => [s.name, s]));
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;
  const lines = ['// The wire types of the candidate-assessment HTTP API that the element uses (docs/contracts.md#http-api).', ''];
  for (const name of [...names].sort()) {
    let symbol = exported.get(name);
    if (!symbol) throw new Error(`@ca/shared does not export ${name}`);
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const text = checker.typeToString(checker.getDeclaredTypeOfSymbol(symbol), undefined, flags);
    if (/\bimport\(|\bz\.|\bany\b/.test(text)) throw new Error(`${name} does not write out structurally: ${text.slice(0, 200)}`);
    lines.push(`export type ${name} = ${text};`);
  }
  return `${lines.join('\n')}\n`;
}

const files = (dir) => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
emitDeclarations();
const IMPORT = /import type \{([^}]+)\} from '@ca\/shared';/g;
const names = new Set();
for (const f of files(OUT)) for (const m of readFileSync(f, 'utf8').matchAll(IMPORT)) for (const n of m[1].split(',')) names.add(n.trim());
writeFileSync(join(OUT, 'wire.d.ts'), wireTypes(names));
for (const f of files(OUT)) {
  const text = readFileSync(f, 'utf8');
  let rel = relative(dirname(f), join(OUT, 'wire.js'));
  if (!rel.startsWith('.')) rel = `./${rel}`;
  const next = text.replace(IMPORT, (_m, list) => `import type {${list}} from '${rel}';`);
  if (/@ca\//.test(next)) throw new Error(`${relative(OUT, f)} still refers to a workspace package`);
  if (next !== text) writeFileSync(f, next);
}
console.log(`wrote ${relative(process.cwd(), OUT)} (${names.size} wire types)`);
