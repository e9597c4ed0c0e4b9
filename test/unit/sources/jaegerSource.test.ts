import { strict as assert } from 'node:assert';
import type { Trace } from '../../../src/core/model/trace';
import type { TraceQuery } from '../../../src/core/sources/traceSource';
import { JaegerSource } from '../../../src/core/sources/jaeger/jaegerSource';
import { SpanLensError } from '../../../src/core/errors';
import { startJaegerTestServer, type JaegerTestServer, type JaegerTestVersion } from '../../support/jaegerTestServer';
import { jaegerSpanKind, traceEndUs, traceStartUs } from '../../support/jaegerTestStore';

function lastHour(service: string, extra: Partial<TraceQuery> = {}): TraceQuery {
  const now = Date.now() * 1000;
  return { service, startUs: now - 3600e6, endUs: now, limit: 20, ...extra };
}

/** What the server holds, computed from its traces: the expectation every client call is checked against. */
function tracesWithService(server: JaegerTestServer, service: string, pred: (t: Trace) => boolean = () => true): Trace[] {
  return server.traces.filter((t) => t.spans.some((s) => s.service === service) && pred(t));
}

function servicesOf(server: JaegerTestServer): string[] {
  return [...new Set(server.traces.flatMap((t) => t.spans.map((s) => s.service)))].sort((a, b) => a.localeCompare(b));
}

async function expectError(promise: Promise<unknown>, kind: SpanLensError['kind'], message?: string | RegExp): Promise<SpanLensError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof SpanLensError, `a SpanLensError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected a '${kind}' error`);
}

const VERSIONS: readonly JaegerTestVersion[] = ['v2.20', 'v2.18', 'v2.15', 'v2.12', 'main', 'v1'];

describe('JaegerSource against the Jaeger test server', () => {
  for (const version of VERSIONS) {
    describe(`version ${version}`, () => {
      let server: JaegerTestServer;
      let source: JaegerSource;
      before(async () => {
        server = await startJaegerTestServer({ version });
        source = new JaegerSource({ baseUrl: server.url, timeoutMs: 10_000 });
      });
      after(() => server.close());

      it('services() lists every service, sorted', async () => {
        assert.deepEqual(await source.services(), servicesOf(server));
      });

      it('operations() lists names with span kinds', async () => {
        const ops = await source.operations('customers-service');
        const expected = new Map<string, Set<string>>();
        for (const t of server.traces) for (const s of t.spans) if (s.service === 'customers-service') (expected.get(s.name) ?? expected.set(s.name, new Set()).get(s.name)!).add(jaegerSpanKind(s.kind));
        assert.deepEqual([...new Set(ops.map((o) => o.name))].sort(), [...expected.keys()].sort());
        const executeQuery = ops.filter((o) => o.name === 'HikariProxyPreparedStatement.executeQuery');
        // api/v3 reports an unspecified kind as "internal", v1 as "".
        assert.deepEqual(executeQuery.map((o) => o.spanKind), [version === 'v1' ? '' : 'internal']);
        assert.ok(ops.some((o) => o.name === 'GET /owners/8/pets/10' && o.spanKind === 'server'));
        assert.deepEqual(await source.operations('no-such-service'), []);
      });

      it('search() returns the matching traces, complete, newest first', async () => {
        const expected = tracesWithService(server, 'api-gateway');
        const traces = await source.search(lastHour('api-gateway'));
        assert.deepEqual(traces.map((t) => t.traceId), expected.map((t) => t.traceId));
        for (const t of traces) {
          const want = expected.find((e) => e.traceId === t.traceId)!;
          assert.deepEqual(t.spans.map((s) => s.spanId).sort(), want.spans.map((s) => s.spanId).sort());
          assert.equal(traceStartUs(t), traceStartUs(want));
        }
        assert.deepEqual(await source.search(lastHour('no-such-service')), []);
        assert.equal((await source.search(lastHour('api-gateway', { limit: 2 }))).length, 2);
      });

      it('search() filters by operation, duration and time window', async () => {
        const op = await source.search(lastHour('api-gateway', { operation: 'GET /owners' }));
        assert.equal(op.length, 1);
        const slow = await source.search(lastHour('api-gateway', { minDurationUs: 10_000 }));
        assert.deepEqual(
          slow.map((t) => t.traceId),
          tracesWithService(server, 'api-gateway', (t) => t.spans.some((s) => s.service === 'api-gateway' && s.durationUs >= 10_000)).map((t) => t.traceId),
        );
        assert.equal((await source.search(lastHour('api-gateway', { maxDurationUs: 2_000 }))).length, 0);
        const longAgo = await source.search({ service: 'api-gateway', startUs: 0, endUs: 1e12, limit: 20 });
        assert.deepEqual(longAgo, []);
      });

      it('search() with tags matches one span attribute, whatever the version', async () => {
        const traces = await source.search(lastHour('customers-service', { tags: { sql: 'select * from pet' } }));
        const expected = tracesWithService(server, 'customers-service', (t) => t.spans.some((s) => s.attributes.some((a) => a.key === 'sql' && a.value === 'select * from pet')));
        assert.equal(expected.length, 1);
        assert.deepEqual(traces.map((t) => t.traceId), expected.map((t) => t.traceId));
        const last = server.requests.filter((r) => r.path.includes('/traces')).at(-1)!;
        if (version === 'main') {
          assert.equal(last.path, '/api/v3/traces');
          assert.equal(last.params.get('query.attributes'), '{"sql":"select * from pet"}');
        } else {
          assert.equal(last.path, '/api/traces');
          assert.deepEqual(last.params.getAll('tag'), ['sql:select * from pet']);
        }
      });

      it('searchSummaries() gives one row per trace with counts and services', async () => {
        const expected = tracesWithService(server, 'api-gateway');
        const rows = await source.searchSummaries(lastHour('api-gateway'));
        assert.deepEqual(rows.map((r) => r.traceId), expected.map((t) => t.traceId));
        for (const row of rows) {
          const t = expected.find((e) => e.traceId === row.traceId)!;
          assert.equal(row.spanCount, t.spans.length);
          assert.equal(row.errorCount, t.spans.filter((s) => s.error).length);
          assert.deepEqual(row.services, [...new Set(t.spans.map((s) => s.service))].sort());
          assert.equal(row.rootService, 'api-gateway');
          assert.ok(Math.abs(row.startTimeUs - traceStartUs(t)) < 1);
          assert.ok(Math.abs(row.durationUs - (traceEndUs(t) - traceStartUs(t))) < 1);
        }
        // trace-summaries is used from v2.19; older v2 servers are probed once; a v1 server (no api/v3) never.
        const expectedCapability = { 'v2.20': true, main: true, 'v2.18': false, 'v2.15': false, 'v2.12': false, v1: undefined }[version];
        assert.equal(source.detectedCapabilities().get('summaries'), expectedCapability);
        assert.deepEqual(await source.searchSummaries(lastHour('no-such-service')), []);
      });

      it('searchSummaries() with tags', async () => {
        const rows = await source.searchSummaries(lastHour('customers-service', { tags: { sql: 'select * from pet' } }));
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.spanCount, 5);
      });

      it('getTrace() returns the whole trace, ids normalised; unknown ids are not-found', async () => {
        for (const want of server.traces) {
          const shortId = want.traceId.replace(/^0+/, '');
          const t = await source.getTrace(shortId);
          assert.equal(t.traceId, want.traceId);
          assert.equal(t.spans.length, want.spans.length, want.traceId);
        }
        const missing = '00000000000000000000000000abcdef';
        await expectError(
          source.getTrace('abcdef'),
          'not-found',
          `Trace ${missing} was not found in Jaeger at ${server.url} (it may be older than the storage retention or not flushed yet)`,
        );
        await expectError(source.getTrace('not-an-id'), 'bad-input', /not a trace id/);
      });

      it('operationMetrics() is undefined without a metrics backend (501), learned once', async () => {
        const query = { services: ['api-gateway'], endMs: Date.now(), lookbackMs: 3600e3 };
        assert.equal(await source.operationMetrics(query), undefined);
        const count = server.requests.filter((r) => r.path.startsWith('/api/metrics/')).length;
        assert.equal(count, 1);
        assert.equal(await source.operationMetrics(query), undefined);
        assert.equal(server.requests.filter((r) => r.path.startsWith('/api/metrics/')).length, 1);
      });

      it('health() says how many services', async () => {
        assert.deepEqual(await source.health(), { reachable: true, detail: `Jaeger at ${server.url}: ${servicesOf(server).length} services` });
      });
    });
  }

  describe('capability detection', () => {
    it('v1 server: probes api/v3 once, then goes straight to v1', async () => {
      const server = await startJaegerTestServer({ version: 'v1' });
      try {
        const source = new JaegerSource({ baseUrl: server.url, timeoutMs: 5000 });
        await source.services();
        assert.deepEqual(server.requests.map((r) => r.path), ['/api/v3/services', '/api/services']);
        await source.services();
        await source.search(lastHour('api-gateway'));
        assert.deepEqual(server.requests.slice(2).map((r) => r.path), ['/api/services', '/api/traces']);
        assert.equal(source.detectedCapabilities().get('v3'), false);
        assert.equal(source.detectedCapabilities().get('v1'), true);
      } finally {
        await server.close();
      }
    });

    it('v2.18: trace-summaries found absent once, then search + summarize', async () => {
      const server = await startJaegerTestServer({ version: 'v2.18' });
      try {
        const source = new JaegerSource({ baseUrl: server.url, timeoutMs: 5000 });
        await source.searchSummaries(lastHour('api-gateway'));
        await source.searchSummaries(lastHour('api-gateway'));
        assert.deepEqual(server.requests.map((r) => r.path), ['/api/v3/trace-summaries', '/api/v3/traces', '/api/v3/traces']);
        assert.equal(source.detectedCapabilities().get('summaries'), false);
      } finally {
        await server.close();
      }
    });

    it('sends the search parameters of the contract', async () => {
      const server = await startJaegerTestServer({ version: 'v2.20' });
      try {
        const source = new JaegerSource({ baseUrl: server.url, timeoutMs: 5000 });
        await source.search({ service: 'api-gateway', operation: 'GET /owners', startUs: 1_700_000_000_123_456, endUs: 1_700_000_360_000_000, limit: 7, minDurationUs: 1500, maxDurationUs: 2_000_000 });
        const r = server.requests.at(-1)!;
        assert.equal(r.path, '/api/v3/traces');
        assert.deepEqual(Object.fromEntries(r.params), {
          'query.service_name': 'api-gateway',
          'query.operation_name': 'GET /owners',
          'query.start_time_min': '2023-11-14T22:13:20.123456Z',
          'query.start_time_max': '2023-11-14T22:19:20.000000Z',
          'query.num_traces': '7',
          'query.duration_min': '1.5ms',
          'query.duration_max': '2s',
        });
        await source.search({ service: 'api-gateway', tags: { 'http.status_code': '500', 'a:b': 'c' }, startUs: 1_700_000_000_000_000, endUs: 1_700_000_360_000_000, limit: 7 });
        const v1 = server.requests.at(-1)!;
        assert.equal(v1.path, '/api/traces');
        assert.equal(v1.params.get('start'), '1700000000000000');
        assert.equal(v1.params.get('end'), '1700000360000000');
        assert.equal(v1.params.get('limit'), '7');
        assert.deepEqual(v1.params.getAll('tag'), ['http.status_code:500']);
        assert.equal(v1.params.get('tags'), '{"a:b":"c"}');
      } finally {
        await server.close();
      }
    });

    it('a base URL with a path prefix, auth and custom headers', async () => {
      const server = await startJaegerTestServer({ basePath: '/tools/jaeger' });
      try {
        const source = new JaegerSource({ baseUrl: `${server.url}/`, timeoutMs: 5000, bearerToken: 's3cret', headers: { 'X-Scope-OrgID': 'team-a' } });
        assert.equal(source.description, `Jaeger ${server.url}`);
        assert.ok((await source.services()).includes('api-gateway'));
        const r = server.requests[0]!;
        assert.equal(r.path, '/tools/jaeger/api/v3/services');
        assert.equal(r.headers['authorization'], 'Bearer s3cret');
        assert.equal(r.headers['x-scope-orgid'], 'team-a');
        assert.equal(r.headers['accept'], 'application/json');
      } finally {
        await server.close();
      }
    });
  });

  describe('SPM metrics', () => {
    it('reads the recorded MetricFamilies: newest point per series, one row per operation', async () => {
      const server = await startJaegerTestServer({ metrics: 'fixture', fixtures: false });
      try {
        const source = new JaegerSource({ baseUrl: server.url, timeoutMs: 5000 });
        const rows = await source.operationMetrics({ services: ['checkoutservice'], endMs: 1_631_271_900_000, lookbackMs: 3_600_000 });
        assert.deepEqual(rows, [
          { service: 'checkoutservice', operation: '/PlaceOrder', p50Ms: 735, p95Ms: 735, p99Ms: 735, callRate: 0.014052384663085615, errorRate: 1 },
        ]);
        const latency = server.requests.filter((r) => r.path === '/api/metrics/latencies');
        assert.deepEqual(latency.map((r) => r.params.get('quantile')).sort(), ['0.5', '0.95', '0.99']);
        const p = latency[0]!.params;
        assert.deepEqual(p.getAll('service'), ['checkoutservice']);
        assert.equal(p.get('groupByOperation'), 'true');
        assert.equal(p.get('endTs'), '1631271900000');
        assert.equal(p.get('lookback'), '3600000');
        assert.equal(p.get('ratePer'), '3600000');
        assert.deepEqual(p.getAll('spanKind'), ['server']);
      } finally {
        await server.close();
      }
    });

    it('computed figures from the served traces', async () => {
      const server = await startJaegerTestServer({ metrics: 'computed' });
      try {
        const source = new JaegerSource({ baseUrl: server.url, timeoutMs: 5000 });
        const rows = (await source.operationMetrics({ services: ['api-gateway'], endMs: Date.now(), lookbackMs: 3_600_000 }))!;
        const spans = server.traces.flatMap((t) => t.spans).filter((s) => s.service === 'api-gateway' && jaegerSpanKind(s.kind) === 'server');
        assert.deepEqual(rows.map((r) => r.operation), [...new Set(spans.map((s) => s.name))].sort());
        const petOp = rows.find((r) => r.operation === 'GET /api/customer/owners/8/pets/10')!;
        const durations = spans.filter((s) => s.name === petOp.operation).map((s) => s.durationUs / 1000);
        assert.equal(durations.length, 2);
        assert.equal(petOp.p99Ms, Math.max(...durations));
        assert.equal(petOp.p50Ms, Math.min(...durations));
        assert.equal(petOp.callRate, 2 / 3600);
        assert.equal(petOp.errorRate, 0);
      } finally {
        await server.close();
      }
    });
  });
});

describe('JaegerSource error filter', () => {
  // Jaeger 2.12's storage reads the `error` tag (a string from the v1 API) as a boolean, which is then false: the
  // server alone finds no failing trace. The client filters on error itself, on every version.
  for (const version of ['v2.12', 'v2.20'] as const) {
    it(`finds exactly the traces with a failing span of the service on ${version}`, async () => {
      const server = await startJaegerTestServer({ version });
      try {
        const source = new JaegerSource({ baseUrl: server.url, timeoutMs: 5000 });
        for (const service of ['service-x', 'api-gateway']) {
          const expected = tracesWithService(server, service, (t) => t.spans.some((s) => s.service === service && s.error)).map((t) => t.traceId).sort();
          const found = (await source.search(lastHour(service, { tags: { error: 'true' }, limit: 100 }))).map((t) => t.traceId).sort();
          assert.deepEqual(found, expected, `${service} on ${version}`);
        }
        const anyFailing = tracesWithService(server, 'service-x', (t) => t.spans.some((s) => s.service === 'service-x' && s.error));
        assert.ok(anyFailing.length > 0, 'the fixtures hold failing service-x traces');
        const ok = (await source.search(lastHour('service-x', { tags: { error: 'false' }, limit: 100 }))).map((t) => t.traceId).sort();
        assert.deepEqual(ok, tracesWithService(server, 'service-x', (t) => t.spans.some((s) => s.service === 'service-x' && !s.error)).map((t) => t.traceId).sort());
      } finally {
        await server.close();
      }
    });
  }
});
