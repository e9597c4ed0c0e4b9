// Zipkin as a trace source, against the real Zipkin 3.6.1 (started by scripts/run-real-backend-tests.mjs), fed by
// the sample shop through @opentelemetry/exporter-zipkin. The URL is given as is (no "this is Zipkin" flag): Span
// Lens must recognise Zipkin by its API. Every answer is compared with what the test reads from Zipkin's v2 JSON
// itself (fetch + JSON.parse).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { openTraceSource } from '../../src/core/sources/openSource';
import { DetectedHttpSource } from '../../src/core/sources/detectedHttpSource';
import { ZipkinSource } from '../../src/core/sources/zipkin/zipkinSource';
import { LatencyProvider } from '../../src/core/stats/latencyProvider';
import type { TraceQuery } from '../../src/core/sources/traceSource';
import { SpanLensError } from '../../src/core/errors';
import { repoRoot } from '../support/fixtures';
import { eventually, quantile, rawZipkinSpans as rawSpans, realZipkin, type RawZipkinSpan } from '../support/realBackends';
import { exportedCount, runShop, shopDir, type ShopRun } from '../support/sampleShop';

const execFileAsync = promisify(execFile);
const SHOP_SERVICES = ['fulfilment', 'gateway', 'inventory', 'orders'];

const traceIdsOf = (spans: readonly RawZipkinSpan[], match: (s: RawZipkinSpan) => boolean): string[] => [...new Set(spans.filter(match).map((s) => s.traceId))].sort();

async function cli(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), ...args], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

describe('real Zipkin 3.6.1 as a trace source: the sample shop over exporter-zipkin, read back by Span Lens', function () {
  this.timeout(180_000);
  const zipkin = realZipkin();
  const feed = `zipkin-${Date.now().toString(36)}`;
  let run: ShopRun;
  let orders: RawZipkinSpan[] = [];
  const window = (): Pick<TraceQuery, 'startUs' | 'endUs'> => ({ startUs: (Date.now() - 3600_000) * 1000, endUs: (Date.now() + 60_000) * 1000 });

  before(async function () {
    if (!zipkin) this.skip();
    run = await runShop({ protocol: 'zipkin', endpoint: `${zipkin}/api/v2/spans`, requests: 20, resource: { 'spanlens.feed': feed } });
    const expected = exportedCount(run, 'orders', 'orders.create');
    assert.ok(expected > 0);
    await eventually(
      async () => (await rawSpans(zipkin, 'orders')).filter((s) => s.name === 'orders.create' && s.tags['spanlens.feed'] === feed).length === expected,
      `Zipkin holding all ${expected} orders.create spans`,
    );
    orders = (await rawSpans(zipkin, 'orders')).filter((s) => s.service === 'orders');
  });

  it('is recognised as Zipkin from its API, behind a plain URL, and reports its health', async () => {
    const source = openTraceSource(zipkin!, { timeoutMs: 20_000 });
    assert.ok(source instanceof DetectedHttpSource);
    const health = await source.health();
    assert.equal(health.reachable, true, health.detail);
    assert.match(health.detail, /^Zipkin at http:\/\/127\.0\.0\.1:\d+: \d+ services$/);
    assert.ok(source.detected() instanceof ZipkinSource);
    assert.match(source.description, /^Zipkin http:/);
    assert.equal(source.foldsNameCase, true);
    // The UI's address means the same server.
    assert.ok(openTraceSource(`${zipkin}/zipkin/`, { timeoutMs: 20_000 }) instanceof ZipkinSource);
    assert.ok((await openTraceSource(`${zipkin}/zipkin/`, { timeoutMs: 20_000 }).services()).includes('orders'));
  });

  it('received every span the shop exported, and lists services and operations as Zipkin does', async () => {
    const source = openTraceSource(zipkin!, { timeoutMs: 20_000 });
    const services = await source.services();
    for (const s of SHOP_SERVICES) assert.ok(services.includes(s), `services ${services.join(', ')}`);
    for (const [service, counts] of run.exported) {
      const spans = (await rawSpans(zipkin!, service)).filter((s) => s.service === service && s.tags['spanlens.feed'] === feed);
      for (const [name, count] of counts) assert.equal(spans.filter((s) => s.name === name.toLowerCase()).length, count, `${service}/${name}`);
      const operations = (await source.operations(service)).map((o) => o.name);
      const expected = (await (await fetch(`${zipkin}/api/v2/spans?serviceName=${encodeURIComponent(service)}`)).json()) as string[];
      assert.deepEqual(operations, [...expected].sort((a, b) => a.localeCompare(b)), service);
      for (const name of counts.keys()) assert.ok(operations.includes(name.toLowerCase()), `${service}: ${name} in ${operations.join(', ')}`);
    }
  });

  it('searches by operation, tag, duration and error state, with the trace ids Zipkin holds', async () => {
    const source = openTraceSource(zipkin!, { timeoutMs: 20_000 });
    const ofFeed = orders.filter((s) => s.tags['spanlens.feed'] === feed);
    const durations = ofFeed.filter((s) => s.name === 'orders.create').map((s) => s.duration).sort((a, b) => a - b);
    const median = durations[Math.floor(durations.length / 2)]!;
    const cases: Array<{ what: string; query: TraceQuery; expected: string[] }> = [
      { what: 'operation', query: { service: 'orders', operation: 'orders.create', ...window(), limit: 1000 }, expected: traceIdsOf(orders, (s) => s.name === 'orders.create') },
      { what: 'operation in another case', query: { service: 'ORDERS', operation: 'Orders.Create', ...window(), limit: 1000 }, expected: traceIdsOf(orders, (s) => s.name === 'orders.create') },
      { what: 'tag', query: { service: 'orders', tags: { 'spanlens.feed': feed }, ...window(), limit: 1000 }, expected: traceIdsOf(ofFeed, () => true) },
      {
        what: 'min duration',
        query: { service: 'orders', operation: 'orders.create', minDurationUs: median, ...window(), limit: 1000 },
        expected: traceIdsOf(orders, (s) => s.name === 'orders.create' && s.duration >= median),
      },
      {
        what: 'max duration',
        query: { service: 'orders', operation: 'orders.create', maxDurationUs: median, ...window(), limit: 1000 },
        expected: traceIdsOf(orders, (s) => s.name === 'orders.create' && s.duration <= median),
      },
      {
        what: 'errors only',
        query: { service: 'orders', tags: { error: 'true', 'spanlens.feed': feed }, ...window(), limit: 1000 },
        expected: traceIdsOf(ofFeed, (s) => 'error' in s.tags),
      },
    ];
    for (const { what, query, expected } of cases) {
      assert.ok(expected.length > 0, `${what}: the shop made such traces`);
      const traces = await source.search(query);
      assert.deepEqual(traces.map((t) => t.traceId).sort(), expected, what);
      const summaries = await source.searchSummaries(query);
      assert.deepEqual(summaries.map((s) => s.traceId).sort(), expected, `${what} (summaries)`);
    }
    const limited = await source.search({ service: 'orders', operation: 'orders.create', ...window(), limit: 3 });
    assert.equal(limited.length, 3);
  });

  it('fetches a trace by id with the spans Zipkin holds, and says when one is not there', async () => {
    const source = openTraceSource(zipkin!, { timeoutMs: 20_000 });
    const sample = orders.find((s) => s.name === 'orders.create' && s.tags['spanlens.feed'] === feed)!;
    const trace = await source.getTrace(sample.traceId);
    assert.equal(trace.traceId, sample.traceId);
    const raw = (await (await fetch(`${zipkin}/api/v2/trace/${sample.traceId}`)).json()) as Array<{ id: string; duration?: number; name?: string }>;
    assert.equal(trace.spans.length, raw.length);
    for (const r of raw) {
      const span = trace.spans.find((s) => s.spanId === r.id);
      assert.ok(span, `span ${r.id}`);
      assert.equal(span.durationUs, r.duration ?? 0);
      assert.equal(span.name, r.name ?? '');
    }
    await assert.rejects(source.getTrace('0123456789abcdef0123456789abcdef'), (e: unknown) => e instanceof SpanLensError && e.kind === 'not-found' && /not found in Zipkin/.test(e.message));
  });

  it('gives lens figures equal to percentiles of the same spans, also for names Zipkin lowercased', async () => {
    const source = openTraceSource(zipkin!, { timeoutMs: 20_000 });
    const provider = new LatencyProvider(source, { lookbackMs: 3600_000 });
    for (const name of ['orders.create', 'orders.validate', 'Orders.Create']) {
      const stats = await provider.getStats('orders', [{ kind: 'exact', name }]);
      const ms = orders.filter((s) => s.name === name.toLowerCase()).map((s) => s.duration / 1000);
      assert.equal(stats.count, ms.length, name);
      for (const [q, got] of [
        [0.5, stats.p50Ms],
        [0.95, stats.p95Ms],
        [0.99, stats.p99Ms],
      ] as const) {
        assert.ok(got !== null && Math.abs(got - quantile(ms, q)) < 1e-6, `${name} p${q * 100}: ${got} vs ${quantile(ms, q)}`);
      }
    }
  });

  it('CLI: services, search, trace and lenses with --source set to the Zipkin URL', async () => {
    const source = ['--source', zipkin!];
    const services = JSON.parse(await cli(['services', ...source, '--json'])) as string[];
    for (const s of SHOP_SERVICES) assert.ok(services.includes(s));
    const rows = JSON.parse(await cli(['search', '--service', 'orders', '--operation', 'orders.create', '--limit', '1000', ...source, '--json'])) as Array<{ traceId: string }>;
    assert.deepEqual(rows.map((r) => r.traceId).sort(), traceIdsOf(orders, (s) => s.name === 'orders.create'));
    const { traces } = JSON.parse(await cli(['trace', rows[0]!.traceId, ...source, '--json'])) as { traces: Array<{ traceId: string }> };
    assert.equal(traces[0]?.traceId, rows[0]!.traceId);
    const lenses = JSON.parse(await cli(['lenses', path.join(shopDir(), 'src', 'orders.ts'), '--service', 'orders', ...source, '--json'])) as Array<{
      spanName: string;
      count: number;
      p95Ms: number | null;
    }>;
    for (const name of ['orders.create', 'orders.validate', 'orders.publish']) {
      const lens = lenses.find((l) => l.spanName === name);
      assert.ok(lens, `a lens for ${name}: ${lenses.map((l) => l.spanName).join(', ')}`);
      const ms = orders.filter((s) => s.name === name).map((s) => s.duration / 1000);
      assert.equal(lens.count, ms.length, name);
      assert.ok(lens.p95Ms !== null && Math.abs(lens.p95Ms - quantile(ms, 0.95)) < 1e-6, `${name} p95`);
    }
  });
});
