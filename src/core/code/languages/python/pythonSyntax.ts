// Small readers over Python call syntax shared by the rules.
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';

function argumentsOf(call: SyntaxNode): SyntaxNode[] {
  const list = call.childForFieldName('arguments');
  return list ? list.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== 'comment') : [];
}

/** The positional argument at `index`, or the keyword argument `keyword` (`f("x")` / `f(name="x")`). */
export function argumentOf(call: SyntaxNode, index: number, keyword?: string): SyntaxNode | undefined {
  const args = argumentsOf(call);
  let position = 0;
  for (const a of args) {
    if (a.type === 'keyword_argument' || a.type === 'dictionary_splat') continue;
    if (a.type === 'list_splat') return keyword ? keywordArgument(call, keyword) : undefined;
    if (position++ === index) return a;
  }
  return keyword ? keywordArgument(call, keyword) : undefined;
}

export function keywordArgument(call: SyntaxNode, name: string): SyntaxNode | undefined {
  for (const a of argumentsOf(call)) {
    if (a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a.childForFieldName('value') ?? undefined;
  }
  return undefined;
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
  const parent = call.parent;
  if (parent?.type !== 'assignment' || parent.childForFieldName('right')?.id !== call.id) return undefined;
  const left = parent.childForFieldName('left');
  return left && (left.type === 'identifier' || left.type === 'attribute') ? left.text.replace(/\s+/g, '') : undefined;
}
