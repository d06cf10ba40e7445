// Bundles the React example with esbuild, in memory, once per process: React, @ca/react and the widget sources
// (its language chunks split out). Served by the demo ATS under /react/assets/.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

let built: Promise<Map<string, Uint8Array>> | undefined;

export function reactExampleFiles(): Promise<Map<string, Uint8Array>> {
  built ??= build({
    entryPoints: { example: fileURLToPath(new URL('./example.ts', import.meta.url)) },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    outdir: '/out',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  }).then((r) => new Map(r.outputFiles.map((f) => [f.path.slice('/out/'.length), f.contents])));
  return built;
}
