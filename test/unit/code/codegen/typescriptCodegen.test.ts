// The TypeScript/JavaScript escaping helpers, checked with the TypeScript parser: every hostile value stays one
// literal (reading back as itself) or one comment, and an identifier made from it is one identifier.
import * as assert from 'node:assert/strict';
import { ts } from 'ts-morph';
import { tsCommentText, tsIdentifier, tsNumberLiteral, tsStringLiteral, tsTemplateText } from '../../../../src/core/code/codegen/typescript';
import { jsonStringLiteral } from '../../../../src/core/code/codegen/json';
import { hostileNames, label, rawUnsafeCharacters, sentinel } from '../../../support/hostileText';

function parse(text: string, fileName = 'gen.ts'): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function diagnostics(sf: ts.SourceFile): string[] {
  return ((sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

function identifiers(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) out.push(n.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('TypeScript code generation helpers', () => {
  for (const name of hostileNames) {
    it(`keeps ${label(name)} in its literal, comment or identifier`, () => {
      const id = tsIdentifier(name);
      const text = [
        `const single = ${tsStringLiteral(name, "'")};`,
        `const double = ${tsStringLiteral(name, '"')};`,
        `const backtick = ${tsStringLiteral(name, '`')};`,
        `const template = \`<\${single}>${tsTemplateText(name)}<\${double}>\`;`,
        `// ${tsCommentText(name)}`,
        `/* ${tsCommentText(name, 'block')} */`,
        `/** ${tsCommentText(name, 'block')} */`,
        `{ const ${id} = 1; }`,
        `const json = ${jsonStringLiteral(name)};`,
        '',
      ].join('\n');
      assert.deepEqual(rawUnsafeCharacters(text), [], 'no raw control, separator, bidi or surrogate characters');
      const sf = parse(text);
      assert.deepEqual(diagnostics(sf), []);
      assert.equal(sf.statements.length, 6, 'no statement was added');
      const values = new Map<string, ts.Expression>();
      for (const s of sf.statements) {
        if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) values.set((d.name as ts.Identifier).text, d.initializer!);
      }
      for (const key of ['single', 'double', 'backtick', 'json']) {
        const lit = values.get(key)!;
        assert.ok(ts.isStringLiteral(lit) || ts.isNoSubstitutionTemplateLiteral(lit), `${key} is one literal`);
        assert.equal((lit as ts.StringLiteralLike).text, name, `${key} reads back as the input`);
      }
      const template = values.get('template')!;
      assert.ok(ts.isTemplateExpression(template));
      assert.equal(template.templateSpans[0]!.literal.text, `>${name}<`);
      const block = sf.statements[4]!;
      assert.ok(ts.isBlock(block));
      const decl = (block.statements[0] as ts.VariableStatement).declarationList.declarations[0]!;
      assert.equal((decl.name as ts.Identifier).text, id);
      assert.ok(!identifiers(sf).some((n) => n === sentinel || n === 'globalThis'), 'the sentinel is no identifier');
      // Comments: the line comment and both block comments are each one comment.
      const comments = (ts.getLeadingCommentRanges(text, block.getFullStart()) ?? []).length;
      assert.equal(comments, 3);
    });
  }

  it('makes identifiers that parse, avoid reserved words and fall back when nothing is left', () => {
    assert.equal(tsIdentifier('orders-api'), 'orders_api');
    assert.equal(tsIdentifier('1st'), '_1st');
    assert.equal(tsIdentifier('class'), 'class_');
    assert.equal(tsIdentifier('await'), 'await_');
    assert.equal(tsIdentifier('$dollar'), '$dollar');
    assert.equal(tsIdentifier('naïve'), 'naïve');
    assert.equal(tsIdentifier('!!!', 'svc'), 'svc');
    assert.equal(tsIdentifier(''), 'value');
    for (const name of ['a', 'ü', '中文', 'x\u200dy', 'a\u0301']) {
      const id = tsIdentifier(name);
      const sf = parse(`const ${id} = 1;`);
      assert.deepEqual(diagnostics(sf), [], id);
    }
  });

  it('writes numbers only when they are finite', () => {
    assert.equal(tsNumberLiteral(0.5), '0.5');
    assert.equal(tsNumberLiteral(1e-7), '1e-7');
    assert.equal(tsNumberLiteral(-0), '0');
    assert.throws(() => tsNumberLiteral(Number.NaN), /finite/);
    assert.throws(() => tsNumberLiteral(Number.POSITIVE_INFINITY), /finite/);
    assert.throws(() => tsNumberLiteral('1); evil(' as unknown as number), /finite/);
  });

  it('escapes what a plain literal needs and leaves the rest readable', () => {
    assert.equal(tsStringLiteral("it's"), "'it\\'s'");
    assert.equal(tsStringLiteral('a\nb\u2028'), "'a\\nb\\u2028'");
    assert.equal(tsStringLiteral('\u00001'), "'\\x001'", 'NUL before a digit is no octal escape');
    assert.equal(tsStringLiteral('grüße'), "'grüße'");
    assert.equal(tsCommentText('a\nb */ c', 'block'), 'a\\nb * / c');
    assert.equal(tsTemplateText('${x} $y `'), '\\${x} $y \\`');
  });
});
