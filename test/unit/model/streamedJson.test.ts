import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StreamedJsonError, StreamedJsonParser } from '../../../src/core/model/streamedJson';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import { checkHeapFor, parseTraceFile, parseTraceFileSync } from '../../../src/core/sources/traceFileParse';
import { SpanLensError } from '../../../src/core/errors';
import { fixturePath, fixturesRoot, traceFixtures } from '../../support/fixtures';

function streamed(text: string | Buffer, chunkSize: number): unknown[] {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const parser = new StreamedJsonParser();
  for (let at = 0; at < bytes.length; at += chunkSize) parser.write(Buffer.from(bytes.subarray(at, at + chunkSize)));
  return parser.end();
}

function fixtureFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return fixtureFiles(full);
    return e.name.endsWith('.json') ? [full] : [];
  });
}

const CHUNK_SIZES = [1, 7, 4096, 1 << 20];

describe('streamed JSON parsing of big trace files', () => {
  it('gives what JSON.parse gives for every recorded fixture, whatever the chunk size (one byte included)', () => {
    const files = fixtureFiles(fixturesRoot());
    assert.ok(files.length >= 10, `fixtures found: ${files.length}`);
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      const whole: unknown = JSON.parse(bytes.toString('utf8').replace(/^\ufeff/, ''));
      for (const size of CHUNK_SIZES) assert.deepEqual(streamed(bytes, size), [whole], `${path.basename(file)} in chunks of ${size}`);
    }
  });

  it('keeps brackets, commas, quotes and a key named spans inside strings, escaped keys and multi-byte text intact', () => {
    const doc = {
      data: [
        {
          traceID: 'a',
          spans: [
            { name: 'x [ ] { } , : "spans": [', tags: [{ key: 'spans', value: '], ["' }], emoji: 'Größe 商品 🚀', back: 'c:\\dir\\' },
            { name: 'y', nested: { spans: [1, [2, [3]]] } },
          ],
          processes: { p1: { serviceName: 's', tags: [] } },
          note: 'not an array',
        },
      ],
      total: 0,
    };
    // Keys spelled with escapes are not the key "spans" to the scanner; the value must come out the same anyway.
    const text = JSON.stringify(doc).replace('"note":"not an array"', '"note":"not an array", "sp\\u0061ns": [1,[2]], "spans2": [3]');
    assert.ok(text.includes('"sp\\u0061ns"'));
    for (const size of CHUNK_SIZES) assert.deepEqual(streamed(text, size), [JSON.parse(text)]);
    // A root array (Zipkin), empty arrays, whitespace and a BOM.
    const zipkin = '\ufeff [ {"traceId":"1","id":"2","tags":{"a":"]"}} ,\n {"traceId":"1","id":"3"} ]\n';
    assert.deepEqual(streamed(zipkin, 3), [JSON.parse(zipkin.slice(1))]);
    assert.deepEqual(streamed('{"spans":[],"data":[ ]}', 2), [{ spans: [], data: [] }]);
  });

  it('cuts a span array of many MiB into batches and still gives every element, in order', () => {
    const spans = Array.from({ length: 60_000 }, (_, i) => ({ spanID: i.toString(16), operationName: `op ${i} ${'x'.repeat(100)}`, tags: [] }));
    const text = JSON.stringify({ data: [{ traceID: 't', spans, processes: {} }] });
    assert.ok(text.length > 8 * 1024 * 1024, 'more than two batches');
    const [value] = streamed(text, 1 << 20) as [{ data: [{ spans: typeof spans }] }];
    assert.equal(value.data[0].spans.length, spans.length);
    assert.deepEqual(value.data[0].spans[59_999], spans[59_999]);
    assert.deepEqual(value, JSON.parse(text));
  });

  it('JSON lines: one value per document', () => {
    const lines = '{"resourceSpans":[]}\n{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"1"}]}]}]}\n\n[{"traceId":"1","id":"2"}]\n';
    for (const size of CHUNK_SIZES) {
      assert.deepEqual(
        streamed(lines, size),
        lines.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown),
      );
    }
  });

  it('a truncated document, a bad value inside a span array and a stray bracket are errors with a place', () => {
    const good = JSON.stringify({ data: [{ traceID: 't', spans: [{ a: 1 }, { b: 2 }], processes: {} }] });
    assert.throws(() => streamed(good.slice(0, -5), 4), (e: unknown) => e instanceof StreamedJsonError && e.truncated);
    const bad = good.replace('{"b":2}', '{"b":2x}');
    assert.throws(
      () => streamed(bad, 5),
      (e: unknown) => e instanceof StreamedJsonError && !e.truncated && e.byteOffset >= bad.indexOf('{"a"') && e.byteOffset <= bad.indexOf('2x') + 2,
    );
    assert.throws(() => streamed('{"a":1]]', 2), (e: unknown) => e instanceof StreamedJsonError && e.byteOffset === 6);
    assert.throws(() => streamed('{"a":1,}', 2), StreamedJsonError);
  });
});

describe('trace files: parsed whole when small, streamed when big, with the same traces', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-stream-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('every fixture: the streamed file read gives the traces of the text parse (sync and async)', async () => {
    for (const file of traceFixtures().map(fixturePath)) {
      const want = parseTraceDocument(fs.readFileSync(file, 'utf8'), file);
      assert.deepEqual(parseTraceFileSync(file, { streamAbove: 0 }), want, path.basename(file));
      assert.deepEqual(await parseTraceFile(file, { streamAbove: 0 }), want, path.basename(file));
    }
  });

  it('reports progress in bytes and stops when cancelled', async () => {
    const file = path.join(dir, 'spans.json');
    const spans = Array.from({ length: 40_000 }, (_, i) => ({ traceID: 'ab', spanID: (i + 1).toString(16), operationName: `op-${i % 7}`, startTime: 1_700_000_000_000_000 + i, duration: 10, processID: 'p1', references: i ? [{ refType: 'CHILD_OF', traceID: 'ab', spanID: '1' }] : [], tags: [] }));
    fs.writeFileSync(file, JSON.stringify({ data: [{ traceID: 'ab', spans, processes: { p1: { serviceName: 'svc', tags: [] } } }] }));
    const size = fs.statSync(file).size;
    const seen: number[] = [];
    const [trace] = await parseTraceFile(file, { streamAbove: 0, onProgress: (read, total) => (assert.equal(total, size), seen.push(read)) });
    assert.equal(trace!.spans.length, 40_000);
    assert.ok(seen.length >= 2 && seen.at(-1) === size, `progress ${seen.join(', ')}`);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(parseTraceFile(file, { streamAbove: 0, signal: controller.signal }), (e: unknown) => e instanceof SpanLensError && e.kind === 'cancelled');
  });

  it('a truncated big file says it looks truncated; a bad one names the byte', () => {
    const file = path.join(dir, 'cut.json');
    fs.writeFileSync(file, '{"data":[{"traceID":"a","spans":[{"spanID":"1"},{"spanID":"2"');
    assert.throws(() => parseTraceFileSync(file, { streamAbove: 0 }), (e: unknown) => e instanceof SpanLensError && e.kind === 'malformed-file' && /ends too early \(the file looks truncated\)/.test(e.message));
    fs.writeFileSync(file, '{"data":[{"traceID":"a","spans":[{"spanID":"1"},{"spanID":\u001b[31m}]}]}');
    assert.throws(
      () => parseTraceFileSync(file, { streamAbove: 0 }),
      (e: unknown) => e instanceof SpanLensError && /not valid JSON near byte \d+/.test(e.message) && !e.message.includes('\u001b'),
    );
  });

  it('a file whose spans would not fit in the heap is refused with the limit and how to raise it', () => {
    const heap = { heap_size_limit: 4 * 1024 ** 3, used_heap_size: 100 * 1024 ** 2 } as ReturnType<typeof import('node:v8').getHeapStatistics>;
    assert.doesNotThrow(() => checkHeapFor('ok.json', 200 * 1024 ** 2, heap));
    assert.throws(
      () => checkHeapFor('big.json', 900 * 1024 ** 2, heap),
      (e: unknown) =>
        e instanceof SpanLensError && e.kind === 'too-large' && /big\.json is 900 MiB; its spans need about 4\.4 GiB of memory.*heap limit 4 GiB\)\. Run the CLI with NODE_OPTIONS=--max-old-space-size=5120/.test(e.message),
    );
  });
});
