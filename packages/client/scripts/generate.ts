// Writes src/schema.ts: the types of the BFF's /openapi.json (built in-process from the same zod schemas the
// server validates with), by openapi-typescript. `npx -y pnpm@10 --filter @ca/client generate`.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generateSchema } from '../src/generate.js';

const out = fileURLToPath(new URL('../src/schema.ts', import.meta.url));
await writeFile(out, await generateSchema());
console.log(`wrote ${out}`);
