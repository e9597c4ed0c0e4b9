import * as assert from 'node:assert/strict';
import { parseOtlpJson } from '../../../src/core/model/otlpJson';
import {
  decodeExportTraceRequest,
  decodeExportTraceResponse,
  decodeRpcStatus,
  encodeExportTraceRequestFromJsonShape,
  encodeExportTraceResponse,
  encodeRpcStatus,
  int64ToDecimal,
} from '../../../src/core/sources/receiver/otlpProtobuf';
import { decodeExportRequest, MalformedExportError } from '../../../src/core/sources/receiver/exportRequest';
import { jsonBody, makeSdkSpans, protobufBody } from './otlpTestData';

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
});
