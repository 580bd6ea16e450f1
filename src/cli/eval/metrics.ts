/**
 * Average precision of one ranking: `relevant[i]` says whether the i-th ranked item is correct.
 *
 * @example averagePrecision([false, true, true]) === (1/2 + 2/3) / 2
 */
export function averagePrecision(relevant: boolean[]): number {
  let hits = 0;
  let sum = 0;
  relevant.forEach((r, i) => {
    if (r) {
      hits++;
      sum += hits / (i + 1);
    }
  });
  return hits ? sum / hits : 0;
}

/** Reciprocal rank of the first correct item, 0 when there is none. */
export function reciprocalRank(relevant: boolean[]): number {
  const i = relevant.indexOf(true);
  return i < 0 ? 0 : 1 / (i + 1);
}

/** The q-quantile (0..1) of numbers, by nearest rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
