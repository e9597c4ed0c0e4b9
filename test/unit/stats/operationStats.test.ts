import * as assert from 'node:assert/strict';
import { computeOperationStats, type SpanTiming } from '../../../src/core/stats/operationStats';

const MIN = 60e6; // µs per minute

function span(service: string, name: string, startMin: number, durationMs: number, error = false): SpanTiming {
  return { service, name, startTimeUs: startMin * MIN, durationUs: durationMs * 1000, error };
}

describe('computeOperationStats', () => {
  const window = { startUs: 0, endUs: 10 * MIN };

  it('computes count, percentiles, max, mean, error rate and throughput per (service, operation)', () => {
    const spans = [
      span('orders', 'create', 1, 10),
      span('orders', 'create', 2, 20, true),
      span('orders', 'create', 3, 30),
      span('orders', 'create', 4, 40),
      span('orders', 'list', 5, 5),
      span('billing', 'create', 6, 100),
      span('orders', 'create', 11, 1000), // after the window
    ];
    const stats = computeOperationStats(spans, window);
    assert.deepEqual(
      stats.map((s) => [s.service, s.operation, s.count]),
      [
        ['billing', 'create', 1],
        ['orders', 'create', 4],
        ['orders', 'list', 1],
      ],
    );
    const create = stats[1]!;
    assert.equal(create.p50Ms, 25);
    assert.ok(Math.abs(create.p95Ms - 38.5) < 1e-9);
    assert.ok(Math.abs(create.p99Ms - 39.7) < 1e-9);
    assert.equal(create.maxMs, 40);
    assert.equal(create.meanMs, 25);
    assert.equal(create.errorCount, 1);
    assert.equal(create.errorRate, 0.25);
    assert.equal(create.throughputPerMin, 0.4); // 4 calls / 10 min
    assert.equal(create.exact, true);
    assert.equal(create.change, undefined);
  });

  it('compares with the previous window', () => {
    const current = [span('orders', 'create', 1, 10), span('orders', 'create', 2, 30), span('orders', 'new', 3, 1)];
    const previous = [span('orders', 'create', -5, 10), span('orders', 'create', -4, 10), span('orders', 'create', -3, 20)];
    const stats = computeOperationStats(current, { ...window, previous });
    const create = stats.find((s) => s.operation === 'create')!;
    // current p95: rank 0.95 of [10, 30] → 29 ms; previous p95: rank 1.9 of [10, 10, 20] → 19 ms
    assert.ok(Math.abs(create.p95Ms - 29) < 1e-9);
    assert.equal(create.change?.previousCount, 3);
    assert.equal(create.change?.countDelta, -1);
    assert.ok(Math.abs(create.change!.previousP95Ms! - 19) < 1e-9);
    assert.ok(Math.abs(create.change!.p95DeltaPct! - ((29 - 19) / 19) * 100) < 1e-9);
    const fresh = stats.find((s) => s.operation === 'new')!;
    assert.deepEqual(fresh.change, { previousCount: 0, countDelta: 1, previousP95Ms: null, p95DeltaPct: null });
  });

  it('returns nothing for no spans', () => {
    assert.deepEqual(computeOperationStats([], window), []);
  });
});
