import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { analyzeCommand } from '../../../src/cli/commands/analyze';
import type { CliIo } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/main';
import { analyzeTrace } from '../../../src/core/analysis/analyzeTrace';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import { fixturePath } from '../../support/fixtures';
import { startJaegerTestServer, type JaegerTestServer } from '../../support/jaegerTestServer';
import { buildTrace } from '../../support/traceBuilder';

interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function cli(...argv: string[]): Promise<Captured> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t + '\n'), err: (t) => void (err += t + '\n') };
  const code = await runCli(argv, io, new AbortController().signal);
  return { code, out, err };
}

describe('spanlens analyze', () => {
  const smartthings = fixturePath('zipkin/smartthings-mobile-web-install.zipkin2.json');

  it('is registered with the CLI', async () => {
    const r = await cli('--help');
    assert.match(r.out, /analyze\s+critical path/);
    assert.equal(analyzeCommand.name, 'analyze');
  });

  it('prints the documented JSON for a trace file, matching the core analysis', async () => {
    const r = await cli('analyze', smartthings, '--json');
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as Record<string, unknown>;
    for (const key of ['criticalPath', 'selfTime', 'bottlenecks', 'nPlusOne', 'orphans', 'propagationGaps', 'samplingIssues', 'clockSkew', 'parallelizable', 'unendedSpans', 'highCardinality', 'criticalPathSegments', 'selfTimeByService']) {
      assert.ok(Array.isArray(json[key]), `${key} is an array`);
    }
    const [trace] = parseTraceDocument(fs.readFileSync(smartthings, 'utf8'), smartthings);
    const direct = analyzeTrace(trace!);
    assert.deepEqual(json['criticalPath'], direct.criticalPath);
    assert.equal(json['spanCount'], 957);
    assert.equal((json['nPlusOne'] as unknown[]).length, 2);
    assert.equal(json['selfTimeBySpan'], undefined, 'per-span rows only with --spans');
    const segment = (json['criticalPathSegments'] as Record<string, unknown>[])[0]!;
    assert.deepEqual(Object.keys(segment).sort(), ['endUs', 'kind', 'spanId', 'startUs']);
  });

  it('adds per-span self time with --spans', async () => {
    const r = await cli('analyze', fixturePath('zipkin/ascend.zipkin2.json'), '--json', '--spans');
    const json = JSON.parse(r.out) as { selfTimeBySpan: { spanId: string; selfUs: number }[]; spanCount: number };
    assert.equal(json.selfTimeBySpan.length, json.spanCount);
    assert.ok(json.selfTimeBySpan.every((row) => typeof row.spanId === 'string' && row.selfUs >= 0));
  });

  it('prints a readable report with the critical path and findings', async () => {
    const r = await cli('analyze', fixturePath('zipkin/skew.zipkin2.json'));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Trace 00000000000000001e223ff1f80f1c69: 4 spans/);
    assert.match(r.out, /Critical path/);
    assert.match(r.out, /Clock skew \(1, largest first\):\n {2}serviceb: post \(\w+\) starts 65 ms before its parent in servicea/);
  });

  it('says so when nothing is wrong', async () => {
    const r = await cli('analyze', fixturePath('jaeger-ui/petclinic_testTraceNormal.v1trace.json'));
    assert.match(r.out, /No problems found\./);
  });

  it('escapes control characters of untrusted span names in text output', async () => {
    const r = await cli('analyze', smartthings);
    assert.match(r.out, /bookie: \\u000a/);
    assert.ok(!r.out.includes('bookie: \n'));
  });

  it('fetches a trace by id from the source', async () => {
    const r = await cli('analyze', 'a03ee8fff1dcd9b9', '--source', fixturePath('zipkin/yelp.zipkin2.json'), '--json');
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { traceId: string; parallelizable: unknown[] };
    assert.equal(json.traceId, '0000000000000000a03ee8fff1dcd9b9');
    assert.equal(json.parallelizable.length, 1);
  });

  it('fails with a clear message for a trace id the source does not have', async () => {
    const r = await cli('analyze', 'ffffffffffffffff', '--source', fixturePath('zipkin/yelp.zipkin2.json'));
    assert.equal(r.code, 1);
    assert.match(r.err, /not in/);
  });

  it('analyses a search result across traces', async () => {
    const r = await cli('analyze', '--search', '--service', 'servicea', '--lookback', '20000d', '--source', fixturePath('zipkin/messaging-kafka.zipkin2.json'), '--json');
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { traceCount: number; propagationGaps: unknown[]; criticalPathOperations: { service: string; operation: string; traceCount: number; share: number }[]; traces: { criticalPath: string[] }[] };
    assert.equal(json.traceCount, 1);
    assert.deepEqual(json.propagationGaps, []);
    assert.ok(json.criticalPathOperations.some((o) => o.service === 'servicea' && o.operation === 'on-message' && o.traceCount === 1 && o.share === 1));
    assert.ok(json.traces[0]!.criticalPath.length > 0);
    const text = await cli('analyze', '--search', '--service', 'servicea', '--lookback', '20000d', '--source', fixturePath('zipkin/messaging-kafka.zipkin2.json'));
    assert.match(text.out, /Analysed 1 trace together\.\n\nOperations most often on the critical path:/);
  });

  it('analyses every trace of a multi-trace file together', async () => {
    const r = await cli('analyze', fixturePath('jaeger/memory_otel_traces_01.otlp.json'), '--json');
    const json = JSON.parse(r.out) as { traceCount: number; traces: { orphans: unknown[] }[] };
    assert.equal(json.traceCount, 2);
    assert.equal(json.traces.length, 2);
  });

  it('rejects bad usage with exit code 2', async () => {
    assert.equal((await cli('analyze')).code, 2);
    assert.equal((await cli('analyze', 'not-a-trace')).code, 2);
    assert.equal((await cli('analyze', smartthings, '--service', 'x')).code, 2);
    assert.equal((await cli('analyze', '--search')).code, 2);
    assert.equal((await cli('analyze', '--search', '--service', 'x', '--limit', '0')).code, 2);
    assert.equal((await cli('analyze', '--search', '--service', 'x', 'extra')).code, 2);
  });
});

describe('spanlens analyze against a Jaeger query service', () => {
  let server: JaegerTestServer;
  const callerId = 'a'.repeat(32);
  const calleeId = 'b'.repeat(32);
  before(async () => {
    const base = Date.now() * 1000 - 60_000_000;
    const caller = buildTrace(
      [
        { id: 'a000000000000001', service: 'gateway', name: 'GET /checkout', kind: 'server', start: base, duration: 10_000 },
        { id: 'a000000000000002', parent: 'a000000000000001', service: 'gateway', name: 'POST /pay', kind: 'client', start: base + 1000, duration: 5000, attributes: { 'peer.service': 'payments' } },
      ],
      callerId,
    );
    // payments got the request without the context and started a trace of its own.
    const callee = buildTrace([{ id: 'b000000000000001', service: 'payments', name: 'POST /pay', kind: 'server', start: base + 1500, duration: 4000 }], calleeId);
    server = await startJaegerTestServer({ fixtures: false, traces: [caller, callee] });
  });
  after(async () => {
    await server.close();
  });

  it('confirms a propagation gap of a fetched trace with the callee trace from the same time', async () => {
    const r = await cli('analyze', callerId, '--source', server.url, '--json');
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { propagationGaps: { spanId: string; calleeService: string; confidence: string; matchedTraceId?: string }[] };
    assert.deepEqual(
      json.propagationGaps.map((g) => [g.spanId, g.calleeService, g.confidence, g.matchedTraceId]),
      [['a000000000000002', 'payments', 'likely', calleeId]],
    );
  });

  it('reports the recurring gap for a search, fetching the callee traces it needs', async () => {
    const seen = server.requests.length;
    const r = await cli('analyze', '--search', '--service', 'gateway', '--lookback', '1h', '--source', server.url, '--json');
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { traceCount: number; propagationGaps: { callerService: string; calleeService: string; likelyCount: number }[] };
    assert.equal(json.traceCount, 1, 'only the searched service’s traces are analysed');
    assert.deepEqual(
      json.propagationGaps.map((g) => [g.callerService, g.calleeService, g.likelyCount]),
      [['gateway', 'payments', 1]],
    );
    const searched = server.requests.slice(seen).map((q) => `${q.path}?${q.params.toString()}`);
    assert.ok(searched.some((q) => /service(_name)?=payments/.test(q)), `requests: ${searched.join(' ')}`);
  });
});
