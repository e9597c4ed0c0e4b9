// Small tree-sitter-go helpers the lint rules share: descendants without crossing into nested function literals,
// a statement's indentation, the function a node is in, the identifiers in an expression.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
export { indentOf, lineAt } from '../../../lint/textRegions';

const functionTypes = new Set(['function_declaration', 'method_declaration', 'func_literal']);

export function isFunctionNode(node: SyntaxNode): boolean {
  return functionTypes.has(node.type);
}

/** The innermost function (declaration, method or literal) containing `node`. */
export function enclosingFunctionOf(node: SyntaxNode): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (functionTypes.has(n.type)) return n;
  return undefined;
}

/** Descendants of `types` inside `node`, not inside a nested func literal (their returns are the literal's). */
export function ownDescendants(node: SyntaxNode, types: string | string[]): SyntaxNode[] {
  const fn = functionTypes.has(node.type) ? node : enclosingFunctionOf(node);
  return node.descendantsOfType(types).filter((d): d is SyntaxNode => d !== null && enclosingFunctionOf(d)?.id === fn?.id);
}

/** The statement that is a direct child of a statement list or block, containing `node`. */
export function statementOf(node: SyntaxNode): SyntaxNode | undefined {
  for (let n: SyntaxNode | null = node; n?.parent; n = n.parent) {
    if (n.parent.type === 'statement_list' || n.parent.type === 'block') return n;
  }
  return undefined;
}

/** Every identifier named `name` in `node` (including nested literals). */
export function identifiersNamed(node: SyntaxNode, name: string): SyntaxNode[] {
  if (node.type === 'identifier') return node.text === name ? [node] : [];
  return node.descendantsOfType('identifier').filter((d): d is SyntaxNode => d !== null && d.text === name);
}

/** `x.Method(…)`: the call's operand text and method name; undefined for other calls. */
export function methodCall(call: SyntaxNode): { operand: SyntaxNode; method: string } | undefined {
  if (call.type !== 'call_expression') return undefined;
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return undefined;
  const operand = fn.childForFieldName('operand');
  const field = fn.childForFieldName('field');
  return operand && field ? { operand, method: field.text } : undefined;
}

export function callArguments(call: SyntaxNode): SyntaxNode[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((n): n is SyntaxNode => n !== null && n.type !== 'comment');
}

/** A function's parameters as name → type text (`ctx` → `context.Context`, `r` → `*http.Request`). */
export function parametersOf(fn: SyntaxNode): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type !== 'parameter_declaration') continue;
    const type = p.childForFieldName('type')?.text.replace(/\s+/g, '') ?? '';
    for (const n of p.childrenForFieldName('name')) if (n) out.set(n.text, type);
  }
  return out;
}

/** The parameter holding the caller's context: a `context.Context` one, else `r *http.Request` (→ `r.Context()`). */
export function callerContextOf(fn: SyntaxNode, contextPackage: string | undefined, httpPackage: string | undefined): string | undefined {
  const params = parametersOf(fn);
  for (const [name, type] of params) if (contextPackage && type === `${contextPackage}.Context` && name !== '_') return name;
  for (const [name, type] of params) if (httpPackage && type === `*${httpPackage}.Request` && name !== '_') return `${name}.Context()`;
  return undefined;
}

