// The widget's byte budget as a test, so it stays true: the core (English only) at most 14 KB gzip, every
// language or recruiter chunk at most 1.5 KB gzip, measured on the build the test set-up just made.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script of the widget package, without type declarations.
import { CORE_BUDGET_GZIP, measureWidget } from '../packages/widget/scripts/size.mjs';

interface Sizes {
  core: { gzip: number };
  languages: { lang: string; file: string; gzip: number }[];
  overBudget: string[];
}

describe('widget bundle budget', () => {
  const m = measureWidget() as Sizes;

  it('keeps the core at or under 14 KB gzip', () => {
    expect(CORE_BUDGET_GZIP).toBe(14 * 1024);
    expect(m.core.gzip).toBeLessThanOrEqual(CORE_BUDGET_GZIP);
  });

  it('ships every language as its own chunk, each at or under 1.5 KB gzip', () => {
    expect(m.languages.map((l) => l.lang).filter((l) => l !== 'acts').sort()).toEqual(['ar', 'de', 'es', 'fr', 'hi']);
    for (const l of m.languages) expect(l.gzip, l.file).toBeLessThanOrEqual(1.5 * 1024);
    expect(m.overBudget).toEqual([]);
  });
});
