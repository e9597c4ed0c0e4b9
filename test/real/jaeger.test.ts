// Span Lens's core and CLI against the real Jaeger 2.12.0 (started by scripts/run-real-backend-tests.mjs), fed by the
// sample shop over OTLP/HTTP and OTLP/gRPC. Every answer is compared with what the test reads from Jaeger's v1 JSON
// itself (fetch + JSON.parse), over api/v3 and over the v1 API (through a view of the server that hides api/v3).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { JaegerSource } from '../../src/core/sources/jaeger/jaegerSource';
import type { TraceQuery } from '../../src/core/sources/traceSource';
import { repoRoot } from '../support/fixtures';
import { eventually, quantile, rawV1Spans, rawV3Durations, realJaeger, startApiView, type RawSpan } from '../support/realBackends';
import { exportedCount, runShop, shopDir, type ShopRun } from '../support/sampleShop';

const execFileAsync = promisify(execFile);
const SHOP_SERVICES = ['fulfilment', 'gateway', 'inventory', 'orders'];

async function cli(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), ...args], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

const traceIdsOf = (spans: readonly RawSpan[], match: (s: RawSpan) => boolean): string[] => [...new Set(spans.filter(match).map((s) => s.traceId))].sort();

describe('real Jaeger 2.12: the sample shop over OTLP, read back by Span Lens', function () {
  this.timeout(180_000);
  const jaeger = realJaeger();
  const feed = `run-${Date.now().toString(36)}`;
  let viaHttp: ShopRun;
  let viaGrpc: ShopRun;
  let v1View: Awaited<ReturnType<typeof startApiView>>;
  let v3View: Awaited<ReturnType<typeof startApiView>>;
  /** Every span of the shop's services in Jaeger (once each, by service), read independently. */
  const raw = new Map<string, RawSpan[]>();

  before(async function () {
    if (!jaeger) this.skip();
    viaHttp = await runShop({ protocol: 'http/protobuf', endpoint: jaeger.otlpHttp, requests: 20, resource: { 'spanlens.feed': `${feed}-http` } });
    viaGrpc = await runShop({ protocol: 'grpc', endpoint: jaeger.otlpGrpc, requests: 20, resource: { 'spanlens.feed': `${feed}-grpc` } });
    const expected = exportedCount(viaHttp, 'orders', 'orders.create') + exportedCount(viaGrpc, 'orders', 'orders.create');
    assert.ok(expected > 0);
    const feeds = (s: RawSpan): boolean => s.name === 'orders.create' && [`${feed}-http`, `${feed}-grpc`].includes(s.tags.get('spanlens.feed') ?? '');
    await eventually(async () => (await rawV1Spans(jaeger.url, 'orders')).filter(feeds).length === expected, `Jaeger holding all ${expected} orders.create spans`);
    // Jaeger's batch processor may still hold the last spans of other services for a moment.
    await new Promise((r) => setTimeout(r, 1000));
    // Each search returns whole traces (spans of every service): keep each span once, under its own service.
    const seen = new Map<string, RawSpan>();
    for (const service of SHOP_SERVICES) for (const s of await rawV1Spans(jaeger.url, service)) seen.set(`${s.traceId}/${s.spanId}`, s);
    for (const service of SHOP_SERVICES) raw.set(service, [...seen.values()].filter((s) => s.service === service));
    v1View = await startApiView(jaeger.url, 'v1-only');
    v3View = await startApiView(jaeger.url, 'v3-only');
  });

  after(async () => {
    await v1View?.close();
    await v3View?.close();
  });

  const sources = (): Array<{ api: string; source: JaegerSource }> => [
    { api: 'api/v3', source: new JaegerSource({ baseUrl: jaeger!.url, timeoutMs: 20_000 }) },
    { api: 'v1', source: new JaegerSource({ baseUrl: v1View.url, timeoutMs: 20_000 }) },
  ];

  it('received every span of both feeds, OTLP/HTTP and OTLP/gRPC', async () => {
    for (const [run, name] of [
      [viaHttp, 'http'],
      [viaGrpc, 'grpc'],
    ] as const) {
      for (const [service, counts] of run.exported) {
        const spans = (raw.get(service) ?? []).filter((s) => s.tags.get('spanlens.feed') === `${feed}-${name}`);
        for (const [spanName, count] of counts) {
          assert.equal(spans.filter((s) => s.name === spanName).length, count, `${name}: ${service}/${spanName}`);
        }
      }
    }
  });

  it('lists services and operations over api/v3 and v1', async () => {
    for (const { api, source } of sources()) {
      const services = await source.services();
      for (const s of SHOP_SERVICES) assert.ok(services.includes(s), `${api}: services ${services.join(', ')}`);
      assert.deepEqual(services, [...services].sort((a, b) => a.localeCompare(b)), `${api}: sorted`);
      const operations = await source.operations('orders');
      const names = [...new Set(operations.map((o) => o.name))].sort();
      assert.deepEqual(names, [...new Set(raw.get('orders')!.map((s) => s.name))].sort(), api);
      const create = operations.find((o) => o.name === 'orders.create');
      assert.equal(create?.spanKind, 'internal', `${api}: ${JSON.stringify(operations)}`);
      assert.equal(operations.find((o) => o.name === 'POST /orders')?.spanKind, 'server', api);
    }
  });

  it('searches by service, operation, tags, error, duration range, window and limit over api/v3 and v1', async () => {
    const orders = raw.get('orders')!;
    const inventory = raw.get('inventory')!;
    const now = Date.now() * 1000;
    const window = { startUs: now - 3600e6, endUs: now + 60e6 };
    const reserve = inventory.filter((s) => s.name === 'inventory.reserve').map((s) => s.durationUs);
    const median = Math.round(quantile(reserve, 0.5));
    const cases: Array<{ what: string; query: TraceQuery; expected: string[] }> = [
      { what: 'service', query: { service: 'orders', ...window, limit: 1000 }, expected: traceIdsOf(orders, () => true) },
      { what: 'operation', query: { service: 'orders', operation: 'orders.validate', ...window, limit: 1000 }, expected: traceIdsOf(orders, (s) => s.name === 'orders.validate') },
      {
        what: 'tag',
        query: { service: 'orders', tags: { 'spanlens.feed': `${feed}-grpc` }, ...window, limit: 1000 },
        expected: traceIdsOf(orders, (s) => s.tags.get('spanlens.feed') === `${feed}-grpc`),
      },
      {
        what: 'error=true',
        query: { service: 'orders', tags: { error: 'true' }, ...window, limit: 1000 },
        expected: traceIdsOf(orders, (s) => s.tags.get('error') === 'true'),
      },
      {
        what: 'minimum duration',
        query: { service: 'inventory', operation: 'inventory.reserve', minDurationUs: median, ...window, limit: 1000 },
        expected: traceIdsOf(inventory, (s) => s.name === 'inventory.reserve' && s.durationUs >= median),
      },
      {
        what: 'maximum duration',
        query: { service: 'inventory', operation: 'inventory.reserve', maxDurationUs: median, ...window, limit: 1000 },
        expected: traceIdsOf(inventory, (s) => s.name === 'inventory.reserve' && s.durationUs <= median),
      },
      { what: 'a window in the past', query: { service: 'orders', startUs: now - 7200e6, endUs: now - 3600e6 - 60e6, limit: 1000 }, expected: [] },
    ];
    assert.ok(cases.find((c) => c.what === 'error=true')!.expected.length > 0, 'the shop produced failing orders');
    for (const { api, source } of sources()) {
      for (const c of cases) {
        const found = (await source.search(c.query)).map((t) => t.traceId).sort();
        assert.deepEqual(found, c.expected, `${api}: ${c.what}`);
        const summaries = (await source.searchSummaries(c.query)).map((s) => s.traceId).sort();
        assert.deepEqual(summaries, c.expected, `${api}: ${c.what} (summaries)`);
      }
      const limited = await source.search({ service: 'orders', ...window, limit: 3 });
      assert.equal(limited.length, 3, `${api}: limit`);
      const starts = limited.map((t) => Math.min(...t.spans.map((s) => s.startTimeUs)));
      assert.deepEqual(starts, [...starts].sort((a, b) => b - a), `${api}: newest first`);
    }
  });

  it('fetches a trace by id over v1 (/api/traces/{id}) and over api/v3 (/api/v3/traces/{id})', async () => {
    const orders = raw.get('orders')!;
    const id = orders.find((s) => s.name === 'orders.publish')!.traceId;
    const all = [...raw.values()].flat().filter((s) => s.traceId === id);
    const views = [
      { api: 'v1', source: new JaegerSource({ baseUrl: jaeger!.url, timeoutMs: 20_000 }) },
      { api: 'api/v3', source: new JaegerSource({ baseUrl: v3View.url, timeoutMs: 20_000 }) },
    ];
    for (const { api, source } of views) {
      const trace = await source.getTrace(id.toUpperCase());
      assert.equal(trace.traceId, id, api);
      assert.equal(trace.spans.length, all.length, api);
      assert.deepEqual([...new Set(trace.spans.map((s) => s.service))].sort(), [...new Set(all.map((s) => s.service))].sort(), api);
      for (const span of trace.spans) {
        const r = all.find((s) => s.spanId === span.spanId);
        assert.ok(r, `${api}: span ${span.spanId}`);
        assert.equal(span.name, r.name, api);
        // v1 reports whole µs (truncated); api/v3 nanoseconds.
        assert.ok(Math.abs(span.durationUs - r.durationUs) < 1, `${api}: ${span.name} ${span.durationUs} vs ${r.durationUs}`);
      }
      await assert.rejects(source.getTrace('0123456789abcdef0123456789abcdef'), /was not found/, api);
    }
    assert.ok(v3View.requests.some((r) => r.startsWith(`/api/v3/traces/${id}`)), 'the api/v3 view was asked through api/v3');
  });

  it('CLI: services, search, trace and lenses whose figures equal percentiles computed from the same spans', async () => {
    const source = ['--source', jaeger!.url];
    const services = JSON.parse(await cli(['services', ...source, '--json'])) as string[];
    for (const s of SHOP_SERVICES) assert.ok(services.includes(s));
    const rows = JSON.parse(await cli(['search', '--service', 'orders', '--operation', 'orders.create', '--limit', '1000', ...source, '--json'])) as Array<{ traceId: string }>;
    assert.deepEqual(rows.map((r) => r.traceId).sort(), traceIdsOf(raw.get('orders')!, (s) => s.name === 'orders.create'));
    const { traces } = JSON.parse(await cli(['trace', rows[0]!.traceId, ...source, '--json'])) as { traces: Array<{ traceId: string; spans: unknown[] }> };
    assert.equal(traces[0]?.traceId, rows[0]!.traceId);
    const lenses = JSON.parse(await cli(['lenses', path.join(shopDir(), 'src', 'orders.ts'), '--service', 'orders', ...source, '--json'])) as Array<{
      spanName: string;
      count: number;
      p50Ms: number | null;
      p95Ms: number | null;
      p99Ms: number | null;
      errorRate: number | null;
    }>;
    let checked = 0;
    for (const name of ['orders.create', 'orders.validate', 'orders.publish']) {
      const lens = lenses.find((l) => l.spanName === name);
      assert.ok(lens, `a lens for ${name}: ${lenses.map((l) => l.spanName).join(', ')}`);
      const spans = raw.get('orders')!.filter((s) => s.name === name);
      // From api/v3's nanoseconds, as the lens reads them (v1 JSON truncates to whole µs).
      const ms = await rawV3Durations(jaeger!.url, 'orders', name);
      assert.equal(lens.count, spans.length, name);
      assert.equal(ms.length, spans.length, name);
      for (const [q, got] of [
        [0.5, lens.p50Ms],
        [0.95, lens.p95Ms],
        [0.99, lens.p99Ms],
      ] as const) {
        assert.ok(got !== null && Math.abs(got - quantile(ms, q)) < 1e-6, `${name} p${q * 100}: ${got} vs ${quantile(ms, q)}`);
      }
      assert.equal(lens.errorRate, spans.filter((s) => s.tags.get('error') === 'true').length / spans.length, `${name} error rate`);
      checked++;
    }
    assert.equal(checked, 3);
  });
});
