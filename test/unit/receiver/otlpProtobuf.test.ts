import * as assert from 'node:assert/strict';
import { parseOtlpJson } from '../../../src/core/model/otlpJson';
import { decodeExportTraceRequest } from '../../../src/core/sources/receiver/otlpProtobufDecode';
import {
  decodeExportTraceResponse,
  decodeRpcStatus,
  encodeExportTraceRequestFromJsonShape,
  encodeExportTraceResponse,
  encodeRpcStatus,
  int64ToDecimal,
} from '../../../src/core/sources/receiver/otlpProtobuf';
import { decodeExportRequest, MalformedExportError } from '../../../src/core/sources/receiver/exportRequest';
import { jsonBody, makeSdkSpans, protobufBody } from './otlpTestData';
import { field, requestWithSpans, spanMessage, stringField, varint } from './protobufWire';
import type { OtlpTracesData } from '../../../src/core/model/otlpJson';

describe('receiver: OTLP protobuf decoding', () => {
  it('decodes the real protobuf exporter bytes into the same traces as the real JSON exporter', () => {
    const spans = makeSdkSpans({ traces: 3, children: 4, failChildren: true, attributes: { 'order.total': 12.5, vip: true, big: 2 ** 40 } });
    const fromProto = parseOtlpJson(decodeExportTraceRequest(protobufBody(spans)), 'proto');
    const fromJson = parseOtlpJson(JSON.parse(jsonBody(spans).toString('utf8')), 'json');
    assert.equal(fromProto.length, 3);
    assert.equal(fromProto.reduce((n, t) => n + t.spans.length, 0), 15);
    assert.deepEqual(fromProto, fromJson);
  });

  it('keeps ids, times, kinds, status, events and attribute types exactly', () => {
    const spans = makeSdkSpans({ traces: 1, children: 1, failChildren: true });
    const sdkChild = spans.find((s) => s.name === 'inventory.check')!;
    const [trace] = parseOtlpJson(decodeExportTraceRequest(protobufBody(spans)), 'proto');
    const child = trace!.spans.find((s) => s.name === 'inventory.check')!;
    assert.equal(child.traceId, sdkChild.spanContext().traceId);
    assert.equal(child.spanId, sdkChild.spanContext().spanId);
    assert.equal(child.parentSpanId, sdkChild.parentSpanContext?.spanId);
    const [sec, ns] = sdkChild.startTime;
    assert.equal(child.startTimeUs, sec * 1e6 + ns / 1000);
    assert.equal(child.kind, 2); // @opentelemetry/api SpanKind.CLIENT
    assert.equal(child.status.code, 2);
    assert.equal(child.status.message, 'out of stock');
    assert.equal(child.error, true);
    assert.equal(child.events[0]?.name, 'exception');
    assert.ok(child.events[0]?.attributes.some((a) => a.key === 'exception.message' && a.value === 'item 0 is out of stock'));
    assert.deepEqual(
      child.attributes.find((a) => a.key === 'item'),
      { key: 'item', type: 'int64', value: 0 },
    );
    assert.equal(child.service, 'shop');
    assert.ok(child.resource.some((a) => a.key === 'host.name' && a.value === 'test-host'));
    assert.equal(child.scope?.name, 'receiver-tests');
  });

  it('writes 64-bit integers exactly, beyond 2^53 and negative', () => {
    assert.equal(int64ToDecimal({ low: 0xffffffff | 0, high: 0xffffffff | 0, unsigned: true } as never), '18446744073709551615');
    assert.equal(int64ToDecimal({ low: -1, high: -1, unsigned: false } as never), '-1');
    assert.equal(int64ToDecimal({ low: 0, high: 0x18000000, unsigned: true } as never), (0x18000000n << 32n).toString());
    assert.equal(int64ToDecimal(42), '42');
    // A nanosecond timestamp whose last digits a double would round away.
    const data = encodeExportTraceRequestFromJsonShape({
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              scope: {},
              spans: [
                {
                  traceId: '0af7651916cd43dd8448eb211c80319c',
                  spanId: 'b7ad6b7169203331',
                  name: 'precise',
                  kind: 1,
                  startTimeUnixNano: '1700000000123456789',
                  endTimeUnixNano: '1700000000123457791',
                  attributes: [{ key: 'huge', value: { intValue: '9007199254740993' } }],
                  events: [],
                  links: [],
                  status: {},
                },
              ],
            },
          ],
        },
      ],
    });
    const decoded = decodeExportTraceRequest(data);
    const span = decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.equal(span.startTimeUnixNano, '1700000000123456789');
    assert.equal(span.endTimeUnixNano, '1700000000123457791');
    assert.deepEqual(span.attributes[0]?.value, { intValue: '9007199254740993' });
  });

  it('encodes responses and statuses that decode back', () => {
    assert.deepEqual(decodeExportTraceResponse(encodeExportTraceResponse(0, '')), { rejectedSpans: 0, errorMessage: '' });
    assert.equal(encodeExportTraceResponse(0, '').length, 0);
    assert.deepEqual(decodeExportTraceResponse(encodeExportTraceResponse(3, 'bad ids')), { rejectedSpans: 3, errorMessage: 'bad ids' });
    assert.deepEqual(decodeRpcStatus(encodeRpcStatus(3, 'broken')), { code: 3, message: 'broken' });
  });

  it('reads invalid UTF-8 in strings as U+FFFD instead of refusing the request, as the Collector does', () => {
    const spans = makeSdkSpans({ traces: 1, rootName: 'name-XYZ' });
    const body = protobufBody(spans);
    const at = body.indexOf(Buffer.from('XYZ'));
    assert.ok(at > 0);
    body[at] = 0xff;
    const decoded = decodeExportRequest(body, 'protobuf', 'test');
    assert.equal(decoded.acceptedSpans, 1);
    assert.equal(decoded.traces[0]!.spans[0]!.name, 'name-\uFFFDYZ');
  });

  it('rejects bytes that are not a protobuf message as malformed', () => {
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]);
    assert.throws(() => decodeExportRequest(garbage, 'protobuf', 'test'), (e: unknown) => {
      assert.ok(e instanceof MalformedExportError);
      assert.match(e.message, /not a valid OTLP protobuf ExportTraceServiceRequest/);
      return true;
    });
  });

  it('decodes every field of the trace messages exactly as protobufjs encoded them', () => {
    const data: OtlpTracesData = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }, { key: 'pid', value: { intValue: '-42' } }] },
          scopeSpans: [
            {
              scope: { name: 'lib', version: '1.2.3', attributes: [{ key: 'scope.attr', value: { boolValue: true } }] },
              spans: [
                {
                  traceId: '0af7651916cd43dd8448eb211c80319c',
                  spanId: 'b7ad6b7169203331',
                  parentSpanId: '00f067aa0ba902b7',
                  traceState: 'vendor=1',
                  flags: 257,
                  name: 'everything',
                  kind: 3,
                  startTimeUnixNano: '18446744073709551615',
                  endTimeUnixNano: '18446744073709551615',
                  attributes: [
                    { key: 'min-int64', value: { intValue: '-9223372036854775808' } },
                    { key: 'max-int64', value: { intValue: '9223372036854775807' } },
                    { key: 'double', value: { doubleValue: -0.125 } },
                    { key: 'bytes', value: { bytesValue: Buffer.from([0, 1, 254, 255]).toString('base64') } },
                    { key: 'nested', value: { arrayValue: { values: [{ stringValue: 'a' }, { kvlistValue: { values: [{ key: 'k', value: { arrayValue: { values: [{ intValue: '7' }] } } }] } }] } } },
                    { key: 'empty', value: {} },
                  ],
                  events: [{ timeUnixNano: '1700000000000000001', name: 'evt', attributes: [{ key: 'e', value: { stringValue: 'v' } }] }],
                  links: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceState: 'l=2', attributes: [{ key: 'la', value: { doubleValue: 1.5 } }] }],
                  status: { code: 2, message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    };
    const decoded = decodeExportTraceRequest(encodeExportTraceRequestFromJsonShape(data));
    const span = decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.deepEqual(decoded.resourceSpans[0]!.resource, data.resourceSpans[0]!.resource);
    assert.deepEqual(decoded.resourceSpans[0]!.scopeSpans[0]!.scope, data.resourceSpans[0]!.scopeSpans[0]!.scope);
    const expected = data.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.deepEqual({ ...span }, { ...expected });
  });

  it('skips unknown fields and groups, and reports truncated or broken bytes with where', () => {
    const good = spanMessage({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'ok', start: 1n, end: 2n });
    // Unknown fields of every wire type, including a (deprecated) group with a nested group, inside the span.
    const unknown = Buffer.concat([varint((99 << 3) | 0), varint(300), varint((98 << 3) | 1), Buffer.alloc(8), varint((97 << 3) | 5), Buffer.alloc(4),
      stringField(96, 'later addition'), varint((95 << 3) | 3), varint((94 << 3) | 3), varint((94 << 3) | 4), varint((95 << 3) | 4)]);
    const withUnknown = requestWithSpans('shop', [Buffer.concat([good, unknown])]);
    const decoded = decodeExportTraceRequest(withUnknown);
    assert.equal(decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name, 'ok');

    const body = requestWithSpans('shop', [good]);
    assert.throws(() => decodeExportTraceRequest(body.subarray(0, body.length - 3)), /truncated|runs past the end/);
    assert.throws(() => decodeExportTraceRequest(Buffer.from([0x0f])), /invalid wire type 7/);
    assert.throws(() => decodeExportTraceRequest(Buffer.from([0x00])), /invalid field number 0/);
    assert.throws(() => decodeExportTraceRequest(field(1, field(2, Buffer.from([0x0a, 0x05, 0x01])))), /runs past the end/);
    assert.deepEqual(decodeExportTraceRequest(Buffer.alloc(0)), { resourceSpans: [] });
  });
});
