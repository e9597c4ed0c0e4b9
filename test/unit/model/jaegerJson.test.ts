import * as assert from 'node:assert/strict';
import { parseJaegerJson, toJaegerJsonTrace } from '../../../src/core/model/jaegerJson';
import { parseOtlpJson } from '../../../src/core/model/otlpJson';
import { SpanKind, SpanStatusCode } from '../../../src/core/model/trace';
import { isSpanLensError } from '../../../src/core/errors';
import { readFixture } from '../../support/fixtures';

function span(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceID: 'abc', spanID: id, operationName: `op-${id}`, references: [], startTime: 1000, duration: 10, tags: [], logs: [], processID: 'p1', warnings: null, ...extra };
}
const processes = { p1: { serviceName: 'svc', tags: [{ key: 'host', type: 'string', value: 'h1' }] } };

describe('Jaeger v1 JSON', () => {
  it('accepts a bare trace, an array of traces and the {data} envelope alike', () => {
    const trace = { traceID: 'abc', spans: [span('1')], processes };
    const bare = parseJaegerJson(trace, 'a.json');
    assert.deepEqual(parseJaegerJson([trace], 'a.json'), bare);
    assert.deepEqual(parseJaegerJson({ data: [trace], total: 0, limit: 0, offset: 0, errors: null }, 'a.json'), bare);
    assert.equal(bare[0]!.traceId, '00000000000000000000000000000abc');
    assert.equal(bare[0]!.spans[0]!.spanId, '0000000000000001');
    assert.deepEqual(bare[0]!.spans[0]!.resource, [{ key: 'host', type: 'string', value: 'h1' }]);
  });

  it('merges traces with the same id and keeps envelope errors as warnings', () => {
    const traces = parseJaegerJson(
      {
        data: [
          { traceID: 'abc', spans: [span('1')], processes },
          { traceID: '0abc', spans: [span('2', { references: [{ refType: 'CHILD_OF', traceID: 'abc', spanID: '1' }] })], processes },
        ],
        errors: [{ code: 500, msg: 'storage timeout', traceID: 'abc' }],
      },
      'm.json',
    );
    assert.equal(traces.length, 1);
    assert.equal(traces[0]!.spans.length, 2);
    assert.deepEqual(traces[0]!.warnings, [{ kind: 'source', message: 'Jaeger reported an error (code 500): storage timeout' }]);
  });

  it('throws not-found when the envelope has errors and no traces', () => {
    assert.throws(
      () => parseJaegerJson({ data: null, errors: [{ code: 404, msg: 'trace not found' }] }, 'http://localhost:16686/api/traces/1'),
      (e: unknown) => isSpanLensError(e) && e.kind === 'not-found' && /trace not found/.test(e.message),
    );
  });

  it('takes the parent from the first same-trace CHILD_OF, else FOLLOWS_FROM, else the old parentSpanID field', () => {
    const [trace] = parseJaegerJson(
      {
        traceID: 'abc',
        processes,
        spans: [
          span('1'),
          span('2', { references: [{ refType: 'FOLLOWS_FROM', traceID: 'abc', spanID: '1' }] }),
          span('3', { references: [], parentSpanID: '2' }),
          span('4', {
            references: [
              { refType: 'CHILD_OF', traceID: 'ff', spanID: 'ff' },
              { refType: 'FOLLOWS_FROM', traceID: 'abc', spanID: '1' },
              { refType: 'CHILD_OF', traceID: 'abc', spanID: '3' },
            ],
          }),
          span('5', { parentSpanID: '0' }),
        ],
      },
      'r.json',
    );
    const byId = new Map(trace!.spans.map((s) => [s.spanId, s]));
    assert.equal(byId.get('0000000000000002')!.parentSpanId, '0000000000000001');
    assert.equal(byId.get('0000000000000002')!.parentRefType, 'follows_from');
    assert.equal(byId.get('0000000000000003')!.parentSpanId, '0000000000000002');
    assert.equal(byId.get('0000000000000003')!.parentRefType, undefined);
    const four = byId.get('0000000000000004')!;
    assert.equal(four.parentSpanId, '0000000000000003');
    assert.deepEqual(
      four.links.map((l) => [l.kind, l.traceId.slice(-3), l.spanId.slice(-3)]),
      [
        ['child_of', '0ff', '0ff'],
        ['follows_from', 'abc', '001'],
      ],
    );
    assert.equal(byId.get('0000000000000005')!.parentSpanId, undefined);
    // Serialising keeps a FOLLOWS_FROM parent a FOLLOWS_FROM reference.
    const json = toJaegerJsonTrace(trace!);
    const two = json.spans.find((s) => s.spanID === '0000000000000002')!;
    assert.deepEqual(two.references, [{ refType: 'FOLLOWS_FROM', traceID: trace!.traceId, spanID: '0000000000000001' }]);
  });

  it('maps span.kind, otel.status_code, error, otel.status_description, scope and tracestate tags to span fields', () => {
    const [trace] = parseJaegerJson(
      {
        traceID: 'abc',
        processes,
        spans: [
          span('1', {
            tags: [
              { key: 'otel.library.name', type: 'string', value: 'lib' },
              { key: 'otel.library.version', type: 'string', value: '2.0' },
              { key: 'http.method', type: 'string', value: 'GET' },
              { key: 'span.kind', type: 'string', value: 'client' },
              { key: 'otel.status_code', type: 'string', value: 'ERROR' },
              { key: 'error', type: 'bool', value: true },
              { key: 'otel.status_description', type: 'string', value: 'boom' },
              { key: 'w3c.tracestate', type: 'string', value: 'k=v' },
            ],
          }),
          // error=true with an OK status: the tag is extra information and stays
          span('2', { tags: [{ key: 'otel.status_code', type: 'string', value: 'OK' }, { key: 'error', type: 'string', value: 'true' }] }),
          span('3', { tags: [{ key: 'span.kind', type: 'string', value: 'weird' }, { key: 'error', type: 'bool', value: false }] }),
        ],
      },
      't.json',
    );
    const [one, two, three] = trace!.spans;
    assert.equal(one!.kind, SpanKind.CLIENT);
    assert.deepEqual(one!.status, { code: SpanStatusCode.ERROR, message: 'boom' });
    assert.equal(one!.error, true);
    assert.deepEqual(one!.scope, { name: 'lib', version: '2.0' });
    assert.equal(one!.traceState, 'k=v');
    assert.deepEqual(one!.attributes, [{ key: 'http.method', type: 'string', value: 'GET' }]);
    assert.deepEqual(two!.status, { code: SpanStatusCode.OK });
    assert.equal(two!.error, true);
    assert.deepEqual(two!.attributes, [{ key: 'error', type: 'string', value: 'true' }]);
    assert.equal(three!.kind, undefined);
    assert.equal(three!.error, false);
    assert.deepEqual(
      three!.attributes.map((a) => a.key),
      ['span.kind', 'error'],
    );
  });

  it('names a log by its event field, else its message, else "log"', () => {
    const [trace] = parseJaegerJson(
      {
        traceID: 'abc',
        processes,
        spans: [
          span('1', {
            logs: [
              { timestamp: 1001, fields: [{ key: 'level', type: 'string', value: 'info' }, { key: 'event', type: 'string', value: 'retry' }] },
              { timestamp: 1002, fields: [{ key: 'message', type: 'string', value: 'slow query' }] },
              { timestamp: 1003, fields: [{ key: 'x', type: 'int64', value: 1 }] },
            ],
          }),
        ],
      },
      'l.json',
    );
    assert.deepEqual(trace!.spans[0]!.events, [
      { timeUs: 1001, name: 'retry', attributes: [{ key: 'level', type: 'string', value: 'info' }] },
      { timeUs: 1002, name: 'slow query', attributes: [{ key: 'message', type: 'string', value: 'slow query' }] },
      { timeUs: 1003, name: 'log', attributes: [{ key: 'x', type: 'int64', value: 1 }] },
    ]);
  });

  it('reads inline processes and reports a processID that is not defined', () => {
    const [trace] = parseJaegerJson(
      {
        traceID: 'abc',
        spans: [span('1', { processID: undefined, process: { serviceName: 'inline', tags: [] } }), span('2', { processID: 'p9' })],
      },
      'p.json',
    );
    assert.equal(trace!.spans[0]!.service, 'inline');
    assert.equal(trace!.spans[1]!.service, 'unknown');
    assert.match(trace!.spans[1]!.warnings.join(), /process "p9"/);
  });

  it('serialises as Jaeger v2 does from OTLP: the recorded /api/transform output', () => {
    const [trace] = parseOtlpJson(JSON.parse(readFixture('jaeger/transform_otlp2jaeger-in.otlp.json')), 'in');
    const recorded = (JSON.parse(readFixture('jaeger/transform_otlp2jaeger-out.v1envelope.json')) as { data: unknown[] }).data[0] as {
      spans: Record<string, unknown>[];
      processes: unknown;
    };
    const ours = toJaegerJsonTrace(trace!);
    assert.deepEqual(ours.processes, recorded.processes);
    const recordedSpan = recorded.spans[0]!;
    const ourSpan = ours.spans[0]!;
    for (const key of ['traceID', 'spanID', 'operationName', 'references', 'startTime', 'duration', 'tags', 'logs', 'processID']) {
      assert.deepEqual((ourSpan as unknown as Record<string, unknown>)[key], recordedSpan[key], key);
    }
  });

  it('writes ERROR status the way Jaeger does: otel.status_code, error=true, otel.status_description after the attributes', () => {
    const [trace] = parseOtlpJson(
      {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 's' } }] },
            scopeSpans: [
              {
                scope: { name: 'lib', version: '1' },
                spans: [
                  {
                    traceId: '01',
                    spanId: '02',
                    name: 'x',
                    kind: 3,
                    startTimeUnixNano: '1000',
                    endTimeUnixNano: '3000',
                    attributes: [{ key: 'a', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: '2' }] } } }],
                    status: { code: 2, message: 'bad' },
                  },
                ],
              },
            ],
          },
        ],
      },
      'o.json',
    );
    const tags = toJaegerJsonTrace(trace!).spans[0]!.tags;
    assert.deepEqual(tags, [
      { key: 'otel.scope.name', type: 'string', value: 'lib' },
      { key: 'otel.scope.version', type: 'string', value: '1' },
      { key: 'a', type: 'string', value: '["x",2]' },
      { key: 'span.kind', type: 'string', value: 'client' },
      { key: 'otel.status_code', type: 'string', value: 'ERROR' },
      { key: 'error', type: 'bool', value: true },
      { key: 'otel.status_description', type: 'string', value: 'bad' },
    ]);
  });

  it('rejects wrong shapes naming the file and the JSON path', () => {
    const check = (json: unknown, pattern: RegExp): void =>
      assert.throws(
        () => parseJaegerJson(json, 'bad.json'),
        (e: unknown) => isSpanLensError(e) && e.kind === 'malformed-file' && e.details.file === 'bad.json' && pattern.test(e.message),
      );
    check('nope', /^bad\.json: expected a Jaeger trace/);
    check({ data: {} }, /expected an array of traces, found an object at data/);
    check({ data: [{ traceID: 'a', spans: [span('1', { spanID: 'zz' })] }] }, /"zz" is not a hex id of up to 16 digits at data\[0\]\.spans\[0\]\.spanID/);
    check({ traceID: 'a', spans: [span('1', { startTime: 'yesterday' })] }, /expected microseconds .* at spans\[0\]\.startTime/);
    check({ traceID: 'a', spans: [span('1', { tags: [{ value: 1 }] })] }, /at spans\[0\]\.tags\[0\]/);
    check({ traceID: 'a', spans: [span('1', { references: [{ refType: 'CHILD_OF' }] })] }, /at spans\[0\]\.references\[0\]/);
  });

  it('a negative duration is not accepted silently: zero, with a warning on the span and one on the trace', () => {
    const [trace] = parseJaegerJson(
      {
        traceID: 'abc',
        processes,
        spans: [
          span('1', { duration: 100 }),
          span('2', { startTime: 1010, duration: -25, references: [{ refType: 'CHILD_OF', traceID: 'abc', spanID: '1' }] }),
          span('3', { startTime: 1020, duration: -1.5, references: [{ refType: 'CHILD_OF', traceID: 'abc', spanID: '1' }] }),
        ],
      },
      'neg.json',
    );
    const byId = new Map(trace!.spans.map((s) => [s.spanId, s]));
    assert.equal(byId.get('0000000000000002')!.durationUs, 0);
    assert.equal(byId.get('0000000000000003')!.durationUs, 0);
    assert.equal(byId.get('0000000000000001')!.durationUs, 100);
    assert.deepEqual(byId.get('0000000000000002')!.warnings, ['The source says this span ends 25 µs before it starts (a negative duration); shown with zero duration.']);
    assert.match(byId.get('0000000000000003')!.warnings[0]!, /ends 1\.5 µs before it starts/);
    const negative = trace!.warnings.filter((w) => w.kind === 'negative-duration');
    assert.deepEqual(negative, [
      {
        kind: 'negative-duration',
        spanId: '0000000000000002',
        message:
          '2 spans have a negative duration, the first "op-2" (svc): they end before they start (wrong timestamps, or a clock set back while they ran); shown with zero duration.',
      },
    ]);
  });

  it('quotes a bad id with its control characters escaped, whatever the file holds', () => {
    assert.throws(
      () => parseJaegerJson({ traceID: 'a', spans: [span('1', { spanID: 'zz\u001b[2J\u202e\u0007' })] }, 'bad.json'),
      (e: unknown) => isSpanLensError(e) && e.message.includes('"zz\\u001b[2J\\u202e\\u0007" is not a hex id') && !/[\u0000-\u001f\u202e]/.test(e.message),
    );
  });

  it('calls a bad response from a URL a malformed response', () => {
    assert.throws(
      () => parseJaegerJson(42, 'http://jaeger:16686/api/traces/abc'),
      (e: unknown) => isSpanLensError(e) && e.kind === 'malformed-response' && e.details.url === 'http://jaeger:16686/api/traces/abc',
    );
  });
});
