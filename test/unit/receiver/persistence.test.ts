import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OtlpReceiver } from '../../../src/core/sources/receiver/otlpReceiver';
import { readSnapshot, writeSnapshot } from '../../../src/core/sources/receiver/snapshot';
import { TraceStore } from '../../../src/core/sources/receiver/traceStore';
import { decodeExportRequest } from '../../../src/core/sources/receiver/exportRequest';
import { getJson, jsonBody, makeSdkSpans, post, protobufBody } from './otlpTestData';
import { type ReceiveChild, startReceiveChild } from './cliChild';

describe('receiver: persistence across restarts', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-receiver-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes a snapshot on stop and loads the same traces on the next start', async () => {
    const file = path.join(dir, 'nested', 'traces.json');
    const first = await OtlpReceiver.start({ port: 0, persistTo: file, persistIntervalMs: 0 });
    const spans = makeSdkSpans({ traces: 4, children: 3, failChildren: true, attributes: { 'order.total': 99.5, vip: true } });
    assert.equal((await post(first.endpoint, protobufBody(spans.slice(0, 8)), { contentType: 'application/x-protobuf' })).status, 200);
    assert.equal((await post(first.endpoint, jsonBody(spans.slice(8)), { contentType: 'application/json' })).status, 200);
    const before = first.store.find({ service: 'shop', startUs: 0, endUs: Number.MAX_SAFE_INTEGER, limit: 0 });
    await first.stop();
    assert.ok(fs.existsSync(file));
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['traces.json'], 'no temporary file is left behind');

    const logs: string[] = [];
    const second = await OtlpReceiver.start({ port: 0, persistTo: file, persistIntervalMs: 0, log: (m) => logs.push(m) });
    try {
      assert.deepEqual(second.warnings, []);
      assert.match(logs.join('\n'), /Loaded 16 spans in 4 traces/);
      const after = second.store.find({ service: 'shop', startUs: 0, endUs: Number.MAX_SAFE_INTEGER, limit: 0 });
      assert.equal(after.length, 4);
      assert.deepEqual(after, before);
      assert.deepEqual(second.store.operations('shop'), first.store.operations('shop'));
    } finally {
      await second.stop();
    }
  });

  it('writes periodically only when something changed', async () => {
    const file = path.join(dir, 'traces.json');
    const receiver = await OtlpReceiver.start({ port: 0, persistTo: file, persistIntervalMs: 0 });
    try {
      await receiver.persist();
      assert.equal(fs.existsSync(file), false, 'nothing to save yet');
      await post(receiver.endpoint, jsonBody(makeSdkSpans({ traces: 1 })), { contentType: 'application/json' });
      await receiver.persist();
      const saved = await readSnapshot(file);
      assert.equal(saved.kind, 'loaded');
      assert.equal(saved.kind === 'loaded' && saved.spanCount, 1);
      const mtime = fs.statSync(file).mtimeMs;
      fs.writeFileSync(file, 'sentinel');
      await receiver.persist();
      assert.equal(fs.readFileSync(file, 'utf8'), 'sentinel', 'unchanged store: no write');
      assert.ok(mtime > 0);
    } finally {
      await receiver.stop();
    }
  });

  for (const [label, content] of [
    ['truncated JSON', '{"format":"spanlens-receiver-snapshot","version":1,"tracesData":[{"resourceSp'],
    ['a foreign JSON file', '{"hello":"world"}'],
    ['a damaged span', '{"format":"spanlens-receiver-snapshot","version":1,"tracesData":[{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"spans":[{"traceId":42}]}]}]}]}'],
    ['binary garbage', '\u0000\u0001\u0002'],
  ] as const) {
    it(`starts empty with a warning when the snapshot is ${label}, and replaces it later`, async () => {
      const file = path.join(dir, 'traces.json');
      fs.writeFileSync(file, content);
      const receiver = await OtlpReceiver.start({ port: 0, persistTo: file, persistIntervalMs: 0 });
      try {
        assert.equal(receiver.store.stats().spans, 0);
        assert.equal(receiver.warnings.length, 1);
        assert.match(receiver.warnings[0]!, /Started with no traces: .*traces\.json is not a readable Span Lens receiver snapshot/);
        assert.equal((await post(receiver.endpoint, protobufBody(makeSdkSpans({ traces: 1 })), { contentType: 'application/x-protobuf' })).status, 200);
      } finally {
        await receiver.stop();
      }
      const saved = await readSnapshot(file);
      assert.equal(saved.kind === 'loaded' && saved.spanCount, 1);
    });
  }

  it('reports a missing snapshot as missing, not corrupt', async () => {
    assert.deepEqual(await readSnapshot(path.join(dir, 'none.json')), { kind: 'missing' });
  });

  it('keeps traces in eviction order through a round trip', async () => {
    const store = new TraceStore();
    const spans = makeSdkSpans({ traces: 3 });
    // Written in reverse: the snapshot must keep the write order, not the start-time order.
    for (const s of [...spans].reverse()) {
      store.add(decodeExportRequest(protobufBody([s]), 'protobuf', 'test').traces);
    }
    const file = path.join(dir, 's.json');
    await writeSnapshot(store, file);
    const loaded = await readSnapshot(file);
    assert.equal(loaded.kind, 'loaded');
    const order = [...store.spansByTrace()].map((t) => t.traceId);
    assert.deepEqual(loaded.kind === 'loaded' && loaded.traces.map((t) => t.traceId), order);
  });

  describe('spanlens receive --persist in a child process, stopped by a real signal', function () {
    this.timeout(90_000);
    const children: ReceiveChild[] = [];
    afterEach(() => {
      for (const c of children.splice(0)) c.kill();
    });

    async function start(file: string, options: { fileSizeLimitKiB?: number } = {}): Promise<ReceiveChild> {
      const child = await startReceiveChild(['--persist', file], options);
      children.push(child);
      return child;
    }

    async function tracesOf(child: ReceiveChild, service: string): Promise<number> {
      const answer = await getJson(`${child.queryUrl}/api/traces?service=${service}&limit=1000`);
      assert.equal(answer.status, 200, answer.text);
      return (answer.json as { data: unknown[] }).data.length;
    }

    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      it(`${signal} saves the snapshot (well before the 30 s timer), and the next run reads the traces back`, async () => {
        const file = path.join(dir, 'received.json');
        const first = await start(file);
        assert.equal((await post(first.otlpEndpoint, protobufBody(makeSdkSpans({ traces: 3, children: 2, service: 'orders' })), { contentType: 'application/x-protobuf' })).status, 200);
        first.process.kill(signal);
        assert.equal(await first.exited, 0, first.stderr());
        const stopped = JSON.parse(first.stdoutLines().at(-1)!) as Record<string, unknown>;
        assert.equal(stopped['event'], 'stopped');
        assert.equal(stopped['saved'], true);
        assert.deepEqual(fs.readdirSync(dir), ['received.json'], 'no temporary file left');
        const saved = await readSnapshot(file);
        assert.equal(saved.kind === 'loaded' && saved.spanCount, 9);

        const second = await start(file);
        assert.match(second.stderr(), /Loaded 9 spans in 3 traces/);
        assert.equal(await tracesOf(second, 'orders'), 3);
        second.process.kill('SIGINT');
        assert.equal(await second.exited, 0);
      });
    }

    it('a save that fails under a real file-size limit leaves the previous snapshot whole, and the exit code says so', async () => {
      const file = path.join(dir, 'received.json');
      const first = await start(file);
      assert.equal((await post(first.otlpEndpoint, jsonBody(makeSdkSpans({ traces: 1, service: 'orders' })), { contentType: 'application/json' })).status, 200);
      first.process.kill('SIGTERM');
      assert.equal(await first.exited, 0, first.stderr());
      const before = fs.readFileSync(file);
      assert.ok(before.length < 8 * 1024, `${before.length} bytes`);

      // 8 KiB: the small snapshot fits, the next one (400 spans, about 200 KB) cannot.
      const limited = await start(file, { fileSizeLimitKiB: 8 });
      assert.equal((await post(limited.otlpEndpoint, protobufBody(makeSdkSpans({ traces: 100, children: 3, service: 'orders' })), { contentType: 'application/x-protobuf' })).status, 200);
      limited.process.kill('SIGTERM');
      assert.equal(await limited.exited, 1, limited.stderr());
      assert.match(limited.stderr(), /Could not save received traces to .*received\.json: .*(EFBIG|too large)/i);
      assert.match(limited.stderr(), /the final save failed .* The previous snapshot is unchanged/);
      assert.equal((JSON.parse(limited.stdoutLines().at(-1)!) as Record<string, unknown>)['saved'], false);
      assert.deepEqual(fs.readFileSync(file), before, 'the old snapshot, byte for byte');
      assert.deepEqual(fs.readdirSync(dir), ['received.json'], 'the partial temporary file was removed');
      const reread = await readSnapshot(file);
      assert.equal(reread.kind === 'loaded' && reread.spanCount, 1);
    });

    it('removes a temporary file a killed writer left behind, and keeps one a running writer owns', async () => {
      const file = path.join(dir, 'received.json');
      const dead = path.join(dir, 'received.json.999999999.1700000000000.tmp');
      const live = path.join(dir, `received.json.${process.pid}1.1700000000000.tmp`);
      fs.writeFileSync(dead, '{"format":"spanlens-receiver-snap');
      const child = await start(file);
      assert.equal(fs.existsSync(dead), false);
      child.process.kill('SIGTERM');
      assert.equal(await child.exited, 0);
      // A pid that runs (this test's own process, as seen by another receiver) keeps its file.
      fs.writeFileSync(live.replace(`${process.pid}1`, String(process.pid)), 'x');
      const other = await start(file);
      assert.equal(fs.existsSync(live.replace(`${process.pid}1`, String(process.pid))), true);
      other.process.kill('SIGTERM');
      assert.equal(await other.exited, 0);
    });
  });
});
