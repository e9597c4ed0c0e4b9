// A rewrite writes back the bytes it read wherever the fix did not change the text: Latin-1 (windows-1252), UTF-8
// with a BOM and UTF-16 files keep their encoding and their untouched bytes; a file that cannot be read back byte
// for byte is refused with a message and left alone.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeSource, encodeSource } from '../../../src/core/files/sourceEncoding';
import { runCli } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';

const source = [
  // SpanStatusCode imported already, so wrapping `total` is one edit, inside that function.
  "import { SpanStatusCode, trace } from '@opentelemetry/api';",
  '',
  "const tracer = trace.getTracer('café');",
  '',
  '// Grüße aus Köln — “quoted” (windows-1252 quotes), €5',
  'export function total(prices: number[]): number {',
  '  return prices.reduce((a, b) => a + b, 0);',
  '}',
  '',
  'export function label(): string {',
  '  void SpanStatusCode;',
  "  return 'Crème brûlée, naïve, Ü';",
  '}',
  '',
].join('\n');
const fixLine = 6;

function latin1(text: string): Buffer {
  return encodeSource(text, 'windows-1252', 'test');
}

/** Length of the common start and the common end of two byte strings. */
function commonEnds(a: Buffer, b: Buffer): { prefix: number; suffix: number } {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  return { prefix, suffix };
}

/** Asserts that every byte of `before` outside one changed stretch is in `after`, unchanged, around the change. */
function assertOnlyTheEditChanged(before: Buffer, after: Buffer, editedLines: RegExp): void {
  const { prefix, suffix } = commonEnds(before, after);
  const changedBefore = before.subarray(prefix, before.length - suffix).toString('latin1');
  // What the fix replaced is ASCII code of the wrapped function: every non-ASCII byte lies outside it.
  assert.ok(!/[^\x00-\x7f]/.test(changedBefore), `the changed stretch holds only the edited code: ${JSON.stringify(changedBefore.slice(0, 200))}`);
  assert.match(after.subarray(prefix, after.length - suffix).toString('latin1'), editedLines);
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') };
  const code = await runCli(args, io, new AbortController().signal);
  return { code, out, err };
}

describe('source encodings', () => {
  it('reads UTF-8, UTF-8 with BOM, UTF-16 LE/BE with BOM and windows-1252, and encodes each back to the same bytes', () => {
    const text = 'const s = "Grüße €";\n';
    const cases: Array<[string, Buffer]> = [
      ['utf-8', Buffer.from(text, 'utf8')],
      ['utf-8-bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
      ['utf-16le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
      ['utf-16be', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
      ['windows-1252', Buffer.from([...Buffer.from('const s = "Gr'), 0xfc, 0xdf, 0x65, 0x20, 0x80, ...Buffer.from('";\n')])],
    ];
    for (const [encoding, bytes] of cases) {
      const decoded = decodeSource(bytes, 'x.ts');
      assert.equal(decoded.encoding, encoding);
      assert.equal(decoded.text, text, encoding);
      assert.ok(encodeSource(decoded.text, decoded.encoding, 'x.ts').equals(bytes), encoding);
    }
  });

  it('refuses bytes that are neither UTF-8 nor windows-1252 (Shift-JIS), a NUL in non-UTF-8 bytes and an odd UTF-16 length', () => {
    assert.throws(() => decodeSource(Buffer.from([0x2f, 0x2f, 0x20, 0x81, 0x40, 0x0a]), 'sjis.ts'), /sjis\.ts is not text Span Lens can rewrite byte for byte \(byte 0x81 at offset 3/);
    assert.throws(() => decodeSource(Buffer.from([0x61, 0x00, 0xe9, 0x00]), 'u16.ts'), /NUL byte at offset 1/);
    assert.throws(() => decodeSource(Buffer.from([0xff, 0xfe, 0x61]), 'odd.ts'), /odd number of bytes/);
    assert.throws(() => decodeSource(Buffer.from([0xef, 0xbb, 0xbf, 0xe9]), 'bom.ts'), /byte-order mark followed by bytes that are not UTF-8/);
  });

  it('refuses to write a character windows-1252 cannot hold', () => {
    assert.throws(() => encodeSource("getTracer('中文')", 'windows-1252', 'a.ts'), /a\.ts is windows-1252 \(Latin-1\) text, which cannot hold the character '中' \(U\+4E2D\)/);
  });
});

describe('fix --write and lint --fix keep the file encoding and the untouched bytes', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-enc-'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'shop', dependencies: { '@opentelemetry/api': '1.9.0' } }));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('Latin-1: é/ü bytes in lines the fix never touched are written back as they were (no U+FFFD)', async () => {
    const file = path.join(dir, 'latin1.ts');
    const before = latin1(source);
    fs.writeFileSync(file, before);
    const r = await cli(['fix', file, '--line', String(fixLine), '--fix', 'add-span', '--write']);
    assert.equal(r.code, 0, r.err);
    const after = fs.readFileSync(file);
    assert.ok(!after.includes(Buffer.from([0xef, 0xbf, 0xbd])), 'no U+FFFD written');
    assert.equal(decodeSource(after, file).encoding, 'windows-1252');
    assert.match(decodeSource(after, file).text, /Grüße aus Köln — “quoted”/);
    assertOnlyTheEditChanged(before, after, /startActiveSpan\('total'/);
  });

  it('Latin-1: lint --fix too', async () => {
    const file = path.join(dir, 'latin1.ts');
    const text = source.replace("  return 'Crème brûlée, naïve, Ü';", "  const span = tracer.startSpan('label');\n  span.setAttribute('http.method', 'GET');\n  span.end();\n  return 'Crème brûlée, naïve, Ü';");
    const before = latin1(text);
    fs.writeFileSync(file, before);
    const r = await cli(['lint', file, '--fix']);
    assert.match(r.out, /1 fix applied in 1 file/);
    const after = fs.readFileSync(file);
    assert.equal(after.length, before.length + 'http.request.method'.length - 'http.method'.length);
    assert.match(decodeSource(after, file).text, /Crème brûlée, naïve, Ü/);
    assertOnlyTheEditChanged(before, after, /^request\.$/);
  });

  it('UTF-8 with BOM: the BOM stays and untouched bytes are identical', async () => {
    const file = path.join(dir, 'bom.ts');
    const before = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(source, 'utf8')]);
    fs.writeFileSync(file, before);
    const r = await cli(['fix', file, '--line', String(fixLine), '--fix', 'add-span', '--write']);
    assert.equal(r.code, 0, r.err);
    const after = fs.readFileSync(file);
    assert.deepEqual([...after.subarray(0, 4)], [0xef, 0xbb, 0xbf, 0x69], 'one BOM, then the code');
    const { prefix, suffix } = commonEnds(before, after);
    assert.ok(prefix > Buffer.byteLength(source.slice(0, source.indexOf('export function total')), 'utf8'), 'everything before the function is identical');
    assert.ok(suffix >= Buffer.byteLength(source.slice(source.indexOf('\n}\n', source.indexOf('export function total')) + 3), 'utf8'), 'everything after it too');
  });

  it('UTF-8 with BOM: the BOM stays first when the fix adds the first import at the top of the file', async () => {
    // Read as a string with the BOM in it, the old code inserted the import before U+FEFF: a BOM mid-file.
    const file = path.join(dir, 'bom-top.ts');
    const body = 'export function total(prices: number[]): number {\n  return prices.reduce((a, b) => a + b, 0);\n}\n';
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, 'utf8')]));
    const r = await cli(['fix', file, '--line', '1', '--fix', 'add-span', '--write']);
    assert.equal(r.code, 0, r.err);
    const after = fs.readFileSync(file);
    assert.deepEqual([...after.subarray(0, 9)], [0xef, 0xbb, 0xbf, ...Buffer.from('import')], 'the BOM, then the new import');
    assert.equal(after.indexOf(Buffer.from([0xef, 0xbb, 0xbf]), 1), -1, 'no second BOM further down');
    assert.match(after.toString('utf8'), /startActiveSpan\('total'/);
  });

  it('UTF-16 LE: written back as UTF-16 LE with its BOM', async () => {
    const file = path.join(dir, 'u16.ts');
    const before = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(source, 'utf16le')]);
    fs.writeFileSync(file, before);
    const r = await cli(['fix', file, '--line', String(fixLine), '--fix', 'add-span', '--write']);
    assert.equal(r.code, 0, r.err);
    const after = fs.readFileSync(file);
    const decoded = decodeSource(after, file);
    assert.equal(decoded.encoding, 'utf-16le');
    assert.match(decoded.text, /startActiveSpan\('total'/);
    assert.match(decoded.text, /Grüße aus Köln — “quoted” \(windows-1252 quotes\), €5/);
    const { prefix, suffix } = commonEnds(before, after);
    assert.ok(prefix >= 2 + 2 * source.indexOf('export function total'));
    assert.ok(suffix >= 2 * source.slice(source.indexOf('export function label')).length);
  });

  it('a file that does not round-trip (Shift-JIS) is refused by fix --write and lint --fix, and left unchanged', async () => {
    const file = path.join(dir, 'sjis.ts');
    // "// 注文" in Shift-JIS (0x92 0x8D 0x95 0xB6: 0x8D is undefined in windows-1252), then a fixable function.
    const before = Buffer.concat([Buffer.from([0x2f, 0x2f, 0x20, 0x92, 0x8d, 0x95, 0xb6, 0x0a]), Buffer.from(source.replace(/[^\x00-\x7f]/g, '?'), 'utf8')]);
    fs.writeFileSync(file, before);
    const fixed = await cli(['fix', file, '--line', String(fixLine + 1), '--fix', 'add-span', '--write']);
    assert.equal(fixed.code, 1);
    assert.match(fixed.err, /sjis\.ts is not text Span Lens can rewrite byte for byte \(byte 0x8D at offset 4 is neither UTF-8 nor windows-1252\).*Convert the file to UTF-8/);
    const linted = await cli(['lint', file, '--fix']);
    assert.equal(linted.code, 1);
    assert.match(linted.err, /not fixing .*sjis\.ts: .*not text Span Lens can rewrite/);
    assert.match(linted.out, /1 file not fixed/);
    assert.ok(fs.readFileSync(file).equals(before), 'unchanged');
  });

  it('refuses a fix that adds a character the Latin-1 file cannot hold, leaving the file', async () => {
    const file = path.join(dir, 'latin1.ts');
    const text = source.replace("const tracer = trace.getTracer('café');\n", '');
    const before = latin1(text);
    fs.writeFileSync(file, before);
    const r = await cli(['fix', file, '--line', String(fixLine - 1), '--fix', 'add-span', '--tracer-name', '注文', '--write']);
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot hold the character '注' \(U\+6CE8\).*It was left unchanged\./);
    assert.ok(fs.readFileSync(file).equals(before));
  });
});
