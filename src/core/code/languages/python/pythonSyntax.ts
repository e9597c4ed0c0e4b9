// Small readers over Python call syntax shared by the rules.
import type { SyntaxNode, SyntaxTree } from '../../treeSitter/treeSitterRuntime';

// Parents and their types, remembered per tree: the rules walk up from neighbouring nodes (a call, its receiver, its
// name argument) to the same function and class, and each `node.parent` / `node.type` is a call into the wasm
// runtime that also allocates a new node object. Trees are freed after each pass, so the memo is per tree object.
const parentMemo = new WeakMap<SyntaxTree, Map<number, { readonly parent: SyntaxNode | null; readonly parentType: string }>>();

function parentStep(node: SyntaxNode): { readonly parent: SyntaxNode | null; readonly parentType: string } {
  let memo = parentMemo.get(node.tree);
  if (!memo) {
    memo = new Map();
    parentMemo.set(node.tree, memo);
  }
  let step = memo.get(node.id);
  if (!step) {
    const parent = node.parent;
    step = { parent, parentType: parent ? parent.type : '' };
    memo.set(node.id, step);
  }
  return step;
}

/** `node.parent`, null-safe (rules chain it over nodes that may be missing in broken code), remembered per tree. */
export function parentOf(node: SyntaxNode | null | undefined): SyntaxNode | null {
  return node ? parentStep(node).parent : null;
}

/** The node's ancestors with their types, nearest first (the node itself not included). */
export function* ancestorsOf(node: SyntaxNode): Generator<{ readonly node: SyntaxNode; readonly type: string }> {
  for (let step = parentStep(node); step.parent; step = parentStep(step.parent)) yield { node: step.parent, type: step.parentType };
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
