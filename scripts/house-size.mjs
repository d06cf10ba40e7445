#!/usr/bin/env node
// The house's size yardstick (docs/architecture.md, "Small named parts"): no hand-written source file over 400 lines and
// no function over 120. Lists every file and function past it, and the ten largest files; exits 1 when any is past it.
// Tests, generated code (packages/client/src/schema.ts) and fixtures are left out.
//   node scripts/house-size.mjs [--top N]
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
export const MAX_FILE_LINES = 400;
export const MAX_FUNCTION_LINES = 120;
const GENERATED = new Set(['packages/client/src/schema.ts']);
const SOURCE = /\.(ts|mts|mjs|js)$/;
const SKIP = /(\.test\.ts|\.d\.mts|\.d\.ts)$/;

/** Hand-written source files of the workspace packages, the demo and the scripts (tests and generated code left out). */
export function sourceFiles() {
  const out = [];
  for (const top of ['packages', 'demo', 'scripts']) {
    for (const entry of readdirSync(join(root, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = relative(root, join(entry.parentPath ?? entry.path, entry.name));
      if (/node_modules|\/dist\/|\/fixtures\//.test(path) || !SOURCE.test(path) || SKIP.test(path) || GENERATED.has(path)) continue;
      out.push(path);
    }
  }
  return out.sort();
}

/** `{ name, line, lines }` of every function, method, arrow function and class member in `path` longer than `max` lines. */
export function longFunctions(path, max = MAX_FUNCTION_LINES) {
  const text = readFileSync(join(root, path), 'utf8');
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const lineOf = (pos) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const lines = lineOf(node.getEnd()) - lineOf(node.getStart(sf)) + 1;
      if (lines > max) found.push({ name: nameOf(node), line: lineOf(node.getStart(sf)), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function nameOf(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isCallExpression(parent)) return `callback of ${parent.expression.getText().slice(0, 40)}`;
  return '(anonymous)';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 10;
  const sized = sourceFiles().map((path) => ({ path, lines: readFileSync(join(root, path), 'utf8').split('\n').length - 1 }));
  sized.sort((a, b) => b.lines - a.lines);
  console.log(`largest ${top} source files:`);
  for (const f of sized.slice(0, top)) console.log(`  ${String(f.lines).padStart(5)}  ${f.path}`);
  const bigFiles = sized.filter((f) => f.lines > MAX_FILE_LINES);
  const bigFunctions = sized.flatMap((f) => longFunctions(f.path).map((fn) => ({ ...fn, path: f.path })));
  for (const f of bigFiles) console.log(`file over ${MAX_FILE_LINES} lines: ${f.path} (${f.lines})`);
  for (const fn of bigFunctions) console.log(`function over ${MAX_FUNCTION_LINES} lines: ${fn.path}:${fn.line} ${fn.name} (${fn.lines})`);
  console.log(bigFiles.length + bigFunctions.length === 0 ? 'within the yardstick' : `${bigFiles.length} files and ${bigFunctions.length} functions past the yardstick`);
  process.exit(bigFiles.length + bigFunctions.length === 0 ? 0 : 1);
}
