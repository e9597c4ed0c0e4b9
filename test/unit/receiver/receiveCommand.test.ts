import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { receiveCommand } from '../../../src/cli/commands/receive';
import type { CliIo } from '../../../src/cli/io';
import { UsageError } from '../../../src/cli/io';
import { JaegerSource } from '../../../src/core/sources/jaeger/jaegerSource';
import { isSpanLensError } from '../../../src/core/errors';
import { jsonBody, makeSdkSpans, post, protobufBody } from './otlpTestData';

interface Captured extends CliIo {
  readonly outLines: string[];
  readonly errLines: string[];
  /** Resolves with the first stdout line. */
  readonly firstLine: Promise<string>;
}

function captureIo(): Captured {
  const outLines: string[] = [];
  const errLines: string[] = [];
  let resolveFirst: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve) => (resolveFirst = resolve));
  return {
    outLines,
    errLines,
    firstLine,
    out: (text) => {
      outLines.push(text);
      resolveFirst(text.split('\n')[0]!);
    },
    err: (text) => errLines.push(text),
  };
}

describe('receiver: spanlens receive', () => {
  it('receives spans and serves them to --source readers until stopped, then prints the counts', async () => {
    const io = captureIo();
    const controller = new AbortController();
    const running = receiveCommand.run(['--port', '0', '--query-port', '0', '--json'], io, controller.signal);
    const started = JSON.parse(await io.firstLine) as { event: string; otlpEndpoint: string; tracesUrl: string; queryUrl: string };
    assert.equal(started.event, 'listening');
    assert.match(started.tracesUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/);
    const spans = makeSdkSpans({ traces: 3, children: 2, service: 'orders' });
    assert.equal((await post(started.otlpEndpoint, protobufBody(spans), { contentType: 'application/x-protobuf' })).status, 200);
    assert.equal((await post(started.otlpEndpoint, '{"resourceSpans":7}', { contentType: 'application/json' })).status, 400);

    const jaeger = new JaegerSource({ baseUrl: started.queryUrl, timeoutMs: 5000 });
    assert.deepEqual(await jaeger.services(), ['orders']);
    const now = Date.now() * 1000;
    const found = await jaeger.search({ service: 'orders', startUs: now - 600e6, endUs: now + 600e6, limit: 10 });
    assert.equal(found.length, 3);
    assert.ok(found.every((t) => t.spans.length === 3));

    controller.abort();
    assert.equal(await running, 0);
    const stopped = JSON.parse(io.outLines.at(-1)!) as Record<string, number | string>;
    assert.equal(stopped['event'], 'stopped');
    assert.equal(stopped['spansStored'], 9);
    assert.equal(stopped['traces'], 3);
    assert.ok(io.errLines.some((l) => /refused an export \(400\): resourceSpans is not an array/.test(l)), io.errLines.join('\n'));
    await assert.rejects(post(started.otlpEndpoint, '{}', { contentType: 'application/json' }), 'the receiver is closed');
  });

  it('stops by itself after --duration and prints a readable summary', async () => {
    const io = captureIo();
    const running = receiveCommand.run(['--port', '0', '--query-port', '0', '--duration', '1500ms'], io, new AbortController().signal);
    const text = await io.firstLine;
    assert.match(text, /^Receiving OTLP\/HTTP traces at http:\/\/127\.0\.0\.1:\d+\/v1\/traces/);
    const endpoint = /OTEL_EXPORTER_OTLP_ENDPOINT=(\S+)/.exec(io.outLines[0]!)![1]!;
    assert.equal((await post(endpoint, jsonBody(makeSdkSpans({ traces: 2 })), { contentType: 'application/json' })).status, 200);
    assert.equal(await running, 0);
    assert.equal(io.outLines.at(-1), 'Stopped. Received 2 spans; holding 2 in 2 traces.');
  });

  it('counts evictions at the cap: said once on stderr, in the --json stop line and in the text summary', async () => {
    const io = captureIo();
    const controller = new AbortController();
    const running = receiveCommand.run(['--port', '0', '--query-port', '0', '--json', '--max-spans', '5', '--max-memory', '64'], io, controller.signal);
    const started = JSON.parse(await io.firstLine) as { otlpEndpoint: string };
    for (let i = 0; i < 4; i++) {
      assert.equal((await post(started.otlpEndpoint, jsonBody(makeSdkSpans({ traces: 1, children: 2 })), { contentType: 'application/json' })).status, 200);
    }
    controller.abort();
    assert.equal(await running, 0);
    const stopped = JSON.parse(io.outLines.at(-1)!) as Record<string, number | string>;
    assert.equal(stopped['event'], 'stopped');
    assert.deepEqual(
      [stopped['spans'], stopped['spansStored'], stopped['spansEvicted'], stopped['maxSpans'], stopped['maxBytes']],
      [3, 12, 9, 5, 64 * 1048576],
    );
    const notices = io.errLines.filter((l) => /the receiver is full/.test(l));
    assert.equal(notices.length, 1, io.errLines.join('\n'));
    assert.match(notices[0]!, /^spanlens receive: the receiver is full \(cap 5 spans \/ 64 MiB\): 3 spans of the oldest traces were evicted to make room; to keep more, raise --max-spans or --max-memory \(said once/);

    const text = captureIo();
    const textRun = receiveCommand.run(['--port', '0', '--query-port', '0', '--max-spans', '2', '--duration', '1500ms'], text, new AbortController().signal);
    const endpoint = /OTEL_EXPORTER_OTLP_ENDPOINT=(\S+)/.exec(await text.firstLine.then(() => text.outLines[0]!))![1]!;
    assert.match(text.outLines[0]!, /Keeping up to 2 spans \/ 1,024 MiB\./);
    assert.equal((await post(endpoint, jsonBody(makeSdkSpans({ traces: 3 })), { contentType: 'application/json' })).status, 200);
    assert.equal(await textRun, 0);
    assert.equal(text.outLines.at(-1), 'Stopped. Received 3 spans; holding 2 in 2 traces (1 oldest evicted at the cap).');
  });

  it('says which port is taken and how to choose another', async () => {
    const sockets = new Set<net.Socket>();
    const blocker = net.createServer((socket) => {
      // Accepts and never answers, like a busy non-HTTP program.
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await assert.rejects(receiveCommand.run(['--port', String(port), '--query-port', '0'], captureIo(), new AbortController().signal), (e: unknown) => {
        assert.ok(isSpanLensError(e));
        assert.match(e.message, new RegExp(`^Port ${port} is already in use\\. .*choose another port with --port\\. It is held by a program that is not an OTLP receiver\\.`));
        return true;
      });
      await assert.rejects(receiveCommand.run(['--port', '0', '--query-port', String(port)], captureIo(), new AbortController().signal), /choose another port with --query-port/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('rejects bad flags as usage errors', async () => {
    for (const args of [['--port', 'x'], ['--port', '70000'], ['--max-spans', '0'], ['--max-memory', '1.5'], ['--max-memory', '0'], ['--duration', 'soon'], ['extra']]) {
      await assert.rejects(receiveCommand.run(args, captureIo(), new AbortController().signal), UsageError, args.join(' '));
    }
  });
});
