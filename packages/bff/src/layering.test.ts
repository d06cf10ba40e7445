// Keeps packages/bff/src layered as docs/architecture.md#layers describes: reads every non-test source file, resolves
// its relative imports and fails naming the file and the import that goes against the table below. Type-only imports
// count: a type is a dependency too. Never imports the code it checks.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));
const TEST_KIT = resolve(SRC, '../testing');

/** Where a file sits: a part of the table. Top-level files are named one by one; a folder is its own part. */
const FOUNDATION_FILES = ['errors.ts', 'metrics.ts', 'config.ts', 'config-errors.ts', 'html.ts'];
const ROOT_FILES = ['app.ts', 'runtime.ts', 'server.ts', 'index.ts'];
const SERVICES = ['orders', 'deliveries', 'links', 'privacy', 'events', 'webhooks', 'jobs', 'auth', 'health'];

/**
 * What each part may import, lowest first. An entry is a part, or one file (`auth/tickets.ts`) where a part may use
 * only that file of another. `*` is every part.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: ['core'],
  foundation: ['core', 'foundation'],
  store: ['core', 'foundation', 'store'],
  // The vendors see only the port: a vendor folder imports its own files and vendors/*.ts (checked below).
  vendors: ['core', 'vendors'],
  'vendor-host': ['core', 'foundation', 'store', 'vendor-host', 'vendors/registry.ts', 'vendors/outbound.ts', 'auth/tickets.ts'],
  ...Object.fromEntries(SERVICES.map((s) => [s, ['core', 'foundation', 'store', 'vendor-host', ...SERVICES]])),
  routes: ['core', 'foundation', 'vendor-host', ...SERVICES, 'routes'],
  root: ['*'],
};

/** Parts another part may import types from, never values. */
const TYPES_ONLY: Record<string, readonly string[]> = {
  // The vendor host turns an order row into the vendors' view of it, and never touches the database.
  'vendor-host': ['store'],
};

/** Imports a part never makes although its layer would allow them. */
const NEVER: Record<string, readonly string[]> = {
  // The order writer knows nothing of who listens (SSE, ATS webhooks) or of the queues that drive it.
  orders: ['jobs', 'webhooks', 'events'],
};

function partOf(file: string): string | null {
  const [head, ...rest] = file.split('/');
  if (rest.length === 0) {
    if (FOUNDATION_FILES.includes(head!)) return 'foundation';
    if (ROOT_FILES.includes(head!)) return 'root';
    return null;
  }
  if (head === 'core' || head === 'store' || head === 'vendors' || head === 'vendor-host' || head === 'routes') return head;
  return SERVICES.includes(head!) ? head! : null;
}

const SOURCE = /\.(ts|mts|mjs)$/;
const isTest = (f: string) => /\.test\.ts$/.test(f);

function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(sep).join('/'))
    .filter((f) => SOURCE.test(f) && !isTest(f))
    .sort();
}

/** Every module specifier of a file's static imports, re-exports, side-effect imports and dynamic imports. */
function importsOf(text: string): { spec: string; typeOnly: boolean }[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const found = new Map<string, boolean>();
  for (const m of code.matchAll(/(?:\b(import|export)(\s+type)?\b[^;'"]*?\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g)) {
    const spec = m[3]!;
    found.set(spec, (found.get(spec) ?? true) && m[2] !== undefined);
  }
  return [...found].map(([spec, typeOnly]) => ({ spec, typeOnly }));
}

/** A relative import as a path inside src (`store/orders.ts`), or the absolute path when it leaves src. */
function target(file: string, spec: string): { inSrc: boolean; path: string } {
  const abs = resolve(SRC, dirname(file), spec).replace(/\.js$/, '.ts');
  const rel = relative(SRC, abs).split(sep).join('/');
  return rel.startsWith('..') ? { inSrc: false, path: abs } : { inSrc: true, path: rel };
}

function allowed(from: string, fromPart: string, to: string, toPart: string): boolean {
  if ((NEVER[fromPart] ?? []).includes(toPart)) return false;
  // One vendor's folder never reaches into another's; vendors/*.ts (registry, config, outbound) serve them all.
  if (fromPart === 'vendors' && toPart === 'vendors') {
    const own = from.split('/')[1]!;
    const other = to.split('/');
    return from.split('/').length === 2 || other.length === 2 || other[1] === own;
  }
  const may = MAY_IMPORT[fromPart]!;
  return may.includes('*') || may.includes(toPart) || may.includes(to);
}

/** Every import of packages/bff/src that goes against the table, as one line each. */
function layeringViolations(files = sourceFiles(), read = (f: string) => readFileSync(join(SRC, f), 'utf8')): string[] {
  const out: string[] = [];
  for (const file of files) {
    const fromPart = partOf(file);
    if (/(^|\/)(testing\/|testing\.ts$|test-[^/]+\.ts$)/.test(file)) {
      out.push(`${file}: a test helper in src: it belongs in the test kit, packages/bff/testing/`);
      continue;
    }
    if (!fromPart) {
      out.push(`${file}: not in the layering table (packages/bff/src/layering.test.ts): add its folder or file to a layer`);
      continue;
    }
    for (const { spec, typeOnly } of importsOf(read(file))) {
      if (spec === '@ca/bff/testing' || spec.startsWith('@ca/bff/testing/') || spec === '@ca/bff/conformance') {
        out.push(`${file} imports '${spec}': the test kit is for tests; nothing in src imports it`);
        continue;
      }
      if (!spec.startsWith('.')) continue;
      const t = target(file, spec);
      if (!t.inSrc) {
        const why = t.path === TEST_KIT || t.path.startsWith(TEST_KIT + sep) ? 'the test kit (packages/bff/testing/) is for tests; nothing in src imports it' : 'it leaves packages/bff/src';
        out.push(`${file} imports '${spec}': ${why}`);
        continue;
      }
      const toPart = partOf(t.path);
      if (!toPart) {
        out.push(`${file} imports '${spec}' (${t.path}): not in the layering table`);
        continue;
      }
      if (toPart === fromPart && fromPart !== 'vendors') continue;
      if (!typeOnly && TYPES_ONLY[fromPart]?.includes(toPart)) {
        out.push(`${file} imports '${spec}' (${t.path}): ${fromPart} may import only types from ${toPart} (import type)`);
        continue;
      }
      if (!allowed(file, fromPart, t.path, toPart)) {
        const never = NEVER[fromPart]?.includes(toPart) ? `; ${fromPart}/ never imports ${NEVER[fromPart]!.join(', ')}` : '';
        out.push(`${file} imports '${spec}' (${t.path}): ${fromPart} may import only ${MAY_IMPORT[fromPart]!.join(', ')}${never}`);
      }
    }
  }
  return out;
}

describe('layering of packages/bff/src', () => {
  it('has no import against the layers', () => {
    const found = layeringViolations();
    expect(found, `Imports against the layering (docs/architecture.md#layers):\n  ${found.join('\n  ')}\n`).toEqual([]);
  });

  it('reads imports of every form and flags each kind of breach', () => {
    const files: Record<string, string> = {
      'orders/a.ts': "import type { X } from '../jobs/runner.js';\nexport { y } from\n  '../vendors/registry.js';",
      'auth/b.ts': "const m = await import('../routes/input.js'); // import '../store/db.js' in a comment is no import",
      'vendors/berke/c.ts': "import '../mettl/client.js';\nimport { p } from '../config.js';\nimport { q } from '../../store/db.js';",
      'routes/d.ts': "import { getOrder } from '../store/orders.js';\nimport { s } from '../orders/reads.js';",
      'vendor-host/e.ts': "import { t } from '../auth/tickets.js';\nimport { o } from '../auth/oauth.js';\nimport type { R } from '../store/orders.js';\nimport { getOrder } from '../store/order-lookups.js';",
      'store/f.ts': "import { h } from '../../testing/harness.js';",
      'newfolder/g.ts': '',
      'vendors/psi/test-receiver.ts': '',
    };
    const found = layeringViolations(Object.keys(files), (f) => files[f]!);
    expect(found.map((l) => l.split(/:? /)[0] + ' ' + (l.match(/'([^']+)'/)?.[1] ?? ''))).toEqual([
      "orders/a.ts ../jobs/runner.js",
      "orders/a.ts ../vendors/registry.js",
      "auth/b.ts ../routes/input.js",
      "vendors/berke/c.ts ../mettl/client.js",
      "vendors/berke/c.ts ../../store/db.js",
      "routes/d.ts ../store/orders.js",
      "vendor-host/e.ts ../auth/oauth.js",
      "vendor-host/e.ts ../store/order-lookups.js",
      "store/f.ts ../../testing/harness.js",
      'newfolder/g.ts ',
      'vendors/psi/test-receiver.ts ',
    ]);
  });
});
