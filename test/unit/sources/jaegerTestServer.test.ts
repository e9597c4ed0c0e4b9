import { strict as assert } from 'node:assert';
import * as childProcess from 'node:child_process';
import * as path from 'node:path';
import { startJaegerTestServer, type JaegerTestServer } from '../../support/jaegerTestServer';
import { loadFixtureTraces, traceEndUs, traceStartUs } from '../../support/jaegerTestStore';
import { rfc3339FromUs } from '../../../src/core/sources/jaeger/jaegerQueries';

interface Raw {
  status: number;
  contentType: string;
  text: string;
}

async function getRaw(url: string): Promise<Raw> {
  const res = await fetch(url);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

const v1ErrorBody = (code: number, msg: string): string => `${JSON.stringify({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code, msg }] })}\n`;
const v3ErrorBody = (code: number, message: string): string => `${JSON.stringify({ error: { httpCode: code, message } })}\n`;

function lastHour(): { min: string; max: string } {
  const now = Date.now() * 1000;
  return { min: rfc3339FromUs(now - 3600e6), max: rfc3339FromUs(now) };
}

describe('Jaeger test server (against shared/JAEGER-API.md)', () => {
  describe('v2.20', () => {
    let server: JaegerTestServer;
    before(async () => {
      server = await startJaegerTestServer({ version: 'v2.20' });
    });
    after(() => server.close());

    it('serves every fixture trace, shifted to end within the last minute, relative timings kept', () => {
      const original = loadFixtureTraces();
      assert.equal(server.traces.length, original.length);
      assert.ok(original.length >= 15);
      const now = Date.now() * 1000;
      for (const t of server.traces) {
        assert.ok(traceEndUs(t) < now && traceEndUs(t) > now - 60e6, `${t.traceId} ends in the last minute`);
        const before = original.find((o) => o.traceId === t.traceId)!;
        const delta = t.spans[0]!.startTimeUs - before.spans[0]!.startTimeUs;
        assert.ok(Number.isInteger(delta));
        t.spans.forEach((s, i) => assert.equal(s.startTimeUs - before.spans[i]!.startTimeUs, delta));
        t.spans.forEach((s, i) => assert.equal(s.durationUs, before.spans[i]!.durationUs));
      }
      for (let i = 1; i < server.traces.length; i++) {
        assert.ok(traceStartUs(server.traces[i - 1]!) >= traceStartUs(server.traces[i]!), 'most recent first');
      }
    });

    it('GET /api/services: the v1 envelope in Go field order, total = count', async () => {
      const r = await getRaw(`${server.url}/api/services`);
      assert.equal(r.status, 200);
      assert.equal(r.contentType, 'application/json');
      const body = JSON.parse(r.text) as { data: string[]; total: number };
      assert.deepEqual(Object.keys(body), ['data', 'total', 'limit', 'offset', 'errors']);
      assert.equal(body.total, body.data.length);
      for (const s of ['api-gateway', 'customers-service', 'service-x', 'service-y', 'telemetrygen', 'coreSrv']) assert.ok(body.data.includes(s), s);
    });

    it('GET /api/services/{s}/operations: names, and data null for an unknown service', async () => {
      const known = JSON.parse((await getRaw(`${server.url}/api/services/api-gateway/operations`)).text) as { data: string[] };
      assert.deepEqual(known.data, ['GET /api/customer/owners', 'GET /api/customer/owners/8/pets/10', 'GET /owners', 'GET /owners/8/pets/10']);
      const unknown = await getRaw(`${server.url}/api/services/nope/operations`);
      assert.equal(unknown.text, '{"data":null,"total":0,"limit":0,"offset":0,"errors":null}');
    });

    it('GET /api/operations: service required (400, text/plain), spanKind filter', async () => {
      const missing = await getRaw(`${server.url}/api/operations`);
      assert.equal(missing.status, 400);
      assert.equal(missing.contentType, 'text/plain; charset=utf-8');
      assert.equal(missing.text, v1ErrorBody(400, "parameter 'service' is required"));
      const servers = JSON.parse((await getRaw(`${server.url}/api/operations?service=api-gateway&spanKind=server`)).text) as {
        data: Array<{ name: string; spanKind: string }>;
      };
      assert.deepEqual(servers.data, [
        { name: 'GET /api/customer/owners', spanKind: 'server' },
        { name: 'GET /api/customer/owners/8/pets/10', spanKind: 'server' },
      ]);
    });

    it('GET /api/traces: validation errors with Jaeger\'s exact messages', async () => {
      const cases: Array<[string, string]> = [
        ['', "parameter 'service' is required"],
        ['service=a&minDuration=2s&maxDuration=1s', "'maxDuration' should be greater than 'minDuration'"],
        ['service=a&start=abc', 'unable to parse param \'start\': strconv.ParseInt: parsing "abc": invalid syntax'],
        ['service=a&tag=novalue', "malformed 'tag' parameter, expecting key:value, received: novalue"],
        ['service=a&minDuration=1d', 'unable to parse param \'minDuration\': time: unknown unit "d" in duration "1d"'],
        ['service=a&limit=x', 'strconv.ParseInt: parsing "x": invalid syntax'],
        ['traceID=zz', 'cannot parse traceID param: strconv.ParseUint: parsing "zz": invalid syntax'],
      ];
      for (const [query, msg] of cases) {
        const r = await getRaw(`${server.url}/api/traces?${query}`);
        assert.equal(r.status, 400, query);
        assert.equal(r.contentType, 'text/plain; charset=utf-8');
        assert.equal(r.text, v1ErrorBody(400, msg), query);
      }
      const depth = await getRaw(`${server.url}/api/traces?service=api-gateway&limit=0`);
      assert.equal(depth.status, 500);
      assert.equal(depth.text, v1ErrorBody(500, 'search depth must be greater than 0 and less than max traces'));
    });

    it('GET /api/traces: default window now-48h..now, limit, operation, durations', async () => {
      const all = JSON.parse((await getRaw(`${server.url}/api/traces?service=api-gateway`)).text) as { data: Array<{ traceID: string }>; errors: null };
      const expected = server.traces.filter((t) => t.spans.some((s) => s.service === 'api-gateway')).map((t) => t.traceId);
      assert.equal(expected.length, 3);
      assert.deepEqual(all.data.map((t) => t.traceID.padStart(32, '0')), expected);
      assert.equal(all.errors, null);
      const one = JSON.parse((await getRaw(`${server.url}/api/traces?service=api-gateway&limit=1`)).text) as { data: unknown[] };
      assert.equal(one.data.length, 1);
      const op = JSON.parse((await getRaw(`${server.url}/api/traces?service=api-gateway&operation=GET%20%2Fowners`)).text) as { data: unknown[] };
      assert.equal(op.data.length, 1);
      // The spans of api-gateway last 2.5–12.9 ms; a trace matches when ONE span is inside the range.
      const slow = JSON.parse((await getRaw(`${server.url}/api/traces?service=api-gateway&minDuration=10ms`)).text) as { data: unknown[] };
      assert.equal(slow.data.length, 1);
      const old = JSON.parse((await getRaw(`${server.url}/api/traces?service=api-gateway&start=0&end=1000`)).text) as { data: unknown[] };
      assert.equal(old.data.length, 0);
    });

    it('GET /api/traces: tag=k:v split at the first colon, tags JSON merged over tag', async () => {
      const url = (q: string): string => `${server.url}/api/traces?service=customers-service&${q}`;
      const pet = JSON.parse((await getRaw(url(`tag=${encodeURIComponent('sql:select * from pet')}`))).text) as { data: unknown[] };
      assert.equal(pet.data.length, 1);
      const overridden = JSON.parse((await getRaw(url(`tag=${encodeURIComponent('sql:nothing')}&tags=${encodeURIComponent('{"sql":"select * from pet"}')}`))).text) as {
        data: unknown[];
      };
      assert.equal(overridden.data.length, 1);
      const jdbc = JSON.parse((await getRaw(url(`tag=${encodeURIComponent('database:jdbc:hsqldb:mem:testdb')}`))).text) as { data: unknown[] };
      assert.ok(jdbc.data.length >= 1, 'value with colons');
    });

    it('GET /api/traces?traceID=: found traces plus "trace not found" entries', async () => {
      const id = server.traces.find((t) => t.spans.some((s) => s.service === 'api-gateway'))!.traceId;
      const r = JSON.parse((await getRaw(`${server.url}/api/traces?traceID=${id}&traceID=00000000000000000000000000abcdef`)).text) as {
        data: Array<{ traceID: string }>;
        errors: unknown;
      };
      assert.equal(r.data.length, 1);
      assert.deepEqual(r.errors, [{ msg: 'trace not found', traceID: '0000000000abcdef' }]);
    });

    it('GET /api/traces/{id}: the trace, or 404 "trace not found"', async () => {
      const id = server.traces[0]!.traceId;
      const found = await getRaw(`${server.url}/api/traces/${id}`);
      assert.equal(found.status, 200);
      assert.equal((JSON.parse(found.text) as { data: unknown[] }).data.length, 1);
      const missing = await getRaw(`${server.url}/api/traces/00000000000000000000000000abcdef`);
      assert.equal(missing.status, 404);
      assert.equal(missing.contentType, 'text/plain; charset=utf-8');
      assert.equal(missing.text, v1ErrorBody(404, 'trace not found'));
    });

    it('GET /api/dependencies: parent/child call counts', async () => {
      const r = JSON.parse((await getRaw(`${server.url}/api/dependencies?endTs=${Date.now()}&lookback=3600000`)).text) as {
        data: Array<{ parent: string; child: string; callCount: number }>;
      };
      const link = r.data.find((d) => d.parent === 'api-gateway' && d.child === 'customers-service');
      assert.ok(link && link.callCount >= 3);
      const bad = await getRaw(`${server.url}/api/dependencies?endTs=x`);
      assert.equal(bad.text, v1ErrorBody(400, 'unable to parse param \'endTs\': strconv.ParseInt: parsing "x": invalid syntax'));
    });

    it('GET /api/v3/services and /operations: lists, {} when empty, "" kind as internal', async () => {
      const services = JSON.parse((await getRaw(`${server.url}/api/v3/services`)).text) as { services: string[] };
      assert.ok(services.services.includes('api-gateway'));
      assert.equal((await getRaw(`${server.url}/api/v3/operations?service=nope`)).text, '{}');
      const ops = JSON.parse((await getRaw(`${server.url}/api/v3/operations?service=customers-service`)).text) as {
        operations: Array<{ name: string; spanKind: string }>;
      };
      assert.ok(ops.operations.some((o) => o.name === 'HikariProxyPreparedStatement.executeQuery' && o.spanKind === 'internal'));
    });

    it('GET /api/v3/traces: required times (v2.19+ wording), empty is 404 "No traces found", OTLP body', async () => {
      const missing = await getRaw(`${server.url}/api/v3/traces?query.service_name=api-gateway`);
      assert.equal(missing.status, 400);
      assert.equal(missing.contentType, 'text/plain; charset=utf-8');
      assert.equal(missing.text, v3ErrorBody(400, 'query.startTimeMin and query.startTimeMax are required'));
      const { min, max } = lastHour();
      const empty = await getRaw(`${server.url}/api/v3/traces?query.service_name=nope&query.start_time_min=${min}&query.start_time_max=${max}&query.num_traces=5`);
      assert.equal(empty.status, 404);
      assert.equal(empty.text, '{"error":{"httpCode":404,"message":"No traces found"}}\n');
      const found = await getRaw(`${server.url}/api/v3/traces?query.service_name=api-gateway&query.start_time_min=${min}&query.start_time_max=${max}&query.num_traces=5`);
      assert.equal(found.status, 200);
      assert.equal(found.contentType, 'application/json');
      const body = JSON.parse(found.text) as { result: { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string; startTimeUnixNano: string }> }> }> } };
      const ids = new Set(body.result.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.traceId))));
      assert.equal(ids.size, 3);
      const anySpan = body.result.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
      assert.match(anySpan.startTimeUnixNano, /^\d{19}$/);
      const badDuration = await getRaw(
        `${server.url}/api/v3/traces?query.service_name=a&query.start_time_min=${min}&query.start_time_max=${max}&query.duration_min=fast`,
      );
      assert.equal(badDuration.text, v3ErrorBody(400, 'malformed parameter query.duration_min: time: invalid duration "fast"'));
      const reversed = await getRaw(`${server.url}/api/v3/traces?query.service_name=a&query.start_time_min=${max}&query.start_time_max=${min}`);
      assert.equal(reversed.text, v3ErrorBody(400, 'query.startTimeMin must be before query.startTimeMax'));
    });

    it('GET /api/v3/traces: query.attributes filters (v2.19+)', async () => {
      const { min, max } = lastHour();
      const base = `${server.url}/api/v3/traces?query.service_name=customers-service&query.start_time_min=${min}&query.start_time_max=${max}&query.num_traces=20`;
      const attrs = encodeURIComponent(JSON.stringify({ sql: 'select * from pet' }));
      const r = JSON.parse((await getRaw(`${base}&query.attributes=${attrs}`)).text) as { result: { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string }> }> }> } };
      const ids = new Set(r.result.resourceSpans.flatMap((x) => x.scopeSpans.flatMap((s) => s.spans.map((sp) => sp.traceId))));
      assert.equal(ids.size, 1);
      const bad = await getRaw(`${base}&query.attributes=notjson`);
      assert.equal(bad.status, 400);
      assert.match(bad.text, /^\{"error":\{"httpCode":400,"message":"malformed parameter query.attributes: /);
    });

    it('GET /api/v3/traces/{id} and /api/v3/trace-summaries', async () => {
      const id = server.traces[0]!.traceId;
      assert.equal((await getRaw(`${server.url}/api/v3/traces/${id}`)).status, 200);
      const missing = await getRaw(`${server.url}/api/v3/traces/00000000000000000000000000abcdef`);
      assert.equal(missing.status, 404);
      assert.equal(missing.text, v3ErrorBody(404, 'No traces found'));
      const { min, max } = lastHour();
      const sums = JSON.parse(
        (await getRaw(`${server.url}/api/v3/trace-summaries?query.service_name=api-gateway&query.start_time_min=${min}&query.start_time_max=${max}&query.num_traces=20`)).text,
      ) as { summaries: Array<Record<string, unknown>> };
      assert.equal(sums.summaries.length, 3);
      const first = sums.summaries[0]!;
      assert.deepEqual(Object.keys(first), ['traceId', 'rootServiceName', 'rootOperationName', 'minStartTimeUnixNano', 'maxEndTimeUnixNano', 'spanCount', 'services']);
      assert.equal(first['rootServiceName'], 'api-gateway');
      const none = await getRaw(`${server.url}/api/v3/trace-summaries?query.service_name=nope&query.start_time_min=${min}&query.start_time_max=${max}&query.num_traces=20`);
      assert.equal(none.status, 200);
      assert.equal(none.text, '{}');
    });

    it('SPM: 501 without a metrics backend, after validating parameters', async () => {
      const noQuantile = await getRaw(`${server.url}/api/metrics/latencies?service=a`);
      assert.equal(noQuantile.status, 400);
      assert.equal(noQuantile.text, v1ErrorBody(400, 'unable to parse param \'quantile\': strconv.ParseFloat: parsing "": invalid syntax'));
      const noService = await getRaw(`${server.url}/api/metrics/calls`);
      assert.equal(noService.text, v1ErrorBody(400, "unable to parse param 'service': please provide at least one service name"));
      const disabled = await getRaw(`${server.url}/api/metrics/errors?service=a&groupByOperation=true`);
      assert.equal(disabled.status, 501);
      assert.equal(disabled.contentType, 'text/plain; charset=utf-8');
      assert.equal(disabled.text, v1ErrorBody(501, 'trace metrics are currently disabled - no metrics backend configured'));
    });

    it('unknown paths: Go\'s 404 page not found; wrong method: 405', async () => {
      const r = await getRaw(`${server.url}/api/nothing`);
      assert.equal(r.status, 404);
      assert.equal(r.text, '404 page not found\n');
      const post = await fetch(`${server.url}/api/services`, { method: 'POST' });
      assert.equal(post.status, 405);
      await post.text();
    });

    it('logs every request with its parameters and headers', async () => {
      const before = server.requests.length;
      await fetch(`${server.url}/api/v3/operations?service=a&span_kind=server`, { headers: { 'X-Tenant': 't1' } }).then((r) => r.text());
      const logged = server.requests[before]!;
      assert.equal(logged.path, '/api/v3/operations');
      assert.equal(logged.params.get('span_kind'), 'server');
      assert.equal(logged.headers['x-tenant'], 't1');
    });
  });

  describe('older and newer versions', () => {
    it('v2.18: snake_case error text, missing num_traces is a 500, no trace-summaries (404 text), attributes ignored', async () => {
      const server = await startJaegerTestServer({ version: 'v2.18' });
      try {
        const missing = await getRaw(`${server.url}/api/v3/traces?query.service_name=a`);
        assert.equal(missing.text, v3ErrorBody(400, 'query.start_time_min and query.start_time_max are required'));
        const { min, max } = lastHour();
        const base = `${server.url}/api/v3/traces?query.service_name=customers-service&query.start_time_min=${min}&query.start_time_max=${max}`;
        const noDepth = await getRaw(base);
        assert.equal(noDepth.status, 500);
        assert.equal(noDepth.text, v3ErrorBody(500, 'search depth must be greater than 0 and less than max traces'));
        const attrs = encodeURIComponent(JSON.stringify({ sql: 'select * from pet' }));
        const ignored = JSON.parse((await getRaw(`${base}&query.num_traces=20&query.attributes=${attrs}`)).text) as {
          result: { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string }> }> }> };
        };
        const ids = new Set(ignored.result.resourceSpans.flatMap((x) => x.scopeSpans.flatMap((s) => s.spans.map((sp) => sp.traceId))));
        assert.equal(ids.size, 3, 'all customers-service traces: the filter is ignored');
        const summaries = await getRaw(`${server.url}/api/v3/trace-summaries?query.service_name=a`);
        assert.equal(summaries.status, 404);
        assert.equal(summaries.text, '404 page not found\n');
      } finally {
        await server.close();
      }
    });

    it('v2.15: unknown endpoints answer 200 with the UI index.html', async () => {
      const server = await startJaegerTestServer({ version: 'v2.15' });
      try {
        const r = await getRaw(`${server.url}/api/v3/trace-summaries?query.service_name=a`);
        assert.equal(r.status, 200);
        assert.match(r.contentType, /^text\/html/);
        assert.match(r.text, /^<!doctype html>/);
      } finally {
        await server.close();
      }
    });

    it('main: v1 search API gone (404), /api/traces/{id} kept', async () => {
      const server = await startJaegerTestServer({ version: 'main' });
      try {
        for (const path of ['/api/services', '/api/operations?service=a', '/api/traces?service=a', '/api/services/a/operations']) {
          const r = await getRaw(`${server.url}${path}`);
          assert.equal(r.status, 404, path);
          assert.equal(r.text, '404 page not found\n');
        }
        assert.equal((await getRaw(`${server.url}/api/traces/${server.traces[0]!.traceId}`)).status, 200);
      } finally {
        await server.close();
      }
    });

    it('v1: no api/v3 (index.html), v1 API complete', async () => {
      const server = await startJaegerTestServer({ version: 'v1' });
      try {
        const v3 = await getRaw(`${server.url}/api/v3/services`);
        assert.equal(v3.status, 200);
        assert.match(v3.contentType, /^text\/html/);
        assert.equal((await getRaw(`${server.url}/api/services`)).status, 200);
      } finally {
        await server.close();
      }
    });

    it('base path, recorded times, chosen fixtures and given traces', async () => {
      const [extra] = loadFixtureTraces(['jaeger/ui_01.v1trace.json']);
      const server = await startJaegerTestServer({
        basePath: '/jaeger',
        fixtures: ['jaeger-ui/petclinic_testTraceNormal.v1trace.json'],
        shiftFixtures: false,
        traces: [extra!],
      });
      try {
        assert.match(server.url, /\/jaeger$/);
        const services = JSON.parse((await getRaw(`${server.url}/api/v3/services`)).text) as { services: string[] };
        assert.deepEqual(services.services, ['api-gateway', 'customers-service', 'service-x', 'service-y']);
        assert.equal((await getRaw(`http://127.0.0.1:${server.port}/api/v3/services`)).status, 404);
        // Recorded times kept: the petclinic trace is from 2020-01-15.
        const t = server.traces.find((x) => x.spans.some((s) => s.service === 'api-gateway'))!;
        assert.equal(new Date(traceStartUs(t) / 1000).toISOString().slice(0, 10), '2020-01-15');
      } finally {
        await server.close();
      }
    });

    it('metrics: "fixture" serves the recorded MetricFamily for the asked service', async () => {
      const server = await startJaegerTestServer({ metrics: 'fixture', fixtures: false });
      try {
        const r = await getRaw(`${server.url}/api/metrics/latencies?service=checkoutservice&quantile=0.95&groupByOperation=true`);
        assert.equal(r.status, 200);
        const family = JSON.parse(r.text) as { name: string; metrics: Array<{ labels: Array<{ name: string; value: string }> }> };
        assert.equal(family.name, 'service_operation_latencies');
        assert.deepEqual(family.metrics[0]!.labels, [
          { name: 'operation', value: '/PlaceOrder' },
          { name: 'service_name', value: 'checkoutservice' },
        ]);
        const other = JSON.parse((await getRaw(`${server.url}/api/metrics/calls?service=nope&groupByOperation=true`)).text) as Record<string, unknown>;
        assert.equal(other['metrics'], undefined);
      } finally {
        await server.close();
      }
    });
  });

  it('standalone launcher: prints its URL, serves, stops on SIGTERM', async function () {
    this.timeout(30_000);
    const root = path.resolve(__dirname, '..', '..', '..');
    const child = childProcess.spawn(process.execPath, ['--require', 'tsx/cjs', 'test/support/runJaegerTestServer.ts', '--port', '0', '--version', 'main'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (\S+) \(version main, \d+ traces\)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`launcher exited with ${code}: ${out}`)));
      });
      const services = JSON.parse((await getRaw(`${url}/api/v3/services`)).text) as { services: string[] };
      assert.ok(services.services.includes('api-gateway'));
      assert.equal((await getRaw(`${url}/api/services`)).status, 404);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});
