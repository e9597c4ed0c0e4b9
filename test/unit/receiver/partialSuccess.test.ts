import * as assert from 'node:assert/strict';
import { OtlpReceiver } from '../../../src/core/sources/receiver/otlpReceiver';
import { decodeExportRequest } from '../../../src/core/sources/receiver/exportRequest';
import { decodeExportTraceResponse, encodeExportTraceRequestFromJsonShape } from '../../../src/core/sources/receiver/otlpProtobuf';
import { MAX_VALUE_NESTING, TOO_DEEP_PLACEHOLDER } from '../../../src/core/sources/receiver/valueNesting';
import type { Span } from '../../../src/core/model/trace';
import { post } from './otlpTestData';
import { deepArrayValue, deepMapValue, keyValue, requestWithSpans, spanMessage, stringField } from './protobufWire';

const JSON_TYPE = 'application/json';
const PROTO = 'application/x-protobuf';
const TRACE = '5b8efff798038103d269b633813fc60c';
const START = '1700000000000000000';
const END = '1700000000005000000';

function jsonRequest(spans: readonly unknown[], resourceAttributes: readonly unknown[] = []): string {
  return JSON.stringify({
    resourceSpans: [
      { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }, ...resourceAttributes] }, scopeSpans: [{ scope: { name: 't' }, spans }] },
    ],
  });
}

function span(name: string, n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceId: TRACE, spanId: n.toString(16).padStart(16, '0'), name, kind: 2, startTimeUnixNano: START, endTimeUnixNano: END, ...extra };
}

/** JSON text of an AnyValue `levels` arrays (or maps) deep. JSON.stringify would overflow on the way there. */
function deepJson(levels: number, kind: 'array' | 'map'): string {
  const leaf = '{"stringValue":"x"}';
  return kind === 'array'
    ? `${'{"arrayValue":{"values":['.repeat(levels)}${leaf}${']}}'.repeat(levels)}`
    : `${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(levels)}${leaf}${'}]}}'.repeat(levels)}`;
}

/** A request whose `deep` placeholders are replaced by raw JSON text. */
function withRaw(json: string, raw: Record<string, string>): string {
  let out = json;
  for (const [marker, text] of Object.entries(raw)) out = out.replace(`"${marker}"`, text);
  return out;
}

interface JsonAnswer {
  partialSuccess?: { rejectedSpans: string; errorMessage: string };
}

function attr(s: Span, key: string): unknown {
  return s.attributes.find((a) => a.key === key)?.value;
}

describe('receiver: one bad span or value never costs the batch', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await OtlpReceiver.start({ port: 0 });
  });
  afterEach(async () => {
    await receiver.stop();
  });

  const names = (): string[] => [...receiver.store.spansByTrace()].flatMap((t) => t.spans.map((s) => s.name)).sort();

  describe('timestamps are uint64 nanoseconds', () => {
    it('keeps the valid spans when one has a fractional time, and rejects times outside 0..2^64-1 or ending before they start (JSON)', async () => {
      const body = jsonRequest([
        span('good', 1),
        span('fraction', 2, { startTimeUnixNano: 1.5 }),
        span('huge-number', 3, { endTimeUnixNano: 1e300 }),
        span('two-to-the-64', 4, { endTimeUnixNano: '18446744073709551616' }),
        span('over-uint64-number', 5, { endTimeUnixNano: 2e19 }),
        span('negative', 6, { startTimeUnixNano: -1 }),
        span('backwards', 7, { startTimeUnixNano: END, endTimeUnixNano: START }),
        span('fraction-text', 8, { endTimeUnixNano: '1700000000005000000.5' }),
        span('number-times', 9, { startTimeUnixNano: 1700000000000000000, endTimeUnixNano: 1700000000000000000 }),
        span('max-uint64', 10, { startTimeUnixNano: '18446744073709551615', endTimeUnixNano: '18446744073709551615' }),
        span('leading-zeros', 11, { startTimeUnixNano: `000${START}`, endTimeUnixNano: END }),
        span('event-time', 12, { events: [{ name: 'e', timeUnixNano: 2.5 }] }),
      ]);
      const answer = await post(receiver.endpoint, body, { contentType: JSON_TYPE });
      assert.equal(answer.status, 200, answer.body.toString());
      const json = JSON.parse(answer.body.toString()) as JsonAnswer;
      assert.equal(json.partialSuccess?.rejectedSpans, '8');
      const message = json.partialSuccess!.errorMessage;
      assert.match(message, /^rejected 8 invalid spans: span 'fraction' has an invalid startTimeUnixNano "1\.5" \(expected whole nanoseconds from 0 to 2\^64-1/);
      assert.match(message, /span 'huge-number' has an invalid endTimeUnixNano "1e\+300"/);
      assert.match(message, /span 'two-to-the-64' has an invalid endTimeUnixNano "18446744073709551616"/);
      assert.match(message, /\(and 5 more\)/);
      assert.deepEqual(names(), ['good', 'leading-zeros', 'max-uint64', 'number-times']);
      assert.equal(receiver.store.stats().spansRejected, 8);
      const reasons = decodeExportRequest(Buffer.from(body), 'json', 't');
      assert.equal(reasons.rejectedSpans, 8, 'the same rules in process');
    });

    it('names each rejected time (JSON and protobuf alike)', () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ endTimeUnixNano: 2e19 }, /invalid endTimeUnixNano "20000000000000000000"/],
        [{ startTimeUnixNano: -1 }, /invalid startTimeUnixNano "-1"/],
        [{ startTimeUnixNano: END, endTimeUnixNano: START }, /ends before it starts \(endTimeUnixNano 1700000000000000000 < startTimeUnixNano 1700000000005000000\)/],
        [{ endTimeUnixNano: '1700000000005000000.5' }, /invalid endTimeUnixNano "1700000000005000000\.5"/],
        [{ events: [{ name: 'e', timeUnixNano: 2.5 }] }, /events\[0\] with an invalid timeUnixNano "2\.5"/],
        [{ startTimeUnixNano: [[[1]]] }, /invalid startTimeUnixNano \(an array\)/],
      ];
      for (const [extra, pattern] of cases) {
        const decoded = decodeExportRequest(Buffer.from(jsonRequest([span('s', 1, extra)])), 'json', 't');
        assert.equal(decoded.rejectedSpans, 1, JSON.stringify(extra));
        assert.match(decoded.errorMessage, pattern);
      }
      const backwards = encodeExportTraceRequestFromJsonShape({
        resourceSpans: [
          {
            resource: { attributes: [] },
            scopeSpans: [
              {
                scope: {},
                spans: [
                  { traceId: TRACE, spanId: '00000000000000a1', name: 'backwards', kind: 1, startTimeUnixNano: END, endTimeUnixNano: START, attributes: [], events: [], links: [], status: {} },
                  { traceId: TRACE, spanId: '00000000000000a2', name: 'max', kind: 1, startTimeUnixNano: '18446744073709551615', endTimeUnixNano: '18446744073709551615', attributes: [], events: [], links: [], status: {} },
                ],
              },
            ],
          },
        ],
      });
      const proto = decodeExportRequest(backwards, 'protobuf', 't');
      assert.equal(proto.rejectedSpans, 1);
      assert.match(proto.errorMessage, /span 'backwards' ends before it starts/);
      assert.equal(proto.traces[0]!.spans[0]!.name, 'max');
    });
  });

  it('rejects a span with a bad link or a keyless attribute alone (the parser used to fail the whole batch)', async () => {
    const body = jsonRequest([
      span('good', 1),
      span('bad-link', 2, { links: [{ traceId: 'nope', spanId: '0000000000000001' }] }),
      span('keyless', 3, { attributes: [{ value: { stringValue: 'v' } }] }),
      span('event-not-object', 4, { events: [7] }),
    ]);
    const answer = await post(receiver.endpoint, body, { contentType: JSON_TYPE });
    assert.equal(answer.status, 200, answer.body.toString());
    const json = JSON.parse(answer.body.toString()) as JsonAnswer;
    assert.equal(json.partialSuccess?.rejectedSpans, '3');
    assert.match(json.partialSuccess!.errorMessage, /span 'bad-link' has links\[0\] with an invalid traceId or spanId \("nope"/);
    assert.match(json.partialSuccess!.errorMessage, /span 'keyless' has attributes\[0\] that is not a \{key, value\} attribute/);
    assert.match(json.partialSuccess!.errorMessage, /span 'event-not-object' has events\[0\] that is not an object/);
    assert.deepEqual(names(), ['good']);
  });

  it('escapes control characters and bidi overrides of span names in the reasons', () => {
    const decoded = decodeExportRequest(Buffer.from(jsonRequest([span('red\u001b[31m\u009b\u202eevil', 1, { startTimeUnixNano: 1.5 })])), 'json', 't');
    assert.match(decoded.errorMessage, /span 'red\\u001b\[31m\\u009b\\u202eevil'/);
    assert.doesNotMatch(decoded.errorMessage, /[\u001b\u009b\u202e]/);
  });

  describe('deep nesting is refused for that value only', () => {
    it('JSON: a 100,000-level attribute value is replaced by a note; the span, its other attributes and the batch are kept', async () => {
      const body = withRaw(
        jsonRequest(
          [
            span('deep-array', 1, { attributes: [{ key: 'ok', value: { stringValue: 'kept' } }, { key: 'deep', value: 'DEEP_ARRAY' }] }),
            span('deep-map', 2, { attributes: [{ key: 'deep', value: 'DEEP_MAP' }] }),
            span('deep-raw', 3, { attributes: [{ key: 'raw', value: 'DEEP_RAW' }] }),
            span('deep-event', 4, { events: [{ name: 'e', timeUnixNano: START, attributes: [{ key: 'payload', value: 'DEEP_EVENT' }] }] }),
            span('deep-time', 5, { startTimeUnixNano: 'DEEP_TIME' }),
            span('plain', 6),
          ],
          [{ key: 'resource.deep', value: 'DEEP_RESOURCE' }],
        ),
        {
          DEEP_ARRAY: deepJson(100_000, 'array'),
          DEEP_MAP: deepJson(100_000, 'map'),
          DEEP_RAW: `{"odd":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
          DEEP_EVENT: deepJson(100_000, 'array'),
          DEEP_TIME: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
          DEEP_RESOURCE: deepJson(100_000, 'map'),
        },
      );
      const answer = await post(receiver.endpoint, body, { contentType: JSON_TYPE });
      assert.equal(answer.status, 200, answer.body.toString().slice(0, 500));
      const json = JSON.parse(answer.body.toString()) as JsonAnswer;
      assert.equal(json.partialSuccess?.rejectedSpans, '1', 'only the span whose start time is a deep array');
      const message = json.partialSuccess!.errorMessage;
      assert.match(message, /span 'deep-time' has an invalid startTimeUnixNano \(an array\)/);
      assert.match(message, new RegExp(`replaced 5 attribute values nested deeper than ${MAX_VALUE_NESTING} levels by a note \\(the spans were kept\\): resource attribute 'resource\\.deep'; span 'deep-array' attribute 'deep'`));
      assert.deepEqual(names(), ['deep-array', 'deep-event', 'deep-map', 'deep-raw', 'plain']);
      const trace = receiver.store.getTrace(TRACE)!;
      const byName = new Map(trace.spans.map((s) => [s.name, s]));
      const deepArray = byName.get('deep-array')!;
      assert.equal(attr(deepArray, 'ok'), 'kept');
      assert.equal(attr(deepArray, 'deep'), TOO_DEEP_PLACEHOLDER);
      assert.ok(deepArray.warnings.some((w) => /replaced the value of attribute 'deep' by a note: nested deeper than 100 levels/.test(w)), JSON.stringify(deepArray.warnings));
      assert.equal(attr(byName.get('deep-map')!, 'deep'), TOO_DEEP_PLACEHOLDER);
      assert.equal(attr(byName.get('deep-raw')!, 'raw'), TOO_DEEP_PLACEHOLDER);
      assert.equal(byName.get('deep-event')!.events[0]!.attributes[0]!.value, TOO_DEEP_PLACEHOLDER);
      assert.equal(deepArray.resource.find((a) => a.key === 'resource.deep')?.value, TOO_DEEP_PLACEHOLDER);
      assert.equal(byName.get('plain')!.warnings.length, 0);
      assert.equal(receiver.store.stats().valuesDropped, 5);
    });

    it('protobuf: a 100,000-level attribute value is replaced by a note; the rest of the request decodes', async () => {
      const deep = spanMessage({ traceId: TRACE, spanId: '0000000000000001', name: 'deep', start: 1n, end: 2n, attributes: [keyValue('ok', stringField(1, 'kept')), keyValue('deep', deepArrayValue(100_000)), keyValue('after', stringField(1, 'also kept'))] });
      const deepMap = spanMessage({ traceId: TRACE, spanId: '0000000000000002', name: 'deep-map', start: 1n, end: 2n, attributes: [keyValue('deep', deepMapValue(2_000))] });
      const plain = spanMessage({ traceId: TRACE, spanId: '0000000000000003', name: 'plain', start: 1n, end: 2n });
      const body = requestWithSpans('shop', [deep, deepMap, plain]);
      const answer = await post(receiver.endpoint, body, { contentType: PROTO });
      assert.equal(answer.status, 200);
      const response = decodeExportTraceResponse(answer.body);
      assert.equal(response.rejectedSpans, 0);
      assert.match(response.errorMessage, /replaced 2 attribute values nested deeper than 100 levels by a note \(the spans were kept\): span 'deep' attribute 'deep'; span 'deep-map' attribute 'deep'/);
      const trace = receiver.store.getTrace(TRACE)!;
      const byName = new Map(trace.spans.map((s) => [s.name, s]));
      assert.deepEqual([...byName.keys()].sort(), ['deep', 'deep-map', 'plain']);
      const s = byName.get('deep')!;
      assert.equal(attr(s, 'ok'), 'kept');
      assert.equal(attr(s, 'deep'), TOO_DEEP_PLACEHOLDER);
      assert.equal(attr(s, 'after'), 'also kept');
      assert.equal(s.warnings.length, 1);
      assert.equal(attr(byName.get('deep-map')!, 'deep'), TOO_DEEP_PLACEHOLDER);
      assert.equal(receiver.store.stats().valuesDropped, 2);
    });

    it('draws the line at the same nesting in both formats: 100 levels kept, 101 replaced', () => {
      for (const [levels, kept] of [
        [MAX_VALUE_NESTING, true],
        [MAX_VALUE_NESTING + 1, false],
      ] as const) {
        const proto = decodeExportRequest(
          requestWithSpans('shop', [
            spanMessage({ traceId: TRACE, spanId: '0000000000000001', name: 'a', start: 1n, end: 2n, attributes: [keyValue('arr', deepArrayValue(levels)), keyValue('map', deepMapValue(levels))] }),
          ]),
          'protobuf',
          't',
        );
        const json = decodeExportRequest(
          Buffer.from(withRaw(jsonRequest([span('a', 1, { attributes: [{ key: 'arr', value: 'ARR' }, { key: 'map', value: 'MAP' }] })]), { ARR: deepJson(levels, 'array'), MAP: deepJson(levels, 'map') })),
          'json',
          't',
        );
        for (const [format, decoded] of [['protobuf', proto], ['json', json]] as const) {
          assert.equal(decoded.droppedValues, kept ? 0 : 2, `${format} at ${levels} levels`);
          const s = decoded.traces[0]!.spans[0]!;
          for (const key of ['arr', 'map']) assert.equal(attr(s, key) === TOO_DEEP_PLACEHOLDER, !kept, `${format} ${key} at ${levels} levels`);
        }
        if (kept) {
          // The kept value is the same in both formats, down to the innermost string.
          assert.deepEqual(proto.traces[0]!.spans[0]!.attributes, json.traces[0]!.spans[0]!.attributes);
        }
      }
    });
  });
});
