import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { analyzeTrace } from '../../../src/core/analysis/analyzeTrace';
import { analyzeTraces, gapCalleeQueries } from '../../../src/core/analysis/analyzeTraces';
import { buildCallContext, resolveCallee } from '../../../src/core/analysis/propagation';
import { buildSpanTree } from '../../../src/core/analysis/spanTree';
import type { Trace } from '../../../src/core/model/trace';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import { fixturePath } from '../../support/fixtures';
import { buildTrace, makeSpan, type SpanSpec } from '../../support/traceBuilder';

function fixture(rel: string): Trace[] {
  return parseTraceDocument(fs.readFileSync(fixturePath(rel), 'utf8'), rel);
}

const root: SpanSpec = { id: 'root', service: 'gateway', name: 'GET /checkout', kind: 'server', start: 0, duration: 10_000 };
const answered = (id: string, callee: string, start: number, attributes: Record<string, string> = {}): SpanSpec[] => [
  { id, parent: 'root', service: 'gateway', name: `call ${callee}`, kind: 'client', start, duration: 500, attributes: { 'peer.service': callee, ...attributes } },
  { id: `${id}-srv`, parent: id, service: callee, name: 'handle', kind: 'server', start: start + 50, duration: 400 },
];
const unanswered = (id: string, start: number, attributes: Record<string, string>, name = 'call'): SpanSpec => ({
  id,
  parent: 'root',
  service: 'gateway',
  name,
  kind: 'client',
  start,
  duration: 500,
  attributes,
});

describe('propagation gaps in one trace', () => {
  it('reports a call to an instrumented service whose span is missing (possible gap)', () => {
    const trace = buildTrace([root, ...answered('c1', 'payments', 100), ...answered('c2', 'inventory', 1000), unanswered('c3', 2000, { 'peer.service': 'payments' }, 'refund')]);
    // payments answers another call: that is a sampling issue, not propagation.
    const a = analyzeTrace(trace);
    assert.deepEqual(a.propagationGaps, []);
    const issue = a.samplingIssues.find((s) => s.kind === 'missing-callee-spans');
    assert.ok(issue && issue.kind === 'missing-callee-spans');
    assert.deepEqual([issue.callerService, issue.calleeService, issue.callsWithCalleeSpan, issue.callsWithoutCalleeSpan], ['gateway', 'payments', 1, 1]);
    assert.deepEqual(issue.exampleSpanIds, ['c3']);
  });

  it('reports a gap when no call to that service has its span', () => {
    const trace = buildTrace([
      root,
      ...answered('c1', 'payments', 100),
      // inventory is instrumented (it answers a call elsewhere in the trace, from payments)
      { id: 'p-call', parent: 'c1-srv', service: 'payments', name: 'reserve', kind: 'client', start: 200, duration: 100, attributes: { 'peer.service': 'inventory' } },
      { id: 'p-call-srv', parent: 'p-call', service: 'inventory', name: 'reserve', kind: 'server', start: 210, duration: 80 },
      unanswered('c3', 2000, { 'peer.service': 'inventory' }, 'stock'),
    ]);
    const a = analyzeTrace(trace);
    assert.equal(a.propagationGaps.length, 1);
    const g = a.propagationGaps[0]!;
    assert.deepEqual([g.spanId, g.callerService, g.calleeService, g.operation, g.spanKind, g.confidence], ['c3', 'gateway', 'inventory', 'stock', 'client', 'possible']);
    assert.deepEqual(a.samplingIssues, []);
  });

  it('does not report calls to uninstrumented backends (brokers, databases, external APIs)', () => {
    const trace = buildTrace([
      root,
      ...answered('c1', 'payments', 100),
      unanswered('k', 1000, { 'peer.service': 'kafka' }),
      unanswered('ext', 2000, { 'url.full': 'https://api.stripe.com/v1/charges' }),
      unanswered('db', 3000, { 'peer.service': 'payments', 'db.system': 'postgresql', 'db.statement': 'SELECT 1' }),
    ]);
    const a = analyzeTrace(trace);
    assert.deepEqual(a.propagationGaps, []);
    assert.deepEqual(a.samplingIssues, []);
  });

  it('does not report a call whose peer is the caller itself (a datastore named after the service)', () => {
    const trace = buildTrace([root, unanswered('self', 100, { 'peer.service': 'gateway' })]);
    assert.deepEqual(analyzeTrace(trace).propagationGaps, []);
  });

  it('uses known services from outside the trace', () => {
    const trace = buildTrace([root, unanswered('c', 100, { 'peer.service': 'billing' })]);
    assert.deepEqual(analyzeTrace(trace).propagationGaps, []);
    const gaps = analyzeTrace(trace, { knownServices: ['billing', 'other'] }).propagationGaps;
    assert.deepEqual(
      gaps.map((g) => [g.spanId, g.calleeService]),
      [['c', 'billing']],
    );
  });

  it('does not report a call recorded twice when the twin has the callee span (double instrumentation)', () => {
    const trace = buildTrace([
      root,
      ...answered('c1', 'payments', 100, { 'http.path': '/pay' }),
      { ...unanswered('c1-wrapper', 100, { 'peer.service': 'payments', 'http.path': '/pay' }), name: 'call payments', duration: 5000 },
    ]);
    const a = analyzeTrace(trace);
    assert.deepEqual(a.propagationGaps, []);
    assert.deepEqual(a.samplingIssues, []);
  });

  it('treats a destination named after an instrumented service as its inbox, and a topic as nobody', () => {
    const trace = buildTrace([
      root,
      ...answered('c1', 'billing', 100),
      { id: 'to-inbox', parent: 'root', service: 'gateway', name: 'publish', kind: 'producer', start: 1000, duration: 10, attributes: { 'peer.service': 'rabbitmq', 'messaging.destination.name': 'Billing' } },
      { id: 'to-topic', parent: 'root', service: 'gateway', name: 'publish', kind: 'producer', start: 2000, duration: 10, attributes: { 'peer.service': 'kafka', 'messaging.destination.name': 'orders.events' } },
    ]);
    const a = analyzeTrace(trace);
    // billing answers the gateway's calls, so the missing consumer span is a sampling matter.
    assert.deepEqual(a.propagationGaps, []);
    const issue = a.samplingIssues.find((s) => s.kind === 'missing-callee-spans');
    assert.ok(issue && issue.kind === 'missing-callee-spans');
    assert.deepEqual(issue.exampleSpanIds, ['to-inbox']);
  });

  it('accepts a producer whose consumer is its child or links to it', () => {
    const trace = buildTrace([
      root,
      { id: 'send1', parent: 'root', service: 'gateway', name: 'publish', kind: 'producer', start: 100, duration: 10, attributes: { 'peer.service': 'worker' } },
      { id: 'recv1', parent: 'send1', service: 'worker', name: 'process', kind: 'consumer', start: 500, duration: 10 },
      { id: 'send2', parent: 'root', service: 'gateway', name: 'publish', kind: 'producer', start: 200, duration: 10, attributes: { 'peer.service': 'worker' } },
      { id: 'recv2', service: 'worker', name: 'process batch', kind: 'consumer', start: 600, duration: 10, links: [{ spanId: 'send2' }] },
    ]);
    assert.deepEqual(analyzeTrace(trace).propagationGaps, []);
  });

  for (const rel of ['zipkin/messaging-kafka.zipkin2.json', 'zipkin/messaging2.zipkin2.json']) {
    it(`finds no gap in the messaging fixture ${rel}, even with every service known`, () => {
      const traces = fixture(rel);
      const services = [...new Set(traces.flatMap((t) => t.spans.map((s) => s.service)))];
      for (const t of traces) {
        assert.deepEqual(analyzeTrace(t).propagationGaps, []);
        assert.deepEqual(analyzeTrace(t, { knownServices: services }).propagationGaps, []);
      }
      assert.deepEqual(
        analyzeTraces(traces).traces.flatMap((a) => a.propagationGaps),
        [],
      );
    });
  }

  it('finds no gap or missing callee spans in the other zipkin fixtures', () => {
    for (const rel of ['zipkin/yelp.zipkin2.json', 'zipkin/ascend.zipkin2.json', 'zipkin/skew.zipkin2.json', 'zipkin/smartthings-mobile-web-install.zipkin2.json']) {
      for (const t of fixture(rel)) {
        const a = analyzeTrace(t);
        assert.deepEqual(a.propagationGaps, [], rel);
        assert.deepEqual(a.samplingIssues, [], rel);
      }
    }
  });
});

describe('resolving the callee of a call', () => {
  const ctxFor = (trace: Trace, known: string[] = []) => buildCallContext([buildSpanTree(trace)], known);
  const base = buildTrace([root, ...answered('c1', 'payments', 100, { 'net.peer.ip': '10.0.0.7' })]);

  it('matches peer.service, a host or its first DNS label to a known service', () => {
    const ctx = ctxFor(base, ['orders']);
    assert.equal(resolveCallee(makeSpan({ id: 'x', start: 0, kind: 'client', attributes: { 'peer.service': 'Payments' } }), ctx), 'payments');
    assert.equal(resolveCallee(makeSpan({ id: 'x', start: 0, kind: 'client', attributes: { 'server.address': 'orders.prod.svc.cluster.local' } }), ctx), 'orders');
    assert.equal(resolveCallee(makeSpan({ id: 'x', start: 0, kind: 'client', attributes: { 'url.full': 'http://orders:8080/o/1' } }), ctx), 'orders');
    assert.equal(resolveCallee(makeSpan({ id: 'x', start: 0, kind: 'client', attributes: { 'server.address': 'unknown.example.com' } }), ctx), undefined);
  });

  it('learns addresses from calls whose callee span is present', () => {
    const ctx = ctxFor(base);
    assert.equal(resolveCallee(makeSpan({ id: 'x', start: 0, kind: 'client', attributes: { 'net.peer.ip': '10.0.0.7' } }), ctx), 'payments');
    assert.equal(resolveCallee(makeSpan({ id: 'x', start: 0, kind: 'client', attributes: { 'net.peer.ip': '10.0.0.8' } }), ctx), undefined);
  });

  it('drops an address that led to two different services', () => {
    const trace = buildTrace([root, ...answered('c1', 'payments', 100, { 'server.address': 'lb.internal' }), ...answered('c2', 'orders', 1000, { 'server.address': 'lb.internal' })]);
    const ctx = ctxFor(trace);
    assert.equal(ctx.learned.has('lb.internal'), false);
  });
});

describe('propagation gaps across traces', () => {
  const caller = buildTrace([root, unanswered('c', 1000, { 'peer.service': 'payments' }, 'pay')], 'trace-a');

  it('confirms a gap when the callee started a trace of its own during the call', () => {
    const callee = buildTrace([{ id: 'srv', service: 'payments', name: 'POST /pay', kind: 'server', start: 1100, duration: 300 }], 'trace-b');
    const m = analyzeTraces([caller, callee]);
    const gaps = m.traces[0]!.propagationGaps;
    assert.equal(gaps.length, 1);
    assert.deepEqual([gaps[0]!.confidence, gaps[0]!.calleeService, gaps[0]!.matchedTraceId, gaps[0]!.matchedSpanId], ['likely', 'payments', 'trace-b', 'srv']);
    assert.deepEqual(
      m.propagationGaps.map((g) => [g.callerService, g.calleeService, g.count, g.traceCount, g.likelyCount]),
      [['gateway', 'payments', 1, 1, 1]],
    );
  });

  it('uses evidence traces without reporting them, and says where to look for evidence', () => {
    const first = analyzeTraces([caller], { knownServices: ['payments'] });
    assert.deepEqual(gapCalleeQueries(first, { crossTraceSlackUs: 10 }), [{ service: 'payments', startUs: 990, endUs: 1510 }]);
    const callee = buildTrace([{ id: 'srv', service: 'payments', name: 'POST /pay', kind: 'server', start: 1100, duration: 300 }], 'trace-b');
    const m = analyzeTraces([caller], { evidenceTraces: [callee] });
    assert.equal(m.traceCount, 1);
    assert.deepEqual(
      m.traces[0]!.propagationGaps.map((g) => [g.confidence, g.matchedTraceId]),
      [['likely', 'trace-b']],
    );
    assert.deepEqual(gapCalleeQueries(m), [], 'confirmed gaps need no more evidence');
  });

  it('does not match a callee span at another time, nor one that has its own parent', () => {
    const later = buildTrace([{ id: 'srv', service: 'payments', name: 'POST /pay', kind: 'server', start: 50_000, duration: 300 }], 'trace-b');
    const m1 = analyzeTraces([caller, later]);
    assert.deepEqual(
      m1.traces[0]!.propagationGaps.map((g) => g.confidence),
      ['possible'],
    );
    const parented = buildTrace(
      [
        { id: 'other-root', service: 'shop', kind: 'client', start: 1000, duration: 1000 },
        { id: 'srv', parent: 'other-root', service: 'payments', name: 'POST /pay', kind: 'server', start: 1100, duration: 300 },
      ],
      'trace-b',
    );
    const m2 = analyzeTraces([caller, parented]);
    assert.deepEqual(
      m2.traces[0]!.propagationGaps.map((g) => g.confidence),
      ['possible'],
    );
  });

  it('confirms a lost message: a consumer starting a new trace on the same destination soon after', () => {
    const producer = buildTrace(
      [root, { id: 'send', parent: 'root', service: 'gateway', name: 'publish orders', kind: 'producer', start: 1000, duration: 20, attributes: { 'messaging.destination.name': 'orders', 'peer.service': 'kafka' } }],
      'trace-a',
    );
    const consumer = buildTrace([{ id: 'recv', service: 'fulfilment', name: 'process orders', kind: 'consumer', start: 3000, duration: 50, attributes: { 'messaging.destination.name': 'orders' } }], 'trace-c');
    const m = analyzeTraces([producer, consumer]);
    assert.deepEqual(
      m.traces[0]!.propagationGaps.map((g) => [g.spanId, g.spanKind, g.calleeService, g.confidence]),
      [['send', 'producer', 'fulfilment', 'likely']],
    );
    // The same consumer linking to the producer got the context: no gap.
    const linked = buildTrace(
      [{ id: 'recv', service: 'fulfilment', name: 'process orders', kind: 'consumer', start: 3000, duration: 50, attributes: { 'messaging.destination.name': 'orders' }, links: [{ spanId: 'send', traceId: 'trace-a' }] }],
      'trace-c',
    );
    assert.deepEqual(analyzeTraces([producer, linked]).traces[0]!.propagationGaps, []);
  });
});

describe('analysis across traces', () => {
  it('counts how often operations sit on the critical path', () => {
    const mk = (id: string, slowDb: boolean): Trace =>
      buildTrace(
        [
          { id: 'r', service: 'api', name: 'GET /x', start: 0, duration: 100 },
          { id: 'db', parent: 'r', service: 'api', name: 'SELECT', kind: 'client', start: 10, duration: slowDb ? 80 : 10 },
          { id: 'cache', parent: 'r', service: 'api', name: 'GET cache', kind: 'client', start: 10, duration: slowDb ? 10 : 80 },
        ],
        id,
      );
    const m = analyzeTraces([mk('t1', true), mk('t2', true), mk('t3', false)]);
    assert.equal(m.traceCount, 3);
    const row = (op: string) => m.criticalPathOperations.find((r) => r.operation === op)!;
    assert.deepEqual([row('GET /x').traceCount, row('GET /x').share], [3, 1]);
    assert.deepEqual([row('SELECT').traceCount, row('SELECT').criticalPathUs], [2, 160]);
    assert.ok(Math.abs(row('SELECT').share - 2 / 3) < 1e-12);
    assert.deepEqual([row('GET cache').traceCount, row('GET cache').meanCriticalPathPercent], [1, 80]);
    assert.equal(m.criticalPathOperations[0]!.operation, 'GET /x');
  });

  it('sums recurring N+1 patterns over traces', () => {
    const mk = (id: string): Trace => {
      const specs: SpanSpec[] = [{ id: 'r', service: 'api', name: 'GET /orders', start: 0, duration: 10_000 }];
      for (let i = 0; i < 5; i++) specs.push({ id: `q${i}`, parent: 'r', service: 'api', name: 'SELECT', kind: 'client', start: 10 + i * 100, duration: 90, attributes: { 'db.statement': `SELECT * FROM t WHERE id = ${i}` } });
      return buildTrace(specs, id);
    };
    const m = analyzeTraces([mk('t1'), mk('t2')]);
    assert.deepEqual(
      m.nPlusOne.map((n) => [n.parentOperation, n.operation, n.traceCount, n.totalCalls, n.totalUs]),
      [['GET /orders', 'SELECT', 2, 10, 900]],
    );
  });
});
