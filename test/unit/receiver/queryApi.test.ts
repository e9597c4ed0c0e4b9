import * as assert from 'node:assert/strict';
import { OtlpReceiver } from '../../../src/core/sources/receiver/otlpReceiver';
import { ReceiverTraceSource } from '../../../src/core/sources/receiver/receiverTraceSource';
import { type QueryApiServer, startJaegerQueryServer } from '../../../src/core/sources/receiver/queryApi';
import { JaegerSource } from '../../../src/core/sources/jaeger/jaegerSource';
import { parseJaegerJson } from '../../../src/core/model/jaegerJson';
import { parseOtlpJson } from '../../../src/core/model/otlpJson';
import { isSpanLensError } from '../../../src/core/errors';
import type { TraceQuery } from '../../../src/core/sources/traceSource';
import { getJson, makeSdkSpans, post, protobufBody } from './otlpTestData';

describe('receiver: TraceSource and Jaeger-compatible query API', () => {
  let receiver: OtlpReceiver;
  let source: ReceiverTraceSource;
  let api: QueryApiServer;
  let checkoutTraceId: string;
  const nowUs = Date.now() * 1000;
  const window: Pick<TraceQuery, 'startUs' | 'endUs' | 'limit'> = { startUs: nowUs - 3600e6, endUs: nowUs + 3600e6, limit: 20 };

  before(async () => {
    receiver = await OtlpReceiver.start({ port: 0 });
    source = new ReceiverTraceSource(receiver);
    api = await startJaegerQueryServer({ source, port: 0 });
    const checkout = makeSdkSpans({ traces: 1, children: 2, rootName: 'POST /checkout', childName: 'payments.charge', failChildren: true, attributes: { sku: 'BAD-1' } });
    checkoutTraceId = checkout[0]!.spanContext().traceId;
    const orders = makeSdkSpans({ traces: 3, children: 1, rootName: 'GET /orders', childName: 'inventory.check' });
    const inventory = makeSdkSpans({ traces: 2, service: 'inventory', rootName: 'GET /stock' });
    for (const spans of [checkout, orders, inventory]) {
      assert.equal((await post(receiver.endpoint, protobufBody(spans), { contentType: 'application/x-protobuf' })).status, 200);
    }
  });
  after(async () => {
    await api.close();
    await receiver.stop();
  });

  describe('ReceiverTraceSource', () => {
    it('lists services and operations with their span kinds', async () => {
      assert.deepEqual(await source.services(), ['inventory', 'shop']);
      assert.deepEqual(await source.operations('shop'), [
        { name: 'GET /orders', spanKind: 'server' },
        { name: 'inventory.check', spanKind: 'client' },
        { name: 'payments.charge', spanKind: 'client' },
        { name: 'POST /checkout', spanKind: 'server' },
      ]);
    });

    it('searches with every TraceQuery filter', async () => {
      assert.equal((await source.search({ service: 'shop', ...window })).length, 4);
      assert.equal((await source.search({ service: 'shop', operation: 'GET /orders', ...window })).length, 3);
      const failed = await source.search({ service: 'shop', tags: { error: 'true' }, ...window });
      assert.deepEqual(failed.map((t) => t.traceId), [checkoutTraceId]);
      assert.deepEqual((await source.search({ service: 'shop', tags: { sku: 'BAD-1' }, ...window })).map((t) => t.traceId), [checkoutTraceId]);
      assert.equal((await source.search({ service: 'shop', ...window, limit: 2 })).length, 2);
      assert.equal((await source.search({ service: 'shop', minDurationUs: 3600e6, ...window })).length, 0);
      assert.equal((await source.search({ service: 'shop', ...window, startUs: nowUs + 1800e6 })).length, 0);
      const summaries = await source.searchSummaries({ service: 'shop', operation: 'POST /checkout', ...window });
      assert.equal(summaries.length, 1);
      assert.equal(summaries[0]!.spanCount, 3);
      assert.equal(summaries[0]!.errorCount, 2);
    });

    it('gets a trace, says clearly when one is missing, and honours cancellation', async () => {
      const trace = await source.getTrace(checkoutTraceId.toUpperCase());
      assert.equal(trace.spans.length, 3);
      await assert.rejects(source.getTrace('abc123'), (e: unknown) => {
        assert.ok(isSpanLensError(e));
        assert.equal(e.kind, 'not-found');
        assert.match(e.message, /Trace 0+abc123 is not in the built-in receiver on 127\.0\.0\.1:\d+/);
        return true;
      });
      await assert.rejects(source.getTrace('not-an-id'), /is not a trace id/);
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(source.services(controller.signal), (e: unknown) => isSpanLensError(e) && e.kind === 'cancelled');
    });

    it('describes itself and its health', async () => {
      assert.match(source.description, /^Built-in OTLP receiver on 127\.0\.0\.1:\d+$/);
      const health = await source.health();
      assert.equal(health.reachable, true);
      assert.match(health.detail, /^Built-in OTLP receiver on 127\.0\.0\.1:\d+: 11 spans in 6 traces$/);
    });
  });

  describe('query API over HTTP', () => {
    it('v1: services, operations, search, trace by id, errors', async () => {
      const services = await getJson(`${api.url}/api/services`);
      assert.deepEqual(services.json, { data: ['inventory', 'shop'], total: 2, limit: 0, offset: 0, errors: null });
      const ops = await getJson(`${api.url}/api/services/inventory/operations`);
      assert.deepEqual((ops.json as { data: unknown }).data, ['GET /stock']);
      assert.deepEqual((await getJson(`${api.url}/api/services/nobody/operations`)).json, { data: null, total: 0, limit: 0, offset: 0, errors: null });
      const kinds = await getJson(`${api.url}/api/operations?service=shop&spanKind=server`);
      assert.deepEqual((kinds.json as { data: unknown }).data, [
        { name: 'GET /orders', spanKind: 'server' },
        { name: 'POST /checkout', spanKind: 'server' },
      ]);

      const search = await getJson(`${api.url}/api/traces?service=shop&tag=error:true&limit=5&lookback=1h`);
      assert.equal(search.status, 200);
      const traces = parseJaegerJson(search.json, 'v1');
      assert.deepEqual(traces.map((t) => t.traceId), [checkoutTraceId]);
      assert.equal(traces[0]!.spans.length, 3);
      const bySpan = await getJson(`${api.url}/api/traces?service=shop&operation=GET%20%2Forders&minDuration=0ms&tags=${encodeURIComponent('{"http.route":"/orders"}')}`);
      assert.equal((bySpan.json as { total: number }).total, 3);

      const one = await getJson(`${api.url}/api/traces/${checkoutTraceId}`);
      assert.equal(parseJaegerJson(one.json, 'v1')[0]!.traceId, checkoutTraceId);
      const missing = await getJson(`${api.url}/api/traces/abc`);
      assert.equal(missing.status, 404);
      assert.deepEqual((missing.json as { errors: unknown }).errors, [{ code: 404, msg: 'trace not found' }]);
      const many = await getJson(`${api.url}/api/traces?traceID=${checkoutTraceId}&traceID=abc`);
      assert.equal(many.status, 200);
      assert.equal((many.json as { total: number }).total, 1);
      assert.deepEqual((many.json as { errors: unknown }).errors, [{ msg: 'trace not found', traceID: 'abc' }]);

      for (const [query, message] of [
        ['', "parameter 'service' is required"],
        ['service=shop&start=soon', `unable to parse param 'start': strconv.ParseInt: parsing "soon": invalid syntax`],
        ['service=shop&minDuration=5ms&maxDuration=1ms', "'maxDuration' should be greater than 'minDuration'"],
        ['service=shop&minDuration=fast', `unable to parse param 'minDuration': time: invalid duration "fast"`],
        ['service=shop&tag=nocolon', "malformed 'tag' parameter, expecting key:value, received: nocolon"],
      ] as const) {
        const bad = await getJson(`${api.url}/api/traces?${query}`);
        assert.equal(bad.status, 400, query);
        assert.match(bad.contentType, /^text\/plain/);
        assert.deepEqual((bad.json as { errors: unknown }).errors, [{ code: 400, msg: message }]);
      }
      const metrics = await getJson(`${api.url}/api/metrics/latencies?service=shop&quantile=0.95`);
      assert.equal(metrics.status, 501);
      assert.equal((await getJson(`${api.url}/nothing`)).text, '404 page not found\n');
    });

    it('api/v3: services, operations, traces, trace by id, summaries, errors', async () => {
      assert.deepEqual((await getJson(`${api.url}/api/v3/services`)).json, { services: ['inventory', 'shop'] });
      assert.deepEqual((await getJson(`${api.url}/api/v3/operations?service=inventory`)).json, { operations: [{ name: 'GET /stock', spanKind: 'server' }] });
      assert.deepEqual((await getJson(`${api.url}/api/v3/operations?service=nobody`)).json, {});
      const min = new Date(window.startUs / 1000).toISOString();
      const max = new Date(window.endUs / 1000).toISOString();
      const traces = await getJson(`${api.url}/api/v3/traces?query.service_name=shop&query.start_time_min=${min}&query.start_time_max=${max}&query.num_traces=10&query.attributes=${encodeURIComponent('{"sku":"BAD-1"}')}`);
      assert.equal(traces.status, 200);
      const parsed = parseOtlpJson(traces.json, 'v3');
      assert.deepEqual(parsed.map((t) => t.traceId), [checkoutTraceId]);
      const byId = await getJson(`${api.url}/api/v3/traces/${checkoutTraceId}`);
      assert.equal(parseOtlpJson(byId.json, 'v3')[0]!.spans.length, 3);
      const none = await getJson(`${api.url}/api/v3/traces?query.service_name=nobody&query.start_time_min=${min}&query.start_time_max=${max}`);
      assert.equal(none.status, 404);
      assert.deepEqual(none.json, { error: { httpCode: 404, message: 'No traces found' } });
      const missingTimes = await getJson(`${api.url}/api/v3/traces?query.service_name=shop`);
      assert.equal(missingTimes.status, 400);
      assert.deepEqual(missingTimes.json, { error: { httpCode: 400, message: 'query.start_time_min and query.start_time_max are required' } });
      const summaries = await getJson(`${api.url}/api/v3/trace-summaries?query.service_name=shop&query.operation_name=POST%20%2Fcheckout&query.start_time_min=${min}&query.start_time_max=${max}`);
      const [row] = (summaries.json as { summaries: Record<string, unknown>[] }).summaries;
      assert.equal(row!['traceId'], checkoutTraceId);
      assert.equal(row!['rootOperationName'], 'POST /checkout');
      assert.equal(row!['spanCount'], 3);
      assert.equal(row!['errorSpanCount'], 2);
      assert.deepEqual(row!['services'], [{ name: 'shop', spanCount: 3, errorSpanCount: 2 }]);
      assert.match(String(row!['minStartTimeUnixNano']), /^\d{19}$/);
    });

    it('is readable by the JaegerSource the other CLI commands use', async () => {
      const jaeger = new JaegerSource({ baseUrl: api.url, timeoutMs: 5000 });
      assert.deepEqual(await jaeger.services(), ['inventory', 'shop']);
      assert.deepEqual(await jaeger.operations('inventory'), [{ name: 'GET /stock', spanKind: 'server' }]);
      const found = await jaeger.search({ service: 'shop', tags: { error: 'true' }, ...window });
      assert.deepEqual(found.map((t) => t.traceId), [checkoutTraceId]);
      const direct = await source.getTrace(checkoutTraceId);
      const viaHttp = await jaeger.getTrace(checkoutTraceId);
      assert.deepEqual(viaHttp.spans.map((s) => [s.spanId, s.name, s.parentSpanId, s.durationUs, s.error]), direct.spans.map((s) => [s.spanId, s.name, s.parentSpanId, s.durationUs, s.error]));
      const summaries = await jaeger.searchSummaries({ service: 'shop', ...window });
      assert.equal(summaries.length, 4);
      assert.equal(summaries.find((s) => s.traceId === checkoutTraceId)?.errorCount, 2);
      assert.equal((await jaeger.health()).reachable, true);
    });
  });
});
