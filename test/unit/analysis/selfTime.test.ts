import * as assert from 'node:assert/strict';
import { analyzeTrace } from '../../../src/core/analysis/analyzeTrace';
import { computeSpanSelfTimes } from '../../../src/core/analysis/selfTime';
import { buildSpanTree } from '../../../src/core/analysis/spanTree';
import { buildTrace } from '../../support/traceBuilder';

describe('self time', () => {
  it('subtracts the union of children clipped to the span', () => {
    const trace = buildTrace([
      { id: 'root', start: 0, duration: 100 },
      { id: 'a', parent: 'root', start: 10, duration: 30 }, // 10..40
      { id: 'b', parent: 'root', start: 20, duration: 40 }, // 20..60, overlaps a
      { id: 'c', parent: 'root', start: 90, duration: 50 }, // 90..140, clipped to 90..100
      { id: 'd', parent: 'root', start: -20, duration: 25 }, // -20..5, clipped to 0..5
    ]);
    const self = computeSpanSelfTimes(buildSpanTree(trace));
    const byId = new Map(trace.spans.map((s, i) => [s.spanId, self[i]!]));
    // covered: 0..5, 10..60, 90..100 = 5 + 50 + 10
    assert.equal(byId.get('root'), 35);
    assert.equal(byId.get('a'), 30);
    assert.equal(byId.get('c'), 50);
  });

  it('does not count link-adopted spans as children', () => {
    const trace = buildTrace([
      { id: 'root', start: 0, duration: 100 },
      { id: 'linked', start: 10, duration: 50, links: [{ spanId: 'root' }] },
    ]);
    const self = computeSpanSelfTimes(buildSpanTree(trace));
    assert.equal(self[trace.spans.findIndex((s) => s.spanId === 'root')], 100);
  });

  it('aggregates per service and per operation with shares of the trace and of the critical path', () => {
    const trace = buildTrace([
      { id: 'root', service: 'front', name: 'GET /', kind: 'server', start: 0, duration: 100 },
      { id: 'q1', service: 'front', name: 'SELECT', kind: 'client', parent: 'root', start: 10, duration: 20 },
      { id: 'q2', service: 'front', name: 'SELECT', kind: 'client', parent: 'root', start: 40, duration: 20, error: true },
      { id: 'call', service: 'front', name: 'GET /users', kind: 'client', parent: 'root', start: 60, duration: 30 },
      { id: 'srv', service: 'users', name: 'GET /users', kind: 'server', parent: 'call', start: 65, duration: 20 },
    ]);
    const a = analyzeTrace(trace);
    const op = (service: string, operation: string) => a.selfTime.byOperation.find((r) => r.service === service && r.operation === operation)!;
    assert.deepEqual(
      { count: op('front', 'SELECT').count, errors: op('front', 'SELECT').errorCount, total: op('front', 'SELECT').totalUs, self: op('front', 'SELECT').selfUs },
      { count: 2, errors: 1, total: 40, self: 40 },
    );
    assert.equal(op('front', 'GET /').selfUs, 30);
    assert.equal(op('front', 'GET /').selfPercentOfTrace, 30);
    assert.equal(op('front', 'GET /users').selfUs, 10);
    assert.equal(op('users', 'GET /users').criticalPathUs, 20);
    assert.equal(op('users', 'GET /users').criticalPathPercent, 20);
    const users = a.selfTime.byService.find((r) => r.service === 'users')!;
    assert.equal(users.operation, undefined);
    assert.equal(users.selfUs, 20);
    const front = a.selfTime.byService.find((r) => r.service === 'front')!;
    assert.equal(front.selfUs, 80);
    assert.equal(front.count, 4);
    // Per-span self times line up with trace.spans.
    assert.equal(a.selfTime.spanSelfUs[trace.spans.findIndex((s) => s.spanId === 'call')], 10);
    const sumPath = a.selfTime.byOperation.reduce((x, r) => x + r.criticalPathPercent, 0);
    assert.ok(Math.abs(sumPath - 100) < 1e-9);
  });

  it('ranks bottlenecks by critical-path time, then self time', () => {
    const trace = buildTrace([
      { id: 'root', service: 'front', name: 'GET /', start: 0, duration: 100 },
      { id: 'slow', service: 'front', name: 'render', parent: 'root', start: 5, duration: 60 },
      { id: 'par', service: 'front', name: 'prefetch', parent: 'root', start: 5, duration: 50 },
      { id: 'fast', service: 'front', name: 'log', parent: 'root', start: 70, duration: 10 },
    ]);
    const a = analyzeTrace(trace);
    assert.deepEqual(
      a.bottlenecks.map((b) => [b.operation, b.criticalPathUs]),
      [
        ['render', 60],
        ['GET /', 30],
        ['log', 10],
      ],
    );
    assert.ok(!a.bottlenecks.some((b) => b.operation === 'prefetch'), 'parallel work off the path is not a bottleneck');
    assert.deepEqual(a.bottlenecks[0]!.exampleSpanIds, ['slow']);
  });

  it('analyses an empty trace without findings', () => {
    const a = analyzeTrace(buildTrace([]));
    assert.equal(a.spanCount, 0);
    assert.equal(a.durationUs, 0);
    assert.deepEqual(a.criticalPath, []);
    assert.deepEqual([a.bottlenecks, a.orphans, a.clockSkew, a.unendedSpans, a.propagationGaps], [[], [], [], [], []]);
    assert.equal(a.completeness.incomplete, false);
  });
});
