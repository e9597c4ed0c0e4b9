import * as assert from 'node:assert/strict';
import { parseZipkinJson } from '../../../src/core/model/zipkinJson';
import { indexTrace } from '../../../src/core/model/traceIndex';
import type { Span, Trace } from '../../../src/core/model/trace';
import { SpanKind, SpanStatusCode } from '../../../src/core/model/trace';
import { isSpanLensError } from '../../../src/core/errors';
import { readFixture } from '../../support/fixtures';

function fixture(rel: string): Trace {
  const traces = parseZipkinJson(JSON.parse(readFixture(rel)), rel);
  assert.equal(traces.length, 1);
  return traces[0]!;
}

function hostOf(span: Span): string | number | boolean | undefined {
  return span.resource.find((a) => a.key === 'net.host.ip')?.value;
}

describe('Zipkin v2 JSON', () => {
  describe('smartthings (1041 span records, B3 shared ids)', () => {
    const raw = JSON.parse(readFixture('zipkin/smartthings-mobile-web-install.zipkin2.json')) as { id: string; kind?: string; timestamp?: number; shared?: boolean }[];
    const trace = fixture('zipkin/smartthings-mobile-web-install.zipkin2.json');

    it('merges the 84 untimed, kind-less fragments and keeps every other record as a span', () => {
      const fragments = raw.filter((s) => s.kind === undefined && s.timestamp === undefined);
      assert.equal(raw.length, 1041);
      assert.equal(fragments.length, 84);
      assert.equal(trace.spans.length, raw.length - fragments.length);
      assert.equal(trace.spans.filter((s) => s.warnings.some((w) => w.includes('reported this span in 2 pieces'))).length, 84);
    });

    it('gives each shared server half its own id under its client half', () => {
      const sharedServers = raw.filter((s) => s.kind === 'SERVER' && s.shared === true);
      const clientIds = new Set(raw.filter((s) => s.kind === 'CLIENT').map((s) => s.id));
      const expected = sharedServers.filter((s) => clientIds.has(s.id)).length;
      const renamed = trace.spans.filter((s) => s.warnings.some((w) => w.startsWith('This server span shared span id')));
      assert.equal(renamed.length, expected);
      const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
      for (const server of renamed) {
        assert.equal(server.kind, SpanKind.SERVER);
        const parent = byId.get(server.parentSpanId!);
        assert.ok(parent, `parent of ${server.spanId}`);
        assert.equal(parent.kind, SpanKind.CLIENT);
        assert.ok(raw.some((r) => r.id === parent.spanId && r.kind === 'SERVER'), 'the client kept the shared id');
      }
    });

    it('puts children of a shared id under the server half on their own host', () => {
      // cbab506b53f336fc: one bouncer CLIENT, five pusher SERVER halves on five hosts; three pusher children.
      const halves = trace.spans.filter((s) => s.parentSpanId === 'cbab506b53f336fc' && s.kind === SpanKind.SERVER);
      assert.equal(halves.length, 5);
      const expectations: [string, string][] = [
        ['017bfc73a014d42c', '10.6.83.20'],
        ['c1c06fd706fca9cb', '10.6.88.250'],
        ['b6fdd2a6b74e32e5', '10.6.150.179'],
      ];
      const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
      for (const [childId, host] of expectations) {
        const child = byId.get(childId)!;
        const parent = byId.get(child.parentSpanId!)!;
        assert.ok(halves.includes(parent), `${childId} sits under a server half`);
        assert.equal(hostOf(parent), host);
        assert.equal(hostOf(child), host);
      }
    });

    it('forms one tree: one root, no orphans, every span reachable', () => {
      const index = indexTrace(trace);
      assert.equal(index.roots.length, 1);
      assert.equal(index.roots[0]!.service, 'coreSrv');
      assert.equal(trace.spans.filter((s) => s.orphan).length, 0);
      assert.equal(index.depth.size, trace.spans.length);
      assert.ok(!trace.warnings.some((w) => w.kind === 'multiple-roots' || w.kind === 'orphan'));
    });

    it('reports spans without a duration instead of inventing one from brave.flush', () => {
      const unfinished = trace.spans.find((s) => s.spanId === '87c35c338e0cbc1b')!;
      assert.equal(unfinished.durationUs, 0);
      assert.match(unfinished.warnings.join('\n'), /no duration/);
      assert.deepEqual(
        unfinished.events.map((e) => [e.name, e.timeUs]),
        [['brave.flush', 1543549836181133]],
      );
    });
  });

  it('skew.json: reports the server half starting 65441 µs before its client half', () => {
    const trace = fixture('zipkin/skew.zipkin2.json');
    const skew = trace.warnings.filter((w) => w.kind === 'clock-skew');
    assert.equal(skew.length, 1);
    assert.match(skew[0]!.message, /starts 65441 µs before its parent "post" \(servicea\)/);
    const server = trace.spans.find((s) => s.spanId === skew[0]!.spanId)!;
    assert.equal(server.service, 'serviceb');
    assert.equal(server.parentSpanId, '74280ae0c10d8062');
    // serviceb's async child moves under serviceb's half.
    const asyncChild = trace.spans.find((s) => s.name === 'async')!;
    assert.equal(asyncChild.parentSpanId, server.spanId);
  });

  it('yelp.json: missing service is "unknown", remote endpoints become peer attributes, annotations events', () => {
    const trace = fixture('zipkin/yelp.zipkin2.json');
    assert.ok(trace.spans.some((s) => s.service === 'unknown'));
    const memcache = trace.spans.find((s) => s.name === 'get_multi mobile_api_nonce')!;
    assert.equal(memcache.kind, SpanKind.CLIENT);
    assert.ok(memcache.attributes.some((a) => a.key === 'peer.service' && a.value === 'memcache'));
    const withEvents = trace.spans.filter((s) => s.events.length > 0);
    assert.ok(withEvents.length > 0);
  });

  it('messaging-kafka.json: producer and consumer kinds', () => {
    const trace = fixture('zipkin/messaging-kafka.zipkin2.json');
    const kinds = new Set(trace.spans.map((s) => s.kind));
    assert.ok(kinds.has(SpanKind.PRODUCER));
    assert.ok(kinds.has(SpanKind.CONSUMER));
  });

  it('turns the error tag into an ERROR status, its text into the message', () => {
    const [trace] = parseZipkinJson(
      [
        { traceId: 'a', id: '1', name: 'x', timestamp: 10, duration: 5, localEndpoint: { serviceName: 's' }, tags: { error: 'connection refused', http: '500' } },
        { traceId: 'a', id: '2', parentId: '1', name: 'y', timestamp: 11, duration: 1, localEndpoint: { serviceName: 's' }, tags: { error: '' } },
      ],
      'e.json',
    );
    const [x, y] = trace!.spans;
    assert.deepEqual(x!.status, { code: SpanStatusCode.ERROR, message: 'connection refused' });
    assert.deepEqual(x!.attributes, [{ key: 'http', type: 'string', value: '500' }]);
    assert.equal(x!.error, true);
    assert.deepEqual(y!.status, { code: SpanStatusCode.ERROR });
  });

  it('records a debug span as force-sampled (flags sampled|debug), and leaves other spans without flags', () => {
    const [trace] = parseZipkinJson(
      [
        { traceId: 'd', id: '1', name: 'root', kind: 'SERVER', timestamp: 100, duration: 50, debug: true, localEndpoint: { serviceName: 'a' } },
        { traceId: 'd', id: '2', parentId: '1', name: 'call', kind: 'CLIENT', timestamp: 110, duration: 10, localEndpoint: { serviceName: 'a' } },
        // The same span reported in two pieces, only one carrying the flag.
        { traceId: 'd', id: '3', parentId: '1', name: 'work', timestamp: 120, localEndpoint: { serviceName: 'a' } },
        { traceId: 'd', id: '3', parentId: '1', name: 'work', duration: 5, debug: true, localEndpoint: { serviceName: 'a' } },
      ],
      'debug.json',
    );
    const byId = new Map(trace!.spans.map((s) => [s.spanId, s]));
    assert.equal(byId.get('0000000000000001')!.flags, 3);
    assert.equal('flags' in byId.get('0000000000000002')!, false);
    assert.equal(byId.get('0000000000000003')!.flags, 3);
  });

  it('backfills the parent of a shared server half from its client half, and the shared flag when missing', () => {
    const [trace] = parseZipkinJson(
      [
        { traceId: 'b', id: '1', name: 'root', kind: 'SERVER', timestamp: 100, duration: 100, localEndpoint: { serviceName: 'a' } },
        { traceId: 'b', id: '2', parentId: '1', name: 'call', kind: 'CLIENT', timestamp: 110, duration: 50, localEndpoint: { serviceName: 'a' } },
        // no parentId, no shared flag: B3 servers that did not propagate the parent
        { traceId: 'b', id: '2', name: 'handle', kind: 'SERVER', timestamp: 115, duration: 40, localEndpoint: { serviceName: 'b' } },
        { traceId: 'b', id: '3', parentId: '2', name: 'db', kind: 'CLIENT', timestamp: 120, duration: 10, localEndpoint: { serviceName: 'b' } },
      ],
      'b.json',
    );
    const byName = new Map(trace!.spans.map((s) => [s.name, s]));
    const handle = byName.get('handle')!;
    assert.equal(handle.parentSpanId, '0000000000000002');
    assert.notEqual(handle.spanId, '0000000000000002');
    assert.equal(byName.get('call')!.parentSpanId, '0000000000000001');
    assert.equal(byName.get('db')!.parentSpanId, handle.spanId, "server-side child moves under the server half");
    assert.equal(trace!.spans.filter((s) => s.parentSpanId === undefined).length, 1);
  });

  it('joins a 64-bit trace id with the 128-bit trace it is the low half of', () => {
    const traces = parseZipkinJson(
      [
        { traceId: '463ac35c9f6413ad48485a3953bb6124', id: '1', name: 'a', timestamp: 1, duration: 9, localEndpoint: { serviceName: 'x' } },
        { traceId: '48485a3953bb6124', id: '2', parentId: '1', name: 'b', timestamp: 2, duration: 1, localEndpoint: { serviceName: 'y' } },
      ],
      'j.json',
    );
    assert.equal(traces.length, 1);
    assert.equal(traces[0]!.traceId, '463ac35c9f6413ad48485a3953bb6124');
    assert.equal(traces[0]!.spans.length, 2);
    assert.equal(traces[0]!.spans.filter((s) => s.orphan).length, 0);
  });

  it('places a span reported without any time at its parent start, with a warning', () => {
    const [trace] = parseZipkinJson(
      [
        { traceId: 'c', id: '1', name: 'a', timestamp: 500, duration: 9, localEndpoint: { serviceName: 'x' } },
        { traceId: 'c', id: '2', parentId: '1', name: 'lost', localEndpoint: { serviceName: 'x' } },
      ],
      'c.json',
    );
    const lost = trace!.spans.find((s) => s.name === 'lost')!;
    assert.equal(lost.startTimeUs, 500);
    assert.match(lost.warnings.join('\n'), /no timestamp/);
  });

  it('a negative duration is a warning on the span and the trace, shown as zero (it used to fail the whole file)', () => {
    const [trace] = parseZipkinJson(
      [
        { traceId: 'c', id: '1', name: 'a', timestamp: 500, duration: 90, localEndpoint: { serviceName: 'x' } },
        { traceId: 'c', id: '2', parentId: '1', name: 'back-in-time', timestamp: 510, duration: -40, localEndpoint: { serviceName: 'x' } },
      ],
      'n.json',
    );
    const bad = trace!.spans.find((s) => s.name === 'back-in-time')!;
    assert.equal(bad.durationUs, 0);
    assert.match(bad.warnings.join('\n'), /ends 40 µs before it starts \(a negative duration\)/);
    assert.deepEqual(
      trace!.warnings.filter((w) => w.kind === 'negative-duration').map((w) => w.message),
      ['Span "back-in-time" (x) has a negative duration: it ends before it starts (wrong timestamps, or a clock set back while it ran); shown with zero duration.'],
    );
  });

  it('keeps hostile tag keys as tags', () => {
    const [trace] = parseZipkinJson(JSON.parse('[{"traceId":"a","id":"1","name":"x","timestamp":1,"duration":1,"tags":{"__proto__":"p","constructor":"c"}}]'), 'p.json');
    assert.deepEqual(trace!.spans[0]!.attributes, [
      { key: '__proto__', type: 'string', value: 'p' },
      { key: 'constructor', type: 'string', value: 'c' },
    ]);
    assert.equal(trace!.spans[0]!.service, 'unknown');
  });

  it('rejects wrong shapes with the file name and the place', () => {
    const check = (json: unknown, pattern: RegExp): void =>
      assert.throws(
        () => parseZipkinJson(json, 'z.json'),
        (e: unknown) => isSpanLensError(e) && e.kind === 'malformed-file' && pattern.test(e.message),
      );
    check({ traceId: 'a' }, /^z\.json: expected a Zipkin v2 span array/);
    check([{ traceId: 'a' }], /^z\.json: missing id at \[0\]\.id/);
    check([{ traceId: 'xyz', id: '1' }], /not a hex id .* at \[0\]\.traceId/);
    check([{ traceId: 'a', id: '1', timestamp: 'soon' }], /expected microseconds .* at \[0\]\.timestamp/);
  });
});
