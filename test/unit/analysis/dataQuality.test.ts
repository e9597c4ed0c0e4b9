import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { analyzeTrace } from '../../../src/core/analysis/analyzeTrace';
import { findHighCardinality } from '../../../src/core/analysis/dataQuality';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import type { Trace } from '../../../src/core/model/trace';
import { fixturePath } from '../../support/fixtures';
import { buildTrace } from '../../support/traceBuilder';

function fixture(rel: string): Trace[] {
  return parseTraceDocument(fs.readFileSync(fixturePath(rel), 'utf8'), rel);
}

describe('orphans and incomplete traces', () => {
  it('lists spans whose parent is missing and says the trace is incomplete', () => {
    const a = analyzeTrace(
      buildTrace([
        { id: 'root', start: 0, duration: 100 },
        { id: 'lost1', parent: 'gone', service: 'b', name: 'work', start: 10, duration: 5 },
        { id: 'lost2', parent: 'gone', start: 20, duration: 5 },
      ]),
    );
    assert.deepEqual(
      a.orphans.map((o) => [o.spanId, o.missingParentId]),
      [
        ['lost1', 'gone'],
        ['lost2', 'gone'],
      ],
    );
    assert.equal(a.orphans[0]!.service, 'b');
    assert.deepEqual(a.completeness, { rootCount: 1, missingRoot: false, missingParentIds: ['gone'], incomplete: true });
  });

  it('says the root is missing when every span has a parent', () => {
    const a = analyzeTrace(buildTrace([{ id: 'x', parent: 'root', start: 0, duration: 10 }]));
    assert.equal(a.completeness.missingRoot, true);
    assert.equal(a.completeness.rootCount, 0);
  });

  it('finds nothing wrong with a complete trace', () => {
    const a = analyzeTrace(buildTrace([{ id: 'root', start: 0, duration: 10 }, { id: 'c', parent: 'root', start: 1, duration: 2 }]));
    assert.deepEqual(a.orphans, []);
    assert.deepEqual(a.completeness, { rootCount: 1, missingRoot: false, missingParentIds: [], incomplete: false });
  });

  it('reports the two lost parents of the messaging2 fixture', () => {
    const [trace] = fixture('zipkin/messaging2.zipkin2.json');
    const a = analyzeTrace(trace!);
    assert.equal(a.orphans.length, 6);
    assert.deepEqual([...a.completeness.missingParentIds].sort(), ['0153a596db406111', '0153a596db406c83']);
    assert.equal(a.completeness.incomplete, true);
  });
});

describe('clock skew', () => {
  it('reports a callee that starts before its caller, with the offset', () => {
    const a = analyzeTrace(
      buildTrace([
        { id: 'client', service: 'a', kind: 'client', start: 1000, duration: 100 },
        { id: 'server', service: 'b', kind: 'server', parent: 'client', start: 970, duration: 50 },
      ]),
    );
    assert.deepEqual(
      a.clockSkew.map((s) => [s.spanId, s.direction, s.offsetUs, s.sameService]),
      [['server', 'starts-before-parent', 30, false]],
    );
  });

  it('reports a callee that ends after its caller (synchronous RPC)', () => {
    const a = analyzeTrace(
      buildTrace([
        { id: 'client', service: 'a', kind: 'client', start: 1000, duration: 100 },
        { id: 'server', service: 'b', kind: 'server', parent: 'client', start: 1050, duration: 80 },
      ]),
    );
    assert.deepEqual(
      a.clockSkew.map((s) => [s.spanId, s.direction, s.offsetUs]),
      [['server', 'ends-after-parent', 30]],
    );
  });

  it('does not report asynchronous children that outlive their parent', () => {
    const a = analyzeTrace(
      buildTrace([
        { id: 'root', service: 'a', kind: 'server', start: 0, duration: 100 },
        { id: 'bg', service: 'a', parent: 'root', start: 50, duration: 500 },
        { id: 'send', service: 'a', kind: 'producer', parent: 'root', start: 60, duration: 5 },
        { id: 'recv', service: 'c', kind: 'consumer', parent: 'send', start: 70, duration: 300 },
        { id: 'ff', service: 'd', parent: 'root', followsFrom: true, start: 90, duration: 300 },
      ]),
    );
    assert.deepEqual(a.clockSkew, []);
  });

  it('does not report an overhang within the tolerance', () => {
    const trace = buildTrace([
      { id: 'client', service: 'a', kind: 'client', start: 1000, duration: 100 },
      { id: 'server', service: 'b', kind: 'server', parent: 'client', start: 999, duration: 102 },
    ]);
    assert.equal(analyzeTrace(trace).clockSkew.length, 2);
    assert.equal(analyzeTrace(trace, { clockSkewToleranceUs: 1 }).clockSkew.length, 0);
  });

  it('finds the skew in the skew fixture: serviceb answered 65441 µs before servicea called', () => {
    const [trace] = fixture('zipkin/skew.zipkin2.json');
    const a = analyzeTrace(trace!);
    assert.equal(a.clockSkew.length, 1);
    const s = a.clockSkew[0]!;
    assert.equal(s.service, 'serviceb');
    assert.equal(s.parentService, 'servicea');
    assert.equal(s.direction, 'starts-before-parent');
    assert.equal(s.offsetUs, 1470150004074202 - 1470150004008761);
  });
});

describe('spans never ended', () => {
  it('reports zero, missing and negative durations', () => {
    const a = analyzeTrace(
      buildTrace([
        { id: 'root', start: 0, duration: 100 },
        { id: 'zero', parent: 'root', start: 10, duration: 0 },
        { id: 'nan', parent: 'root', start: 20, duration: Number.NaN },
        { id: 'neg', parent: 'root', start: 30, duration: -5 },
        { id: 'ok', parent: 'root', start: 40, duration: 1 },
      ]),
    );
    assert.deepEqual(
      a.unendedSpans.map((u) => [u.spanId, u.reason]),
      [
        ['zero', 'zero-duration'],
        ['nan', 'missing-duration'],
        ['neg', 'negative-duration'],
      ],
    );
  });
});

describe('high-cardinality span names', () => {
  it('groups names that differ only by ids into one template', () => {
    const specs = [{ id: 'root', name: 'handler', start: 0, duration: 100 }];
    const ids = ['123', '456', '789', '1011', '1213', '1415'];
    ids.forEach((n, i) => specs.push({ id: `s${i}`, name: `GET /users/${n}`, start: i + 1, duration: 1 }));
    specs.push({ id: 'u', name: 'GET /orders/550e8400-e29b-41d4-a716-446655440000', start: 10, duration: 1 });
    const [f, ...rest] = findHighCardinality([buildTrace(specs)], 5, 3);
    assert.equal(rest.length, 0);
    assert.equal(f!.template, 'GET /users/{n}');
    assert.equal(f!.distinctNames, 6);
    assert.equal(f!.spanCount, 6);
    assert.deepEqual(f!.exampleNames, ['GET /users/123', 'GET /users/456', 'GET /users/789']);
  });

  it('counts distinct names, not spans: one id repeated is not high cardinality', () => {
    const specs = [{ id: 'root', name: 'handler', start: 0, duration: 100 }];
    for (let i = 0; i < 10; i++) specs.push({ id: `s${i}`, name: 'GET /users/42', start: i + 1, duration: 1 });
    assert.deepEqual(findHighCardinality([buildTrace(specs)], 5, 3), []);
  });

  it('keeps services apart and counts across traces', () => {
    const t1 = buildTrace(['a1', 'a2', 'a3'].map((id, i) => ({ id, service: 'x', name: `job ${i + 100}`, start: i, duration: 1 })), 't1');
    const t2 = buildTrace(['b1', 'b2'].map((id, i) => ({ id, service: 'x', name: `job ${i + 200}`, start: i, duration: 1 })), 't2');
    const t3 = buildTrace(['c1', 'c2'].map((id, i) => ({ id, service: 'y', name: `job ${i + 300}`, start: i, duration: 1 })), 't3');
    const found = findHighCardinality([t1, t2, t3], 5, 3);
    assert.deepEqual(
      found.map((f) => [f.service, f.template, f.distinctNames]),
      [['x', 'job {n}', 5]],
    );
  });
});

describe('sampling', () => {
  it('reports spans of one trace that disagree on the sampled flag', () => {
    const a = analyzeTrace(
      buildTrace([
        { id: 'root', start: 0, duration: 100, flags: 1 },
        { id: 'c1', parent: 'root', start: 1, duration: 1, flags: 1 },
        { id: 'c2', parent: 'root', service: 'b', start: 2, duration: 1, flags: 0 },
      ]),
    );
    const mixed = a.samplingIssues.find((s) => s.kind === 'mixed-sampled-flags');
    assert.ok(mixed && mixed.kind === 'mixed-sampled-flags');
    assert.equal(mixed.sampledCount, 2);
    assert.equal(mixed.unsampledCount, 1);
    assert.deepEqual(mixed.exampleUnsampledSpanIds, ['c2']);
  });

  it('is silent when flags agree or are absent', () => {
    const agree = buildTrace([
      { id: 'root', start: 0, duration: 100, flags: 1 },
      { id: 'c', parent: 'root', start: 1, duration: 1, flags: 1 },
      { id: 'd', parent: 'root', start: 2, duration: 1 },
    ]);
    assert.deepEqual(analyzeTrace(agree).samplingIssues, []);
  });
});
