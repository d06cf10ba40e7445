// Citations stay true: every `docs/<file>.md#<section>` cited in a comment or a document, and every relative link in
// a Markdown file, names a file and a heading that exist; and nothing refers to a document outside the repository
// (the team notebook it was built from is not part of what a newcomer receives).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.data', 'screenshots', 'coverage']);
const TEXT = /\.(ts|tsx|mts|cts|js|mjs|cjs|json|md|ya?ml|py|wsdl|xml|html|css|sh)$|^(run|Dockerfile)$/;

/** Every text file of the repository, relative to its root. */
function repoFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name) || (name.startsWith('.') && name !== '.ci')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...repoFiles(path));
    else if (TEXT.test(name) && name !== 'pnpm-lock.yaml') out.push(relative(ROOT, path));
  }
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

const anchorsCache = new Map<string, Set<string>>();
function anchors(file: string): Set<string> {
  let set = anchorsCache.get(file);
  if (!set) {
    set = new Set();
    const seen = new Map<string, number>();
    let fenced = false;
    for (const line of readFileSync(join(ROOT, file), 'utf8').split('\n')) {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
      if (!m) continue;
      const base = slug(m[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      set.add(n ? `${base}-${n}` : base);
    }
    anchorsCache.set(file, set);
  }
  return set;
}

/** Why `file#anchor` (relative to the root) does not resolve, or null. */
function broken(file: string, anchor: string | undefined): string | null {
  if (!existsSync(join(ROOT, file))) return `no file ${file}`;
  if (anchor && !anchors(file).has(anchor)) return `no heading #${anchor} in ${file}`;
  return null;
}

const files = repoFiles();
const THIS_FILE = relative(ROOT, fileURLToPath(import.meta.url));

describe('documents in the repository', () => {
  it('has its documents', () => {
    for (const doc of ['README.md', 'docs/architecture.md', 'docs/contracts.md', 'docs/operations.md', 'docs/testing.md', 'docs/api.md']) {
      expect(existsSync(join(ROOT, doc)), doc).toBe(true);
    }
    for (const vendor of ['pymetrics', 'mettl', 'berke', 'psi']) expect(existsSync(join(ROOT, `docs/vendors/${vendor}.md`)), vendor).toBe(true);
  });

  it('resolves every docs/…md#section cited anywhere', () => {
    const problems: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/(?<![\w/:.@-])docs\/([\w./-]+?\.md)(?:#([\w-]+))?/g)) {
        const why = broken(`docs/${m[1]}`, m[2]);
        if (why) problems.push(`${file}: docs/${m[1]}${m[2] ? `#${m[2]}` : ''}: ${why}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('resolves every relative link in a Markdown file', () => {
    const problems: string[] = [];
    for (const file of files.filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/\]\((?!https?:|mailto:)([^)\s#]*)(?:#([^)\s]+))?\)/g)) {
        const target = m[1] ? relative(ROOT, resolve(ROOT, dirname(file), m[1])) : file;
        if (m[1] && !m[1].endsWith('.md')) {
          if (!existsSync(join(ROOT, target))) problems.push(`${file}: ${m[1]}: no such file`);
          continue;
        }
        const why = broken(target, m[2]);
        if (why) problems.push(`${file}: (${m[0]}): ${why}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('refers to no document outside the repository', () => {
    // Built from parts so that this file does not match itself.
    const outside = new RegExp(['DESIGN\\.md', 'VENDOR[-]NOTES', 'STYLE\\.md', 'seeds?[ -]?0\\d\\d', 'shared[/]seeds', '\\.\\./shared/', '/work/shared'].join('|'), 'i');
    const problems = files
      .filter((f) => f !== THIS_FILE)
      .flatMap((file) =>
        readFileSync(join(ROOT, file), 'utf8')
          .split('\n')
          .flatMap((line, i) => (outside.test(line) ? [`${file}:${i + 1}: ${line.trim().slice(0, 160)}`] : [])),
      );
    expect(problems).toEqual([]);
  });
});
