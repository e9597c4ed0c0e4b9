import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { OUTPUT_CHUNK_CHARS, OutputClosedError, streamWriter, writeLines } from '../../../src/cli/output';
import { MAX_DRAWN_DEPTH, indentedName, spanJson, traceTextLines, tracesJsonLines, treeOrder } from '../../../src/cli/traceOutput';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import { writeBigJaegerTrace } from '../../support/bigTraceFile';
import { readFixture } from '../../support/fixtures';
import { traceFixtureFiles } from '../../support/jaegerTestStore';
import { buildTrace } from '../../support/traceBuilder';

const CHILD = path.resolve(__dirname, '../../support/cliChild.ts');

interface ChildRun {
  readonly code: number | null;
  readonly stderr: string;
  readonly bytes: number;
  readonly lines: number;
  readonly longestLine: number;
  /** The last few KB of stdout. */
  readonly tail: string;
  /** All of stdout, when asked for. */
  readonly stdout?: string;
  readonly maxRssBytes: number;
}

/**
 * `spanlens ARGS` in a child process with a real stdout pipe, read as it streams (counting, not storing, unless
 * `keep`); the child reports its peak RSS. `stopAfterBytes` closes the pipe early, as `| head` does.
 */
function runChild(args: string[], options: { keep?: boolean; stopAfterBytes?: number } = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let lines = 0;
    let longestLine = 0;
    let current = 0;
    let tail = '';
    const kept: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (options.keep) kept.push(chunk);
      for (const b of chunk) {
        if (b === 10) {
          lines++;
          longestLine = Math.max(longestLine, current);
          current = 0;
        } else current++;
      }
      tail = (tail + chunk.toString('utf8')).slice(-4096);
      if (options.stopAfterBytes !== undefined && bytes >= options.stopAfterBytes) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const report = /SPANLENS_CHILD (\{.*\})/.exec(stderr)?.[1];
      const maxRssBytes = report ? (JSON.parse(report) as { maxRssBytes: number }).maxRssBytes : NaN;
      resolve({
        code,
        stderr: stderr.replace(/SPANLENS_CHILD .*\n?/, ''),
        bytes,
        lines,
        longestLine,
        tail,
        ...(options.keep ? { stdout: Buffer.concat(kept).toString('utf8') } : {}),
        maxRssBytes,
      });
    });
  });
}

const MiB = 1024 * 1024;

describe('spanlens trace: huge and deep traces print, streamed, in bounded memory', function () {
  this.timeout(180_000);
  let dir: string;
  const files: Record<string, string> = {};
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-big-'));
    for (const [name, shape, spans] of [
      ['flat150k', 'flat', 150_000],
      ['chain30k', 'chain', 30_000],
      ['chain100k', 'chain', 100_000],
      ['flat20k', 'flat', 20_000],
    ] as const) {
      files[name] = path.join(dir, `${name}.json`);
      writeBigJaegerTrace(files[name], shape, spans);
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('150k flat spans (text): every span printed, no "Maximum call stack size exceeded"', async () => {
    const r = await runChild(['trace', files['flat150k']!]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.lines, 2 + 150_000, 'head line, table header, one row per span');
    assert.match(r.tail, /op9\n$/);
  });

  it('a 30k-deep chain (text): no "Invalid string length", and lines stay short (indentation capped)', async () => {
    const r = await runChild(['trace', files['chain30k']!]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.lines, 2 + 30_000);
    assert.match(r.tail, /\[depth 29999\] op9\n$/);
    assert.ok(r.longestLine < 200, `longest line ${r.longestLine} characters`);
  });

  it('a 100k-deep chain (text): prints, and the child stays far below the old 3.7 GB (under 1.5 GB RSS)', async () => {
    const r = await runChild(['trace', files['chain100k']!]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.lines, 2 + 100_000);
    assert.match(r.tail, /\[depth 99999\] op9\n$/);
    assert.ok(r.maxRssBytes < 1.5 * 1024 * MiB, `peak RSS ${Math.round(r.maxRssBytes / MiB)} MiB`);
    console.log(`      (100k-deep chain, text: ${Math.round(r.bytes / MiB)} MiB printed, peak RSS ${Math.round(r.maxRssBytes / MiB)} MiB)`);
  });

  it('a 100k-deep chain (--json): streamed, valid JSON with every span', async () => {
    const r = await runChild(['trace', files['chain100k']!, '--json'], { keep: true });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout!) as { traces: { spans: { spanId: string; parentSpanId: string | null }[] }[] };
    assert.equal(doc.traces.length, 1);
    assert.equal(doc.traces[0]!.spans.length, 100_000);
    assert.equal(doc.traces[0]!.spans[99_999]!.parentSpanId, (99_999).toString(16).padStart(16, '0'));
    assert.ok(r.maxRssBytes < 1.5 * 1024 * MiB, `peak RSS ${Math.round(r.maxRssBytes / MiB)} MiB`);
  });

  it('a reader that stops early (| head): exit 0, nothing on stderr, no EPIPE crash', async () => {
    for (const args of [['trace', files['flat20k']!], ['trace', files['flat20k']!, '--json']]) {
      const r = await runChild(args, { stopAfterBytes: 1 });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
    }
  });
});

describe('CLI output streaming', () => {
  it('writeLines waits for the reader: never more than a chunk or two buffered, whatever the output size', async () => {
    let maxBuffered = 0;
    let received = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, done): void {
        received += chunk.length;
        setImmediate(done);
      },
    });
    const writer = streamWriter(slow);
    const io = {
      out: (): void => assert.fail('out() is not used when write() exists'),
      write: async (text: string): Promise<void> => {
        await writer.write(text);
        maxBuffered = Math.max(maxBuffered, slow.writableLength);
      },
    };
    let produced = 0;
    function* lines(): Generator<string> {
      for (let i = 0; i < 200_000; i++) {
        produced++;
        yield `line ${i} ${'x'.repeat(40)}`;
      }
    }
    await writeLines(io, lines());
    await new Promise<void>((resolve) => slow.end(resolve));
    assert.equal(produced, 200_000);
    assert.ok(received > 9 * MiB, `${received} bytes written`);
    assert.ok(maxBuffered <= 2 * OUTPUT_CHUNK_CHARS + 16 * 1024, `at most ${maxBuffered} bytes were waiting`);
  });

  it('a closed reader (EPIPE) rejects with OutputClosedError instead of an unhandled error event', async () => {
    const broken = new Writable({
      write(_chunk, _enc, done): void {
        const e = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
        done(e);
      },
    });
    const writer = streamWriter(broken);
    writer.writeNow('first\n'); // fails asynchronously: the listener keeps it from crashing the process
    await new Promise((r) => setImmediate(r));
    await assert.rejects(writer.write('more\n'), OutputClosedError);
  });

  it('without io.write (test captures) each line goes to out()', async () => {
    const got: string[] = [];
    await writeLines({ out: (t) => got.push(t) }, ['a', '', 'b']);
    assert.deepEqual(got, ['a', '', 'b']);
  });
});

describe('trace text and JSON output', () => {
  for (const rel of traceFixtureFiles()) {
    it(`--json of ${rel} is exactly JSON.stringify(document, null, 2)`, () => {
      const traces = parseTraceDocument(readFixture(rel), rel);
      const expected = JSON.stringify({ traces: traces.map((t) => ({ traceId: t.traceId, spans: t.spans.map(spanJson), warnings: t.warnings })) }, null, 2);
      assert.equal([...tracesJsonLines(traces)].join('\n'), expected);
    });
  }

  it('--json of no traces and of a trace without warnings', () => {
    assert.equal([...tracesJsonLines([])].join('\n'), JSON.stringify({ traces: [] }, null, 2));
    const t = buildTrace([{ id: 'a', start: 0, duration: 1 }]);
    const expected = JSON.stringify({ traces: [{ traceId: t.traceId, spans: t.spans.map(spanJson), warnings: [] }] }, null, 2);
    assert.equal([...tracesJsonLines([t])].join('\n'), expected);
  });

  it('indentation is drawn up to MAX_DRAWN_DEPTH levels, deeper spans show their depth', () => {
    assert.equal(indentedName('op', 2), '    op');
    assert.equal(indentedName('op', MAX_DRAWN_DEPTH), `${'  '.repeat(MAX_DRAWN_DEPTH)}op`);
    assert.equal(indentedName('op', MAX_DRAWN_DEPTH + 1), `${'  '.repeat(MAX_DRAWN_DEPTH)}[depth ${MAX_DRAWN_DEPTH + 1}] op`);
    assert.equal(indentedName('op', 1_000_000).length, 2 * MAX_DRAWN_DEPTH + '[depth 1000000] op'.length);
  });

  it('span names and services with escape sequences are shown escaped', () => {
    const t = buildTrace([{ id: 'a', name: 'evil\u001b[2J\u202e', service: 'svc\u0007', start: 0, duration: 1 }]);
    const text = [...traceTextLines(t)].join('\n');
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u202e]/);
    assert.match(text, /evil\\u001b\[2J\\u202e/);
    assert.match(text, /svc\\u0007/);
  });

  it('tree order: depth-first, children by start, orphans as roots, every span exactly once (also with a parent loop)', () => {
    const t = buildTrace([
      { id: 'root', start: 0, duration: 100 },
      { id: 'b', parent: 'root', start: 20, duration: 5 },
      { id: 'a', parent: 'root', start: 10, duration: 5 },
      { id: 'a1', parent: 'a', start: 11, duration: 1 },
      { id: 'orphan', parent: 'missing', start: 30, duration: 1 },
      // A loop that assembleTrace would have broken: x → y → x.
      { id: 'x', parent: 'y', start: 40, duration: 1 },
      { id: 'y', parent: 'x', start: 41, duration: 1 },
    ]);
    const { order, depth } = treeOrder(t);
    const walk = [...order].map((i, k) => `${t.spans[i]!.spanId}:${depth[k]}`);
    assert.deepEqual(walk, ['root:0', 'a:1', 'a1:2', 'b:1', 'orphan:0', 'x:0', 'y:1']);
  });
});
