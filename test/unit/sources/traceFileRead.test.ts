import * as assert from 'node:assert/strict';
import { constants as bufferConstants } from 'node:buffer';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_TRACE_FILE_BYTES, formatBytes, readTraceFileText, readTraceFileTextSync } from '../../../src/core/sources/traceFileRead';
import { FileTraceSource } from '../../../src/core/sources/fileSource';
import { SpanLensError } from '../../../src/core/errors';
import { runCli } from '../../../src/cli/main';
import { readFixture } from '../../support/fixtures';

/**
 * Bytes this process read through read(2) and friends while `fn` ran, from Linux's /proc/self/io (`rchar`): proof that
 * a file was refused from its stat alone, without timing anything. Undefined where /proc/self/io does not exist.
 */
async function bytesReadDuring(fn: () => unknown): Promise<{ bytes: number | undefined; error: unknown }> {
  const rchar = (): number | undefined => {
    try {
      return Number(/rchar:\s*(\d+)/.exec(fs.readFileSync('/proc/self/io', 'utf8'))?.[1]);
    } catch {
      return undefined;
    }
  };
  const before = rchar();
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  const after = rchar();
  return { bytes: before === undefined || after === undefined ? undefined : after - before, error };
}

const ONE_GIB = 1024 * 1024 * 1024;
const SIZE_MESSAGE = /huge\.json is 1 GiB; Span Lens reads trace files up to 256 MiB\. Split it, or export fewer traces per file\.$/;

describe('trace files: the size is checked before a byte is read', () => {
  let dir: string;
  let huge: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-size-'));
    huge = path.join(dir, 'huge.json');
    // Sparse: 1 GiB long, no disk used. Reading it whole would take a second and end in a V8 string-length error.
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, ONE_GIB);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function assertTooLarge(result: { bytes: number | undefined; error: unknown }): void {
    assert.ok(result.error instanceof SpanLensError, `a SpanLensError, got ${String(result.error)}`);
    assert.equal(result.error.kind, 'too-large');
    assert.match(result.error.message, SIZE_MESSAGE);
    if (result.bytes !== undefined) assert.ok(result.bytes < 1024 * 1024, `read ${result.bytes} bytes of a file refused by its size`);
  }

  it('the limit is a constant that one JS string can hold (the old 512 MiB could not: 2^29 − 24 characters)', () => {
    assert.equal(MAX_TRACE_FILE_BYTES, 256 * 1024 * 1024);
    assert.ok(MAX_TRACE_FILE_BYTES < bufferConstants.MAX_STRING_LENGTH);
    assert.equal(formatBytes(MAX_TRACE_FILE_BYTES), '256 MiB');
    assert.equal(formatBytes(1.25 * ONE_GIB), '1.3 GiB');
  });

  it('readTraceFileTextSync (the CLI): a sparse 1 GiB file is refused from its size, without reading it', async () => {
    assertTooLarge(await bytesReadDuring(() => readTraceFileTextSync(huge)));
  });

  it('readTraceFileText (the extension, the file source): the same', async () => {
    assertTooLarge(await bytesReadDuring(() => readTraceFileText(huge)));
    assertTooLarge(await bytesReadDuring(() => new FileTraceSource({ paths: [huge] }).services()));
  });

  it('spanlens trace / export / analyze FILE: exit 1 with the size message, nothing read', async () => {
    for (const command of [['trace'], ['export', '--html', path.join(dir, 'out.html')], ['analyze']]) {
      const err: string[] = [];
      let code = -1;
      const result = await bytesReadDuring(async () => {
        code = await runCli([command[0]!, huge, ...command.slice(1)], { out: () => undefined, err: (t) => err.push(t) });
      });
      assert.equal(code, 1, err.join('\n'));
      assert.match(err.join('\n'), new RegExp(`^spanlens ${command[0]}: .*${SIZE_MESSAGE.source}`));
      if (result.bytes !== undefined) assert.ok(result.bytes < 1024 * 1024, `${command[0]} read ${result.bytes} bytes`);
    }
  });

  it('a file at the limit is read; one byte over is refused', async () => {
    const file = path.join(dir, 'edge.json');
    const text = readFixture('zipkin/skew.zipkin2.json');
    fs.writeFileSync(file, text);
    const size = fs.statSync(file).size;
    assert.equal(readTraceFileTextSync(file, size), text);
    assert.equal(await readTraceFileText(file, size), text);
    assert.throws(() => readTraceFileTextSync(file, size - 1), (e: unknown) => e instanceof SpanLensError && e.kind === 'too-large');
    await assert.rejects(readTraceFileText(file, size - 1), (e: unknown) => e instanceof SpanLensError && e.kind === 'too-large');
  });

  it('reads what readFileSync reads: BOM, multi-byte UTF-8, an empty file', async () => {
    const file = path.join(dir, 'utf8.json');
    const text = `\ufeff${'{"name":"Größe 商品 🚀"}\n'.repeat(100_000)}`;
    fs.writeFileSync(file, text);
    assert.equal(readTraceFileTextSync(file), text);
    assert.equal(await readTraceFileText(file), text);
    const empty = path.join(dir, 'empty.json');
    fs.writeFileSync(empty, '');
    assert.equal(readTraceFileTextSync(empty), '');
    assert.equal(await readTraceFileText(empty), '');
  });

  it('a missing file and a folder get their own messages', async () => {
    assert.throws(() => readTraceFileTextSync(path.join(dir, 'nope.json')), (e: unknown) => e instanceof SpanLensError && e.kind === 'not-found' && /nope\.json does not exist/.test(e.message));
    assert.throws(() => readTraceFileTextSync(dir), (e: unknown) => e instanceof SpanLensError && / is a folder, not a trace file\./.test(e.message));
    await assert.rejects(readTraceFileText(dir), (e: unknown) => e instanceof SpanLensError && / is a folder, not a trace file\./.test(e.message));
  });
});
