import * as assert from 'node:assert/strict';
import { computeCriticalPath, type CriticalPath } from '../../../src/core/analysis/criticalPath';
import { buildSpanTree } from '../../../src/core/analysis/spanTree';
import { buildTrace, type SpanSpec } from '../../support/traceBuilder';

function pathOf(specs: SpanSpec[]): CriticalPath {
  return computeCriticalPath(buildSpanTree(buildTrace(specs)));
}

function segs(p: CriticalPath): string[] {
  return p.segments.map((s) => `${s.kind === 'async-wait' ? 'wait:' : ''}${s.spanId}[${s.startUs},${s.endUs}]`);
}

describe('critical path', () => {
  it('walks sequential children and charges the gaps to the parent', () => {
    const p = pathOf([
      { id: 'root', start: 0, duration: 100 },
      { id: 'a', parent: 'root', start: 10, duration: 30 },
      { id: 'b', parent: 'root', start: 50, duration: 40 },
    ]);
    assert.deepEqual(segs(p), ['root[0,10]', 'a[10,40]', 'root[40,50]', 'b[50,90]', 'root[90,100]']);
    assert.deepEqual(p.spanIds, ['root', 'a', 'b']);
    assert.equal(p.rootSpanId, 'root');
    assert.equal(p.startUs, 0);
    assert.equal(p.endUs, 100);
  });

  it('skips a child that ran in parallel with the last-finishing one', () => {
    const p = pathOf([
      { id: 'root', start: 0, duration: 100 },
      { id: 'long', parent: 'root', start: 10, duration: 70 },
      { id: 'short', parent: 'root', start: 20, duration: 40 },
    ]);
    assert.deepEqual(segs(p), ['root[0,10]', 'long[10,80]', 'root[80,100]']);
    assert.deepEqual(p.spanIds, ['root', 'long']);
  });

  it('follows the child that finished last even when it started later', () => {
    const p = pathOf([
      { id: 'root', start: 0, duration: 100 },
      { id: 'early', parent: 'root', start: 10, duration: 40 },
      { id: 'late', parent: 'root', start: 20, duration: 50 },
    ]);
    assert.deepEqual(segs(p), ['root[0,20]', 'late[20,70]', 'root[70,100]']);
  });

  it('descends through nested children and merges adjacent stretches of one span', () => {
    const p = pathOf([
      { id: 'root', start: 0, duration: 100 },
      { id: 'a', parent: 'root', start: 0, duration: 100 },
      { id: 'a1', parent: 'a', start: 20, duration: 30 },
      { id: 'a2', parent: 'a', start: 60, duration: 10 },
    ]);
    assert.deepEqual(segs(p), ['a[0,20]', 'a1[20,50]', 'a[50,60]', 'a2[60,70]', 'a[70,100]']);
    assert.deepEqual(p.spanIds, ['root', 'a', 'a1', 'a2'], 'root is on the path although its child covers all its time');
  });

  it('clips a cross-service child that overhangs its caller (clock skew, not extra latency)', () => {
    const p = pathOf([
      { id: 'client', service: 'a', kind: 'client', start: 0, duration: 100 },
      { id: 'server', service: 'b', kind: 'server', parent: 'client', start: 50, duration: 80 },
    ]);
    assert.deepEqual(segs(p), ['client[0,50]', 'server[50,100]']);
    assert.equal(p.endUs, 100);
  });

  it('clips a child that starts before its parent', () => {
    const p = pathOf([
      { id: 'client', service: 'a', kind: 'client', start: 100, duration: 100 },
      { id: 'server', service: 'b', kind: 'server', parent: 'client', start: 60, duration: 80 },
    ]);
    assert.deepEqual(segs(p), ['server[100,140]', 'client[140,200]']);
  });

  it('follows a same-service fire-and-forget child that outlives its parent', () => {
    const p = pathOf([
      { id: 'root', service: 'a', start: 0, duration: 100 },
      { id: 'bg', service: 'a', parent: 'root', start: 50, duration: 100 },
    ]);
    assert.deepEqual(segs(p), ['root[0,50]', 'bg[50,150]']);
    assert.equal(p.endUs, 150);
  });

  it('charges the wait before a FOLLOWS_FROM child that starts after its parent ended to that child', () => {
    const p = pathOf([
      { id: 'root', service: 'a', start: 0, duration: 100 },
      { id: 'job', service: 'b', parent: 'root', start: 120, duration: 80, links: [{ spanId: 'root', kind: 'follows_from' }] },
    ]);
    assert.deepEqual(segs(p), ['root[0,100]', 'wait:job[100,120]', 'job[120,200]']);
    assert.equal(p.endUs, 200);
  });

  it('does not extend past the parent for a cross-service child without an async sign', () => {
    const p = pathOf([
      { id: 'root', service: 'a', start: 0, duration: 100 },
      { id: 'late', service: 'b', parent: 'root', start: 120, duration: 80 },
    ]);
    assert.deepEqual(segs(p), ['root[0,100]']);
    assert.equal(p.endUs, 100);
  });

  it('follows a producer to its consumer across the queue', () => {
    const p = pathOf([
      { id: 'root', service: 'a', kind: 'server', start: 0, duration: 100 },
      { id: 'send', service: 'a', kind: 'producer', parent: 'root', start: 10, duration: 10 },
      { id: 'recv', service: 'c', kind: 'consumer', parent: 'send', start: 150, duration: 30 },
    ]);
    assert.deepEqual(segs(p), ['root[0,10]', 'send[10,20]', 'wait:recv[20,150]', 'recv[150,180]']);
    assert.deepEqual(p.spanIds, ['root', 'send', 'recv']);
    assert.equal(p.endUs, 180);
  });

  it('reaches an async grandchild through a synchronous child', () => {
    const p = pathOf([
      { id: 'root', service: 'a', kind: 'server', start: 0, duration: 100 },
      { id: 'handler', service: 'a', parent: 'root', start: 5, duration: 90 },
      { id: 'send', service: 'a', kind: 'producer', parent: 'handler', start: 50, duration: 10 },
      { id: 'recv', service: 'c', kind: 'consumer', parent: 'send', start: 200, duration: 10 },
    ]);
    assert.deepEqual(p.spanIds, ['root', 'handler', 'send', 'recv']);
    assert.equal(p.endUs, 210);
  });

  it('treats a root span linked to another span of the trace as its asynchronous child', () => {
    const p = pathOf([
      { id: 'root', service: 'a', start: 0, duration: 100 },
      { id: 'linked', service: 'b', start: 150, duration: 50, links: [{ spanId: 'root' }] },
    ]);
    assert.deepEqual(segs(p), ['root[0,100]', 'wait:linked[100,150]', 'linked[150,200]']);
  });

  it('starts from the root whose work reaches furthest when the trace lost its root', () => {
    const p = pathOf([
      { id: 'o1', parent: 'missing', start: 0, duration: 50 },
      { id: 'o2', parent: 'missing', start: 10, duration: 100 },
      { id: 'o2c', parent: 'o2', start: 20, duration: 10 },
    ]);
    assert.equal(p.rootSpanId, 'o2');
    assert.deepEqual(segs(p), ['o2[10,20]', 'o2c[20,30]', 'o2[30,110]']);
  });

  it('prefers the one true root over orphans that end later', () => {
    const p = pathOf([
      { id: 'root', start: 0, duration: 50 },
      { id: 'orphan', parent: 'missing', start: 10, duration: 500 },
    ]);
    assert.equal(p.rootSpanId, 'root');
    assert.equal(p.endUs, 50);
  });

  it('survives parent cycles in malformed data', () => {
    const p = pathOf([
      { id: 'x', parent: 'y', start: 0, duration: 100 },
      { id: 'y', parent: 'x', start: 10, duration: 20 },
    ]);
    assert.ok(p.rootSpanId === 'x' || p.rootSpanId === 'y');
    const total = p.segments.reduce((a, s) => a + (s.endUs - s.startUs), 0);
    assert.equal(total, p.endUs - p.startUs);
  });

  it('handles zero-length children and children ending exactly at the cursor', () => {
    const p = pathOf([
      { id: 'root', start: 0, duration: 100 },
      { id: 'z', parent: 'root', start: 100, duration: 0 },
      { id: 'a', parent: 'root', start: 60, duration: 40 },
    ]);
    assert.deepEqual(segs(p), ['root[0,60]', 'a[60,100]']);
    assert.deepEqual(p.spanIds, ['root', 'a'], 'a zero-length child holds no path time');
  });

  it('is empty for an empty trace', () => {
    const p = pathOf([]);
    assert.equal(p.rootSpanId, undefined);
    assert.deepEqual(p.segments, []);
  });

  it('walks a 200k-deep chain without recursion', () => {
    const specs: SpanSpec[] = [];
    const depth = 200_000;
    for (let i = 0; i < depth; i++) specs.push({ id: `s${i}`, parent: i === 0 ? undefined : `s${i - 1}`, start: i, duration: 2 * (depth - i) });
    const p = pathOf(specs);
    assert.equal(p.spanIds.length, depth);
    assert.equal(p.segments.length, 2 * depth - 1);
    assert.equal(p.endUs - p.startUs, 2 * depth);
  });
});
