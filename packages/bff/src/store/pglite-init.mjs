// Initialises a new embedded database in a process of its own, which then exits (store/pglite-thread.ts starts it).
// initdb grows PGlite's WebAssembly memory to about twice what an open database needs, and a process never gets that
// memory back while the memory's thread lives (docs/benchmarks.md#idle). Plain JavaScript, like pglite-worker.mjs:
// Node runs it without a TypeScript loader. Arguments: the data directory, then the template directory or ''.
import { createPglite } from './pglite-template.mjs';

const [dataDir, templateDir] = process.argv.slice(2);
const pg = await createPglite(dataDir, templateDir || undefined);
await pg.close();
