// "Did you mean": the known name closest to a misspelt one. Used for unknown config keys, by the BFF's own schema
// and by each vendor's block (docs/operations.md#configuration-reference).

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The known key closest to `key`, if it is close enough to be a typo (case, a letter or two, singular/plural). */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    const score = k.toLowerCase() === key.toLowerCase() ? 0 : distance(key.toLowerCase(), k.toLowerCase());
    if (score < bestScore) [best, bestScore] = [k, score];
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(key.length / 4)) ? best : undefined;
}

/** The sentence for an unknown key: with the likely intended key, or else the keys allowed there. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = didYouMean(key, known);
  if (guess) return `unknown key "${key}"; did you mean "${guess}"?`;
  return known.length ? `unknown key "${key}"; allowed here: ${known.join(', ')}` : `unknown key "${key}"`;
}

