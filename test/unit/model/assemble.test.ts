import * as assert from 'node:assert/strict';
import { assembleTrace } from '../../../src/core/model/assemble';
import { makeSpan } from '../../../src/core/model/spanFields';
import { indexTrace } from '../../../src/core/model/traceIndex';
import { summarizeTrace } from '../../../src/core/model/summary';
import type { Span } from '../../../src/core/model/trace';
import { SpanKind, SpanStatusCode } from '../../../src/core/model/trace';

interface Spec {
  id: string;
  parent?: string;
  start: number;
  duration: number;
  kind?: SpanKind;
  service?: string;
  name?: string;
  error?: boolean;
  followsFrom?: boolean;
}

function mk(spec: Spec): Span {
  return makeSpan({
    traceId: 'ABC',
    spanId: spec.id,
    parentSpanId: spec.parent,
    parentRefType: spec.followsFrom ? 'follows_from' : undefined,
    service: spec.service ?? 'svc',
    resource: [],
    name: spec.name ?? `op-${spec.id}`,
    kind: spec.kind,
    startTimeUs: spec.start,
    durationUs: spec.duration,
    status: { code: spec.error ? SpanStatusCode.ERROR : SpanStatusCode.UNSET },
    attributes: [],
    events: [],
    links: [],
  });
}

function build(specs: Spec[]): ReturnType<typeof assembleTrace> {
  return assembleTrace('ABC', specs.map(mk));
}

describe('assembleTrace', () => {
  it('normalises ids: lowercase, padded, all-zero parent means none', () => {
    const t = build([
      { id: 'A1', start: 0, duration: 10, parent: '0000000000000000' },
      { id: 'B2', parent: 'a1', start: 1, duration: 2 },
    ]);
    assert.equal(t.traceId, '00000000000000000000000000000abc');
    assert.deepEqual(
      t.spans.map((s) => [s.traceId, s.spanId, s.parentSpanId]),
      [
        ['00000000000000000000000000000abc', '00000000000000a1', undefined],
        ['00000000000000000000000000000abc', '00000000000000b2', '00000000000000a1'],
      ],
    );
    assert.deepEqual(t.warnings, []);
  });

  it('sorts by start; equal starts put parents first, then longer spans, then ids', () => {
    const t = build([
      { id: 'c', parent: 'b', start: 5, duration: 1 },
      { id: 'b', parent: 'a', start: 5, duration: 1 },
      { id: 'a', start: 5, duration: 1 },
      { id: 'e', parent: 'a', start: 5, duration: 1 },
      { id: 'd', parent: 'a', start: 5, duration: 3 },
      { id: 'f', parent: 'a', start: 1, duration: 1 },
    ]);
    assert.deepEqual(
      t.spans.map((s) => s.spanId.slice(-1)),
      ['f', 'a', 'd', 'b', 'e', 'c'],
    );
  });

  it('keeps orphans as roots, flagged, with one warning per missing parent', () => {
    const t = build([
      { id: '1', start: 0, duration: 10 },
      { id: '2', parent: 'dead', start: 1, duration: 1, name: 'lost-a' },
      { id: '3', parent: 'dead', start: 2, duration: 1 },
      { id: '4', parent: '2', start: 1, duration: 1 },
    ]);
    assert.deepEqual(
      t.spans.filter((s) => s.orphan).map((s) => s.spanId.slice(-1)),
      ['2', '3'],
    );
    const orphanWarnings = t.warnings.filter((w) => w.kind === 'orphan');
    assert.equal(orphanWarnings.length, 1);
    assert.match(orphanWarnings[0]!.message, /"lost-a" \(svc\) and 1 more span\(s\) name parent 000000000000dead/);
    const index = indexTrace(t);
    assert.deepEqual(
      index.roots.map((s) => s.spanId.slice(-1)),
      ['1', '2', '3'],
    );
    assert.equal(index.depth.get('0000000000000004'), 1);
    assert.ok(!t.warnings.some((w) => w.kind === 'multiple-roots'), 'orphans are not extra roots of the trace');
  });

  it('drops identical copies of a span and says how many', () => {
    const twin = mk({ id: '1', start: 0, duration: 10 });
    const t = assembleTrace('abc', [twin, mk({ id: '1', start: 0, duration: 10 }), mk({ id: '1', start: 0, duration: 10 })]);
    assert.equal(t.spans.length, 1);
    assert.deepEqual(
      t.warnings.map((w) => [w.kind, w.message]),
      [['duplicate-span', 'Span id 0000000000000001 occurs 3 times: 2 identical copies dropped.']],
    );
    assert.deepEqual(t.spans[0]!.warnings, ['Span id 0000000000000001 occurs 3 times: 2 identical copies dropped.']);
  });

  it('keeps a differing span with a taken id under a new, stable id', () => {
    const specs: Spec[] = [
      { id: '1', start: 0, duration: 10, name: 'first' },
      { id: '1', start: 2, duration: 3, name: 'second' },
      { id: '2', parent: '1', start: 1, duration: 1 },
    ];
    const t = build(specs);
    assert.equal(t.spans.length, 3);
    const second = t.spans.find((s) => s.name === 'second')!;
    assert.match(second.spanId, /^[0-9a-f]{16}$/);
    assert.notEqual(second.spanId, '0000000000000001');
    assert.equal(t.spans.find((s) => s.spanId === '0000000000000002')!.parentSpanId, '0000000000000001');
    assert.match(t.warnings[0]!.message, new RegExp(`1 differing span\\(s\\) kept under new id\\(s\\) ${second.spanId}`));
    // Derived from the span's content, so the same file gives the same id every time.
    assert.equal(build(specs.map((x) => ({ ...x }))).spans.find((s) => s.name === 'second')!.spanId, second.spanId);
  });

  it('splits a client/server shared id: the server half gets a new id under the client half', () => {
    const t = build([
      { id: 'a', start: 0, duration: 100, kind: SpanKind.SERVER, service: 'front' },
      { id: 'b', parent: 'a', start: 10, duration: 50, kind: SpanKind.CLIENT, service: 'front' },
      { id: 'b', parent: 'a', start: 12, duration: 40, kind: SpanKind.SERVER, service: 'back' },
      { id: 'c', parent: 'b', start: 15, duration: 5, service: 'back' },
      { id: 'd', parent: 'b', start: 11, duration: 1, service: 'front' },
    ]);
    const shared = '000000000000000b';
    const server = t.spans.find((s) => s.kind === SpanKind.SERVER && s.service === 'back')!;
    assert.notEqual(server.spanId, shared);
    assert.equal(server.parentSpanId, shared);
    assert.equal(t.spans.find((s) => s.spanId === shared)!.kind, SpanKind.CLIENT);
    assert.equal(t.spans.find((s) => s.spanId === '000000000000000c')!.parentSpanId, server.spanId, 'back-end child under the server half');
    assert.equal(t.spans.find((s) => s.spanId === '000000000000000d')!.parentSpanId, shared, "the client's own child stays");
    assert.equal(t.warnings.filter((w) => w.kind === 'duplicate-span').length, 1);
    assert.equal(t.warnings.filter((w) => w.kind === 'clock-skew').length, 0);
    assert.equal(build([{ id: 'a', start: 0, duration: 1 }]).spans.length, 1);
  });

  describe('clock skew', () => {
    it('reports a child starting before its parent, with the offset in µs', () => {
      const t = build([
        { id: '1', start: 1000, duration: 100, service: 'a', name: 'parent' },
        { id: '2', parent: '1', start: 750, duration: 10, service: 'b', name: 'child' },
      ]);
      const skew = t.warnings.filter((w) => w.kind === 'clock-skew');
      assert.equal(skew.length, 1);
      assert.equal(skew[0]!.spanId, '0000000000000002');
      assert.match(skew[0]!.message, /"child" \(b\) starts 250 µs before its parent "parent" \(a\)/);
      assert.equal(t.spans.find((s) => s.spanId.endsWith('2'))!.warnings.length, 1);
    });

    it('reports a SERVER child outliving its CLIENT parent (synchronous RPC)', () => {
      const t = build([
        { id: '1', start: 0, duration: 100, kind: SpanKind.CLIENT },
        { id: '2', parent: '1', start: 10, duration: 95.5, kind: SpanKind.SERVER },
      ]);
      const skew = t.warnings.filter((w) => w.kind === 'clock-skew');
      assert.equal(skew.length, 1);
      assert.match(skew[0]!.message, /ends 5\.5 µs after its calling client span/);
    });

    it('does not report children that may outlive their parent: internal, async, producer/consumer, FOLLOWS_FROM', () => {
      const t = build([
        { id: '1', start: 0, duration: 100, kind: SpanKind.SERVER },
        { id: '2', parent: '1', start: 50, duration: 500 },
        { id: '3', parent: '1', start: 60, duration: 500, kind: SpanKind.PRODUCER },
        { id: '4', parent: '3', start: 70, duration: 900, kind: SpanKind.CONSUMER },
        { id: '5', parent: '1', start: 80, duration: 900, kind: SpanKind.SERVER, followsFrom: true },
        { id: '6', parent: '1', start: 90, duration: 900, kind: SpanKind.CLIENT },
      ]);
      assert.deepEqual(t.warnings, []);
    });
  });

  it('reports several roots once', () => {
    const t = build([
      { id: '1', start: 0, duration: 1, name: 'a' },
      { id: '2', start: 1, duration: 1, name: 'b' },
      { id: '3', start: 2, duration: 1, name: 'c' },
      { id: '4', start: 3, duration: 1, name: 'd' },
    ]);
    assert.deepEqual(
      t.warnings.map((w) => [w.kind, w.message]),
      [['multiple-roots', 'This trace has 4 root spans: "a" (svc), "b" (svc), "c" (svc) and 1 more. Context was probably not propagated between them.']],
    );
  });

  it('breaks a parent loop at its earliest span and keeps every span reachable', () => {
    const t = build([
      { id: '1', parent: '3', start: 5, duration: 1 },
      { id: '2', parent: '1', start: 6, duration: 1 },
      { id: '3', parent: '2', start: 7, duration: 1 },
      { id: '4', parent: '4', start: 1, duration: 1 },
    ]);
    const cut = t.spans.filter((s) => s.orphan).map((s) => s.spanId.slice(-1));
    assert.deepEqual(cut, ['4', '1']);
    assert.equal(t.warnings.filter((w) => w.kind === 'orphan' && /loops back/.test(w.message)).length, 2);
    const index = indexTrace(t);
    assert.equal(index.depth.size, 4);
    assert.equal(index.depth.get('0000000000000003'), 2);
  });

  it('keeps source warnings first and never repeats a span warning on re-assembly', () => {
    const first = build([
      { id: '1', start: 100, duration: 1 },
      { id: '2', parent: '1', start: 50, duration: 1 },
    ]);
    const again = assembleTrace(first.traceId, [...first.spans], [{ kind: 'source', message: 'from the file' }]);
    assert.equal(again.warnings[0]!.message, 'from the file');
    const skewed = (t: typeof first): Span => t.spans.find((s) => s.spanId === '0000000000000002')!;
    assert.equal(skewed(first).warnings.length, 1);
    assert.deepEqual(skewed(again).warnings, skewed(first).warnings);
  });

  it('handles a 100k-span trace and a 20k-deep chain without recursion', () => {
    const spans: Span[] = [];
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const parent = i === 0 ? undefined : i < 20_000 ? i - 1 : Math.floor(i / 7);
      spans.push(mk({ id: (i + 1).toString(16), parent: parent === undefined ? undefined : (parent + 1).toString(16), start: i, duration: n - i, error: i % 1000 === 0 }));
    }
    const t = assembleTrace('abc', spans.reverse());
    assert.equal(t.spans.length, n);
    assert.equal(t.spans[0]!.spanId, '0000000000000001');
    assert.deepEqual(t.warnings, []);
    const index = indexTrace(t);
    assert.equal(index.roots.length, 1);
    assert.equal(index.depth.get((20_000).toString(16).padStart(16, '0')), 19_999);
    const summary = summarizeTrace(t);
    assert.equal(summary.spanCount, n);
    assert.equal(summary.errorCount, 100);
    assert.equal(summary.durationUs, n);
  });
});

describe('summarizeTrace', () => {
  it('takes the earliest parentless span as root, the whole extent as duration, sorted services', () => {
    const t = build([
      { id: '1', parent: 'gone', start: 0, duration: 5, service: 'zeta', name: 'orphan-first' },
      { id: '2', start: 10, duration: 100, service: 'beta', name: 'root', error: true },
      { id: '3', parent: '2', start: 20, duration: 200, service: 'alpha' },
    ]);
    assert.deepEqual(summarizeTrace(t), {
      traceId: '00000000000000000000000000000abc',
      rootService: 'beta',
      rootOperation: 'root',
      startTimeUs: 0,
      durationUs: 220,
      spanCount: 3,
      errorCount: 1,
      services: ['alpha', 'beta', 'zeta'],
    });
  });

  it('falls back to the earliest span when every span has a parent', () => {
    const t = build([
      { id: '1', parent: 'x', start: 5, duration: 5, name: 'late' },
      { id: '2', parent: 'y', start: 1, duration: 5, name: 'early' },
    ]);
    assert.equal(summarizeTrace(t).rootOperation, 'early');
  });
});
