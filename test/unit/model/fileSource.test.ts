import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileTraceSource } from '../../../src/core/sources/fileSource';
import type { TraceQuery } from '../../../src/core/sources/traceSource';
import { isSpanLensError } from '../../../src/core/errors';
import { fixturePath, readFixture } from '../../support/fixtures';

/** "The last hour" as the extension asks it: the fixtures were recorded years ago. */
function query(extra: Partial<TraceQuery> & { service: string }): TraceQuery {
  const now = Date.now() * 1000;
  return { startUs: now - 3_600_000_000, endUs: now, limit: 20, ...extra };
}

async function rejectsWith(promise: Promise<unknown>, kind: string, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => isSpanLensError(e) && e.kind === kind && pattern.test(e.message));
}

describe('FileTraceSource', () => {
  const yelp = fixturePath('zipkin/yelp.zipkin2.json');
  const petclinic = fixturePath('jaeger-ui/petclinic_spanAmongEachOtherGroupedAndSpans.v1trace.json');
  const memory = fixturePath('jaeger/memory_otel_traces_01.otlp.json');

  it('lists services and operations with span kinds', async () => {
    const source = new FileTraceSource({ paths: [yelp] });
    assert.deepEqual(await source.services(), ['mobile_api', 'routing', 'spectre', 'unknown', 'yelp-main', 'yelp_main/api_proxy']);
    const ops = await source.operations('mobile_api');
    assert.ok(ops.some((o) => o.name === 'post /location/update/v4' && o.spanKind === 'server'));
    assert.ok(ops.some((o) => o.name === 'get_multi mobile_api_nonce' && o.spanKind === 'client'));
    assert.deepEqual(
      ops.map((o) => o.name),
      [...ops.map((o) => o.name)].sort(),
    );
    assert.ok((await source.operations('yelp-main')).some((o) => o.spanKind === ''), 'spans without kind');
  });

  it('searches by service ignoring the time window by default', async () => {
    const source = new FileTraceSource({ paths: [yelp, petclinic] });
    const found = await source.search(query({ service: 'customers-service' }));
    assert.deepEqual(
      found.map((t) => t.traceId),
      ['0df84e36b9e2ee3815d07f0867a5be1f'],
    );
    const windowed = new FileTraceSource({ paths: [yelp, petclinic], applyTimeWindow: true });
    assert.deepEqual(await windowed.search(query({ service: 'customers-service' })), []);
    const start = found[0]!.spans[0]!.startTimeUs;
    assert.equal((await windowed.search(query({ service: 'customers-service', startUs: start - 1, endUs: start + 1 }))).length, 1);
  });

  it('matches operation, tags and duration on one span, as Jaeger does', async () => {
    const source = new FileTraceSource({ paths: [yelp] });
    const memcache = (await source.search(query({ service: 'mobile_api' })))[0]!.spans.find((s) => s.name === 'get_multi mobile_api_nonce')!;
    const d = memcache.durationUs;
    const hits = async (q: Partial<TraceQuery>): Promise<number> => (await source.search(query({ service: 'mobile_api', ...q }))).length;
    assert.equal(await hits({ operation: 'get_multi mobile_api_nonce' }), 1);
    assert.equal(await hits({ operation: 'no such op' }), 0);
    assert.equal(await hits({ operation: 'get_multi mobile_api_nonce', tags: { 'peer.service': 'memcache' } }), 1);
    assert.equal(await hits({ operation: 'get_multi mobile_api_nonce', tags: { 'peer.service': 'mysql' } }), 0);
    assert.equal(await hits({ operation: 'get_multi mobile_api_nonce', tags: { 'span.kind': 'client' } }), 1);
    assert.equal(await hits({ operation: 'get_multi mobile_api_nonce', minDurationUs: d, maxDurationUs: d }), 1);
    assert.equal(await hits({ operation: 'get_multi mobile_api_nonce', minDurationUs: d + 1 }), 0);
    assert.equal(await hits({ service: 'routing', tags: { 'peer.service': 'memcache' } }), 0, 'the tag is on another service’s span');
  });

  it('finds error spans by error=true and resource attributes', async () => {
    const source = new FileTraceSource({ paths: [memory] });
    assert.equal((await source.search(query({ service: 'service-x', tags: { error: 'true' } }))).length, 2);
    const analytics = new FileTraceSource({ paths: [fixturePath('jaeger-analytics-java/ui-trace.v1envelope.json')] });
    assert.equal((await analytics.search(query({ service: 'jaeger-query', tags: { ip: '10.129.2.13' } }))).length, 1);
  });

  it('returns newest first, honours the limit, and summarises', async () => {
    const source = new FileTraceSource({ paths: [memory] });
    const all = await source.search(query({ service: 'service-x', limit: 0 }));
    assert.equal(all.length, 2);
    assert.ok(all[0]!.spans[0]!.startTimeUs >= all[1]!.spans[0]!.startTimeUs);
    assert.equal((await source.search(query({ service: 'service-x', limit: 1 }))).length, 1);
    const summaries = await source.searchSummaries(query({ service: 'service-x' }));
    assert.deepEqual(
      summaries.map((s) => [s.spanCount, s.errorCount, s.services]),
      [
        [2, 2, ['service-x']],
        [2, 2, ['service-x']],
      ],
    );
  });

  it('gets a trace by padded, unpadded or uppercase id', async () => {
    const source = new FileTraceSource({ paths: [petclinic, fixturePath('jaeger-analytics-java/ui-trace.v1envelope.json')] });
    for (const id of ['df84e36b9e2ee3815d07f0867a5be1f', '0df84e36b9e2ee3815d07f0867a5be1f', 'DF84E36B9E2EE3815D07F0867A5BE1F']) {
      assert.equal((await source.getTrace(id)).spans.length, 17, id);
    }
    assert.equal((await source.getTrace('2db17286b3e6b148')).spans.length, 2);
    await rejectsWith(source.getTrace('1234'), 'not-found', /Trace 00000000000000000000000000001234 is not in trace files/);
    await rejectsWith(source.getTrace('not-an-id'), 'bad-input', /not a trace id/);
  });

  describe('with files on disk', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-file-source-'));
    });
    afterEach(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('merges one trace spread over several files', async () => {
      const raw = JSON.parse(readFixture('zipkin/ascend.zipkin2.json')) as unknown[];
      const a = path.join(dir, 'a.json');
      const b = path.join(dir, 'b.json');
      fs.writeFileSync(a, JSON.stringify(raw.slice(0, 4)));
      fs.writeFileSync(b, JSON.stringify(raw.slice(4)));
      const source = new FileTraceSource({ paths: [a, b] });
      const [trace] = await source.search(query({ service: 'mobile-gateway' }));
      assert.equal(trace!.spans.length, 8);
      assert.equal(trace!.spans.filter((s) => s.orphan).length, 0);
    });

    it('reads the file again when it changes', async () => {
      const file = path.join(dir, 't.json');
      fs.writeFileSync(file, readFixture('otel-proto/trace.otlp.json'));
      const source = new FileTraceSource({ paths: [file] });
      assert.deepEqual(await source.services(), ['my.service']);
      fs.writeFileSync(file, readFixture('zipkin/skew.zipkin2.json'));
      fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
      assert.deepEqual(await source.services(), ['servicea', 'serviceb']);
    });

    it('reports a missing file, a folder, a broken file and an oversized file', async () => {
      const missing = new FileTraceSource({ paths: [path.join(dir, 'nope.json')] });
      await rejectsWith(missing.services(), 'not-found', /nope\.json does not exist/);
      const health = await missing.health();
      assert.equal(health.reachable, false);
      assert.match(health.detail, /does not exist/);

      await rejectsWith(new FileTraceSource({ paths: [dir] }).services(), 'bad-input', /is not a file/);

      const broken = path.join(dir, 'broken.json');
      fs.writeFileSync(broken, '{"resourceSpans": [');
      await rejectsWith(new FileTraceSource({ paths: [broken] }).services(), 'malformed-file', /broken\.json: not valid JSON/);

      const big = path.join(dir, 'big.json');
      fs.writeFileSync(big, readFixture('zipkin/yelp.zipkin2.json'));
      await rejectsWith(new FileTraceSource({ paths: [big], maxBytes: 100 }).services(), 'too-large', /big\.json is 8\.4 KiB/);
    });

    it('reports health of a readable file', async () => {
      const file = path.join(dir, 'ok.json');
      fs.writeFileSync(file, readFixture('otel-proto/trace.otlp.json'));
      const source = new FileTraceSource({ paths: [file] });
      const before = await source.health();
      assert.equal(before.reachable, true);
      assert.match(before.detail, /^reading trace file .*ok\.json \(1\.2 KiB\)$/);
      await source.services();
      assert.match((await source.health()).detail, /1 trace\(s\)\)$/);
    });
  });

  it('rejects with cancelled when the signal is aborted, and still serves other callers', async () => {
    const source = new FileTraceSource({ paths: [fixturePath('zipkin/smartthings-mobile-web-install.zipkin2.json')] });
    const controller = new AbortController();
    const cancelled = source.services(controller.signal);
    const other = source.services();
    controller.abort();
    await rejectsWith(cancelled, 'cancelled', /cancelled/);
    assert.equal((await other).length, 16);
    const aborted = new AbortController();
    aborted.abort();
    await rejectsWith(source.getTrace('14b60fd9ae504820', aborted.signal), 'cancelled', /cancelled/);
  });

  it('needs at least one file', () => {
    assert.throws(() => new FileTraceSource({ paths: [] }), (e: unknown) => isSpanLensError(e) && e.kind === 'bad-input');
  });
});
