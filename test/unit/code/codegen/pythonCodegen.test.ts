// The Python escaping helpers, checked with Python's own parser (ast.parse over the file's bytes, so an encoding
// declaration in a comment would take effect): each hostile value is one str literal that reads back as itself,
// comments add no statement, identifiers are identifiers.
import * as assert from 'node:assert/strict';
import { pyCommentText, pyIdentifier, pyStringLiteral } from '../../../../src/core/code/codegen/python';
import { hostileNames, rawUnsafeCharacters, sentinel } from '../../../support/hostileText';
import { hasTool, runTool } from '../../../support/languageTools';

const checker = String.raw`
import ast, base64, json, sys
out = []
for src in json.load(sys.stdin):
    try:
        tree = ast.parse(base64.b64decode(src))
    except SyntaxError as e:
        out.append({"error": str(e)})
        continue
    values = [s.value.value for s in tree.body if isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str)]
    names = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]
    out.append({"statements": len(tree.body), "values": values, "names": names})
json.dump(out, sys.stdout)
`;

interface Checked {
  readonly error?: string;
  readonly statements?: number;
  readonly values?: string[];
  readonly names?: string[];
}

function program(name: string): string {
  // The comment goes on the first two lines too, where PEP 263 reads an encoding declaration.
  return [
    `# ${pyCommentText(name)}`,
    `# ${pyCommentText(name)}`,
    `single = ${pyStringLiteral(name, "'")}`,
    `double = ${pyStringLiteral(name, '"')}`,
    `${pyIdentifier(name)} = 0`,
    `x = 1  # ${pyCommentText(name)}`,
    '',
  ].join('\n');
}

describe('Python code generation helpers', function () {
  this.timeout(60_000);

  before(function () {
    if (!hasTool('python3')) this.skip();
  });

  it('keeps every hostile name in one literal or comment, reading back as itself (ast.parse)', () => {
    const sources = hostileNames.map(program);
    for (const s of sources) assert.deepEqual(rawUnsafeCharacters(s), []);
    const r = runTool('python3', ['-c', checker], { input: JSON.stringify(sources.map((s) => Buffer.from(s, 'utf8').toString('base64'))) });
    assert.equal(r.status, 0, r.stderr);
    const results = JSON.parse(r.stdout) as Checked[];
    results.forEach((res, i) => {
      const name = hostileNames[i]!;
      assert.equal(res.error, undefined, `${JSON.stringify(name.slice(0, 60))}: ${res.error}`);
      assert.equal(res.statements, 4, 'no statement added');
      assert.deepEqual(res.values, [name, name]);
      assert.deepEqual(res.names, ['single', 'double', pyIdentifier(name), 'x']);
      assert.ok(!res.names!.includes(sentinel));
    });
  });

  it('breaks up an encoding declaration in a comment', () => {
    assert.equal(pyCommentText('vim: set fileencoding=utf-7 coding:latin-1'), 'vim: set fileencoding =utf-7 coding :latin-1');
  });

  it('makes identifiers that avoid keywords and fall back when nothing is left', () => {
    assert.equal(pyIdentifier('orders-api'), 'orders_api');
    assert.equal(pyIdentifier('None'), 'None_');
    assert.equal(pyIdentifier('lambda'), 'lambda_');
    assert.equal(pyIdentifier('9lives'), '_9lives');
    assert.equal(pyIdentifier('', 'svc'), 'svc');
    assert.equal(pyIdentifier('$x'), '_x');
  });
});
