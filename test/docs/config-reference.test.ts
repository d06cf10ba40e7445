// The configuration reference in docs/operations.md is generated from the config schemas: this fails when a schema
// changed and the committed reference was not regenerated (npx -y pnpm@10 exec tsx scripts/config-reference.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC, renderConfigReference, withReference } from '../../scripts/config-reference.js';

describe('configuration reference in docs/operations.md', () => {
  it('matches a fresh rendering of the config schemas', () => {
    const committed = readFileSync(DOC, 'utf8');
    expect(withReference(committed, renderConfigReference())).toBe(committed);
  });

  it('has a description for every field of every schema', () => {
    // renderConfigReference throws naming the field when a description is missing or names no field.
    expect(renderConfigReference()).toContain('`publicUrl`');
  });
});
