import * as assert from 'node:assert/strict';
import { percentile, summarizeSorted } from '../../../src/core/stats/percentiles';
import { DurationSketch } from '../../../src/core/stats/durationSketch';
import { DurationAggregator } from '../../../src/core/stats/durationAggregator';

/** Deterministic PRNG (mulberry32) so the random tests are the same every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-normal latencies in µs: median ~20 ms, long tail. */
function latencies(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u1 = Math.max(r(), 1e-12);
    const u2 = r();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    out[i] = Math.exp(Math.log(20_000) + 1.2 * z);
  }
  return out;
}

describe('percentile (numpy linear)', () => {
  it('interpolates between closest ranks at q·(n−1)', () => {
    const v = [10, 20, 30, 40];
    assert.equal(percentile(v, 0), 10);
    assert.equal(percentile(v, 1), 40);
    assert.equal(percentile(v, 0.5), 25); // rank 1.5
    assert.ok(Math.abs(percentile(v, 0.95) - 38.5) < 1e-12); // rank 2.85 → 30 + 0.85·10
    assert.ok(Math.abs(percentile(v, 0.99) - 39.7) < 1e-12); // rank 2.97
    assert.ok(Math.abs(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) - 9.1) < 1e-12); // rank 8.1
    assert.equal(percentile([7], 0.99), 7);
    assert.ok(Number.isNaN(percentile([], 0.5)));
    assert.throws(() => percentile(v, 1.5), RangeError);
  });

  it('matches the fixture values of PetClinic executeQuery spans worked by hand', () => {
    // customers-service HikariProxyPreparedStatement.executeQuery durations (µs) from
    // petclinic_spanAmongEachOtherGroupedAndSpans, sorted.
    const sorted = [14, 14, 15, 15, 15, 17, 19, 19, 20, 31, 40, 40, 40, 46];
    // n = 14: p50 rank 6.5 → (19+19)/2; p95 rank 12.35 → 40 + 0.35·6; p99 rank 12.87 → 40 + 0.87·6
    const s = summarizeSorted(sorted);
    assert.equal(s.count, 14);
    assert.equal(s.p50, 19);
    assert.ok(Math.abs(s.p95 - 42.1) < 1e-9);
    assert.ok(Math.abs(s.p99 - 45.22) < 1e-9);
    assert.equal(s.min, 14);
    assert.equal(s.max, 46);
    assert.ok(Math.abs(s.mean - 345 / 14) < 1e-9);
    assert.equal(s.exact, true);
  });
});

describe('DurationSketch', () => {
  it('stays within 1% relative error of the exact percentiles on random data', () => {
    const values = latencies(200_000, 42);
    const sketch = new DurationSketch(0.005);
    for (const v of values) sketch.add(v);
    const sorted = Float64Array.from(values).sort();
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999]) {
      const exact = percentile(sorted, q);
      const approx = sketch.quantile(q);
      const err = Math.abs(approx - exact) / exact;
      assert.ok(err < 0.01, `q=${q}: exact ${exact}, sketch ${approx}, error ${(err * 100).toFixed(3)}%`);
    }
    assert.equal(sketch.count, 200_000);
    assert.equal(sketch.max, sorted[sorted.length - 1]);
    assert.equal(sketch.min, sorted[0]);
  });

  it('counts zero-length spans exactly and answers NaN when empty', () => {
    const s = new DurationSketch();
    assert.ok(Number.isNaN(s.quantile(0.5)));
    for (let i = 0; i < 3; i++) s.add(0);
    s.add(100);
    assert.equal(s.quantile(0), 0);
    assert.equal(s.quantile(0.5), 0);
    assert.ok(Math.abs(s.quantile(1) - 100) <= 0.5);
  });
});

describe('DurationAggregator', () => {
  it('is exact below its limit', () => {
    const agg = new DurationAggregator();
    agg.addAll([40, 10, 30, 20, NaN]);
    const s = agg.summarize();
    assert.equal(agg.approximate, false);
    assert.deepEqual(s, { count: 4, min: 10, max: 40, mean: 25, p50: 25, p95: percentile([10, 20, 30, 40], 0.95), p99: percentile([10, 20, 30, 40], 0.99), exact: true });
    // Adding after a summary still works (the values were sorted in place).
    agg.add(50);
    assert.equal(agg.summarize().p50, 30);
  });

  it('moves to the sketch past its limit and keeps percentiles within 1%', () => {
    const values = latencies(50_000, 7);
    const agg = new DurationAggregator({ exactLimit: 10_000 });
    agg.addAll(values);
    assert.equal(agg.approximate, true);
    const s = agg.summarize();
    const sorted = Float64Array.from(values).sort();
    assert.equal(s.count, 50_000);
    assert.equal(s.exact, false);
    for (const [q, v] of [[0.5, s.p50], [0.95, s.p95], [0.99, s.p99]] as const) {
      const exact = percentile(sorted, q);
      assert.ok(Math.abs(v - exact) / exact < 0.01, `q=${q}`);
    }
    assert.equal(s.max, sorted[sorted.length - 1]);
  });
});
