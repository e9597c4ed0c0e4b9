import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { findNPlusOne } from '../../../src/core/analysis/nPlusOne';
import { findParallelizable } from '../../../src/core/analysis/parallelizable';
import { buildSpanTree } from '../../../src/core/analysis/spanTree';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import { fixturePath } from '../../support/fixtures';
import { buildTrace, type SpanSpec } from '../../support/traceBuilder';

const nPlusOneOptions = { minCount: 5, minSequentialRatio: 0.7, exampleLimit: 3 };

function queries(count: number, opts: { gap?: number; overlap?: boolean; statement?: (i: number) => string; name?: string } = {}): SpanSpec[] {
  const specs: SpanSpec[] = [{ id: 'root', service: 'shop', name: 'GET /orders', kind: 'server', start: 0, duration: 10_000 }];
  for (let i = 0; i < count; i++) {
    specs.push({
      id: `q${i}`,
      parent: 'root',
      service: 'shop',
      name: opts.name ?? 'SELECT items',
      kind: 'client',
      start: opts.overlap ? 100 + i : 100 + i * (100 + (opts.gap ?? 10)),
      duration: 100,
      attributes: { 'db.system': 'postgresql', 'db.statement': opts.statement ? opts.statement(i) : `SELECT * FROM items WHERE order_id = ${1000 + i}` },
    });
  }
  return specs;
}

describe('N+1 detection', () => {
  it('reports five sequential queries that differ only by literals', () => {
    const found = findNPlusOne(buildSpanTree(buildTrace(queries(6))), nPlusOneOptions);
    assert.equal(found.length, 1);
    const f = found[0]!;
    assert.equal(f.parentSpanId, 'root');
    assert.equal(f.parentOperation, 'GET /orders');
    assert.equal(f.operation, 'SELECT items');
    assert.equal(f.statement, 'SELECT * FROM items WHERE order_id = ?');
    assert.equal(f.count, 6);
    assert.equal(f.totalUs, 600);
    assert.equal(f.wallUs, 600);
    assert.equal(f.sequentialRatio, 1);
    assert.deepEqual(f.exampleSpanIds, ['q0', 'q1', 'q2']);
  });

  it('ignores four calls (below the threshold)', () => {
    assert.deepEqual(findNPlusOne(buildSpanTree(buildTrace(queries(4))), nPlusOneOptions), []);
  });

  it('ignores calls that ran in parallel (a batched fan-out)', () => {
    assert.deepEqual(findNPlusOne(buildSpanTree(buildTrace(queries(8, { overlap: true }))), nPlusOneOptions), []);
  });

  it('does not group different statements under one operation name', () => {
    const tables = ['items', 'users', 'carts', 'prices', 'stock', 'tax'];
    const specs = queries(6, { statement: (i) => `SELECT * FROM ${tables[i]} WHERE id = 1` });
    assert.deepEqual(findNPlusOne(buildSpanTree(buildTrace(specs)), nPlusOneOptions), []);
  });

  it('groups HTTP calls by URL path template', () => {
    const specs: SpanSpec[] = [{ id: 'root', service: 'bff', name: 'GET /feed', start: 0, duration: 5000 }];
    for (let i = 0; i < 5; i++) {
      specs.push({ id: `h${i}`, parent: 'root', service: 'bff', name: 'GET', kind: 'client', start: 10 + i * 200, duration: 150, attributes: { 'url.full': `http://users:8080/users/${i + 17}?fields=name` } });
    }
    specs.push({ id: 'other', parent: 'root', service: 'bff', name: 'GET', kind: 'client', start: 2000, duration: 100, attributes: { 'url.full': 'http://users:8080/health' } });
    const found = findNPlusOne(buildSpanTree(buildTrace(specs)), nPlusOneOptions);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.urlTemplate, '/users/{n}');
    assert.equal(found[0]!.count, 5);
  });

  it('groups calls without statement or URL by peer, and keeps peers apart', () => {
    const specs: SpanSpec[] = [{ id: 'root', service: 'bff', name: 'GET /feed', start: 0, duration: 5000 }];
    for (let i = 0; i < 5; i++) specs.push({ id: `a${i}`, parent: 'root', service: 'bff', name: 'GET', kind: 'client', start: 10 + i * 200, duration: 150, attributes: { 'peer.service': 'cache' } });
    for (let i = 0; i < 4; i++) specs.push({ id: `b${i}`, parent: 'root', service: 'bff', name: 'GET', kind: 'client', start: 1100 + i * 200, duration: 150, attributes: { 'peer.service': 'store' } });
    const found = findNPlusOne(buildSpanTree(buildTrace(specs)), nPlusOneOptions);
    assert.deepEqual(
      found.map((f) => [f.peer, f.count]),
      [['cache', 5]],
    );
  });

  it('does not report repeated internal (non-call) spans', () => {
    const specs: SpanSpec[] = [{ id: 'root', start: 0, duration: 5000 }];
    for (let i = 0; i < 6; i++) specs.push({ id: `f${i}`, parent: 'root', name: 'format row', kind: 'internal', start: 10 + i * 100, duration: 50 });
    assert.deepEqual(findNPlusOne(buildSpanTree(buildTrace(specs)), nPlusOneOptions), []);
  });

  it('finds the per-client lookups in the smartthings fixture', () => {
    const rel = 'zipkin/smartthings-mobile-web-install.zipkin2.json';
    const [trace] = parseTraceDocument(fs.readFileSync(fixturePath(rel), 'utf8'), rel);
    const found = findNPlusOne(buildSpanTree(trace!), nPlusOneOptions);
    assert.ok(found.length >= 1);
    for (const f of found) {
      assert.equal(f.service, 'auth');
      assert.equal(f.operation, 'client-select-by-id');
      assert.equal(f.statement, 'SELECT * FROM auth.client WHERE id = ?');
      assert.ok(f.count >= 5);
    }
  });
});

describe('sequential calls that could run in parallel', () => {
  const call = (id: string, start: number, duration: number, attributes: Record<string, string>, extra: Partial<SpanSpec> = {}): SpanSpec => ({
    id,
    parent: 'root',
    service: 'bff',
    name: extra.name ?? `call ${id}`,
    kind: 'client',
    start,
    duration,
    attributes,
    ...extra,
  });
  const root: SpanSpec = { id: 'root', service: 'bff', name: 'GET /home', kind: 'server', start: 0, duration: 10_000 };

  it('reports independent calls to different services, one after another', () => {
    const trace = buildTrace([
      root,
      call('profile', 100, 3000, { 'peer.service': 'profiles' }),
      call('recs', 3200, 2000, { 'peer.service': 'recommendations' }),
      call('ads', 5300, 1000, { 'server.address': 'ads.internal' }),
    ]);
    const found = findParallelizable(buildSpanTree(trace), { minSavingUs: 1000 });
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]!.spanIds, ['profile', 'recs', 'ads']);
    assert.deepEqual(found[0]!.targets, ['peer:profiles', 'peer:recommendations', 'host:ads.internal']);
    assert.equal(found[0]!.totalUs, 6000);
    assert.equal(found[0]!.longestUs, 3000);
    assert.equal(found[0]!.potentialSavingUs, 3000);
  });

  it('uses the callee span under a call as its target', () => {
    const trace = buildTrace([
      root,
      call('c1', 100, 3000, {}),
      { id: 's1', parent: 'c1', service: 'profiles', kind: 'server', start: 200, duration: 2800 },
      call('c2', 3200, 2000, {}),
      { id: 's2', parent: 'c2', service: 'ads', kind: 'server', start: 3300, duration: 1800 },
    ]);
    const found = findParallelizable(buildSpanTree(trace), { minSavingUs: 1000 });
    assert.deepEqual(found[0]?.targets, ['service:profiles', 'service:ads']);
  });

  it('does not report calls that already overlap', () => {
    const trace = buildTrace([root, call('a', 100, 3000, { 'peer.service': 'x' }), call('b', 2000, 3000, { 'peer.service': 'y' })]);
    assert.deepEqual(findParallelizable(buildSpanTree(trace), { minSavingUs: 0 }), []);
  });

  it('does not report calls to the same backend (a session or transaction)', () => {
    const trace = buildTrace([root, call('a', 100, 3000, { 'peer.service': 'db' }), call('b', 3200, 3000, { 'peer.service': 'db' })]);
    assert.deepEqual(findParallelizable(buildSpanTree(trace), { minSavingUs: 0 }), []);
  });

  it('does not report a call after a gatekeeper (auth/token/lock/begin) nor a finisher (commit)', () => {
    const afterAuth = buildTrace([root, call('auth', 100, 3000, { 'peer.service': 'auth' }, { name: 'POST /oauth/token' }), call('data', 3200, 3000, { 'peer.service': 'data' })]);
    assert.deepEqual(findParallelizable(buildSpanTree(afterAuth), { minSavingUs: 0 }), []);
    const commit = buildTrace([root, call('a', 100, 3000, { 'peer.service': 'x' }), call('c', 3200, 3000, { 'peer.service': 'y' }, { name: 'COMMIT' })]);
    assert.deepEqual(findParallelizable(buildSpanTree(commit), { minSavingUs: 0 }), []);
  });

  it('does not report a call that follows a failed one (it may be the fallback)', () => {
    const trace = buildTrace([root, call('a', 100, 3000, { 'peer.service': 'x' }, { error: true }), call('b', 3200, 3000, { 'peer.service': 'y' })]);
    assert.deepEqual(findParallelizable(buildSpanTree(trace), { minSavingUs: 0 }), []);
  });

  it('does not report calls whose target is unknown', () => {
    const trace = buildTrace([root, call('a', 100, 3000, {}), call('b', 3200, 3000, {})]);
    assert.deepEqual(findParallelizable(buildSpanTree(trace), { minSavingUs: 0 }), []);
  });

  it('honours the minimum saving', () => {
    const trace = buildTrace([root, call('a', 100, 300, { 'peer.service': 'x' }), call('b', 500, 300, { 'peer.service': 'y' })]);
    assert.deepEqual(findParallelizable(buildSpanTree(trace), { minSavingUs: 1000 }), []);
    assert.equal(findParallelizable(buildSpanTree(trace), { minSavingUs: 300 }).length, 1);
  });

  it('leaves the yelp transaction alone (begin … commit on mysql) and flags the independent mobile_api calls', () => {
    const rel = 'zipkin/yelp.zipkin2.json';
    const [trace] = parseTraceDocument(fs.readFileSync(fixturePath(rel), 'utf8'), rel);
    const found = findParallelizable(buildSpanTree(trace!), { minSavingUs: 1000 });
    assert.ok(!found.some((f) => f.parentOperation.startsWith('txn:')));
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]!.targets, ['peer:memcache', 'service:spectre', 'peer:blt']);
  });
});
