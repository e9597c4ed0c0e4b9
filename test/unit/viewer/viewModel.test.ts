import * as assert from 'node:assert/strict';
import type { Trace } from '../../../src/core/model/trace';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import { analyzeTrace } from '../../../src/core/analysis/analyzeTrace';
import { buildAnalyzedPayload } from '../../../src/core/export/payloadAnalysis';
import { buildTracePayload } from '../../../src/core/export/tracePayload';
import { SpanStore, TreeState } from '../../../src/shared/viewModel';
import { findSpans, nextMatch } from '../../../src/shared/viewModelFind';
import { compareTraces, selfTimeTable, sortRows } from '../../../src/shared/viewModelTables';
import { readFixture } from '../../support/fixtures';
import { buildTrace } from '../../support/traceBuilder';
import { generateTrace } from '../../browser/support/generateTrace';

const smartthings = (): Trace => parseTraceDocument(readFixture('zipkin/smartthings-mobile-web-install.zipkin2.json'), 'smartthings')[0]!;
const store = (trace: Trace): SpanStore => new SpanStore(buildAnalyzedPayload(trace, { source: 'test' }));

/** Depth by walking parent pointers: an independent check of the store's O(n) pass. */
function depthByWalk(s: SpanStore, i: number): number {
  let d = 0;
  for (let p = s.parent[i]!; p >= 0; p = s.parent[p]!) d++;
  return d;
}

describe('span store', () => {
  it('computes depth, subtree ranges and child counts for the 957-span fixture', () => {
    const s = store(smartthings());
    assert.equal(s.count, 957);
    let maxDepth = 0;
    for (let i = 0; i < s.count; i++) {
      const d = depthByWalk(s, i);
      assert.equal(s.depth[i], d);
      maxDepth = Math.max(maxDepth, d);
      // Subtree = i plus every later span whose ancestor chain reaches i, contiguously.
      let end = i + 1;
      while (end < s.count && s.ancestors(end).includes(i)) end++;
      assert.equal(s.subtreeEnd[i], end, `subtree of ${i}`);
      let children = 0;
      for (let j = i + 1; j < end; j++) if (s.parent[j] === i) children++;
      assert.equal(s.childCount[i], children);
    }
    assert.equal(s.maxDepth, maxDepth);
    assert.equal(s.errorCount, smartthings().spans.filter((x) => x.error).length);
  });

  it('looks spans up by id and knows their names and services', () => {
    const trace = smartthings();
    const s = store(trace);
    for (const span of trace.spans.slice(0, 50)) {
      const i = s.indexOf(span.spanId);
      assert.ok(i >= 0);
      assert.equal(s.spanId(i), span.spanId);
      assert.equal(s.spanName(i), span.name);
      assert.equal(s.serviceName(i), span.service);
    }
    assert.equal(s.indexOf('no-such-span'), -1);
  });
});

describe('tree state: rows, collapse, filter', () => {
  it('shows every span as a row when expanded, in tree order', () => {
    const s = store(smartthings());
    const t = new TreeState(s);
    assert.equal(t.rowCount, s.count);
    for (let r = 0; r < t.rowCount; r++) {
      assert.equal(t.rows[r], r);
      assert.equal(t.rowOf[r], r);
    }
  });

  it('collapsing a span hides exactly its descendants; expanding brings them back', () => {
    const s = store(smartthings());
    const t = new TreeState(s);
    const target = Array.from({ length: s.count }, (_, i) => i).find((i) => s.subtreeEnd[i]! - i > 20)!;
    const hidden = s.subtreeEnd[target]! - target - 1;
    assert.ok(t.setCollapsed(target, true));
    assert.equal(t.rowCount, s.count - hidden);
    for (let i = target + 1; i < s.subtreeEnd[target]!; i++) assert.equal(t.rowOf[i], -1);
    assert.ok(t.rowOf[target]! >= 0);
    assert.equal(t.setCollapsed(target, true), false, 'already collapsed');
    t.toggle(target);
    assert.equal(t.rowCount, s.count);
    const leaf = Array.from({ length: s.count }, (_, i) => i).find((i) => s.childCount[i] === 0)!;
    assert.equal(t.setCollapsed(leaf, true), false, 'a leaf cannot collapse');
  });

  it('collapse to depth N shows the spans above depth N; expand all shows all', () => {
    const s = store(smartthings());
    const t = new TreeState(s);
    for (const depth of [1, 2, 3, 5]) {
      t.collapseToDepth(depth);
      const expected = Array.from(s.depth).filter((d) => d < depth).length;
      assert.equal(t.rowCount, expected, `depth ${depth}`);
      for (let r = 0; r < t.rowCount; r++) assert.ok(s.depth[t.rows[r]!]! < depth);
    }
    t.expandAll();
    assert.equal(t.rowCount, s.count);
  });

  it('reveal expands the ancestors of a hidden span', () => {
    const s = store(smartthings());
    const t = new TreeState(s);
    t.collapseToDepth(1);
    const deep = Array.from(s.depth).findIndex((d) => d >= 6);
    assert.equal(t.rowOf[deep], -1);
    assert.ok(t.reveal(deep));
    assert.ok(t.rowOf[deep]! >= 0);
    for (const a of s.ancestors(deep)) assert.equal(t.isCollapsed(a), false);
    assert.equal(t.reveal(deep), false, 'nothing left to expand');
  });

  it('filters by service: hidden services lose their rows, descendants of other services keep theirs', () => {
    const s = store(smartthings());
    const t = new TreeState(s);
    const auth = s.serviceNames.indexOf('auth');
    assert.ok(auth >= 0);
    t.setServiceHidden(auth, true);
    const authSpans = Array.from(s.service).filter((x) => x === auth).length;
    assert.equal(t.rowCount, s.count - authSpans);
    for (let r = 0; r < t.rowCount; r++) assert.notEqual(s.service[t.rows[r]!], auth);
    t.soloService(auth);
    assert.equal(t.rowCount, authSpans);
    t.soloService(auth);
    assert.equal(t.rowCount, s.count, 'solo twice shows everything again');
  });

  it('recomputes rows for 100,000 spans in a single pass (tree order preserved)', () => {
    const s = store(generateTrace({ spans: 100_000, seed: 7 }));
    const t = new TreeState(s);
    assert.equal(t.rowCount, 100_000);
    t.collapseToDepth(3);
    const expected = Array.from(s.depth).filter((d) => d < 3).length;
    assert.equal(t.rowCount, expected);
    for (let r = 1; r < t.rowCount; r++) assert.ok(t.rows[r]! > t.rows[r - 1]!);
  });
});

describe('find', () => {
  const trace = smartthings();
  const s = store(trace);
  const rowsOf = (ids: string[]): number[] => ids.map((id) => s.indexOf(id)).sort((a, b) => a - b);

  it('matches operation names case-insensitively', () => {
    const r = findSpans(s, 'CHECK_token');
    const expected = trace.spans.filter((x) => x.name.toLowerCase().includes('check_token') || x.attributes.some((a) => String(a.value).toLowerCase().includes('check_token')) || x.events.some((e) => e.name.toLowerCase().includes('check_token')));
    assert.ok(expected.length > 0);
    assert.deepEqual(Array.from(r.matches), rowsOf(expected.map((x) => x.spanId)));
  });

  it('matches span ids and attribute values, and key=value', () => {
    const target = trace.spans[100]!;
    assert.deepEqual(Array.from(findSpans(s, target.spanId).matches), [s.indexOf(target.spanId)]);
    const withAttr = trace.spans.find((x) => x.attributes.some((a) => a.key === 'http.path'))!;
    const value = String(withAttr.attributes.find((a) => a.key === 'http.path')!.value);
    const byKey = findSpans(s, `http.path=${value}`);
    const expected = trace.spans.filter((x) => x.attributes.some((a) => a.key === 'http.path' && String(a.value).toLowerCase().includes(value.toLowerCase())));
    assert.deepEqual(Array.from(byKey.matches), rowsOf(expected.map((x) => x.spanId)));
    assert.equal(findSpans(s, 'no.such.key=anything').matches.length, 0);
  });

  it('matches nothing for an empty query and for text that is nowhere', () => {
    assert.equal(findSpans(s, '   ').matches.length, 0);
    assert.equal(findSpans(s, 'zzzz-not-in-this-trace').matches.length, 0);
  });

  it('steps through matches with wrap-around in both directions', () => {
    const m = Int32Array.from([3, 8, 20]);
    assert.equal(nextMatch(m, -1, 1), 0);
    assert.equal(nextMatch(m, 3, 1), 1);
    assert.equal(nextMatch(m, 10, 1), 2);
    assert.equal(nextMatch(m, 20, 1), 0);
    assert.equal(nextMatch(m, 20, -1), 1);
    assert.equal(nextMatch(m, 3, -1), 2);
    assert.equal(nextMatch(m, 5, -1), 0);
    assert.equal(nextMatch(new Int32Array(0), 0, 1), -1);
  });
});

describe('self time and critical path in the view model', () => {
  it('self-time tables add up to the analysis figures', () => {
    const trace = smartthings();
    const analysis = analyzeTrace(trace);
    const s = store(trace);
    const byService = selfTimeTable(s, 'service');
    assert.equal(byService.length, analysis.selfTime.byService.length);
    for (const row of analysis.selfTime.byService) {
      const mine = byService.find((r) => r.service === row.service)!;
      assert.equal(mine.count, row.count);
      assert.ok(Math.abs(mine.selfUs - row.selfUs) < 1e-6, `${row.service}: ${mine.selfUs} vs ${row.selfUs}`);
      assert.ok(Math.abs(mine.totalUs - row.totalUs) < 1e-6);
    }
    const byOperation = selfTimeTable(s, 'operation');
    assert.equal(byOperation.length, analysis.selfTime.byOperation.length);
    for (let k = 1; k < byOperation.length; k++) assert.ok(byOperation[k - 1]!.selfUs >= byOperation[k]!.selfUs);
  });

  it('marks the critical path spans in order, root first', () => {
    const trace = smartthings();
    const analysis = analyzeTrace(trace);
    const s = store(trace);
    assert.deepEqual(Array.from(s.criticalPath, (i) => s.spanId(i)), [...analysis.criticalPath]);
    assert.ok(s.criticalPath.length > 1);
  });

  it('without analysis there is no self time and no critical path', () => {
    const s = new SpanStore(buildTracePayload(smartthings(), { source: 'x' }));
    assert.equal(s.selfUs, undefined);
    assert.equal(s.criticalPath.length, 0);
    assert.deepEqual(selfTimeTable(s, 'service'), []);
  });

  it('sorts rows by any column, stably', () => {
    const rows = [{ n: 2, t: 'b' }, { n: 1, t: 'a' }, { n: 2, t: 'c' }];
    assert.deepEqual(sortRows(rows, 'n', false).map((r) => r.t), ['b', 'c', 'a']);
    assert.deepEqual(sortRows(rows, 'n', true).map((r) => r.t), ['a', 'b', 'c']);
    assert.deepEqual(sortRows(rows, 't', false).map((r) => r.t), ['c', 'b', 'a']);
  });
});

describe('comparing two traces', () => {
  it('finds no difference between a trace and itself', () => {
    const s = store(smartthings());
    const rows = compareTraces(s, store(smartthings()));
    assert.ok(rows.length > 10);
    assert.ok(rows.every((r) => r.change === 'same' && r.countDelta === 0 && r.totalDelta === 0));
  });

  it('reports added, removed and changed operations with count and duration deltas', () => {
    const a = store(buildTrace([
      { id: 'r', service: 'api', name: 'GET /', start: 0, duration: 100 },
      { id: 'q1', parent: 'r', service: 'db', name: 'SELECT', start: 10, duration: 10 },
      { id: 'c', parent: 'r', service: 'cache', name: 'GET', start: 30, duration: 5 },
    ]));
    const b = store(buildTrace([
      { id: 'r', service: 'api', name: 'GET /', start: 0, duration: 150 },
      { id: 'q1', parent: 'r', service: 'db', name: 'SELECT', start: 10, duration: 10 },
      { id: 'q2', parent: 'r', service: 'db', name: 'SELECT', start: 30, duration: 30 },
      { id: 'm', parent: 'r', service: 'mq', name: 'publish', start: 70, duration: 3 },
    ]));
    const rows = compareTraces(a, b);
    const row = (service: string, operation: string): (typeof rows)[number] => rows.find((r) => r.service === service && r.operation === operation)!;
    assert.deepEqual(
      { ...row('db', 'SELECT') },
      { service: 'db', operation: 'SELECT', countA: 1, countB: 2, totalA: 10, totalB: 40, countDelta: 1, totalDelta: 30, change: 'changed' },
    );
    assert.equal(row('api', 'GET /').totalDelta, 50);
    assert.equal(row('cache', 'GET').change, 'removed');
    assert.equal(row('mq', 'publish').change, 'added');
    assert.equal(rows[0]!.service, 'api', 'largest duration change first');
  });
});
