import * as assert from 'node:assert/strict';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import { indexTrace } from '../../../src/core/model/traceIndex';
import { summarizeTrace } from '../../../src/core/model/summary';
import type { Trace } from '../../../src/core/model/trace';
import { SpanKind, SpanStatusCode } from '../../../src/core/model/trace';
import { isSpanLensError } from '../../../src/core/errors';
import { NON_TRACE_FIXTURES, readFixture, traceFixtures } from '../../support/fixtures';

interface Expected {
  readonly traces: number;
  readonly spans: number;
  readonly services: readonly string[];
  /** Root span names (spans without a parent), in start order, of the first trace. */
  readonly roots: readonly string[];
  readonly orphans: number;
}

/**
 * Expectations worked out from the raw files (see SOURCES.md and the comments), not from our parser's output.
 * Zipkin counts are after merging pieces of one span (see zipkinJson.ts): smartthings has 1041 span records, 84 of
 * which are kind-less, untimed fragments of the server half reported from the same endpoint, hence 957 spans.
 */
const EXPECTED: Readonly<Record<string, Expected>> = {
  // Two records share span id ...02 but differ: both kept, the second under a new id, so 2 roots.
  'jaeger/ui_01.v1trace.json': { traces: 1, spans: 5, services: ['service-x', 'service-y'], roots: ['test-general-conversion', 'some-operation'], orphans: 0 },
  // Two identical records: one dropped. Its parent 909541b92cf05311 is not in the file.
  'jaeger/transform_otlp2jaeger-in.otlp.json': { traces: 1, spans: 1, services: ['telemetrygen'], roots: [], orphans: 1 },
  'jaeger/transform_otlp2jaeger-out.v1envelope.json': { traces: 1, spans: 1, services: ['telemetrygen'], roots: [], orphans: 1 },
  // 4 spans over 2 trace ids; every parent id (…03, …10, …11) lies outside its own trace.
  'jaeger/memory_otel_traces_01.otlp.json': { traces: 2, spans: 4, services: ['service-x'], roots: [], orphans: 4 },
  'jaeger/integration_link_attributes_trace.otlp.json': { traces: 1, spans: 1, services: ['query25-service'], roots: ['query25-operation'], orphans: 0 },
  'jaeger/apiv3_snapshot_GetTrace.json': { traces: 1, spans: 1, services: ['unknown_service'], roots: ['foobar'], orphans: 0 },
  'jaeger/apiv3_snapshot_FindTraces.json': { traces: 1, spans: 1, services: ['unknown_service'], roots: ['foobar'], orphans: 0 },
  'jaeger-ui/petclinic_spanAmongEachOtherGroupedAndSpans.v1trace.json': { traces: 1, spans: 17, services: ['api-gateway', 'customers-service'], roots: ['GET /api/customer/owners'], orphans: 0 },
  'jaeger-ui/petclinic_spanLongerAsParent.v1trace.json': { traces: 1, spans: 8, services: ['api-gateway', 'customers-service'], roots: ['GET /api/customer/owners/8/pets/10'], orphans: 0 },
  'jaeger-ui/petclinic_testTraceNormal.v1trace.json': { traces: 1, spans: 5, services: ['api-gateway', 'customers-service'], roots: ['GET /api/customer/owners/8/pets/10'], orphans: 0 },
  'jaeger-ui/otlp2jaeger-multi-in-combined.otlp.json': { traces: 1, spans: 4, services: ['example-trace'], roots: ['main'], orphans: 0 },
  'jaeger-analytics-java/ui-trace.v1envelope.json': { traces: 1, spans: 2, services: ['jaeger-query'], roots: ['/api/services/{service}/operations'], orphans: 0 },
  'otel-proto/trace.otlp.json': { traces: 1, spans: 1, services: ['my.service'], roots: [], orphans: 1 },
  'zipkin/smartthings-mobile-web-install.zipkin2.json': {
    traces: 1,
    spans: 957,
    services: ['account', 'alice', 'auth', 'bookie', 'bouncer', 'coreSrv', 'dove', 'execution', 'gizmo', 'guardian', 'oreck', 'paperboy', 'platformapi', 'pusher', 'stLogin', 'strongman'],
    roots: ['get /login/tokenauth'],
    orphans: 0,
  },
  // Local services only; blt, memcache, mysql and spectre's callers appear as peer.service.
  'zipkin/yelp.zipkin2.json': { traces: 1, spans: 16, services: ['mobile_api', 'routing', 'spectre', 'unknown', 'yelp-main', 'yelp_main/api_proxy'], roots: ['post /location/update/v4'], orphans: 0 },
  'zipkin/messaging-kafka.zipkin2.json': { traces: 1, spans: 28, services: ['servicea', 'serviceb'], roots: ['poll'], orphans: 0 },
  // Six spans name parents 0153a596db406c83 / 0153a596db406111, which were never reported.
  'zipkin/messaging2.zipkin2.json': { traces: 1, spans: 11, services: ['auth-service', 'mobile-gateway', 'notification-service', 'transfer-service'], roots: ['post'], orphans: 6 },
  'zipkin/ascend.zipkin2.json': { traces: 1, spans: 8, services: ['auth-service', 'content-service', 'mobile-gateway'], roots: ['get'], orphans: 0 },
  'zipkin/skew.zipkin2.json': { traces: 1, spans: 4, services: ['servicea', 'serviceb'], roots: ['get'], orphans: 0 },
};

function parseFixture(rel: string): Trace[] {
  return parseTraceDocument(readFixture(rel), rel);
}

describe('every trace fixture', () => {
  it('has expectations for exactly the trace fixtures present', () => {
    assert.deepEqual(traceFixtures(), Object.keys(EXPECTED).sort());
  });

  for (const [rel, expected] of Object.entries(EXPECTED)) {
    describe(rel, () => {
      it('parses into the expected traces, spans, services and roots', () => {
        const traces = parseFixture(rel);
        assert.equal(traces.length, expected.traces);
        assert.equal(
          traces.reduce((n, t) => n + t.spans.length, 0),
          expected.spans,
        );
        const services = [...new Set(traces.flatMap((t) => t.spans.map((s) => s.service)))].sort();
        assert.deepEqual(services, [...expected.services].sort());
        assert.deepEqual(
          traces[0]!.spans.filter((s) => s.parentSpanId === undefined).map((s) => s.name),
          expected.roots,
        );
        assert.equal(
          traces.reduce((n, t) => n + t.spans.filter((s) => s.orphan).length, 0),
          expected.orphans,
        );
      });

      it('has normalised ids, unique span ids, sorted spans and resolvable parents', () => {
        for (const trace of parseFixture(rel)) {
          assert.match(trace.traceId, /^[0-9a-f]{32}$/);
          const ids = new Set<string>();
          let lastStart = -Infinity;
          for (const s of trace.spans) {
            assert.equal(s.traceId, trace.traceId);
            assert.match(s.spanId, /^[0-9a-f]{16}$/);
            if (s.parentSpanId !== undefined) assert.match(s.parentSpanId, /^[0-9a-f]{16}$/);
            assert.ok(!ids.has(s.spanId), `duplicate span id ${s.spanId}`);
            ids.add(s.spanId);
            assert.ok(s.startTimeUs >= lastStart, 'spans sorted by start');
            lastStart = s.startTimeUs;
            assert.ok(s.durationUs >= 0);
            for (const l of s.links) {
              assert.match(l.traceId, /^[0-9a-f]{32}$/);
              assert.match(l.spanId, /^[0-9a-f]{16}$/);
            }
          }
          for (const s of trace.spans) {
            if (s.parentSpanId !== undefined) assert.equal(ids.has(s.parentSpanId), !s.orphan, `orphan flag of ${s.spanId}`);
          }
          const index = indexTrace(trace);
          assert.equal(index.depth.size, trace.spans.length, 'every span reachable from a root');
          assert.equal(index.roots.length, trace.spans.filter((s) => s.parentSpanId === undefined || s.orphan).length);
        }
      });
    });
  }

  it('summarises the big Zipkin trace: one root, 16 services, errors counted', () => {
    const [trace] = parseFixture('zipkin/smartthings-mobile-web-install.zipkin2.json');
    const summary = summarizeTrace(trace!);
    assert.equal(summary.traceId, '000000000000000014b60fd9ae504820');
    assert.equal(summary.rootService, 'coreSrv');
    assert.equal(summary.rootOperation, 'get /login/tokenauth');
    assert.equal(summary.spanCount, 957);
    assert.equal(summary.services.length, 16);
    const raw = JSON.parse(readFixture('zipkin/smartthings-mobile-web-install.zipkin2.json')) as { timestamp?: number; duration?: number; tags?: Record<string, string> }[];
    const starts = raw.filter((s) => s.timestamp !== undefined).map((s) => s.timestamp!);
    const ends = raw.filter((s) => s.timestamp !== undefined).map((s) => s.timestamp! + (s.duration ?? 0));
    assert.equal(summary.startTimeUs, Math.min(...starts));
    assert.equal(summary.durationUs, Math.max(...ends) - Math.min(...starts));
    assert.equal(summary.errorCount, trace!.spans.filter((s) => s.error).length);
  });

  for (const rel of NON_TRACE_FIXTURES) {
    it(`rejects the non-trace file ${rel} with a malformed-file error naming it`, () => {
      assert.throws(
        () => parseFixture(rel),
        (e: unknown) => isSpanLensError(e) && e.kind === 'malformed-file' && e.message.startsWith(`${rel}: `),
      );
    });
  }
});

describe('fixture details', () => {
  it('ui_01: every Jaeger tag type, logs, references and warnings', () => {
    const [trace] = parseFixture('jaeger/ui_01.v1trace.json');
    assert.equal(trace!.traceId, '00000000000000000000000000000001');
    const typed = trace!.spans.find((s) => s.name === 'some-operation' && s.service === 'service-x')!;
    assert.deepEqual(typed.attributes, [
      { key: 'peer.service', type: 'string', value: 'service-y' },
      { key: 'peer.ipv4', type: 'int64', value: 23456 },
      { key: 'temperature', type: 'float64', value: 72.5 },
      { key: 'javascript_limit', type: 'int64', value: '9223372036854775222' },
      { key: 'blob', type: 'binary', value: 'AAAwOQ==' },
    ]);
    // `error=true` became the status.
    assert.equal(typed.status.code, SpanStatusCode.ERROR);
    assert.equal(typed.error, true);
    assert.notEqual(typed.spanId, '0000000000000002');
    assert.match(typed.warnings.join('\n'), /had span id 0000000000000002/);

    const first = trace!.spans.find((s) => s.spanId === '0000000000000002')!;
    assert.equal(first.name, 'test-general-conversion');
    assert.deepEqual(
      first.events.map((e) => [e.name, e.attributes.map((a) => `${a.key}=${String(a.value)}`)]),
      [
        ['some-event', []],
        ['log', ['x=y']],
      ],
    );

    const refTest = trace!.spans.find((s) => s.name === 'reference-test')!;
    assert.equal(refTest.parentSpanId, '0000000000000002');
    assert.deepEqual(refTest.links, [
      { traceId: '000000000000000000000000000000ff', spanId: '00000000000000ff', kind: 'child_of', attributes: [] },
      { traceId: '00000000000000000000000000000001', spanId: '0000000000000002', kind: 'follows_from', attributes: [] },
    ]);
    assert.deepEqual(refTest.warnings, ['some span warning']);
    assert.ok(trace!.warnings.some((w) => w.kind === 'source' && w.message === 'some trace warning'));
    assert.ok(trace!.warnings.some((w) => w.kind === 'duplicate-span' && w.spanId === '0000000000000002'));
    assert.ok(trace!.warnings.some((w) => w.kind === 'multiple-roots'));
  });

  it('pads the 31-hex PetClinic trace id and its 15- and 14-hex span ids', () => {
    const [grouped] = parseFixture('jaeger-ui/petclinic_spanAmongEachOtherGroupedAndSpans.v1trace.json');
    assert.equal(grouped!.traceId, '0df84e36b9e2ee3815d07f0867a5be1f');
    assert.ok(grouped!.spans.some((s) => s.spanId === '0a68c6983a6d81a2'));
    const [longer] = parseFixture('jaeger-ui/petclinic_spanLongerAsParent.v1trace.json');
    for (const id of ['04b52eb0cabcb50a', '00a0000000000000', '0000000000000001', '0000000000000002']) {
      assert.ok(longer!.spans.some((s) => s.spanId === id), id);
    }
    assert.equal(longer!.spans.filter((s) => s.orphan).length, 0, 'unpadded parent references resolve');
  });

  it('reads span.kind tags and process tags (jaeger-analytics recording)', () => {
    const [trace] = parseFixture('jaeger-analytics-java/ui-trace.v1envelope.json');
    assert.equal(trace!.traceId, '00000000000000002db17286b3e6b148');
    const child = trace!.spans.find((s) => s.spanId === '0ec2b4e0bcea566d')!;
    assert.equal(child.parentSpanId, '2db17286b3e6b148');
    assert.deepEqual(child.resource, [
      { key: 'client-uuid', type: 'string', value: '46d69fcdf947a814' },
      { key: 'hostname', type: 'string', value: 'simple-streaming-query-66f49db66-8x9hd' },
      { key: 'ip', type: 'string', value: '10.129.2.13' },
      { key: 'jaeger.version', type: 'string', value: 'Go-2.15.1dev' },
    ]);
    assert.equal(child.service, 'jaeger-query');
    const root = trace!.spans[0]!;
    assert.equal(root.kind, SpanKind.SERVER);
    assert.ok(!root.attributes.some((a) => a.key === 'span.kind'));
    assert.ok(root.attributes.some((a) => a.key === 'http.status_code' && a.type === 'int64' && a.value === 200));
  });

  it('lowercases the uppercase OTLP ids of the canonical example and keeps scope and times', () => {
    const [trace] = parseFixture('otel-proto/trace.otlp.json');
    const span = trace!.spans[0]!;
    assert.equal(trace!.traceId, '5b8efff798038103d269b633813fc60c');
    assert.equal(span.spanId, 'eee19b7ec3c1b174');
    assert.equal(span.parentSpanId, 'eee19b7ec3c1b173');
    assert.equal(span.kind, SpanKind.SERVER);
    assert.equal(span.startTimeUs, 1544712660000000);
    assert.equal(span.durationUs, 1_000_000);
    assert.deepEqual(span.scope, { name: 'my.library', version: '1.0.0', attributes: [{ key: 'my.scope.attribute', type: 'string', value: 'some scope attribute' }] });
    assert.deepEqual(span.attributes, [{ key: 'my.span.attr', type: 'string', value: 'some value' }]);
  });

  it('reads OTLP kinds 2..5, ERROR status, events, links, traceState and flags', () => {
    const traces = parseFixture('jaeger/memory_otel_traces_01.otlp.json');
    const spans = traces.flatMap((t) => t.spans);
    assert.deepEqual(spans.map((s) => s.kind).sort(), [SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER].sort());
    for (const s of spans) {
      assert.equal(s.status.code, SpanStatusCode.ERROR);
      assert.equal(s.error, true);
      assert.equal(s.events.length, 2);
      assert.equal(s.links.length, 2);
      assert.equal(s.flags, 1);
      assert.match(s.traceState ?? '', /^state\.\d$/);
      assert.equal(s.durationUs, 5);
    }
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    assert.equal(server.traceState, 'state.2');
    assert.deepEqual(server.scope, { name: 'testing-library-2', version: '1.1.1', attributes: [{ key: 'scope.attributes.2', type: 'string', value: 'attribute-y' }] });
    assert.deepEqual(
      server.links.map((l) => [l.kind, l.spanId]),
      [
        ['follows_from', '0000000000000004'],
        ['child_of', '00000000000000ff'],
      ],
    );
    assert.deepEqual(server.events[0], { timeUs: 1485467191639875, name: 'testing-event', attributes: [{ key: 'event-x', type: 'string', value: 'event-y' }] });
    assert.deepEqual(
      server.attributes.map((a) => [a.key, a.type, a.value]),
      [
        ['peer.service', 'string', 'service-y'],
        ['peer.ipv4', 'int64', 23456],
        ['blob', 'binary', 'AAAwOQ=='],
        ['temperature', 'float64', 72.5],
      ],
    );
  });

  it('keeps link attributes of every type', () => {
    const [trace] = parseFixture('jaeger/integration_link_attributes_trace.otlp.json');
    const links = trace!.spans[0]!.links;
    assert.deepEqual(
      links.map((l) => [l.kind, l.attributes.length]),
      [
        ['child_of', 5],
        ['child_of', 0],
        ['follows_from', 0],
      ],
    );
    assert.deepEqual(links[0]!.attributes, [
      { key: 'sameplacelinkattribute1', type: 'string', value: 'sameplacevalue' },
      { key: 'sameplacelinkattribute2', type: 'int64', value: 123 },
      { key: 'sameplacelinkattribute4', type: 'bool', value: true },
      { key: 'sameplacelinkattribute3', type: 'float64', value: 72.5 },
      { key: 'linkblob', type: 'binary', value: 'AAAwOQ==' },
    ]);
  });

  it('treats the Jaeger transform input (OTLP) and its recorded output (v1 JSON) as the same trace', () => {
    const fromOtlp = parseFixture('jaeger/transform_otlp2jaeger-in.otlp.json');
    const fromJaeger = parseFixture('jaeger/transform_otlp2jaeger-out.v1envelope.json');
    assert.deepEqual(fromJaeger, fromOtlp);
    const span = fromOtlp[0]!.spans[0]!;
    assert.equal(span.kind, SpanKind.SERVER);
    assert.deepEqual(span.scope, { name: 'telemetrygen' });
    assert.equal(span.durationUs, 123);
    assert.match(span.warnings.join('\n'), /occurs 2 times: 1 identical copy dropped/);
  });

  it('reads the api/v3 envelope, with no times and no service name', () => {
    const [trace] = parseFixture('jaeger/apiv3_snapshot_GetTrace.json');
    const span = trace!.spans[0]!;
    assert.equal(span.name, 'foobar');
    assert.equal(span.kind, SpanKind.SERVER);
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.startTimeUs, 0);
    assert.match(span.warnings.join('\n'), /no start time/);
  });
});
