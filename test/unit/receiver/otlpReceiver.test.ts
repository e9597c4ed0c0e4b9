import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { OtlpReceiver } from '../../../src/core/sources/receiver/otlpReceiver';
import type { ExportOutcome } from '../../../src/core/sources/receiver/otlpHttpHandler';
import { decodeExportTraceResponse, decodeRpcStatus, encodeExportTraceRequestFromJsonShape } from '../../../src/core/sources/receiver/otlpProtobuf';
import { probeOtlpPort } from '../../../src/core/sources/receiver/portProbe';
import { isSpanLensError } from '../../../src/core/errors';
import { jsonBody, makeSdkSpans, post, protobufBody } from './otlpTestData';

const PROTO = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

function spanCountsByName(receiver: OtlpReceiver): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { spans } of receiver.store.spansByTrace()) for (const s of spans) counts[s.name] = (counts[s.name] ?? 0) + 1;
  return counts;
}

/** An OTLP/JSON request with hand-written spans (ids as given), for invalid-span cases. */
function jsonRequest(spans: readonly Record<string, unknown>[]): string {
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] }, scopeSpans: [{ scope: { name: 't' }, spans }] }],
  });
}

function span(name: string, traceId: string, spanId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceId, spanId, name, kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000005000000', ...extra };
}

const GOOD_TRACE = '5b8efff798038103d269b633813fc60c';

describe('receiver: OTLP/HTTP endpoint', () => {
  let receiver: OtlpReceiver;
  let outcomes: ExportOutcome[];

  beforeEach(async () => {
    outcomes = [];
    receiver = await OtlpReceiver.start({ port: 0, maxBodyBytes: 256 * 1024, onExport: (o) => outcomes.push(o) });
  });
  afterEach(async () => {
    await receiver.stop();
  });

  it('stores spans from a protobuf body and answers with an empty protobuf ExportTraceServiceResponse', async () => {
    const spans = makeSdkSpans({ traces: 5, children: 3 });
    const answer = await post(receiver.endpoint, protobufBody(spans), { contentType: PROTO });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], PROTO);
    assert.deepEqual(decodeExportTraceResponse(answer.body), { rejectedSpans: 0, errorMessage: '' });
    assert.deepEqual(spanCountsByName(receiver), { 'GET /orders': 5, 'inventory.check': 15 });
    assert.equal(receiver.store.stats().traces, 5);
    const root = spans.find((s) => s.name === 'GET /orders')!;
    const trace = receiver.store.getTrace(root.spanContext().traceId)!;
    assert.equal(trace.spans.length, 4);
    assert.equal(trace.spans[0]!.name, 'GET /orders');
    assert.ok(trace.spans.every((s) => !s.orphan));
  });

  it('stores spans from a JSON body and answers with JSON', async () => {
    const spans = makeSdkSpans({ traces: 2, children: 2 });
    const answer = await post(receiver.endpoint, jsonBody(spans), { contentType: 'application/json; charset=utf-8' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], JSON_TYPE);
    assert.deepEqual(JSON.parse(answer.body.toString()), {});
    assert.deepEqual(spanCountsByName(receiver), { 'GET /orders': 2, 'inventory.check': 4 });
  });

  it('accepts gzip and deflate bodies, and chunked bodies without a length', async () => {
    const a = makeSdkSpans({ traces: 1, children: 1, rootName: 'gzip-proto' });
    const b = makeSdkSpans({ traces: 1, children: 1, rootName: 'deflate-json' });
    const c = makeSdkSpans({ traces: 1, children: 1, rootName: 'raw-deflate-json' });
    const d = makeSdkSpans({ traces: 1, children: 1, rootName: 'chunked-gzip' });
    assert.equal((await post(receiver.endpoint, zlib.gzipSync(protobufBody(a)), { contentType: PROTO, contentEncoding: 'gzip' })).status, 200);
    assert.equal((await post(receiver.endpoint, zlib.deflateSync(jsonBody(b)), { contentType: JSON_TYPE, contentEncoding: 'deflate' })).status, 200);
    assert.equal((await post(receiver.endpoint, zlib.deflateRawSync(jsonBody(c)), { contentType: JSON_TYPE, contentEncoding: 'deflate' })).status, 200);
    assert.equal((await post(receiver.endpoint, zlib.gzipSync(protobufBody(d)), { contentType: PROTO, contentEncoding: 'gzip', chunked: true })).status, 200);
    const counts = spanCountsByName(receiver);
    for (const name of ['gzip-proto', 'deflate-json', 'raw-deflate-json', 'chunked-gzip']) assert.equal(counts[name], 1, name);
    assert.equal(counts['inventory.check'], 4);
  });

  it('answers a malformed protobuf body with 400 and a google.rpc.Status, stores nothing, and keeps serving', async () => {
    const answer = await post(receiver.endpoint, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]), { contentType: PROTO });
    assert.equal(answer.status, 400);
    assert.equal(answer.headers['content-type'], PROTO);
    const status = decodeRpcStatus(answer.body);
    assert.equal(status.code, 3);
    assert.match(status.message, /not a valid OTLP protobuf ExportTraceServiceRequest/);
    assert.equal(receiver.store.stats().spans, 0);
    const ok = await post(receiver.endpoint, protobufBody(makeSdkSpans({ traces: 1 })), { contentType: PROTO });
    assert.equal(ok.status, 200);
    assert.equal(receiver.store.stats().spans, 1);
  });

  it('answers malformed JSON bodies with 400 and a JSON status', async () => {
    for (const [body, pattern] of [
      ['{"resourceSpans": [', /not valid JSON/],
      ['{"resourceSpans": 5}', /resourceSpans is not an array/],
      ['[1,2]', /not an ExportTraceServiceRequest object/],
      ['{"resourceSpans":[{"scopeSpans":[{"spans":{}}]}]}', /spans is not an array/],
    ] as const) {
      const answer = await post(receiver.endpoint, body, { contentType: JSON_TYPE });
      assert.equal(answer.status, 400, body);
      assert.equal(answer.headers['content-type'], JSON_TYPE);
      const json = JSON.parse(answer.body.toString()) as { code: number; message: string };
      assert.equal(json.code, 3);
      assert.match(json.message, pattern);
    }
    const corruptGzip = await post(receiver.endpoint, Buffer.from('not gzip at all'), { contentType: JSON_TYPE, contentEncoding: 'gzip' });
    assert.equal(corruptGzip.status, 400);
    assert.match((JSON.parse(corruptGzip.body.toString()) as { message: string }).message, /not valid gzip/);
    assert.equal(receiver.store.stats().spans, 0);
    assert.equal(outcomes.filter((o) => o.status === 400).length, 5);
  });

  it('reports invalid spans as a partial success and keeps the valid ones (JSON)', async () => {
    const body = jsonRequest([
      span('good', GOOD_TRACE, '1111111111111111'),
      span('short-trace-id', '5b8efff7980381', '2222222222222222'),
      span('zero-span-id', GOOD_TRACE, '0000000000000000'),
      span('bad-time', GOOD_TRACE, '3333333333333333', { startTimeUnixNano: 'yesterday' }),
      span('base64-ids', 'W47/95gDgQPSabYzgT/GDA==', 'REREREREREQ=', { parentSpanId: '1111111111111111' }),
    ]);
    const answer = await post(receiver.endpoint, body, { contentType: JSON_TYPE });
    assert.equal(answer.status, 200);
    const json = JSON.parse(answer.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(json.partialSuccess.rejectedSpans, '3');
    assert.match(json.partialSuccess.errorMessage, /rejected 3 invalid spans/);
    assert.match(json.partialSuccess.errorMessage, /span 'short-trace-id' has an invalid traceId "5b8efff7980381"/);
    assert.match(json.partialSuccess.errorMessage, /span 'zero-span-id' has an invalid spanId/);
    assert.match(json.partialSuccess.errorMessage, /span 'bad-time' has an invalid startTimeUnixNano "yesterday"/);
    const trace = receiver.store.getTrace(GOOD_TRACE)!;
    assert.deepEqual(trace.spans.map((s) => s.name), ['good', 'base64-ids']);
    assert.equal(trace.spans[1]!.spanId, '4444444444444444');
    assert.equal(receiver.store.stats().spansRejected, 3);
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.acceptedSpans, o.rejectedSpans, o.storedSpans]),
      [[200, 2, 3, 2]],
    );
  });

  it('reports invalid spans as a partial success in protobuf too', async () => {
    const good = { traceId: GOOD_TRACE, spanId: 'aaaaaaaaaaaaaaaa', name: 'ok', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000001000000', attributes: [], events: [], links: [], status: {} };
    const body = encodeExportTraceRequestFromJsonShape({
      resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: {}, spans: [good, { ...good, traceId: 'abcdef', name: 'five-byte-id' }] }] }],
    });
    const answer = await post(receiver.endpoint, Buffer.from(body), { contentType: PROTO });
    assert.equal(answer.status, 200);
    const response = decodeExportTraceResponse(answer.body);
    assert.equal(response.rejectedSpans, 1);
    assert.match(response.errorMessage, /span 'five-byte-id' has an invalid traceId "abcdef"/);
    assert.equal(receiver.store.stats().spans, 1);
  });

  it('tells the sender once the cap drops spans: evictions as a partial-success warning, spans of a trace over the cap as rejected', async () => {
    const capped = await OtlpReceiver.start({ port: 0, limits: { maxSpans: 10 }, capHint: '--max-spans', onExport: (o) => outcomes.push(o) });
    try {
      const first = await post(capped.endpoint, jsonBody(makeSdkSpans({ traces: 2, children: 2 })), { contentType: JSON_TYPE });
      assert.deepEqual(JSON.parse(first.body.toString()), {}, 'under the cap: a plain success');
      const second = await post(capped.endpoint, jsonBody(makeSdkSpans({ traces: 2, children: 2 })), { contentType: JSON_TYPE });
      const json = JSON.parse(second.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
      assert.equal(json.partialSuccess.rejectedSpans, '0');
      assert.equal(
        json.partialSuccess.errorMessage,
        'the receiver is full (cap 10 spans / 1,024 MiB): 3 spans of the oldest traces were evicted to make room; to keep more, raise --max-spans',
      );
      const big = await post(capped.endpoint, protobufBody(makeSdkSpans({ traces: 1, children: 11 })), { contentType: PROTO });
      const response = decodeExportTraceResponse(big.body);
      assert.equal(response.rejectedSpans, 2);
      assert.match(response.errorMessage, /^did not keep 2 spans: their trace alone exceeds the receiver's cap of 10 spans \/ 1,024 MiB; the receiver is full .*: 9 spans of the oldest traces were evicted/);
      const stats = capped.store.stats();
      assert.deepEqual([stats.spans, stats.spansEvicted, stats.spansDropped], [10, 12, 2]);
      assert.deepEqual(
        outcomes.map((o) => [o.acceptedSpans, o.rejectedSpans, o.storedSpans, o.evictedSpans]),
        [[6, 0, 6, 0], [6, 0, 6, 3], [10, 2, 10, 9]],
      );
    } finally {
      await capped.stop();
    }
  });

  it('answers 413 for bodies over the cap: declared, streamed, and after decompression', async () => {
    const big = Buffer.alloc(300 * 1024, 0x20);
    const declared = await post(receiver.endpoint, big, { contentType: JSON_TYPE });
    assert.equal(declared.status, 413);
    assert.match((JSON.parse(declared.body.toString()) as { message: string }).message, /exceeds the limit of 262144 bytes/);
    const streamed = await post(receiver.endpoint, big, { contentType: PROTO, chunked: true });
    assert.equal(streamed.status, 413);
    assert.equal(decodeRpcStatus(streamed.body).code, 8);
    const bomb = zlib.gzipSync(Buffer.alloc(2 * 1024 * 1024, 0x20));
    assert.ok(bomb.length < 256 * 1024);
    const inflated = await post(receiver.endpoint, bomb, { contentType: JSON_TYPE, contentEncoding: 'gzip' });
    assert.equal(inflated.status, 413);
    assert.match((JSON.parse(inflated.body.toString()) as { message: string }).message, /decompressed body exceeds/);
    assert.equal(receiver.store.stats().spans, 0);
    assert.equal((await post(receiver.endpoint, protobufBody(makeSdkSpans({ traces: 1 })), { contentType: PROTO })).status, 200);
  });

  it('answers 415, 405 and 404 for the wrong content type, encoding, method and path', async () => {
    const text = await post(receiver.endpoint, 'hello', { contentType: 'text/plain' });
    assert.equal(text.status, 415);
    assert.match((JSON.parse(text.body.toString()) as { message: string }).message, /use application\/x-protobuf or application\/json/);
    const noType = await post(receiver.endpoint, '{}', {});
    assert.equal(noType.status, 415);
    const brotli = await post(receiver.endpoint, '{}', { contentType: JSON_TYPE, contentEncoding: 'br' });
    assert.equal(brotli.status, 415);
    const get = await post(receiver.endpoint, '', { method: 'GET' });
    assert.equal(get.status, 405);
    assert.equal(get.headers['allow'], 'POST');
    const metrics = await post(receiver.endpoint, '{}', { contentType: JSON_TYPE, path: '/v1/metrics' });
    assert.equal(metrics.status, 404);
    assert.match((JSON.parse(metrics.body.toString()) as { message: string }).message, /traces only/);
    const root = await post(receiver.endpoint, '', { method: 'GET', path: '/' });
    assert.equal(root.status, 404);
    assert.equal((await post(receiver.endpoint, '{}', { contentType: JSON_TYPE })).status, 200);
  });

  it('accounts for every span from 20 concurrent senders', async () => {
    const senders = 20;
    const requestsEach = 15;
    const agent = new http.Agent({ keepAlive: true, maxSockets: senders });
    const bodies = Array.from({ length: senders }, (_, i) =>
      Array.from({ length: requestsEach }, (_, r) => {
        const spans = makeSdkSpans({ traces: 2, children: 4, service: `svc-${i % 4}`, rootName: `root-${r % 3}` });
        return r % 2 === 0 ? { body: protobufBody(spans), type: PROTO } : { body: jsonBody(spans), type: JSON_TYPE };
      }),
    );
    try {
      const statuses = await Promise.all(
        bodies.map(async (list) => {
          const out: number[] = [];
          for (const { body, type } of list) out.push((await post(receiver.endpoint, body, { contentType: type, agent })).status);
          return out;
        }),
      );
      assert.ok(statuses.flat().every((s) => s === 200));
    } finally {
      agent.destroy();
    }
    const expectedSpans = senders * requestsEach * 2 * 5;
    const stats = receiver.store.stats();
    assert.equal(stats.spans, expectedSpans);
    assert.equal(stats.spansStored, expectedSpans);
    assert.equal(stats.traces, senders * requestsEach * 2);
    assert.equal(spanCountsByName(receiver)['inventory.check'], senders * requestsEach * 2 * 4);
    assert.deepEqual(receiver.store.services(), ['svc-0', 'svc-1', 'svc-2', 'svc-3']);
    assert.equal(outcomes.reduce((n, o) => n + o.storedSpans, 0), expectedSpans);
  });

  it('merges spans of one trace that arrive in separate requests, and ignores re-sent copies', async () => {
    const spans = makeSdkSpans({ traces: 1, children: 3 });
    const children = spans.filter((s) => s.name === 'inventory.check');
    const root = spans.filter((s) => s.name === 'GET /orders');
    const traceId = root[0]!.spanContext().traceId;
    assert.equal((await post(receiver.endpoint, protobufBody(children), { contentType: PROTO })).status, 200);
    const partial = receiver.store.getTrace(traceId)!;
    assert.equal(partial.spans.length, 3);
    assert.ok(partial.spans.every((s) => s.orphan), 'children without their parent are orphans for now');
    assert.equal((await post(receiver.endpoint, jsonBody(root), { contentType: JSON_TYPE })).status, 200);
    assert.equal((await post(receiver.endpoint, protobufBody(children.slice(0, 1)), { contentType: PROTO })).status, 200);
    const whole = receiver.store.getTrace(traceId)!;
    assert.equal(whole.spans.length, 4);
    assert.equal(whole.spans[0]!.name, 'GET /orders');
    assert.ok(whole.spans.every((s) => !s.orphan && s.warnings.length === 0), JSON.stringify(whole.spans.map((s) => s.warnings)));
    assert.equal(whole.warnings.length, 0);
    assert.equal(receiver.store.stats().spansDuplicate, 1);
    assert.equal(receiver.store.stats().traces, 1);
  });

  it('says clearly when the port is taken, and the probe recognises an OTLP receiver there', async () => {
    const port = receiver.port;
    await assert.rejects(OtlpReceiver.start({ port }), (e: unknown) => {
      assert.ok(isSpanLensError(e));
      assert.equal(e.message.startsWith(`Port ${port} is already in use`), true, e.message);
      assert.match(e.message, /choose another port with the setting spanlens\.receiver\.port/);
      return true;
    });
    await assert.rejects(OtlpReceiver.start({ port, portHint: '--port' }), /choose another port with --port/);
    const probe = await probeOtlpPort({ port, jaegerQueryPort: port });
    assert.equal(probe.inUse, true);
    assert.equal(probe.otlpReceiver, true);
    assert.equal(probe.jaegerQueryUrl, undefined);
    assert.match(probe.detail, /an OTLP\/HTTP receiver/);
    assert.equal(receiver.store.stats().spans, 0, 'the probe stores nothing');
  });

  it('probe: a free port and a port held by something else', async () => {
    const other = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as { port: number }).port;
    try {
      const held = await probeOtlpPort({ port, jaegerQueryPort: port });
      assert.equal(held.inUse, true);
      assert.equal(held.otlpReceiver, false);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
    const free = await probeOtlpPort({ port });
    assert.equal(free.inUse, false);
  });

  it('stops cleanly with a keep-alive connection open, and can stop twice', async () => {
    const agent = new http.Agent({ keepAlive: true });
    assert.equal((await post(receiver.endpoint, '{}', { contentType: JSON_TYPE, agent })).status, 200);
    await receiver.stop();
    assert.equal(receiver.listening, false);
    await receiver.stop();
    agent.destroy();
    await assert.rejects(post(receiver.endpoint, '{}', { contentType: JSON_TYPE }));
  });
});
