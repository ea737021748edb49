/**
 * Small statistics for the benchmarks: medians and nearest-rank percentiles over samples taken in one run.
 */

/** The median of `values` (0 for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The nearest-rank percentile `p` (0–100) of `values` (0 for none). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

/** `ours / baseline`, rounded to 3 decimals; `null` when the baseline is 0 (no meaningful ratio). */
export function ratio(ours: number, baseline: number): number | null {
  if (!(baseline > 0)) return null;
  return Math.round((ours / baseline) * 1000) / 1000;
}

/** Rounds to `digits` decimals, for the results file. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
