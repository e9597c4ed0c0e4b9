// What a lens should say, computed again here from spans a test recorded itself (never through Span Lens's code),
// shared by the suites that run a sample service under a real SDK or agent.
/** Linear interpolation between closest ranks (rank = q·(n−1)), written here again on purpose. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** The lens's display rules for milliseconds. */
export function ms(value: number): string {
  if (value < 1) return `${Number(value.toFixed(2))} ms`;
  if (value < 1000) return `${Number(value.toFixed(value < 10 ? 1 : 0))} ms`;
  if (value < 60_000) return `${Number((value / 1000).toFixed(2))} s`;
  return `${Number((value / 60_000).toFixed(1))} min`;
}

export function errorText(errors: number, calls: number): string {
  const rate = errors / calls;
  return rate === 0 ? '0% errors' : rate * 100 < 0.1 ? '<0.1% errors' : `${Number((rate * 100).toFixed(rate * 100 < 10 ? 1 : 0))}% errors`;
}

/** The figures part of a lens title for these durations (milliseconds). */
export function figuresText(durationsMs: number[]): string {
  const n = durationsMs.length;
  return `p50 ${ms(quantile(durationsMs, 0.5))} · p95 ${ms(quantile(durationsMs, 0.95))} · p99 ${ms(quantile(durationsMs, 0.99))} · ${n} call${n === 1 ? '' : 's'}`;
}
