// Parents and types of tree-sitter nodes, remembered per tree.
//
// tree-sitter keeps no parent pointers: `node.parent` descends from the root again, scanning the siblings at every
// level, so walking up from a node costs depth² sibling scans, and the rules walk up from every anchor several
// times (enclosing class, function, local scope). `parentOf` descends once per uncached node and remembers the
// parent of every node on the way, so later walks through the same classes and methods cost a map lookup. A
// node's type is a call into the wasm module too: `typeOf` reads it once per node.
import type { SyntaxNode, SyntaxTree } from '../../treeSitter/treeSitterRuntime';

interface TreeMemo {
  readonly parents: Map<number, SyntaxNode | null>;
  readonly types: Map<number, string>;
  /** For javaTypes' enclosingType: the class a node is in (null: none). */
  readonly enclosingTypes: Map<number, SyntaxNode | null>;
}

const memoByTree = new WeakMap<SyntaxTree, TreeMemo>();

function memoOf(tree: SyntaxTree): TreeMemo {
  let memo = memoByTree.get(tree);
  if (!memo) {
    memo = { parents: new Map(), types: new Map(), enclosingTypes: new Map() };
    memoByTree.set(tree, memo);
  }
  return memo;
}

/** `node.type`, read from the tree once per node. */
export function typeOf(node: SyntaxNode): string {
  const types = memoOf(node.tree).types;
  let type = types.get(node.id);
  if (type === undefined) {
    type = node.type;
    types.set(node.id, type);
  }
  return type;
}

/** The parent of `node` (null for the root), as `node.parent` gives it. */
export function parentOf(node: SyntaxNode): SyntaxNode | null {
  const parents = memoOf(node.tree).parents;
  const known = parents.get(node.id);
  if (known !== undefined) return known;
  const root = node.tree.rootNode;
  if (node.id === root.id) {
    parents.set(node.id, null);
    return null;
  }
  // Down from the root (or the nearest ancestor already known would need the chain; the root is as cheap to find).
  let n: SyntaxNode = root;
  parents.set(root.id, null);
  for (let depth = 0; depth < 10_000; depth++) {
    const child = n.childWithDescendant(node);
    if (!child || child.id === n.id) break;
    parents.set(child.id, n);
    if (child.id === node.id) return n;
    n = child;
  }
  // Not reached for a node of this tree; fall back to tree-sitter's own answer.
  const parent = node.parent;
  parents.set(node.id, parent);
  return parent;
}

/** The memo of enclosing classes of the tree `node` is in. */
export function enclosingTypes(node: SyntaxNode): Map<number, SyntaxNode | null> {
  return memoOf(node.tree).enclosingTypes;
}
