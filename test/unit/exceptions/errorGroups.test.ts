import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Span, SpanEvent, Trace } from '../../../src/core/model/trace';
import { SpanStatusCode } from '../../../src/core/model/trace';
import { occurrencesOf } from '../../../src/core/exceptions/exceptionOccurrences';
import { groupOccurrences, occurrencesOfTraces } from '../../../src/core/exceptions/errorGroups';
import { ErrorGroupsProvider } from '../../../src/core/exceptions/errorGroupsProvider';
import { FileTraceSource } from '../../../src/core/sources/fileSource';
import type { TraceQuery, TraceSource } from '../../../src/core/sources/traceSource';
import { makeSpan, type SpanSpec } from '../../support/traceBuilder';

const repo = path.resolve(__dirname, '../../..');
const shopErrors = path.join(repo, 'test/fixtures/errors/shop-failing-checkout.v1envelope.json');
const pyStack = (inner: string, outer: string[] = []): string =>
  ['Traceback (most recent call last):', ...outer.map((f) => `  File "/app/orders/${f}.py", line 7, in ${f}`), '  File "/app/orders/validate.py", line 12, in check', inner, 'KeyError: \'BROKEN-1\''].join('\n');

function exceptionEvent(timeUs: number, type: string, message: string, stacktrace?: string, escaped?: boolean): SpanEvent {
  return {
    timeUs,
    name: 'exception',
    attributes: [
      { key: 'exception.type', type: 'string', value: type },
      { key: 'exception.message', type: 'string', value: message },
      ...(stacktrace ? [{ key: 'exception.stacktrace', type: 'string' as const, value: stacktrace }] : []),
      ...(escaped !== undefined ? [{ key: 'exception.escaped', type: 'bool' as const, value: escaped }] : []),
    ],
  };
}

function span(spec: SpanSpec, traceId: string, events: SpanEvent[] = [], statusMessage?: string): Span {
  const base = makeSpan(spec, traceId);
  return { ...base, events, ...(spec.error ? { status: { code: SpanStatusCode.ERROR, ...(statusMessage ? { message: statusMessage } : {}) } } : {}) };
}

function trace(traceId: string, spans: Span[]): Trace {
  return { traceId, spans: [...spans].sort((a, b) => a.startTimeUs - b.startTimeUs), warnings: [] };
}

describe('error groups', () => {
  describe('rethrow dedup', () => {
    it('counts the shop’s exception once per trace, on orders.validate, though orders.create recorded it again', async () => {
      const traces = await new FileTraceSource({ paths: [shopErrors] }).search({ service: 'orders', tags: { error: 'true' }, startUs: 0, endUs: Number.MAX_SAFE_INTEGER, limit: 100 });
      assert.equal(traces.length, 2);
      for (const t of traces) {
        const recorded = t.spans.filter((s) => s.events.some((e) => e.name === 'exception')).map((s) => s.name).sort();
        assert.deepEqual(recorded, ['orders.create', 'orders.validate'], 'the fixture has the exception on both spans');
        const exceptions = occurrencesOf(t).filter((o) => o.kind === 'exception');
        assert.deepEqual(exceptions.map((o) => [o.operation, o.type, o.message]), [['orders.validate', 'Error', 'SKU BROKEN-1 is discontinued']]);
      }
      const groups = await groupOccurrences(occurrencesOfTraces(traces));
      const thrown = groups.filter((g) => g.kind === 'exception');
      assert.equal(thrown.length, 1);
      assert.deepEqual([thrown[0]!.spanCount, thrown[0]!.traceCount, thrown[0]!.operations], [2, 2, [{ service: 'orders', operation: 'orders.validate', count: 2 }]]);
    });

    it('keeps a rethrow once even when each level’s traceback is longer (Python records it at every span it leaves)', () => {
      const t = trace('t1', [
        span({ id: 'root', service: 'orders', name: 'POST /orders', start: 0, duration: 100, error: true }, 't1', [exceptionEvent(90, 'KeyError', "'BROKEN-1'", pyStack('    x = stock[sku]', ['views', 'service']))]),
        span({ id: 'mid', parent: 'root', service: 'orders', name: 'service.create', start: 10, duration: 80, error: true }, 't1', [exceptionEvent(80, 'KeyError', "'BROKEN-1'", pyStack('    x = stock[sku]', ['service']))]),
        span({ id: 'leaf', parent: 'mid', service: 'orders', name: 'validate.check', start: 20, duration: 10, error: true }, 't1', [exceptionEvent(29, 'KeyError', "'BROKEN-1'", pyStack('    x = stock[sku]'))]),
      ]);
      assert.deepEqual(occurrencesOf(t).map((o) => [o.spanId, o.kind]), [['leaf', 'exception']]);
    });

    it('keeps the same exception on sibling spans (a loop that fails twice) and a different one on the parent', () => {
      const stackAt = (line: number): string => `Error: inventory refused\n    at reserve (/app/dist/orders.js:${line}:9)`;
      const t = trace('t2', [
        span({ id: 'root', name: 'orders.create', start: 0, duration: 100, error: true }, 't2', [exceptionEvent(95, 'AggregateError', 'two reservations failed', 'AggregateError: two reservations failed\n    at create (/app/dist/orders.js:40:11)')]),
        span({ id: 'a', parent: 'root', name: 'reserve', start: 10, duration: 5, error: true }, 't2', [exceptionEvent(14, 'Error', 'inventory refused', stackAt(12))]),
        span({ id: 'b', parent: 'root', name: 'reserve', start: 20, duration: 5, error: true }, 't2', [exceptionEvent(24, 'Error', 'inventory refused', stackAt(12))]),
      ]);
      assert.deepEqual(occurrencesOf(t).map((o) => o.spanId).sort(), ['a', 'b', 'root']);
    });

    it('does not merge a rethrow across traces or with an exception thrown elsewhere', () => {
      const at = (line: number): string => `Error: boom\n    at f (/app/dist/a.js:${line}:1)`;
      const t = trace('t3', [
        span({ id: 'p', name: 'outer', start: 0, duration: 10, error: true }, 't3', [exceptionEvent(9, 'Error', 'boom', at(1))]),
        span({ id: 'c', parent: 'p', name: 'inner', start: 1, duration: 5, error: true }, 't3', [exceptionEvent(5, 'Error', 'boom', at(2))]),
      ]);
      assert.deepEqual(occurrencesOf(t).map((o) => o.spanId).sort(), ['c', 'p'], 'thrown at two different lines: two exceptions');
    });
  });

  it('groups error spans without an exception by service, operation and status message (else the HTTP status)', async () => {
    const mk = (id: string, code: number, start: number): Trace =>
      trace(id, [
        span({ id: `${id}-s`, service: 'gateway', name: 'checkout.submit', start, duration: 10, error: true }, id, [], `orders answered ${code}`),
        span({ id: `${id}-c`, parent: `${id}-s`, service: 'gateway', name: 'POST', kind: 'client', start: start + 1, duration: 8, error: true, attributes: { 'http.response.status_code': code } }, id),
      ]);
    const groups = await groupOccurrences(occurrencesOfTraces([mk('a', 422, 100), mk('b', 503, 200)]));
    assert.deepEqual(
      groups.map((g) => [g.kind, g.message, g.services, g.operations[0]!.operation, g.spanCount, g.traceCount]),
      [
        // Equal counts: the most recently seen first (the parent span ends after its client call).
        ['status', 'orders answered <n>', ['gateway'], 'checkout.submit', 2, 2],
        ['status', 'HTTP <n>', ['gateway'], 'POST', 2, 2],
      ],
    );
  });

  it('counts spans and traces, first/last seen, escaped, a trend over the window, and the slowest and latest examples', async () => {
    const mk = (id: string, start: number, duration: number, escaped: boolean): Trace =>
      trace(id, [
        span({ id: `${id}-root`, service: 'api', name: 'GET /cart', start, duration, error: true }, id, [
          exceptionEvent(start + 1, 'TypeError', `Cannot read properties of undefined (reading 'c${id}')`, `TypeError: x\n    at total (/app/cart.js:4:27)`, escaped),
        ]),
      ]);
    const traces = [mk('t1', 1_000, 50, true), mk('t2', 5_000, 900, false), mk('t3', 9_000, 10, true)];
    const [g, ...rest] = await groupOccurrences(occurrencesOfTraces(traces), { windowStartUs: 0, windowEndUs: 10_000, buckets: 5 });
    assert.equal(rest.length, 0, 'one group: the quoted property name is a run-time value');
    assert.equal(g!.message, "Cannot read properties of undefined (reading '…')");
    assert.deepEqual([g!.spanCount, g!.traceCount, g!.firstSeenUs, g!.lastSeenUs, g!.escaped], [3, 3, 1_001, 9_001, true]);
    assert.deepEqual(g!.trend, [1, 0, 1, 0, 1]);
    assert.deepEqual([g!.slowest.traceId, g!.latest.traceId], ['t2', 't3']);
    assert.deepEqual(g!.location, { file: '/app/cart.js', line: 4, function: 'total', inWorkspace: false });
    assert.equal(g!.exampleMessage, "Cannot read properties of undefined (reading 'ct3')");
  });

  it('provider: one error=true search per service over the window, each trace once, failures reported, cached', async () => {
    const queries: TraceQuery[] = [];
    const shared = trace('shared', [
      span({ id: 'g', service: 'gateway', name: 'POST /checkout', start: 5_000_000, duration: 10, error: true }, 'shared', [], 'boom'),
      span({ id: 'o', parent: 'g', service: 'orders', name: 'orders.create', start: 5_000_001, duration: 5, error: true }, 'shared', [], 'boom'),
    ]);
    const source: TraceSource = {
      description: 'test',
      services: () => Promise.resolve(['orders', 'gateway', 'broken']),
      operations: () => Promise.resolve([]),
      search: (q) => {
        queries.push(q);
        if (q.service === 'broken') return Promise.reject(new Error('HTTP 500 from the backend'));
        return Promise.resolve([shared]);
      },
      searchSummaries: () => Promise.resolve([]),
      getTrace: () => Promise.reject(new Error('unused')),
      health: () => Promise.resolve({ reachable: true, detail: '' }),
    };
    const provider = new ErrorGroupsProvider(source, { lookbackMs: 3_600_000, now: () => 3_600_000 + 10_000, maxTracesPerService: 1 });
    const report = await provider.report();
    assert.deepEqual(
      queries.map((q) => [q.service, q.tags, q.startUs, q.endUs, q.limit]).sort(),
      [
        ['broken', { error: 'true' }, 10_000_000, 3_610_000_000, 1],
        ['gateway', { error: 'true' }, 10_000_000, 3_610_000_000, 1],
        ['orders', { error: 'true' }, 10_000_000, 3_610_000_000, 1],
      ],
    );
    assert.equal(report.tracesScanned, 1);
    assert.deepEqual(report.truncatedServices, ['gateway', 'orders']);
    assert.deepEqual(report.failures, [{ service: 'broken', message: 'HTTP 500 from the backend' }]);
    // The shared trace starts before the window: its errors are outside it.
    assert.equal(report.groups.length, 0);
    await provider.report();
    assert.equal(queries.length, 3, 'the second report came from the cache');
  });

  it('provider: stops when the caller cancels', async () => {
    const source = { description: 'slow', services: () => new Promise<string[]>(() => undefined) } as unknown as TraceSource;
    const controller = new AbortController();
    const pending = new ErrorGroupsProvider(source, { lookbackMs: 60_000 }).report(undefined, controller.signal);
    controller.abort();
    await assert.rejects(pending, /cancelled/);
  });
});
