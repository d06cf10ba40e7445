// Percentiles and rates for the bench tables.

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function summary(xs: ArrayLike<number>): { n: number; p50: number; p99: number; max: number } {
  const s = Float64Array.from(xs).sort();
  return { n: s.length, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), max: round(s.length ? s[s.length - 1]! : NaN) };
}

export const round = (x: number, digits = 2) => (Number.isFinite(x) ? +x.toFixed(digits) : x);
export const ratio = (x: number, floor: number) => round(x / floor, 2);
