// Percentiles the way numpy computes them by default ('linear'): rank = q·(n−1), interpolated between the two
// closest ranks. Every figure Span Lens shows uses this one definition, so the lens, the CLI and tests agree.

/**
 * The q-quantile (0 ≤ q ≤ 1) of ascending `sorted` values; NaN for an empty input.
 * Example: [10, 20, 30, 40] at q = 0.5 → rank 1.5 → 25.
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`percentile: q must be within [0, 1], got ${q}`);
  const rank = q * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

/** The figures every latency view needs, in the unit of the input. */
export interface DurationSummary {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** False when the percentiles come from a sketch (relative error ≤ its stated accuracy). */
  readonly exact: boolean;
}

/** Summary of ascending `sorted` values (count 0 → NaN figures). */
export function summarizeSorted(sorted: ArrayLike<number>): DurationSummary {
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return {
    count: n,
    min: n ? sorted[0]! : NaN,
    max: n ? sorted[n - 1]! : NaN,
    mean: n ? sum / n : NaN,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    exact: true,
  };
}
