import * as assert from 'node:assert/strict';
import { LatencyProvider } from '../../../src/core/stats/latencyProvider';
import type { MetricsQuery, OperationInfo, OperationMetrics, SourceHealth, TraceQuery, TraceSource, TraceSummary } from '../../../src/core/sources/traceSource';
import type { Span, Trace } from '../../../src/core/model/trace';
import { SpanLensError } from '../../../src/core/errors';

const NOW_MS = 1_700_000_000_000;
const HOUR_MS = 3_600_000;

function span(traceId: string, spanId: string, service: string, name: string, startUs: number, durationUs: number, error = false): Span {
  return {
    traceId,
    spanId,
    parentSpanId: undefined,
    service,
    resource: [],
    name,
    kind: undefined,
    startTimeUs: startUs,
    durationUs,
    status: { code: 0 },
    error,
    attributes: [],
    events: [],
    links: [],
    orphan: false,
    warnings: [],
  };
}

/** An in-memory source that answers searches like Jaeger does (traces with a span of that service/operation). */
class MemorySource implements TraceSource {
  readonly description = 'memory';
  searches: TraceQuery[] = [];
  metricsCalls = 0;
  inFlight = 0;
  maxInFlight = 0;
  gate: Promise<void> | undefined;
  lastSignal: AbortSignal | undefined;
  metricsAnswer: ((q: MetricsQuery) => OperationMetrics[] | undefined) | undefined;
  operationMetrics?: (q: MetricsQuery, signal?: AbortSignal) => Promise<OperationMetrics[] | undefined>;

  constructor(readonly traces: Trace[]) {}

  withMetrics(answer: (q: MetricsQuery) => OperationMetrics[] | undefined): this {
    this.metricsAnswer = answer;
    this.operationMetrics = async (q) => {
      this.metricsCalls++;
      return this.metricsAnswer!(q);
    };
    return this;
  }
  async services(): Promise<string[]> {
    return [...new Set(this.traces.flatMap((t) => t.spans.map((s) => s.service)))];
  }
  async operations(service: string): Promise<OperationInfo[]> {
    const names = new Set(this.traces.flatMap((t) => t.spans.filter((s) => s.service === service).map((s) => s.name)));
    return [...names].map((name) => ({ name, spanKind: '' }));
  }
  async search(q: TraceQuery, signal?: AbortSignal): Promise<Trace[]> {
    this.searches.push(q);
    this.lastSignal = signal;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.gate) {
        await Promise.race([
          this.gate,
          new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new SpanLensError('cancelled', 'aborted')))),
        ]);
      }
      return this.traces
        .filter((t) => t.spans.some((s) => s.service === q.service && (!q.operation || s.name === q.operation) && s.startTimeUs >= q.startUs && s.startTimeUs <= q.endUs))
        .slice(0, q.limit);
    } finally {
      this.inFlight--;
    }
  }
  async searchSummaries(): Promise<TraceSummary[]> {
    return [];
  }
  async getTrace(): Promise<Trace> {
    throw new SpanLensError('not-found', 'no');
  }
  async health(): Promise<SourceHealth> {
    return { reachable: true, detail: 'memory' };
  }
}

const nowUs = NOW_MS * 1000;
function fixtureTraces(): Trace[] {
  const t = (id: string, spans: Span[]): Trace => ({ traceId: id, spans, warnings: [] });
  return [
    t('t1', [span('t1', 'a', 'orders', 'GET /orders/:id', nowUs - 60e6, 10_000), span('t1', 'b', 'orders', 'db.query', nowUs - 59e6, 2_000)]),
    t('t2', [span('t2', 'a', 'orders', 'GET /orders/:id', nowUs - 120e6, 20_000, true), span('t2', 'b', 'billing', 'GET /orders/:id', nowUs - 119e6, 999_000)]),
    t('t3', [span('t3', 'a', 'orders', 'GET /orders/:id', nowUs - 180e6, 30_000), span('t3', 'b', 'orders', 'GET /orders/:id', nowUs - 179e6, 40_000)]),
    t('t4', [span('t4', 'a', 'orders', 'orders.42', nowUs - 10e6, 5_000), span('t4', 'b', 'orders', 'orders.43', nowUs - 9e6, 7_000)]),
    // Outside the one-hour window.
    t('old', [span('old', 'a', 'orders', 'GET /orders/:id', nowUs - 2 * HOUR_MS * 1000, 1_000_000)]),
  ];
}

describe('LatencyProvider', () => {
  let clock = NOW_MS;
  const now = (): number => clock;
  beforeEach(() => {
    clock = NOW_MS;
  });

  it('computes figures from the spans of the service with the exact name, in the window, with one bounded search', async () => {
    const source = new MemorySource(fixtureTraces());
    const p = new LatencyProvider(source, { lookbackMs: HOUR_MS, now, maxTracesPerQuery: 500 });
    const s = await p.getStats('orders', [{ kind: 'exact', name: 'GET /orders/:id' }]);
    assert.deepEqual(source.searches, [{ service: 'orders', operation: 'GET /orders/:id', startUs: nowUs - HOUR_MS * 1000, endUs: nowUs, limit: 500 }]);
    assert.equal(s.count, 4);
    assert.equal(s.sampleSize, 4);
    assert.equal(s.source, 'traces');
    assert.equal(s.truncated, false);
    // [10, 20, 30, 40] ms
    assert.equal(s.p50Ms, 25);
    assert.ok(Math.abs(s.p95Ms! - 38.5) < 1e-9);
    assert.ok(Math.abs(s.p99Ms! - 39.7) < 1e-9);
    assert.equal(s.maxMs, 40);
    assert.equal(s.errorRate, 0.25);
    assert.equal(s.throughputPerMin, 4 / 60);
    assert.deepEqual(s.operations, ['GET /orders/:id']);
    assert.deepEqual(s.matchedBy, { kind: 'exact', name: 'GET /orders/:id' });
  });

  it('tries the matchers in order and reports the first that has data', async () => {
    const source = new MemorySource(fixtureTraces());
    const p = new LatencyProvider(source, { lookbackMs: HOUR_MS, now });
    const alt = { kind: 'pattern', regex: '^GET /orders/[^/]+$', display: 'GET /orders/{id}' } as const;
    const s = await p.getStats('orders', [{ kind: 'exact', name: 'GET /orders/{id}' }, alt]);
    assert.deepEqual(s.matchedBy, alt);
    assert.equal(s.count, 4);
    const none = await p.getStats('orders', [{ kind: 'exact', name: 'nothing' }]);
    assert.equal(none.count, 0);
    assert.equal(none.p95Ms, null);
    assert.equal(none.source, 'none');
  });

  it('expands a pattern to the matching operations of the service, capped', async () => {
    const source = new MemorySource(fixtureTraces());
    const p = new LatencyProvider(source, { lookbackMs: HOUR_MS, now });
    const s = await p.getStats('orders', [{ kind: 'pattern', regex: '^orders\\..+$', display: 'orders.{id}' }]);
    assert.deepEqual(s.operations, ['orders.42', 'orders.43']);
    assert.equal(s.count, 2);
    assert.equal(s.p50Ms, 6);
    const capped = new LatencyProvider(new MemorySource(fixtureTraces()), { lookbackMs: HOUR_MS, now, maxOperationsPerPattern: 1 });
    assert.deepEqual((await capped.getStats('orders', [{ kind: 'pattern', regex: '^orders\\..+$', display: 'x' }])).operations, ['orders.42']);
  });

  it('says when a search hit its limit', async () => {
    const source = new MemorySource(fixtureTraces());
    const p = new LatencyProvider(source, { lookbackMs: HOUR_MS, now, maxTracesPerQuery: 2 });
    const s = await p.getStats('orders', [{ kind: 'exact', name: 'GET /orders/:id' }]);
    assert.equal(s.truncated, true);
    assert.equal(s.count, 2);
  });

  it('caches per window, shares concurrent fetches, expires after the TTL and on invalidate', async () => {
    const source = new MemorySource(fixtureTraces());
    const p = new LatencyProvider(source, { lookbackMs: HOUR_MS, now, cacheTtlMs: 30_000 });
    const m = [{ kind: 'exact', name: 'GET /orders/:id' }] as const;
    await Promise.all([p.getStats('orders', m), p.getStats('orders', m), p.getStats('orders', m)]);
    assert.equal(source.searches.length, 1);
    clock += 20_000;
    await p.getStats('orders', m);
    assert.equal(source.searches.length, 1);
    clock += 20_000;
    await p.getStats('orders', m);
    assert.equal(source.searches.length, 2);
    p.invalidate();
    await p.getStats('orders', m);
    assert.equal(source.searches.length, 3);
  });

  it('aborts the shared fetch only when every caller has gone', async () => {
    const source = new MemorySource(fixtureTraces());
    let open!: () => void;
    source.gate = new Promise((r) => (open = r));
    const p = new LatencyProvider(source, { lookbackMs: HOUR_MS, now });
    const m = [{ kind: 'exact', name: 'GET /orders/:id' }] as const;
    const c1 = new AbortController();
    const c2 = new AbortController();
    const first = p.getStats('orders', m, c1.signal);
    const second = p.getStats('orders', m, c2.signal);
    await new Promise((r) => setImmediate(r));
    c1.abort();
    await assert.rejects(first, (e: unknown) => e instanceof SpanLensError && e.kind === 'cancelled');
    assert.equal(source.lastSignal?.aborted, false);
    open();
    assert.equal((await second).count, 4);

    source.gate = new Promise(() => undefined);
    p.invalidate();
    const c3 = new AbortController();
    const third = p.getStats('orders', m, c3.signal);
    await new Promise((r) => setImmediate(r));
    c3.abort();
    await assert.rejects(third, (e: unknown) => e instanceof SpanLensError && e.kind === 'cancelled');
    assert.equal(source.lastSignal?.aborted, true);
    // The aborted fetch is not cached: the next request searches again.
    source.gate = undefined;
    assert.equal((await p.getStats('orders', m)).count, 4);
  });

  it('keeps at most `concurrency` source requests in flight', async () => {
    const source = new MemorySource(fixtureTraces());
    let open!: () => void;
    source.gate = new Promise((r) => (open = r));
    const p = new LatencyProvider(source, { lookbackMs: HOUR_MS, now, concurrency: 2 });
    const names = ['a', 'b', 'c', 'd', 'e'];
    const all = Promise.all(names.map((n) => p.getStats('orders', [{ kind: 'exact', name: n }])));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(source.inFlight, 2);
    open();
    await all;
    assert.equal(source.maxInFlight, 2);
    assert.equal(source.searches.length, 5);
  });

  it('uses the metrics backend when it has exactly one matching operation', async () => {
    const source = new MemorySource(fixtureTraces()).withMetrics(() => [
      { service: 'orders', operation: 'GET /orders/:id', p50Ms: 11, p95Ms: 22, p99Ms: 33, callRate: 0.5, errorRate: 0.1 },
      { service: 'orders', operation: 'orders.42', p95Ms: 1, callRate: 1 },
      { service: 'orders', operation: 'orders.43', p95Ms: 1, callRate: 1 },
    ]);
    const p = new LatencyProvider(source, { lookbackMs: HOUR_MS, now });
    const s = await p.getStats('orders', [{ kind: 'exact', name: 'GET /orders/:id' }]);
    assert.equal(s.source, 'metrics');
    assert.equal(s.count, 1800); // 0.5/s over an hour
    assert.equal(s.sampleSize, null);
    assert.deepEqual([s.p50Ms, s.p95Ms, s.p99Ms, s.errorRate, s.throughputPerMin], [11, 22, 33, 0.1, 30]);
    assert.equal(source.searches.length, 0);
    // Two operations match the pattern: their percentiles cannot be merged, so traces are used.
    const pattern = await p.getStats('orders', [{ kind: 'pattern', regex: '^orders\\..+$', display: 'x' }]);
    assert.equal(pattern.source, 'traces');
    assert.equal(source.metricsCalls, 1);
  });

  it('falls back to traces for good when the source has no metrics backend', async () => {
    const source = new MemorySource(fixtureTraces()).withMetrics(() => undefined);
    const p = new LatencyProvider(source, { lookbackMs: HOUR_MS, now });
    const m = [{ kind: 'exact', name: 'GET /orders/:id' }] as const;
    assert.equal((await p.getStats('orders', m)).source, 'traces');
    assert.equal((await p.getStats('orders', [{ kind: 'exact', name: 'db.query' }])).source, 'traces');
    assert.equal(source.metricsCalls, 1);
  });

  it('reads all time for an infinite lookback and measures throughput over the spans', async () => {
    const source = new MemorySource(fixtureTraces()).withMetrics(() => []);
    const p = new LatencyProvider(source, { lookbackMs: Infinity, now });
    const s = await p.getStats('orders', [{ kind: 'exact', name: 'GET /orders/:id' }]);
    assert.equal(source.searches[0]!.startUs, 0);
    assert.equal(source.metricsCalls, 0);
    assert.equal(s.count, 5);
    assert.equal(s.maxMs, 1000);
    // From the old span's start (2 h ago) to the end of the newest one (1 min ago + 10 ms).
    const extentUs = 2 * HOUR_MS * 1000 - 60e6 + 10_000;
    assert.ok(Math.abs(s.throughputPerMin! - 5 / (extentUs / 60e6)) < 1e-9);
  });
});
