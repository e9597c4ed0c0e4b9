// Latency aggregation throughput: 1M span durations through the exact aggregator, the sketch, and the
// per-(service, operation) statistics, as spans per second (goal ≥ 1M/s), with a plain sort as the baseline.
import { performance } from 'node:perf_hooks';
import { DurationAggregator } from '../../src/core/stats/durationAggregator';
import { DurationSketch } from '../../src/core/stats/durationSketch';
import { computeOperationStats, type SpanTiming } from '../../src/core/stats/operationStats';
import { percentile } from '../../src/core/stats/percentiles';
import { median, seededRandom } from './timing';

export const title = 'Stats: aggregating 1M span durations';

const N = 1_000_000;

function logNormalDurations(n: number, seed: number): Float64Array {
  const r = seededRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
    out[i] = Math.exp(Math.log(20_000) + 1.2 * z);
  }
  return out;
}

function rate(fn: () => unknown, rounds = 5): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return N / (median(times) / 1000);
}

function perSecond(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M spans/s` : `${Math.round(n / 1000)}k spans/s`;
}

export async function run(): Promise<string[]> {
  const durations = logNormalDurations(N, 1);
  const services = ['api-gateway', 'orders', 'billing', 'customers', 'inventory'];
  const spans: SpanTiming[] = Array.from(durations, (d, i) => ({
    service: services[i % services.length]!,
    name: `op-${i % 40}`,
    startTimeUs: i,
    durationUs: d,
    error: i % 97 === 0,
  }));

  const sortOnly = rate(() => Float64Array.from(durations).sort());
  const exact = rate(() => {
    const agg = new DurationAggregator();
    agg.addAll(durations);
    return agg.summarize();
  });
  const sketch = rate(() => {
    const s = new DurationSketch(0.005);
    for (let i = 0; i < N; i++) s.add(durations[i]!);
    return [s.quantile(0.5), s.quantile(0.95), s.quantile(0.99)];
  });
  const perOperation = rate(() => computeOperationStats(spans, { startUs: 0, endUs: N }), 3);

  const sorted = Float64Array.from(durations).sort();
  const s = new DurationSketch(0.005);
  for (let i = 0; i < N; i++) s.add(durations[i]!);
  const worst = Math.max(...[0.5, 0.95, 0.99].map((q) => Math.abs(s.quantile(q) - percentile(sorted, q)) / percentile(sorted, q)));

  return [
    `baseline (copy + Float64Array sort):        ${perSecond(sortOnly)}`,
    `exact aggregator (add + p50/p95/p99/max):   ${perSecond(exact)} (${(exact / sortOnly).toFixed(2)}× the baseline rate)`,
    `sketch (α = 0.5%, add + 3 quantiles):       ${perSecond(sketch)}; worst relative error at p50/p95/p99 ${(worst * 100).toFixed(3)}%`,
    `computeOperationStats (5 services × 40 ops): ${perSecond(perOperation)} (goal ≥ 1M spans/s)`,
  ];
}
