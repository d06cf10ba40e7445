// `npx tsx scripts/config-schema.ts`: writes packages/bff/config.schema.json, the JSON Schema of the BFF's config file,
// from the zod schema the BFF parses with (configJsonSchema). packages/bff/src/config-strict.test.ts fails when it is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema } from '../packages/bff/src/config.js';

const file = join(import.meta.dirname, '../packages/bff/config.schema.json');
writeFileSync(file, JSON.stringify(configJsonSchema(), null, 2) + '\n');
process.stdout.write(`wrote ${file}\n`);
