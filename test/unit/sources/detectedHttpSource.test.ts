import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openTraceSource } from '../../../src/core/sources/openSource';
import { DetectedHttpSource } from '../../../src/core/sources/detectedHttpSource';
import { JaegerSource } from '../../../src/core/sources/jaeger/jaegerSource';
import { ZipkinSource, pathSaysZipkin, searchParams, zipkinBaseUrl } from '../../../src/core/sources/zipkin/zipkinSource';
import { LatencyProvider } from '../../../src/core/stats/latencyProvider';
import { SpanLensError } from '../../../src/core/errors';
import { startJaegerTestServer } from '../../support/jaegerTestServer';
import { readFixture } from '../../support/fixtures';

interface FakeServer {
  readonly url: string;
  readonly paths: string[];
  close(): Promise<void>;
}

/** A server answering like Zipkin 3's Armeria (plain-text 404 for what it lacks), or like neither server. */
async function startFake(kind: 'zipkin' | 'html'): Promise<FakeServer> {
  // The Yelp recording with its timestamps moved into the last minutes, names lowercased as Zipkin stores them.
  const spans = JSON.parse(readFixture('zipkin/yelp.zipkin2.json')) as Array<Record<string, unknown>>;
  const latest = Math.max(...spans.map((s) => Number(s['timestamp'] ?? 0)));
  const shift = Date.now() * 1000 - 60e6 - latest;
  for (const s of spans) {
    if (typeof s['timestamp'] === 'number') s['timestamp'] = s['timestamp'] + shift;
    if (typeof s['name'] === 'string') s['name'] = s['name'].toLowerCase();
  }
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    paths.push(url.pathname);
    const json = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (kind === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Some app</title>');
      return;
    }
    const service = url.searchParams.get('serviceName')?.toLowerCase();
    const ofService = spans.filter((s) => (s['localEndpoint'] as { serviceName?: string } | undefined)?.serviceName === service);
    if (url.pathname === '/api/v2/services') return json([...new Set(spans.map((s) => (s['localEndpoint'] as { serviceName?: string }).serviceName))]);
    if (url.pathname === '/api/v2/spans') return json([...new Set(ofService.map((s) => s['name']))]);
    if (url.pathname === '/api/v2/traces') {
      const name = url.searchParams.get('spanName')?.toLowerCase();
      const ids = new Set(ofService.filter((s) => !name || s['name'] === name).map((s) => s['traceId']));
      return json([...ids].map((id) => spans.filter((s) => s['traceId'] === id)));
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('404 Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('DetectedHttpSource: a URL is Jaeger or Zipkin, told apart by its API', () => {
  it('a Jaeger URL costs no extra request: nothing is asked of Zipkin\'s API', async () => {
    for (const version of ['v2.12', 'v2.20', 'v1'] as const) {
      const jaeger = await startJaegerTestServer({ version });
      try {
        const source = openTraceSource(jaeger.url, { timeoutMs: 5000 });
        assert.ok(source instanceof DetectedHttpSource);
        const direct = await new JaegerSource({ baseUrl: jaeger.url, timeoutMs: 5000 }).services();
        const before = jaeger.requests.length;
        assert.deepEqual(await source.services(), direct, version);
        // As many requests as a plain JaegerSource needs (the server was fresh: `before` is what that one asked).
        assert.equal(jaeger.requests.length - before, before, version);
        assert.ok(source.detected() instanceof JaegerSource, version);
        assert.equal(source.description, `Jaeger ${jaeger.url}`);
        assert.equal(source.foldsNameCase, false);
        assert.ok(!jaeger.requests.some((r) => r.path.startsWith('/api/v2/')), `${version}: ${jaeger.requests.map((r) => r.path).join(', ')}`);
      } finally {
        await jaeger.close();
      }
    }
  });

  it('a Zipkin URL is found to be Zipkin after Jaeger\'s API is not there, once, for every later call', async () => {
    const zipkin = await startFake('zipkin');
    try {
      const source = openTraceSource(zipkin.url, { timeoutMs: 5000 });
      assert.ok(source instanceof DetectedHttpSource);
      const operations = await source.operations('mobile_api');
      assert.ok(operations.some((o) => o.name === 'post /location/update/v4'), operations.map((o) => o.name).join(', '));
      assert.ok(source.detected() instanceof ZipkinSource);
      assert.match(source.description, /^Zipkin http:\/\/127\.0\.0\.1:\d+$/);
      // The call itself was the probe: Jaeger's operations endpoints first, then Zipkin's.
      assert.ok(zipkin.paths.includes('/api/v3/operations'), zipkin.paths.join(', '));
      assert.equal(zipkin.paths.at(-1), '/api/v2/spans');
      assert.ok(!zipkin.paths.includes('/api/v2/services'), `no separate probe: ${zipkin.paths.join(', ')}`);
      const asked = zipkin.paths.length;
      await source.services();
      await source.services();
      assert.deepEqual(zipkin.paths.slice(asked), ['/api/v2/services', '/api/v2/services'], 'no more detection');
    } finally {
      await zipkin.close();
    }
  });

  it('the first call on a Jaeger URL is the probe: a search sends exactly what a plain JaegerSource sends', async () => {
    const jaeger = await startJaegerTestServer({ version: 'v2.20' });
    try {
      const query = { service: 'frontend', startUs: (Date.now() - 3600_000) * 1000, endUs: Date.now() * 1000, limit: 5 };
      const direct = await new JaegerSource({ baseUrl: jaeger.url, timeoutMs: 5000 }).searchSummaries(query);
      const plain = jaeger.requests.map((r) => r.path);
      jaeger.requests.length = 0;
      const detected = await openTraceSource(jaeger.url, { timeoutMs: 5000 }).searchSummaries(query);
      assert.deepEqual(detected, direct);
      assert.deepEqual(jaeger.requests.map((r) => r.path), plain);
    } finally {
      await jaeger.close();
    }
  });

  it('calls made while the first is finding out wait for it, then go to the server it found', async () => {
    const zipkin = await startFake('zipkin');
    try {
      const source = openTraceSource(zipkin.url, { timeoutMs: 5000 }) as DetectedHttpSource;
      const [a, b, c] = await Promise.all([source.services(), source.services(), source.operations('routing')]);
      assert.deepEqual(a, b);
      assert.ok(c.length > 0);
      assert.ok(source.detected() instanceof ZipkinSource);
      assert.equal(zipkin.paths.filter((p) => p === '/api/v3/services').length, 1, `Jaeger's API asked once: ${zipkin.paths.join(', ')}`);
    } finally {
      await zipkin.close();
    }
  });

  it('health detects too, and says "Zipkin at …"', async () => {
    const zipkin = await startFake('zipkin');
    try {
      const source = openTraceSource(zipkin.url, { timeoutMs: 5000 }) as DetectedHttpSource;
      const health = await source.health();
      assert.equal(health.reachable, true, health.detail);
      assert.match(health.detail, /^Zipkin at http:\/\/127\.0\.0\.1:\d+: 6 services$/);
      assert.ok(source.detected() instanceof ZipkinSource);
    } finally {
      await zipkin.close();
    }
  });

  it('a server that is neither says so, naming both APIs; one that is down gets Jaeger\'s "cannot reach" only', async () => {
    const page = await startFake('html');
    try {
      const source = openTraceSource(page.url, { timeoutMs: 5000 });
      await assert.rejects(source.services(), (e: unknown) => e instanceof SpanLensError && e.kind === 'not-jaeger' && /neither like Jaeger's query API nor like Zipkin's v2 API/.test(e.message));
      const health = await source.health();
      assert.equal(health.reachable, false);
      assert.match(health.detail, /neither like Jaeger's query API nor like Zipkin's v2 API/);
    } finally {
      await page.close();
    }
    const down = openTraceSource(page.url, { timeoutMs: 2000 });
    await assert.rejects(down.services(), (e: unknown) => e instanceof SpanLensError && e.kind === 'unreachable' && /^Cannot reach Jaeger at/.test(e.message));
    assert.equal(await (openTraceSource(page.url.replace(/:\d+$/, ':9411'), { timeoutMs: 2000 }) as DetectedHttpSource).description.split(' ')[0], 'Zipkin');
  });

  it('lens figures match the code\'s span names in any case when the server lowercases them', async () => {
    const zipkin = await startFake('zipkin');
    try {
      const source = openTraceSource(zipkin.url, { timeoutMs: 5000 });
      const provider = new LatencyProvider(source, { lookbackMs: 3600_000 });
      const lower = await provider.getStats('mobile_api', [{ kind: 'exact', name: 'post /location/update/v4' }]);
      const asWritten = await provider.getStats('mobile_api', [{ kind: 'exact', name: 'POST /location/update/v4' }]);
      const pattern = await provider.getStats('mobile_api', [{ kind: 'pattern', regex: '^POST /location/.*$', display: 'POST /location/…' }]);
      assert.ok(lower.count > 0);
      assert.equal(asWritten.count, lower.count);
      assert.equal(asWritten.p95Ms, lower.p95Ms);
      assert.equal(pattern.count, lower.count);
    } finally {
      await zipkin.close();
    }
  });
});

describe('ZipkinSource request shapes', () => {
  it('sends times in ms and durations in µs, tags as one annotationQuery, error=true as the error key', () => {
    const params = searchParams(
      { service: 'orders', operation: 'orders.create', tags: { 'http.method': 'GET', error: 'true' }, minDurationUs: 1500, maxDurationUs: 0, startUs: 1_000_000_000, endUs: 1_060_000_500, limit: 20 },
      true,
    );
    assert.equal(params.get('serviceName'), 'orders');
    assert.equal(params.get('spanName'), 'orders.create');
    assert.equal(params.get('annotationQuery'), 'http.method=GET and error');
    assert.equal(params.get('minDuration'), '1500');
    assert.equal(params.get('maxDuration'), null, 'Zipkin refuses a duration <= 0');
    assert.equal(params.get('endTs'), '1060001');
    assert.equal(params.get('lookback'), '60001');
    assert.equal(params.get('limit'), '20');
    const maxOnly = searchParams({ service: 's', maxDurationUs: 900, startUs: 0, endUs: 1000, limit: 1 }, undefined);
    assert.deepEqual([maxOnly.get('minDuration'), maxOnly.get('maxDuration')], ['1', '900'], 'Zipkin 3 refuses maxDuration without minDuration');
    assert.equal(searchParams({ service: 's', tags: { error: 'false' }, startUs: 0, endUs: 1000, limit: 1 }, false).get('annotationQuery'), null);
  });

  it('takes the server root from the UI or API address a user pastes', () => {
    assert.equal(zipkinBaseUrl('http://localhost:9411/zipkin/'), 'http://localhost:9411');
    assert.equal(zipkinBaseUrl('https://t.example.com/tracing/zipkin/traces/abc'), 'https://t.example.com/tracing');
    assert.equal(zipkinBaseUrl('http://localhost:9411/api/v2'), 'http://localhost:9411');
    assert.equal(zipkinBaseUrl('http://h:9411/?key=1'), 'http://h:9411?key=1');
    assert.ok(pathSaysZipkin('http://h/zipkin'));
    assert.ok(!pathSaysZipkin('http://h:16686/jaeger'));
  });

  it('a trace id Zipkin does not hold is not-found; a malformed one is refused before asking', async () => {
    const zipkin = await startFake('zipkin');
    try {
      const source = new ZipkinSource({ baseUrl: zipkin.url, timeoutMs: 5000 });
      await assert.rejects(source.getTrace('00000000000000000000000000000abc'), (e: unknown) => e instanceof SpanLensError && e.kind === 'not-found');
      assert.equal(zipkin.paths.at(-1), '/api/v2/trace/0000000000000abc');
      const asked = zipkin.paths.length;
      await assert.rejects(source.getTrace('not-an-id'), (e: unknown) => e instanceof SpanLensError && e.kind === 'bad-input');
      assert.equal(zipkin.paths.length, asked);
    } finally {
      await zipkin.close();
    }
  });
});
