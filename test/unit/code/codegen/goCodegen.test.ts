// The Go escaping helpers, checked by compiling and running the generated program with Go itself: each hostile
// value is one string literal that reads back as itself (a lone surrogate as U+FFFD), comments hold no code,
// identifiers are identifiers.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { goCommentText, goIdentifier, goStringLiteral } from '../../../../src/core/code/codegen/go';
import { hostileNames, rawUnsafeCharacters } from '../../../support/hostileText';
import { codeUnits, hasTool, runTool } from '../../../support/languageTools';

function program(names: readonly string[]): string {
  const lines = ['package main', '', 'import "fmt"', ''];
  names.forEach((name, i) => {
    lines.push(`// ${goCommentText(name)}`, `/* ${goCommentText(name, 'block')} */`, `var v${i} = ${goStringLiteral(name)} // ${goCommentText(name)}`);
    lines.push(`func f${i}() int { ${goIdentifier(name)} := ${i}; return ${goIdentifier(name)} }`, '');
  });
  lines.push('func main() {');
  names.forEach((_, i) => lines.push(`\tfor _, u := range utf16Units(v${i}) { fmt.Printf("%04x", u) }`, `\tfmt.Println()`, `\t_ = f${i}()`));
  lines.push('}', '');
  lines.push(
    'func utf16Units(s string) []uint16 {',
    '\tvar out []uint16',
    '\tfor _, r := range s {',
    '\t\tif r >= 0x10000 { r -= 0x10000; out = append(out, uint16(0xd800+(r>>10)), uint16(0xdc00+(r&0x3ff))) } else { out = append(out, uint16(r)) }',
    '\t}',
    '\treturn out',
    '}',
    '',
  );
  return lines.join('\n');
}

describe('Go code generation helpers', function () {
  this.timeout(180_000);
  let dir: string;

  before(function () {
    if (!hasTool('go')) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-go-'));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every hostile name in one literal or comment, reading back as itself (gofmt, go run)', () => {
    const source = program(hostileNames);
    assert.deepEqual(rawUnsafeCharacters(source), []);
    const file = path.join(dir, 'main.go');
    fs.writeFileSync(file, source);
    // The default build cache is kept: a fresh one would compile the standard library each run.
    const env = { GOTOOLCHAIN: 'local', GO111MODULE: 'off' };
    const fmt = runTool('gofmt', ['-e', '-l', file], { env });
    assert.equal(fmt.status, 0, fmt.stderr);
    const run = runTool('go', ['run', file], { cwd: dir, env });
    assert.equal(run.status, 0, run.stderr.slice(0, 2000));
    const lines = run.stdout.split('\n');
    hostileNames.forEach((name, i) => {
      const expected = name.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
      assert.equal(lines[i], codeUnits(expected), `value ${i} ${JSON.stringify(name.slice(0, 40))}`);
    });
  });

  it('makes identifiers that avoid keywords and fall back when nothing is left', () => {
    assert.equal(goIdentifier('orders-api'), 'orders_api');
    assert.equal(goIdentifier('func'), 'func_');
    assert.equal(goIdentifier('_'), 'value');
    assert.equal(goIdentifier('2x'), '_2x');
    assert.equal(goIdentifier('$x'), '_x');
  });
});
