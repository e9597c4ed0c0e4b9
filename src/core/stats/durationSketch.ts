// A log-bucketed quantile sketch (the DDSketch idea): each positive value v falls in bucket ⌈log_γ v⌉ with
// γ = (1+α)/(1−α), and a bucket reports 2γ^i/(γ+1), which is within relative error α of every value in it.
// Memory is one counter per occupied bucket: microsecond durations from 1 µs to 1 hour at α = 0.5% need ~2,200.

export class DurationSketch {
  readonly relativeAccuracy: number;
  private readonly gamma: number;
  private readonly logGamma: number;
  /** Counts for bucket indexes offset…offset+counts.length−1. */
  private counts: Float64Array = new Float64Array(0);
  private offset = 0;
  private zeroCount = 0;
  private total = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;
  private sum = 0;

  constructor(relativeAccuracy = 0.005) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) throw new RangeError('relativeAccuracy must be within (0, 1)');
    this.relativeAccuracy = relativeAccuracy;
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.logGamma = Math.log(this.gamma);
  }

  get count(): number {
    return this.total;
  }
  get min(): number {
    return this.total ? this.minValue : NaN;
  }
  get max(): number {
    return this.total ? this.maxValue : NaN;
  }
  get mean(): number {
    return this.total ? this.sum / this.total : NaN;
  }

  /** Adds a value; values ≤ 0 (zero-length spans) are counted exactly as 0. NaN is ignored. */
  add(value: number): void {
    if (Number.isNaN(value)) return;
    this.total++;
    this.sum += value;
    if (value < this.minValue) this.minValue = value;
    if (value > this.maxValue) this.maxValue = value;
    if (value <= 0) {
      this.zeroCount++;
      return;
    }
    const index = Math.ceil(Math.log(value) / this.logGamma);
    let slot = index - this.offset;
    if (slot < 0 || slot >= this.counts.length) slot = this.grow(index);
    this.counts[slot]!++;
  }

  private grow(index: number): number {
    if (this.counts.length === 0) {
      this.offset = index - 64;
      this.counts = new Float64Array(128);
      return index - this.offset;
    }
    const lo = Math.min(this.offset, index - 64);
    const hi = Math.max(this.offset + this.counts.length, index + 64);
    const next = new Float64Array(hi - lo);
    next.set(this.counts, this.offset - lo);
    this.counts = next;
    this.offset = lo;
    return index - lo;
  }

  /** The value at 0-based rank r (ascending), as the sketch knows it. */
  private valueAtRank(r: number): number {
    if (r < this.zeroCount) return Math.min(0, this.minValue);
    let seen = this.zeroCount;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i]!;
      if (seen > r) {
        const estimate = (2 * Math.pow(this.gamma, i + this.offset)) / (this.gamma + 1);
        // The exact extremes are known; never report past them.
        return Math.min(Math.max(estimate, this.minValue), this.maxValue);
      }
    }
    return this.maxValue;
  }

  /** The q-quantile with the same rank rule as `percentile` (q·(n−1), linear between neighbours). */
  quantile(q: number): number {
    if (this.total === 0) return NaN;
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be within [0, 1], got ${q}`);
    const rank = q * (this.total - 1);
    const lo = Math.floor(rank);
    const a = this.valueAtRank(lo);
    if (rank === lo) return a;
    const b = this.valueAtRank(Math.min(lo + 1, this.total - 1));
    return a + (b - a) * (rank - lo);
  }
}
