// Python functions as lens targets: defs and async defs, methods, lambdas assigned to names; their display names
// (`OrderService.create`, `outer.inner`) and qualified names as Python's `__qualname__` spells them
// (`outer.<locals>.inner`), which is what `f"{fn.__module__}.{fn.__qualname__}"` puts in `code.function.name`.
import type { FunctionLocation } from '../../instrumented/types';
import { functionLocationOf } from '../../treeSitter/syntaxNodes';
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import type { PythonFile } from './pythonFile';
import { ancestorsOf, parentOf } from './pythonSyntax';

export interface PythonTarget {
  /** The whole function, decorators included (or the statement a lens stands on). */
  readonly node: SyntaxNode;
  readonly nameNode: SyntaxNode | undefined;
  readonly functionName: string;
  readonly qualifiedName?: string;
}

/** Names of the classes and functions around `node`, outermost first; a function's locals are marked as Python does. */
function scopePath(node: SyntaxNode): string[] {
  const out: string[] = [];
  for (const { node: n, type } of ancestorsOf(node)) {
    if (type === 'class_definition') out.push(n.childForFieldName('name')?.text ?? '?');
    else if (type === 'function_definition') out.push('<locals>', n.childForFieldName('name')?.text ?? '?');
    else if (type === 'lambda') out.push('<locals>', '<lambda>');
  }
  return out.reverse();
}

function targetNamed(rangeNode: SyntaxNode, nameNode: SyntaxNode, scopeFrom: SyntaxNode): PythonTarget {
  const path = [...scopePath(scopeFrom), nameNode.text];
  const qualifiedName = path.join('.');
  const functionName = path.filter((p) => p !== '<locals>').join('.');
  return { node: rangeNode, nameNode, functionName, ...(qualifiedName !== functionName ? { qualifiedName } : {}) };
}

/** A `function_definition` as a target: the range covers its decorators. */
export function functionTarget(def: SyntaxNode): PythonTarget {
  const holder = parentOf(def);
  const decorated = holder?.type === 'decorated_definition' ? holder : def;
  const name = def.childForFieldName('name');
  if (!name) return { node: decorated, nameNode: undefined, functionName: '<function>' };
  return targetNamed(decorated, name, decorated);
}

/** `name = lambda …` (module, class or function level) as a target; undefined for an anonymous lambda. */
export function lambdaTarget(lambda: SyntaxNode): PythonTarget | undefined {
  const assignment = parentOf(lambda);
  if (assignment?.type !== 'assignment' || assignment.childForFieldName('right')?.id !== lambda.id) return undefined;
  const left = assignment.childForFieldName('left');
  if (left?.type !== 'identifier') return undefined;
  const holder = parentOf(assignment);
  const statement = holder?.type === 'expression_statement' ? holder : assignment;
  return targetNamed(statement, left, statement);
}

/** The innermost named function around `node` (an anonymous lambda passes to the function holding it). */
export function enclosingTarget(node: SyntaxNode): PythonTarget | undefined {
  for (const { node: n, type } of ancestorsOf(node)) {
    if (type === 'function_definition') return functionTarget(n);
    if (type === 'lambda') {
      const t = lambdaTarget(n);
      if (t) return t;
    }
  }
  return undefined;
}

/** The statement of the module (or class body) holding `node`: where a span started outside any function gets its lens. */
export function statementTarget(node: SyntaxNode, name: string): PythonTarget {
  let statement = node;
  for (let p = parentOf(statement); p && p.type !== 'module' && p.type !== 'block'; p = parentOf(statement)) statement = p;
  const holder = parentOf(statement);
  if (holder?.type === 'block' && parentOf(holder)?.type === 'decorated_definition') statement = parentOf(holder)!;
  return { node: statement, nameNode: undefined, functionName: name };
}

export function toLocation(t: PythonTarget): FunctionLocation {
  return functionLocationOf(t.node, t.nameNode, t.functionName, t.qualifiedName);
}

/** Every def, async def, method and named lambda of the file, in source order. */
export function listPythonFunctions(file: PythonFile): FunctionLocation[] {
  const out: Array<{ at: number; loc: FunctionLocation }> = [];
  for (const { node } of file.anchors(/\bdef[ \t]+([A-Za-z_]\w*)/g, 'identifier', 1)) {
    const def = parentOf(node);
    if (def?.type === 'function_definition' && def.childForFieldName('name')?.id === node.id) out.push({ at: node.startIndex, loc: toLocation(functionTarget(def)) });
  }
  for (const { node } of file.anchors(/\blambda\b/g, 'lambda', 0)) {
    // The anchor is the keyword; its parent is the lambda expression.
    const lambda = node.isNamed ? node : parentOf(node);
    const t = lambda ? lambdaTarget(lambda) : undefined;
    if (t) out.push({ at: t.node.startIndex, loc: toLocation(t) });
  }
  return out.sort((a, b) => a.at - b.at).map((x) => x.loc);
}
