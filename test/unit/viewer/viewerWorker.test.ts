// The trace viewer worker (the real thread, bundled from the current source) builds exactly what the in-thread
// builders build, fetches traces itself from Jaeger and files, keeps SpanLensError kinds, cancels, and forgets
// released traces.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'node:worker_threads';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Span, Trace } from '../../../src/core/model/trace';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import { analyzeTrace } from '../../../src/core/analysis/analyzeTrace';
import { analyzeForPayload, buildAnalyzedPayload } from '../../../src/core/export/payloadAnalysis';
import { buildTracePayload } from '../../../src/core/export/tracePayload';
import { JaegerSource } from '../../../src/core/sources/jaeger/jaegerSource';
import { isSpanLensError } from '../../../src/core/errors';
import { ViewerWorkerClient } from '../../../src/core/export/viewerWorkerClient';
import { ViewerPipeline } from '../../../src/core/export/viewerWorkerPipeline';
import { operationKey } from '../../../src/core/export/viewerWorkerProtocol';
import { fixturePath, readFixture, repoRoot, traceFixtures } from '../../support/fixtures';
import { startJaegerTestServer, type JaegerTestServer } from '../../support/jaegerTestServer';
import { buildViewerWorkerBundle, decode, fakeLocate, plain, workerHost } from './support/viewerHostHarness';

const fixtureTraces: Array<{ name: string; trace: Trace }> = traceFixtures().flatMap((name) => parseTraceDocument(readFixture(name), name).map((trace) => ({ name, trace })));

/** The "maps to code" answer of fakeLocate, as the in-thread builder takes it. */
async function hasSourceOf(trace: Trace): Promise<(s: Span) => boolean> {
  const known = new Set<string>();
  for (const s of trace.spans) if (!known.has(operationKey(s)) && (await fakeLocate(s))) known.add(operationKey(s));
  return (s) => known.has(operationKey(s));
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

describe('trace viewer worker', function () {
  this.timeout(60_000);
  let client: ViewerWorkerClient;
  let workerPath: string;

  before(async () => {
    workerPath = await buildViewerWorkerBundle();
    client = new ViewerWorkerClient({ workerPath });
  });
  after(() => client.dispose());

  it('has fixture traces to compare on, with flagged operations among them', () => {
    assert.ok(fixtureTraces.length >= 12, `${fixtureTraces.length} fixture traces`);
    assert.ok(fixtureTraces.some(({ trace }) => trace.spans.some((s) => s.name.startsWith('HikariProxy') || /\/(users|orders)\//.test(s.name))));
  });

  describe('builds the payload the in-thread builder builds', () => {
    const pipeline = (): ViewerPipeline => new ViewerPipeline(client);
    for (const { name, trace } of fixtureTraces) {
      it(`${name} ${trace.traceId.slice(-8)} (${trace.spans.length} spans): payload with analysis, and findings for code`, async () => {
        const expected = buildAnalyzedPayload(trace, { source: name, hasSource: await hasSourceOf(trace) });
        const run = await workerHost(pipeline(), trace, name);
        assert.deepStrictEqual(run.shown(), plain(expected));
        assert.equal(run.loaded.spanCount, trace.spans.length);
        const analysis = analyzeTrace(trace);
        assert.deepStrictEqual(run.findings, plain({ nPlusOne: analysis.nPlusOne, propagationGaps: analysis.propagationGaps }));
      });
    }
    for (const { name, trace } of fixtureTraces) {
      it(`${name} ${trace.traceId.slice(-8)}: shown first, analysed after (as for large traces)`, async () => {
        const hasSource = await hasSourceOf(trace);
        const payload = buildTracePayload(trace, { source: name, hasSource });
        const expected = { ...payload, analysis: analyzeForPayload(trace, payload) };
        const run = await workerHost(new ViewerPipeline(client, { analyzeLaterAbove: 0 }), trace, name);
        assert.deepStrictEqual(run.shown(), plain(expected));
      });
    }
  });

  it('round-trips payloads through JSON without loss (the bytes hold everything the object did)', () => {
    for (const { name, trace } of fixtureTraces) {
      const payload = buildAnalyzedPayload(trace, { source: name });
      assert.deepStrictEqual(plain(payload), payload, name);
    }
  });

  it('offers each distinct operation once to the span locator, trimmed to what the locator reads', async () => {
    const { trace } = fixtureTraces.find((f) => f.trace.spans.some((s) => s.attributes.length > 3 && s.resource.length > 0))!;
    const loaded = await client.load(trace);
    try {
      const distinct = new Set(trace.spans.map(operationKey));
      assert.equal(loaded.operations.length, distinct.size);
      assert.equal(loaded.operationsTruncated, false);
      assert.deepStrictEqual(new Set(loaded.operations.map((o) => o.key)), distinct);
      for (const { key, span } of loaded.operations) {
        const first = trace.spans.find((s) => operationKey(s) === key)!;
        assert.equal(span.spanId, first.spanId);
        assert.deepStrictEqual(span.attributes, first.attributes.filter((a) => a.key.startsWith('code.')));
        assert.deepStrictEqual([span.resource, span.events, span.links], [[], [], []]);
      }
      const root = trace.spans.find((s) => s.parentSpanId === undefined) ?? trace.spans[0]!;
      assert.deepStrictEqual(loaded.root, { service: root.service, name: root.name });
    } finally {
      client.release(loaded.handle);
    }
  });

  describe('fetching in the worker', () => {
    let server: JaegerTestServer;
    before(async () => {
      server = await startJaegerTestServer();
    });
    after(async () => server?.close());

    it('fetches a trace from Jaeger and builds the payload the main thread would from the same answer', async () => {
      const wanted = server.traces.find((t) => t.spans.length > 50) ?? server.traces[0]!;
      const options = { baseUrl: server.url, timeoutMs: 10_000 };
      const onMain = await new JaegerSource(options).getTrace(wanted.traceId);
      const run = await workerHost(new ViewerPipeline(client), { kind: 'jaeger', traceId: wanted.traceId, options }, 'Jaeger');
      assert.equal(run.loaded.spanCount, onMain.spans.length);
      assert.deepStrictEqual(run.shown(), plain(buildAnalyzedPayload(onMain, { source: 'Jaeger', hasSource: await hasSourceOf(onMain) })));
    });

    it('reads a trace file in the worker', async () => {
      const file = fixturePath('jaeger-ui/petclinic_testTraceNormal.v1trace.json');
      const [trace] = parseTraceDocument(fs.readFileSync(file, 'utf8'), file);
      const run = await workerHost(new ViewerPipeline(client), { kind: 'file', traceId: trace!.traceId, path: file }, 'file');
      assert.deepStrictEqual(run.shown(), plain(buildAnalyzedPayload(trace!, { source: 'file', hasSource: await hasSourceOf(trace!) })));
    });

    it("keeps the kind and message of the worker's SpanLensErrors", async () => {
      const missing = await rejection(client.load({ kind: 'jaeger', traceId: 'ab'.repeat(16), options: { baseUrl: server.url, timeoutMs: 10_000 } }));
      assert.ok(isSpanLensError(missing), String(missing));
      assert.equal(missing.kind, 'not-found');
      assert.match(missing.message, /abab.*was not found in Jaeger/);
      const noFile = await rejection(client.load({ kind: 'file', traceId: 'ab', path: path.join(os.tmpdir(), 'spanlens-no-such-trace.json') }));
      assert.ok(isSpanLensError(noFile));
      assert.equal(noFile.kind, 'not-found');
    });

    it('cancels a fetch that hangs, and answers the next request', async () => {
      await server.setFault({ mode: 'hang' });
      try {
        const controller = new AbortController();
        const pending = client.load({ kind: 'jaeger', traceId: server.traces[0]!.traceId, options: { baseUrl: server.url, timeoutMs: 60_000, retries: 0 } }, controller.signal);
        setTimeout(() => controller.abort(), 200);
        const e = await rejection(pending);
        assert.ok(isSpanLensError(e) && e.kind === 'cancelled', String(e));
      } finally {
        await server.setFault(undefined);
      }
      const loaded = await client.load(fixtureTraces[0]!.trace);
      assert.equal(loaded.spanCount, fixtureTraces[0]!.trace.spans.length);
      client.release(loaded.handle);
    });
  });

  it('answers span look-ups, and forgets a released trace', async () => {
    const { trace } = fixtureTraces.find((f) => f.trace.spans.length > 20)!;
    const loaded = await client.load(trace);
    const wanted = trace.spans[17]!;
    assert.deepStrictEqual(await client.span(loaded.handle, wanted.spanId), plain(wanted));
    assert.equal(await client.span(loaded.handle, 'ffffffffffffffff'), undefined);
    client.release(loaded.handle);
    const gone = await rejection(client.span(loaded.handle, wanted.spanId));
    assert.ok(isSpanLensError(gone) && gone.kind === 'not-found', String(gone));
    assert.match((gone as Error).message, /no longer loaded/);
  });

  it('exports the HTML page with the payloads the exporter embeds', async function () {
    if (!fs.existsSync(path.join(repoRoot(), 'dist', 'webview.js'))) this.skip();
    const [a, b] = fixtureTraces.map((f) => f.trace);
    const first = await client.load(a!);
    const second = await client.load(b!);
    try {
      const html = new TextDecoder().decode(await client.exportHtml({ handle: first.handle, source: 'one' }, { handle: second.handle, source: 'two' }, repoRoot()));
      const data = /<script type="application\/json" id="spanlens-data">([^<]*)<\/script>/.exec(html)?.[1];
      assert.ok(data, 'embedded data');
      assert.deepStrictEqual(JSON.parse(data), plain({ trace: buildAnalyzedPayload(a!, { source: 'one' }), compare: buildAnalyzedPayload(b!, { source: 'two' }) }));
      assert.match(html, /Content-Security-Policy/);
    } finally {
      client.release(first.handle);
      client.release(second.handle);
    }
  });

  it('sends payload bytes that decode to the payload', async () => {
    const { trace } = fixtureTraces[0]!;
    const loaded = await client.load(trace);
    const built = await client.payload(loaded.handle, { source: 's', analyze: true });
    assert.ok(built.bytes instanceof Uint8Array && built.analyzed);
    assert.deepStrictEqual(decode(built.bytes), plain(buildAnalyzedPayload(trace, { source: 's' })));
    client.release(loaded.handle);
  });

  it('is replaced after it stops: pending requests fail with "open it again", held traces are gone, new ones work', async () => {
    const own = new ViewerWorkerClient({ workerPath });
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { trace } = fixtureTraces[0]!;
      const loaded = await own.load(trace);
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const pending = own.load({ kind: 'jaeger', traceId: 'ab', options: { baseUrl: url, timeoutMs: 60_000, retries: 0 } });
      // Stop the worker from outside, as a crash would.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await (own as unknown as { worker: Worker }).worker.terminate();
      assert.match(String(await rejection(pending)), /worker stopped .*Open the trace again/);
      const stale = await rejection(own.payload(loaded.handle, { source: 's', analyze: true }));
      assert.match(String(stale), /no longer loaded/);
      const again = await own.load(trace);
      assert.equal(again.spanCount, trace.spans.length);
    } finally {
      own.dispose();
      silent.closeAllConnections();
      silent.close();
    }
  });
});
