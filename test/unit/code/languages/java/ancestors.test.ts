// The remembered parents, types and enclosing classes (javaAncestors) must answer what tree-sitter itself does, for
// every node of every test snippet and of the generated benchmark file, in any order of asking.
import * as assert from 'node:assert/strict';
import { generateJavaFile } from '../../../../../scripts/bench/javaLenses.bench';
import { parentOf, typeOf } from '../../../../../src/core/code/languages/java/javaAncestors';
import { typeDeclarationTypes } from '../../../../../src/core/code/languages/java/javaSyntax';
import { enclosingType } from '../../../../../src/core/code/languages/java/javaTypes';
import { loadGrammar, withTree, type SyntaxNode } from '../../../../../src/core/code/treeSitter/treeSitterRuntime';
import { snippets } from './javaSnippets';

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

/** enclosingType as a plain walk over tree-sitter's own parents. */
function enclosingTypeByWalk(node: SyntaxNode): SyntaxNode | undefined {
  let prev = node;
  for (let n = node.parent; n; prev = n, n = n.parent) {
    if (typeDeclarationTypes.has(n.type)) {
      if (prev.type !== 'modifiers') return n;
      continue;
    }
    if ((n.type === 'object_creation_expression' || n.type === 'enum_constant') && prev.type === 'class_body') return n;
  }
  return undefined;
}

describe('Java: remembered parents, types and enclosing classes', () => {
  const texts = [...Object.entries(snippets), ['bench', generateJavaFile(600, 30)] as const];

  it('agree with node.parent, node.type and a walk up, asked bottom-up, top-down and in between', async () => {
    const grammar = await loadGrammar('java');
    let checked = 0;
    for (const [name, text] of texts) {
      withTree(grammar, text, (tree) => {
        const nodes = allNodes(tree.rootNode);
        // Deepest first, then the rest from the top, so both cold descents and remembered answers are compared.
        const order = [...nodes].reverse().filter((_, i) => i % 3 === 0).concat(nodes);
        for (const n of order) {
          assert.equal(parentOf(n)?.id, n.parent?.id, `${name}: parent of ${n.type} at ${n.startIndex}`);
          assert.equal(typeOf(n), n.type, `${name}: type at ${n.startIndex}`);
          assert.equal(enclosingType(n)?.id, enclosingTypeByWalk(n)?.id, `${name}: enclosing class of ${n.type} at ${n.startIndex}`);
          checked++;
        }
      });
    }
    assert.ok(checked > 10_000, `checked ${checked} nodes`);
  });

  it('keeps one tree’s answers apart from another’s', async () => {
    const grammar = await loadGrammar('java');
    const a = 'class A { void f() { int x = 1; } }';
    const b = 'class B { class C { void g() { } } }';
    withTree(grammar, a, (ta) => {
      const inA = ta.rootNode.descendantForIndex(a.indexOf('x'))!;
      assert.equal(typeOf(enclosingType(inA)!), 'class_declaration');
      withTree(grammar, b, (tb) => {
        const inB = tb.rootNode.descendantForIndex(b.indexOf('g'))!;
        assert.equal(enclosingType(inB)?.childForFieldName('name')?.text, 'C');
        assert.equal(parentOf(inB)?.type, 'method_declaration');
      });
      assert.equal(enclosingType(inA)?.childForFieldName('name')?.text, 'A');
    });
  });
});
