import * as assert from 'node:assert/strict';
import { parseOtlpJson, toOtlpTracesData } from '../../../src/core/model/otlpJson';
import { SpanKind, SpanStatusCode } from '../../../src/core/model/trace';
import { isSpanLensError } from '../../../src/core/errors';

function doc(spans: Record<string, unknown>[], resourceAttributes: unknown[] = [{ key: 'service.name', value: { stringValue: 'svc' } }]): unknown {
  return { resourceSpans: [{ resource: { attributes: resourceAttributes }, scopeSpans: [{ scope: { name: 'lib' }, spans }] }] };
}

function span(extra: Record<string, unknown>): Record<string, unknown> {
  return { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'op', kind: 1, startTimeUnixNano: '1000000000', endTimeUnixNano: '1000002000', ...extra };
}

describe('OTLP/JSON', () => {
  it('converts nanosecond strings with BigInt, keeping sub-microsecond fractions', () => {
    const [trace] = parseOtlpJson(doc([span({ startTimeUnixNano: '1711138246978000250', endTimeUnixNano: '1711138247024460625' })]), 'n.json');
    const s = trace!.spans[0]!;
    assert.equal(Math.floor(s.startTimeUs), 1711138246978000);
    assert.equal(s.startTimeUs - 1711138246978000, 0.25);
    assert.equal(s.durationUs, 46460.375);
    // and back: the same nanoseconds
    const out = toOtlpTracesData([trace!]).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.equal(out.startTimeUnixNano, '1711138246978000250');
    assert.equal(out.endTimeUnixNano, '1711138247024460625');
  });

  it('accepts numeric times, string kind and status names, and the legacy instrumentationLibrarySpans', () => {
    const [trace] = parseOtlpJson(
      {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'old' } }] },
            instrumentationLibrarySpans: [
              {
                instrumentationLibrary: { name: 'legacy-lib', version: '0.1' },
                spans: [span({ kind: 'SPAN_KIND_PRODUCER', startTimeUnixNano: 5000, endTimeUnixNano: 9000, status: { code: 'STATUS_CODE_ERROR', message: 'x' } })],
              },
            ],
          },
        ],
      },
      'l.json',
    );
    const s = trace!.spans[0]!;
    assert.equal(s.service, 'old');
    assert.deepEqual(s.scope, { name: 'legacy-lib', version: '0.1' });
    assert.equal(s.kind, SpanKind.PRODUCER);
    assert.deepEqual(s.status, { code: SpanStatusCode.ERROR, message: 'x' });
    assert.equal(s.startTimeUs, 5);
    assert.equal(s.durationUs, 4);
  });

  it('maps OTLP kinds 0..5 to @opentelemetry/api SpanKind', () => {
    const spans = [0, 1, 2, 3, 4, 5].map((kind, i) => span({ kind, spanId: `000000000000000${i + 1}` }));
    const [trace] = parseOtlpJson(doc(spans), 'k.json');
    const bySpan = new Map(trace!.spans.map((s) => [s.spanId, s.kind]));
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((i) => bySpan.get(`000000000000000${i}`)),
      [undefined, SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER],
    );
  });

  it('tolerates base64 ids (16 / 8 bytes), as protobuf JSON writes them', () => {
    const [trace] = parseOtlpJson(doc([span({ traceId: 'CvdlGRbNQ92ESOshHIAxnA==', spanId: 't61rcWkgMzE=', parentSpanId: 'AAAAAAAAAAE=' })]), 'b.json');
    assert.equal(trace!.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(trace!.spans[0]!.spanId, 'b7ad6b7169203331');
    assert.equal(trace!.spans[0]!.parentSpanId, '0000000000000001');
  });

  it('reads every AnyValue type; int64 beyond 2^53 stays text; arrays and maps become JSON text', () => {
    const [trace] = parseOtlpJson(
      doc([
        span({
          attributes: [
            { key: 's', value: { stringValue: 'x' } },
            { key: 'b', value: { boolValue: true } },
            { key: 'i', value: { intValue: '42' } },
            { key: 'big', value: { intValue: '9223372036854775807' } },
            { key: 'd', value: { doubleValue: 0.5 } },
            { key: 'nan', value: { doubleValue: 'NaN' } },
            { key: 'bytes', value: { bytesValue: 'AAAwOQ==' } },
            { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, { doubleValue: 1.5 }, { boolValue: false }] } } },
            { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { arrayValue: { values: [{ intValue: '7' }] } } }] } } },
            { key: 'empty', value: {} },
          ],
        }),
      ]),
      'a.json',
    );
    assert.deepEqual(trace!.spans[0]!.attributes, [
      { key: 's', type: 'string', value: 'x' },
      { key: 'b', type: 'bool', value: true },
      { key: 'i', type: 'int64', value: 42 },
      { key: 'big', type: 'int64', value: '9223372036854775807' },
      { key: 'd', type: 'float64', value: 0.5 },
      { key: 'nan', type: 'float64', value: 'NaN' },
      { key: 'bytes', type: 'binary', value: 'AAAwOQ==' },
      { key: 'arr', type: 'array', value: '["a",1,1.5,false]' },
      { key: 'map', type: 'kvlist', value: '{"k":[7]}' },
      { key: 'empty', type: 'string', value: '' },
    ]);
    const back = toOtlpTracesData([trace!]).resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes;
    assert.deepEqual(back.find((a) => a.key === 'big')!.value, { intValue: '9223372036854775807' });
    assert.deepEqual(back.find((a) => a.key === 'arr')!.value, {
      arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, { doubleValue: 1.5 }, { boolValue: false }] },
    });
  });

  it('keeps a "__proto__" key of a kvlist as data', () => {
    const [trace] = parseOtlpJson(
      doc([span({ attributes: [{ key: 'm', value: { kvlistValue: { values: [{ key: '__proto__', value: { kvlistValue: { values: [{ key: 'x', value: { intValue: '1' } }] } } }] } } }] })]),
      'p.json',
    );
    assert.deepEqual(trace!.spans[0]!.attributes, [{ key: 'm', type: 'kvlist', value: '{"__proto__":{"x":1}}' }]);
  });

  it('groups spans by trace id across resource blocks, one Trace per id', () => {
    const traces = parseOtlpJson(
      {
        resourceSpans: [
          { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'a' } }] }, scopeSpans: [{ spans: [span({ traceId: '01', spanId: '01' }), span({ traceId: '02', spanId: '02' })] }] },
          { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'b' } }] }, scopeSpans: [{ spans: [span({ traceId: '01', spanId: '03', parentSpanId: '01' })] }] },
        ],
      },
      'g.json',
    );
    assert.deepEqual(
      traces.map((t) => [t.traceId.slice(-2), t.spans.map((s) => `${s.service}:${s.spanId.slice(-2)}`)]),
      [
        ['01', ['a:01', 'b:03']],
        ['02', ['a:02']],
      ],
    );
  });

  it('reads Jaeger span warnings from @jaeger@warnings, link ref types from opentracing.ref_type', () => {
    const [trace] = parseOtlpJson(
      doc([
        span({
          attributes: [{ key: '@jaeger@warnings', value: { arrayValue: { values: [{ stringValue: 'clock skew adjusted' }] } } }],
          links: [
            { traceId: '01', spanId: '02', attributes: [{ key: 'opentracing.ref_type', value: { stringValue: 'follows_from' } }] },
            { traceId: '01', spanId: '03', traceState: 'a=b', attributes: [{ key: 'x', value: { stringValue: 'y' } }] },
          ],
        }),
      ]),
      'w.json',
    );
    const s = trace!.spans[0]!;
    assert.deepEqual(s.warnings, ['clock skew adjusted']);
    assert.deepEqual(s.attributes, []);
    assert.deepEqual(s.links, [
      { traceId: '00000000000000000000000000000001', spanId: '0000000000000002', kind: 'follows_from', attributes: [] },
      { traceId: '00000000000000000000000000000001', spanId: '0000000000000003', kind: 'link', attributes: [{ key: 'x', type: 'string', value: 'y' }], traceState: 'a=b' },
    ]);
  });

  it('clamps an end before the start to zero duration, with a warning', () => {
    const [trace] = parseOtlpJson(doc([span({ startTimeUnixNano: '5000000', endTimeUnixNano: '4000000' })]), 'neg.json');
    assert.equal(trace!.spans[0]!.durationUs, 0);
    assert.match(trace!.spans[0]!.warnings[0]!, /ends 1000 µs before it starts/);
    assert.deepEqual(trace!.warnings.map((w) => w.kind), ['negative-duration']);
  });

  it('names unknown_service when the resource has no service.name', () => {
    const [trace] = parseOtlpJson(doc([span({})], []), 'u.json');
    assert.equal(trace!.spans[0]!.service, 'unknown_service');
  });

  it('writes resourceSpans per service + resource and scopeSpans per scope', () => {
    const traces = parseOtlpJson(
      {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'a' } }, { key: 'host', value: { stringValue: 'h' } }] },
            scopeSpans: [
              { scope: { name: 'one' }, spans: [span({ spanId: '01' })] },
              { scope: { name: 'two' }, spans: [span({ spanId: '02' })] },
            ],
          },
          { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'a' } }, { key: 'host', value: { stringValue: 'h' } }] }, scopeSpans: [{ scope: { name: 'one' }, spans: [span({ spanId: '03' })] }] },
          { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'b' } }] }, scopeSpans: [{ spans: [span({ spanId: '04' })] }] },
        ],
      },
      'w.json',
    );
    const out = toOtlpTracesData(traces);
    assert.deepEqual(
      out.resourceSpans.map((r) => [r.resource.attributes.map((a) => `${a.key}=${a.value.stringValue}`).join(','), r.scopeSpans.map((s) => `${s.scope.name ?? ''}:${s.spans.length}`)]),
      [
        ['service.name=a,host=h', ['one:2', 'two:1']],
        ['service.name=b', [':1']],
      ],
    );
  });

  it('rejects wrong shapes naming the file and the JSON path', () => {
    const check = (json: unknown, pattern: RegExp): void =>
      assert.throws(
        () => parseOtlpJson(json, 'o.json'),
        (e: unknown) => isSpanLensError(e) && e.kind === 'malformed-file' && pattern.test(e.message),
      );
    check({ resourceSpans: {} }, /^o\.json: expected an array, found an object at resourceSpans/);
    check(doc([span({ traceId: 'not an id!' })]), /neither a hex nor a base64 16-byte id at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId/);
    check(doc([span({ spanId: undefined })]), /missing span id at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.spanId/);
    check(doc([span({ startTimeUnixNano: '12.5' })]), /expected nanoseconds as a decimal string at .*startTimeUnixNano/);
    check(doc([span({ attributes: [{ value: {} }] })]), /expected a \{key, value\} attribute at .*attributes\[0\]/);
  });
});
