// The Java escaping helpers, checked by compiling (javac) and running the generated class: each hostile value is
// one string literal that reads back as itself, comments hold no code (not even through a \u000a escape, which
// Java decodes before anything else), identifiers are identifiers.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { javaCommentText, javaIdentifier, javaMaxConstantBytes, javaStringLiteral } from '../../../../src/core/code/codegen/java';
import { hostileNames, rawUnsafeCharacters } from '../../../support/hostileText';
import { codeUnits, hasTool, runTool } from '../../../support/languageTools';

/** The 100k-character name exceeds a class-file constant; the refusal is tested on its own below. */
const names = hostileNames.filter((n) => n.length < 20_000);

function program(): string {
  const lines = ['public class Hostile {'];
  names.forEach((name, i) => {
    lines.push(`  // ${javaCommentText(name)}`, `  /* ${javaCommentText(name, 'block')} */`, `  /** ${javaCommentText(name, 'block')} */`);
    lines.push(`  static final String v${i} = ${javaStringLiteral(name)}; // ${javaCommentText(name)}`);
    lines.push(`  static int f${i}() { int ${javaIdentifier(name)} = ${i}; return ${javaIdentifier(name)}; }`);
  });
  lines.push('  static void print(String s) { StringBuilder b = new StringBuilder(); for (char c : s.toCharArray()) b.append(String.format("%04x", (int) c)); System.out.println(b); }');
  lines.push('  public static void main(String[] args) {');
  names.forEach((_, i) => lines.push(`    print(v${i}); f${i}();`));
  lines.push('  }', '}', '');
  return lines.join('\n');
}

describe('Java code generation helpers', function () {
  this.timeout(180_000);
  let dir: string;

  before(function () {
    if (!hasTool('javac') || !hasTool('java')) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-java-'));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every hostile name in one literal or comment, reading back as itself (javac, java)', () => {
    const source = program();
    assert.deepEqual(rawUnsafeCharacters(source), []);
    fs.writeFileSync(path.join(dir, 'Hostile.java'), source);
    const compiled = runTool('javac', ['-encoding', 'UTF-8', '-Xlint:none', '-d', dir, path.join(dir, 'Hostile.java')]);
    assert.equal(compiled.status, 0, compiled.stderr.slice(0, 3000));
    const run = runTool('java', ['-cp', dir, 'Hostile']);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.split('\n');
    names.forEach((name, i) => assert.equal(lines[i], codeUnits(name), `value ${i} ${JSON.stringify(name.slice(0, 40))}`));
  });

  it('refuses a string longer than a class-file constant, saying so', () => {
    assert.throws(() => javaStringLiteral('x'.repeat(javaMaxConstantBytes + 1)), /at most 65535 bytes/);
    assert.equal(javaStringLiteral('x'.repeat(100)).length, 102);
  });

  it('makes identifiers that avoid keywords and fall back when nothing is left', () => {
    assert.equal(javaIdentifier('orders-api'), 'orders_api');
    assert.equal(javaIdentifier('class'), 'class_');
    assert.equal(javaIdentifier('var'), 'var_');
    assert.equal(javaIdentifier('_'), 'value');
    assert.equal(javaIdentifier('1x'), '_1x');
    assert.equal(javaIdentifier('$x'), '$x');
  });
});
