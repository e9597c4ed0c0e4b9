// The remembered parents and types (pythonSyntax's parentOf / typeOf / ancestorsOf) must answer what tree-sitter
// itself does, for every node of the generated benchmark file and a file with broken code, in any order of asking.
import * as assert from 'node:assert/strict';
import { generatePythonFile } from '../../../../../scripts/bench/pythonLenses.bench';
import { ancestorsOf, parentOf, typeOf } from '../../../../../src/core/code/languages/python/pythonSyntax';
import { loadGrammar, withTree, type SyntaxNode } from '../../../../../src/core/code/treeSitter/treeSitterRuntime';

function allNodes(root: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const cursor = root.walk();
  for (;;) {
    out.push(cursor.currentNode);
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        return out;
      }
    }
  }
}

describe('python lenses: remembered parents and types', () => {
  const texts: ReadonlyArray<readonly [string, string]> = [
    ['bench', generatePythonFile(600, 30)],
    ['broken', 'class A:\n    def f(self:\n        with tracer.start_as_current_span("x") as s\n            pass\n@app.get(\n'],
  ];

  it('agree with node.parent, node.type and a walk up, asked bottom-up, then top-down', async () => {
    const grammar = await loadGrammar('python');
    let checked = 0;
    for (const [name, text] of texts) {
      withTree(grammar, text, (tree) => {
        const nodes = allNodes(tree.rootNode);
        const order = [...nodes].reverse().filter((_, i) => i % 3 === 0).concat(nodes);
        for (const n of order) {
          assert.equal(parentOf(n)?.id, n.parent?.id, `${name}: parent of ${n.type} at ${n.startIndex}`);
          assert.equal(typeOf(n), n.type, `${name}: type at ${n.startIndex}`);
          checked++;
        }
        const deepest = nodes[nodes.length - 1]!;
        const walked: string[] = [];
        for (let p = deepest.parent; p; p = p.parent) walked.push(p.type);
        assert.deepEqual([...ancestorsOf(deepest)].map((a) => a.type), walked);
      });
    }
    assert.ok(checked > 5_000, `checked ${checked} nodes`);
  });

  it('keeps one tree’s answers apart from another’s', async () => {
    const grammar = await loadGrammar('python');
    const a = 'def f():\n    x = 1\n';
    const b = 'class B:\n    def g(self):\n        y = 2\n';
    withTree(grammar, a, (ta) => {
      const inA = ta.rootNode.descendantForIndex(a.indexOf('x'))!;
      withTree(grammar, b, (tb) => {
        const inB = tb.rootNode.descendantForIndex(b.indexOf('y'))!;
        assert.deepEqual([...ancestorsOf(inB)].map((n) => n.type).slice(-4), ['function_definition', 'block', 'class_definition', 'module']);
        assert.equal(parentOf(parentOf(inB))?.type, 'expression_statement');
      });
      assert.equal([...ancestorsOf(inA)].find((n) => n.type === 'function_definition')?.node.childForFieldName('name')?.text, 'f');
    });
  });
});
