// Collects durations and summarizes them. Exact (a growable Float64Array, sorted once per summary) up to
// `exactLimit` values; past that it moves everything into a DurationSketch (relative error ≤ 0.5% by default) so
// memory stays bounded. Lens figures come from at most a few thousand sampled spans, so they are always exact;
// the sketch is for bulk work such as the CLI over large trace files.
import { DurationSketch } from './durationSketch';
import { type DurationSummary, summarizeSorted } from './percentiles';

export interface DurationAggregatorOptions {
  /** Values kept exactly before switching to the sketch (default 2,000,000 ≈ 16 MB). */
  readonly exactLimit?: number;
  /** The sketch's relative accuracy (default 0.005). */
  readonly relativeAccuracy?: number;
}

export const defaultExactLimit = 2_000_000;

export class DurationAggregator {
  private values: Float64Array;
  private n = 0;
  private sketch: DurationSketch | undefined;
  private readonly exactLimit: number;
  private readonly relativeAccuracy: number;

  constructor(options: DurationAggregatorOptions = {}) {
    this.exactLimit = options.exactLimit ?? defaultExactLimit;
    this.relativeAccuracy = options.relativeAccuracy ?? 0.005;
    this.values = new Float64Array(Math.min(64, Math.max(1, this.exactLimit)));
  }

  get count(): number {
    return this.sketch ? this.sketch.count : this.n;
  }

  /** True once the values went into the sketch. */
  get approximate(): boolean {
    return this.sketch !== undefined;
  }

  add(value: number): void {
    if (this.sketch) {
      this.sketch.add(value);
      return;
    }
    if (Number.isNaN(value)) return;
    if (this.n === this.values.length) {
      if (this.n >= this.exactLimit) {
        this.toSketch().add(value);
        return;
      }
      const next = new Float64Array(Math.min(this.values.length * 2, this.exactLimit));
      next.set(this.values);
      this.values = next;
    }
    this.values[this.n++] = value;
  }

  addAll(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.add(values[i]!);
  }

  private toSketch(): DurationSketch {
    const sketch = new DurationSketch(this.relativeAccuracy);
    for (let i = 0; i < this.n; i++) sketch.add(this.values[i]!);
    this.sketch = sketch;
    this.values = new Float64Array(0);
    this.n = 0;
    return sketch;
  }

  summarize(): DurationSummary {
    const s = this.sketch;
    if (s) {
      return { count: s.count, min: s.min, max: s.max, mean: s.mean, p50: s.quantile(0.5), p95: s.quantile(0.95), p99: s.quantile(0.99), exact: false };
    }
    // Sorting in place is fine: the order values arrived in carries no meaning.
    const used = this.values.subarray(0, this.n);
    used.sort();
    return summarizeSorted(used);
  }
}
