#!/usr/bin/env node
// `npx -y pnpm@10 ca <command>`: the operator CLI (packages/cli), run from its TypeScript sources with tsx.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { register } = await import('tsx/esm/api');
register();
await import(join(root, 'packages/cli/src/main.ts'));
