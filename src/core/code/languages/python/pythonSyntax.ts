// Small readers over Python call syntax shared by the rules.
import type { SyntaxNode, SyntaxTree } from '../../treeSitter/treeSitterRuntime';

// Parents and their types, remembered per tree. tree-sitter keeps no parent pointers: `node.parent` descends from
// the root again, scanning the siblings at every level, and the rules walk up from neighbouring nodes (a call, its
// receiver, its name argument) to the same function and class. An unknown parent is found by descending once from
// the root with `childWithDescendant`, remembering the parent (and type) of every node on the way, so later walks
// through the same classes and functions cost map lookups; a node's type (a wasm call too) is read once. Trees are
// freed after each pass: the memo is per tree.
interface TreeMemo {
  readonly parents: Map<number, SyntaxNode | null>;
  readonly types: Map<number, string>;
}
const memoByTree = new WeakMap<SyntaxTree, TreeMemo>();

function memoOf(tree: SyntaxTree): TreeMemo {
  let memo = memoByTree.get(tree);
  if (!memo) {
    memo = { parents: new Map(), types: new Map() };
    memoByTree.set(tree, memo);
  }
  return memo;
}

/** `node.type`, read from the tree once per node (each read is a call into the wasm module). */
export function typeOf(node: SyntaxNode): string {
  const types = memoOf(node.tree).types;
  let type = types.get(node.id);
  if (type === undefined) {
    type = node.type;
    types.set(node.id, type);
  }
  return type;
}

/** `node.parent`, null-safe (rules chain it over nodes that may be missing in broken code), remembered per tree. */
export function parentOf(node: SyntaxNode | null | undefined): SyntaxNode | null {
  if (!node) return null;
  const parents = memoOf(node.tree).parents;
  const known = parents.get(node.id);
  if (known !== undefined) return known;
  const root = node.tree.rootNode;
  if (root.id !== node.id) {
    let n = root;
    for (let depth = 0; depth < 10_000; depth++) {
      const child = n.childWithDescendant(node);
      if (!child || child.id === n.id) break;
      parents.set(child.id, n);
      if (child.id === node.id) return n;
      n = child;
    }
  }
  // The root, or a node not reached from it (none of this tree's): tree-sitter's own answer.
  const parent = node.parent;
  parents.set(node.id, parent);
  return parent;
}

/** The node's ancestors with their types, nearest first (the node itself not included). */
export function* ancestorsOf(node: SyntaxNode): Generator<{ readonly node: SyntaxNode; readonly type: string }> {
  for (let p = parentOf(node); p; p = parentOf(p)) yield { node: p, type: typeOf(p) };
}

export interface CallArguments {
  readonly positional: readonly SyntaxNode[];
  readonly keywords: ReadonlyMap<string, SyntaxNode>;
  /** A `*args` comes before some positional places: their values are not known. */
  readonly splatAt: number | undefined;
}

/** A call's arguments in one pass over the argument list (each node access is a call into the wasm parser). */
export function callArguments(call: SyntaxNode): CallArguments {
  const positional: SyntaxNode[] = [];
  const keywords = new Map<string, SyntaxNode>();
  let splatAt: number | undefined;
  for (let a = call.childForFieldName('arguments')?.firstNamedChild ?? null; a; a = a.nextNamedSibling) {
    const type = a.type;
    if (type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      if (name && value) keywords.set(name, value);
    } else if (type === 'list_splat') splatAt ??= positional.length;
    else if (type !== 'comment' && type !== 'dictionary_splat') positional.push(a);
  }
  return { positional, keywords, splatAt };
}

/** The positional argument at `index`, or the keyword argument `keyword` (`f("x")` / `f(name="x")`). */
export function argumentOf(call: SyntaxNode, index: number, keyword?: string, args: CallArguments = callArguments(call)): SyntaxNode | undefined {
  const byPosition = args.splatAt !== undefined && args.splatAt <= index ? undefined : args.positional[index];
  return byPosition ?? (keyword ? args.keywords.get(keyword) : undefined);
}

export function keywordArgument(call: SyntaxNode, name: string, args: CallArguments = callArguments(call)): SyntaxNode | undefined {
  return args.keywords.get(name);
}

/** `Flask`, `flask.Flask`, `fastapi.routing.APIRouter` → the last name of the called expression. */
export function calleeName(call: SyntaxNode): string | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') return fn.text;
  if (fn?.type === 'attribute') return fn.childForFieldName('attribute')?.text;
  return undefined;
}

/** The elements of a list, tuple or set literal; undefined for anything else. */
export function sequenceElements(node: SyntaxNode | undefined): SyntaxNode[] | undefined {
  if (!node || (node.type !== 'list' && node.type !== 'tuple' && node.type !== 'set')) return undefined;
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== 'comment');
}

/** The variable a call's result is assigned to (`app = Flask(__name__)` → `app`, `self.api = …` → `self.api`). */
export function assignedName(call: SyntaxNode): string | undefined {
  const parent = parentOf(call);
  if (parent?.type !== 'assignment' || parent.childForFieldName('right')?.id !== call.id) return undefined;
  const left = parent.childForFieldName('left');
  return left && (left.type === 'identifier' || left.type === 'attribute') ? left.text.replace(/\s+/g, '') : undefined;
}
