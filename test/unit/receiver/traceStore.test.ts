import * as assert from 'node:assert/strict';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_SPANS, TraceStore, estimateSpanBytes } from '../../../src/core/sources/receiver/traceStore';
import { decodeExportRequest } from '../../../src/core/sources/receiver/exportRequest';
import { receiverStoreTooltip } from '../../../src/core/sources/receiver/storeReport';
import { exportBatches, protobufBodies } from '../../../scripts/bench/receiverData';
import type { Trace } from '../../../src/core/model/trace';
import type { TraceQuery } from '../../../src/core/sources/traceSource';
import { parseOtlpJson } from '../../../src/core/model/otlpJson';
import { buildTrace, type SpanSpec } from '../../support/traceBuilder';

const T0 = 1_700_000_000_000_000;

/** A trace with a 32-hex id made from a number. */
function trace(n: number, specs: readonly SpanSpec[]): Trace {
  const id = n.toString(16).padStart(32, '0');
  const built = buildTrace(specs, id);
  return { ...built, spans: built.spans.map((s) => ({ ...s, spanId: s.spanId.padStart(16, '0'), parentSpanId: s.parentSpanId?.padStart(16, '0') })) };
}

function simple(n: number, spans = 2, service = 'shop', start = T0 + n * 1000): Trace {
  const specs: SpanSpec[] = [{ id: 'a1', service, name: 'root', kind: 'server', start, duration: 500 }];
  for (let i = 1; i < spans; i++) specs.push({ id: `b${i}`, parent: 'a1', service, name: 'child', kind: 'client', start: start + i, duration: 10 });
  return trace(n, specs);
}

const ALL: TraceQuery = { service: '', startUs: 0, endUs: Number.MAX_SAFE_INTEGER, limit: 0 };

describe('receiver: bounded trace store', () => {
  it('evicts the least recently written traces first when over the span cap, and counts it', () => {
    const store = new TraceStore({ maxSpans: 10 });
    for (let n = 1; n <= 5; n++) store.add([simple(n, 2)]);
    assert.equal(store.stats().spans, 10);
    store.add([simple(6, 3)]);
    // 13 spans > 10: traces 1 and 2 (written first) go.
    assert.equal(store.has(trace(1, []).traceId), false);
    assert.equal(store.has(simple(2).traceId), false);
    assert.equal(store.has(simple(3).traceId), true);
    assert.deepEqual(
      { spans: store.stats().spans, traces: store.stats().traces, evicted: store.stats().spansEvicted, stored: store.stats().spansStored },
      { spans: 9, traces: 4, evicted: 4, stored: 13 },
    );
  });

  it('a trace written again becomes the newest and survives eviction', () => {
    const store = new TraceStore({ maxSpans: 6 });
    store.add([simple(1, 2), simple(2, 2), simple(3, 2)]);
    // A late span for trace 1 moves it to the newest end.
    store.add([trace(1, [{ id: 'c9', parent: 'a1', service: 'shop', name: 'late', start: T0 + 1500, duration: 1 }])]);
    assert.equal(store.has(simple(2).traceId), false, 'trace 2 was the least recently written');
    assert.equal(store.getTrace(simple(1).traceId)!.spans.length, 3);
    assert.equal(store.stats().spans, 5);
  });

  it('evicts by the byte estimate too', () => {
    const one = estimateSpanBytes(simple(1, 1).spans[0]!);
    const store = new TraceStore({ maxBytes: one * 5 + 1 });
    for (let n = 1; n <= 4; n++) store.add([simple(n, 2)]);
    const stats = store.stats();
    assert.ok(stats.bytesEstimate <= one * 5 + 1, `${stats.bytesEstimate}`);
    assert.ok(stats.spans <= 5);
    assert.equal(store.has(simple(4).traceId), true);
    assert.equal(store.has(simple(1).traceId), false);
    assert.equal(stats.spansEvicted, 8 - stats.spans);
  });

  it('never evicts the trace being written; spans past the cap of a single trace are dropped and counted', () => {
    const store = new TraceStore({ maxSpans: 4 });
    store.add([simple(1, 6)]);
    assert.equal(store.stats().spans, 4);
    assert.equal(store.stats().spansDropped, 2);
    assert.equal(store.stats().spansEvicted, 0);
  });

  it('removes services and operations whose last trace was evicted', () => {
    const store = new TraceStore({ maxSpans: 2 });
    store.add([simple(1, 2, 'old-service')]);
    assert.deepEqual(store.services(), ['old-service']);
    store.add([simple(2, 2, 'new-service')]);
    assert.deepEqual(store.services(), ['new-service']);
    assert.deepEqual(store.operations('old-service'), []);
    assert.deepEqual(store.operations('new-service'), [
      { name: 'child', spanKind: 'client' },
      { name: 'root', spanKind: 'server' },
    ]);
  });

  it('holds the documented 500,000 typical spans by default: the span cap binds, not the byte cap', function () {
    this.timeout(120_000);
    // One export of the benchmark's typical spans (server roots with client/internal children, 4-6 attributes, as
    // the Node SDK writes them), copied under new trace ids: the same estimated size per span, little real memory.
    const template = decodeExportRequest(protobufBodies(exportBatches(1))[0]!, 'protobuf', 'typical').traces;
    const store = new TraceStore();
    assert.equal(store.maxSpans, DEFAULT_MAX_SPANS);
    assert.equal(store.maxBytes, DEFAULT_MAX_BYTES);
    const total = 520_000;
    let n = 0;
    let copy = 0;
    while (n < total) {
      copy++;
      const traces = template.map((t, i) => {
        const traceId = (copy * 1000 + i).toString(16).padStart(32, '0');
        return { ...t, traceId, spans: t.spans.map((s) => ({ ...s, traceId })) };
      });
      n += traces.reduce((k, t) => k + t.spans.length, 0);
      store.add(traces);
    }
    const stats = store.stats();
    assert.equal(stats.spans, DEFAULT_MAX_SPANS, `held ${stats.spans} spans (${Math.round(stats.bytesEstimate / 1048576)} MiB estimated)`);
    assert.equal(stats.spansEvicted, n - DEFAULT_MAX_SPANS);
    assert.ok(stats.bytesEstimate < stats.maxBytes);
  });

  it('the tooltip line gives fill, cap and every kind of loss', () => {
    const store = new TraceStore({ maxSpans: 4, maxBytes: 64 * 1048576 });
    store.add([simple(1, 2), simple(2, 2), simple(3, 2)]);
    store.add([simple(4, 6)]);
    store.noteRejected(3);
    store.noteDroppedValues(1);
    assert.equal(
      receiverStoreTooltip('http://127.0.0.1:4318', store.stats()),
      'Receiver http://127.0.0.1:4318: 4 spans in 1 traces, cap 4 spans / 64 MiB. Spans: 6 oldest evicted at the cap, 2 dropped (a trace larger than the cap), 3 rejected as invalid, 1 attribute values replaced (nested too deep)',
    );
    assert.equal(receiverStoreTooltip('http://127.0.0.1:4318', new TraceStore().stats()), 'Receiver http://127.0.0.1:4318: 0 spans in 0 traces, cap 500,000 spans / 1,024 MiB');
  });

  it('reports an operation once per span kind', () => {
    const store = new TraceStore();
    store.add([
      trace(1, [
        { id: 'a', service: 's', name: 'op', kind: 'server', start: T0 },
        { id: 'b', parent: 'a', service: 's', name: 'op', kind: 'internal', start: T0 + 1 },
        { id: 'c', parent: 'a', service: 's', name: 'op', kind: 'internal', start: T0 + 2 },
        { id: 'd', parent: 'a', service: 's', name: 'nokind', start: T0 + 3 },
      ]),
    ]);
    assert.deepEqual(store.operations('s'), [
      { name: 'nokind', spanKind: '' },
      { name: 'op', spanKind: 'internal' },
      { name: 'op', spanKind: 'server' },
    ]);
  });

  describe('search', () => {
    const store = new TraceStore();
    store.add([
      trace(1, [
        { id: 'a', service: 'gateway', name: 'GET /checkout', kind: 'server', start: T0, duration: 9000, attributes: { 'http.status_code': 500 }, error: true },
        { id: 'b', parent: 'a', service: 'orders', name: 'orders.create', kind: 'internal', start: T0 + 100, duration: 8000, attributes: { sku: 'BAD-1' } },
      ]),
      trace(2, [
        { id: 'a', service: 'gateway', name: 'GET /checkout', kind: 'server', start: T0 + 10_000, duration: 1000 },
        { id: 'b', parent: 'a', service: 'orders', name: 'orders.create', kind: 'internal', start: T0 + 10_100, duration: 500, attributes: { sku: 'OK-7' } },
      ]),
      trace(3, [{ id: 'a', service: 'gateway', name: 'GET /health', kind: 'server', start: T0 + 20_000, duration: 10 }]),
    ]);
    const ids = (q: Partial<TraceQuery>): number[] => store.find({ ...ALL, ...q }).map((t) => parseInt(t.traceId, 16));

    it('filters by service and operation, newest first', () => {
      assert.deepEqual(ids({ service: 'gateway' }), [3, 2, 1]);
      assert.deepEqual(ids({ service: 'orders' }), [2, 1]);
      assert.deepEqual(ids({ service: 'gateway', operation: 'GET /checkout' }), [2, 1]);
      assert.deepEqual(ids({ service: 'orders', operation: 'GET /checkout' }), []);
      assert.deepEqual(ids({ service: 'nobody' }), []);
    });

    it('filters by tags on the same span, including derived tags', () => {
      assert.deepEqual(ids({ service: 'orders', tags: { sku: 'BAD-1' } }), [1]);
      assert.deepEqual(ids({ service: 'gateway', tags: { sku: 'BAD-1' } }), [], 'the tag is on an orders span, not a gateway span');
      assert.deepEqual(ids({ service: 'gateway', tags: { error: 'true' } }), [1]);
      assert.deepEqual(ids({ service: 'gateway', tags: { 'http.status_code': '500', 'span.kind': 'server' } }), [1]);
      assert.deepEqual(ids({ service: 'gateway', tags: { 'http.status_code': '404' } }), []);
    });

    it('filters by duration, time window and limit', () => {
      assert.deepEqual(ids({ service: 'gateway', minDurationUs: 1000 }), [2, 1]);
      assert.deepEqual(ids({ service: 'gateway', minDurationUs: 1000, maxDurationUs: 5000 }), [2]);
      assert.deepEqual(ids({ service: 'gateway', startUs: T0 + 5000, endUs: T0 + 15_000 }), [2]);
      assert.deepEqual(ids({ service: 'orders', startUs: T0 + 50, endUs: T0 + 150 }), [1]);
      assert.deepEqual(ids({ service: 'gateway', limit: 2 }), [3, 2]);
    });

    it('summaries match the traces', () => {
      const [s] = store.findSummaries({ ...ALL, service: 'orders', tags: { sku: 'BAD-1' } });
      assert.deepEqual(s, {
        traceId: (1).toString(16).padStart(32, '0'),
        rootService: 'gateway',
        rootOperation: 'GET /checkout',
        startTimeUs: T0,
        durationUs: 9000,
        spanCount: 2,
        errorCount: 1,
        services: ['gateway', 'orders'],
      });
    });
  });

  it('re-assembles a trace after each batch; an orphan from one batch is not an orphan once the parent arrives', () => {
    const store = new TraceStore();
    const doc = (spans: object[]): unknown => ({
      resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] }, scopeSpans: [{ scope: { name: 's' }, spans }] }],
    });
    const tid = 'aa'.repeat(16);
    const child = { traceId: tid, spanId: 'bb'.repeat(8), parentSpanId: 'cc'.repeat(8), name: 'child', kind: 1, startTimeUnixNano: '1700000000001000000', endTimeUnixNano: '1700000000002000000' };
    const parent = { traceId: tid, spanId: 'cc'.repeat(8), name: 'parent', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000003000000' };
    const batch1 = parseOtlpJson(doc([child]), 'b1');
    assert.equal(batch1[0]!.spans[0]!.orphan, true);
    assert.equal(batch1[0]!.spans[0]!.warnings.length, 1, 'the model marks the orphan in its batch');
    store.add(batch1);
    const first = store.getTrace(tid)!;
    assert.equal(first.spans[0]!.orphan, true);
    assert.equal(first.warnings.length, 1);
    store.add(parseOtlpJson(doc([parent]), 'b2'));
    const merged = store.getTrace(tid)!;
    assert.deepEqual(merged.spans.map((s) => [s.name, s.orphan, s.warnings.length]), [
      ['parent', false, 0],
      ['child', false, 0],
    ]);
    assert.equal(merged.warnings.length, 0);
    assert.equal(first.spans[1] === undefined && first.spans[0]!.orphan, true, 'a trace handed out earlier is not changed');
  });

  it('tells listeners about changes', () => {
    const store = new TraceStore({ maxSpans: 100 });
    let calls = 0;
    const off = store.onDidChange(() => calls++);
    store.add([simple(1)]);
    store.add([]);
    store.add([simple(1)]); // all duplicates: nothing changed
    assert.equal(calls, 1);
    store.clear();
    assert.equal(calls, 2);
    off();
    store.add([simple(2)]);
    assert.equal(calls, 2);
    assert.equal(store.stats().spansDuplicate, 2);
  });
});
