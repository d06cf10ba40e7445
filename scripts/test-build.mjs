// The BFF and the CLI built once for the tests' child processes. Each `node scripts/bff.mjs` or `node scripts/ca.mjs` a
// test starts loaded the TypeScript sources through tsx (about 1.8 s of CPU each, some 60 in a run); from one bundle
// made by esbuild (tsx's own transpiler) the same start takes about half that. Only the tests use it: the
// configuration sets CA_TEST_BUILD_DIR, which reaches every process a test spawns, and the two scripts run the bundle
// only when it was made from the sources as they are now (`builtEntry` hashes them at every start, a few milliseconds,
// and builds again when one changed); outside the tests they load the sources through tsx, as before. The shipped CLI and the compiled BFF are what the
// packaging and deploy tests (test/e2e/packages.test.ts, test/deploy/) build and run.
//
// Each module keeps its own `import.meta.url` (rewritten to the source file's URL), so what the code finds beside
// itself (store/pglite-worker.mjs and pglite-init.mjs, the widget bundle, the WSDL) is found where it is in the
// workspace. Packages from node_modules are not bundled: they are imported from the files Node resolves them to.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The entries a test's child process runs: the BFF command and the CLI. */
const ENTRIES = { bff: 'packages/bff/src/server.ts', ca: 'packages/cli/src/main.ts' };
/** Files that decide the build besides the bundled modules: how the workspace packages resolve, and this script. */
const ALSO = ['scripts/test-build.mjs', 'tsconfig.json', 'pnpm-lock.yaml', ...['bff', 'cli', 'shared', 'sandboxes'].map((p) => `packages/${p}/package.json`)];

/** A hash of `files` (relative to the root), read with `read`; null when one is gone. */
function hashOf(files, read = (f) => readFileSync(join(ROOT, f))) {
  const hash = createHash('sha256');
  for (const f of files) {
    let text;
    try {
      text = read(f);
    } catch {
      return null;
    }
    hash.update(f).update('\0').update(text).update('\0');
  }
  return hash.digest('hex');
}

/** The build directory's manifest: the inputs of the last build and their hash; null when none. */
function manifest(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The bundled entry `name` (`bff` or `ca`) in `dir`, built again first when a source changed since the last build
 * (about a quarter of a second; loading the sources through tsx costs four times that): never an older build.
 */
export async function builtEntry(dir, name) {
  const current = () => {
    const m = manifest(dir);
    if (!m || hashOf(m.inputs) !== m.hash) return null;
    const file = join(dir, m.hash, `${name}.mjs`);
    return existsSync(file) ? file : null;
  };
  const file = current();
  if (file) return file;
  try {
    await ensureTestBuild(dir);
  } catch {
    return null; // a source that does not build: loaded through tsx, which reports what is wrong with it
  }
  return current();
}

/**
 * Builds the entries into `dir`. Written to a directory named by the hash of the sources as esbuild read them (not as
 * they are a moment later) and the manifest renamed into place last, so a reader never sees half a build; a source
 * changed while building makes the next start build again.
 */
export async function ensureTestBuild(dir) {
  mkdirSync(dir, { recursive: true });
  const esbuild = await import(pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('esbuild')).href);
  const tmp = join(dir, `tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const read = new Map(ALSO.map((f) => [f, readFileSync(join(ROOT, f))]));
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true, // the CLI loads a command's module only to run it: `ca help` does not load the BFF
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true, // beside the bundle: read only with --enable-source-maps
    metafile: true,
    logLevel: 'error',
    plugins: [workspaceOnly(read)],
  });
  const inputs = [...new Set([...Object.keys(result.metafile.inputs), ...ALSO])].sort();
  const hash = hashOf(inputs, (f) => {
    if (!read.has(f)) throw new Error(`${f}: bundled without being read by the test build's loader`);
    return read.get(f);
  });
  if (!hash) throw new Error('the test build could not hash what it bundled');
  const out = join(dir, hash);
  if (existsSync(out)) rmSync(tmp, { recursive: true, force: true }); // another process built the same sources first
  else renameSync(tmp, out);
  const file = join(dir, `manifest.${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ hash, inputs }));
  renameSync(file, join(dir, 'manifest.json'));
  // Builds of older sources (and any left half-made by a killed process), unless a run may still use them (one of the
  // last hour).
  for (const old of readdirSync(dir)) {
    const path = join(dir, old);
    if (/^([0-9a-f]{64}|tmp-\d+)$/.test(old) && old !== hash && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Bundles the workspace's own modules only, each with its `import.meta.url` (and `dirname`, `filename`) as its source
 * file's; anything from node_modules stays an import of the file Node resolves it to (esbuild's resolution, with Node's
 * conditions), so it is loaded once, as when run from the sources.
 */
const workspaceOnly = (read) => ({
  name: 'workspace-only',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('node:') || args.pluginData?.inner) return undefined;
      const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { inner: true } });
      if (r.errors.length) return { errors: r.errors };
      if (r.external || !isAbsolute(r.path)) return { path: args.path, external: true }; // Node's built-ins
      if (r.path.includes('/node_modules/')) return { path: pathToFileURL(r.path).href, external: true };
      return r;
    });
    build.onLoad({ filter: /\.(ts|mjs|js|json)$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const url = pathToFileURL(args.path).href;
      const text = readFileSync(args.path);
      read.set(relative(ROOT, args.path), text);
      if (args.path.endsWith('.json')) return { contents: text, loader: 'json' };
      const contents = text
        .toString('utf8')
        .replaceAll('import.meta.url', JSON.stringify(url))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path));
      return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js', resolveDir: dirname(args.path) };
    });
  },
});

/** Where the tests keep the build (CA_TEST_BUILD_DIR, set here), made or remade before the first test. */
export async function useTestBuild(root) {
  process.env.CA_TEST_BUILD_DIR ??= join(root, 'node_modules', '.cache', 'candidate-assessment', 'build');
  await builtEntry(process.env.CA_TEST_BUILD_DIR, 'bff');
}
