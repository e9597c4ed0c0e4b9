// Small tree-sitter-python helpers the lint rules share: the function a node is in, descendants without crossing
// into nested functions, indentation, and re-indenting a region without touching the inside of multi-line strings
// (a docstring's or a SQL literal's lines are part of the value).
import { pyStringLiteral } from '../../../codegen/python';
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
export { indentEdits, indentOf, indentUnitOf, lineAt, lineEndOf, lineStartOf } from '../../../lint/textRegions';
import { rowsInside } from '../../../lint/textRegions';

const scopeTypes = new Set(['function_definition', 'lambda']);

export function enclosingFunctionOf(node: SyntaxNode): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition') return n;
  return undefined;
}

function enclosingScopeOf(node: SyntaxNode): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (scopeTypes.has(n.type)) return n;
  return undefined;
}

/** Descendants of `types` inside `node` that belong to the same function (not to a nested def or lambda). */
export function ownDescendants(node: SyntaxNode, types: string | string[]): SyntaxNode[] {
  const scope = scopeTypes.has(node.type) ? node : enclosingScopeOf(node);
  return node.descendantsOfType(types).filter((d): d is SyntaxNode => d !== null && enclosingScopeOf(d)?.id === scope?.id);
}

export function identifiersNamed(node: SyntaxNode, name: string): SyntaxNode[] {
  if (node.type === 'identifier') return node.text === name ? [node] : [];
  return node.descendantsOfType('identifier').filter((d): d is SyntaxNode => d !== null && d.text === name);
}

/** `x.method(…)`: the object and the method name. */
export function methodCall(call: SyntaxNode): { object: SyntaxNode; method: string } | undefined {
  if (call.type !== 'call') return undefined;
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute') return undefined;
  const object = fn.childForFieldName('object');
  const attr = fn.childForFieldName('attribute');
  return object && attr ? { object, method: attr.text } : undefined;
}

export interface CallArgs {
  readonly positional: SyntaxNode[];
  readonly keywords: Map<string, SyntaxNode>;
  readonly list: SyntaxNode | undefined;
}

export function argsOf(call: SyntaxNode): CallArgs {
  const list = call.childForFieldName('arguments') ?? undefined;
  const positional: SyntaxNode[] = [];
  const keywords = new Map<string, SyntaxNode>();
  for (const a of list?.namedChildren ?? []) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      if (name && value) keywords.set(name, value);
    } else if (a.type !== 'list_splat' && a.type !== 'dictionary_splat') positional.push(a);
  }
  return { positional, keywords, list };
}

/** The value of a plain string literal (no interpolation, no implicit concatenation); undefined otherwise. */
export function plainString(node: SyntaxNode | undefined): string | undefined {
  if (node?.type !== 'string') return undefined;
  const start = node.namedChildren.find((c) => c?.type === 'string_start')?.text ?? '';
  if (/[fFbB]/.test(start) || node.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
  const raw = /[rR]/.test(start);
  let out = '';
  for (const c of node.namedChildren) {
    if (c?.type === 'string_content') out += c.text;
    else if (c?.type === 'escape_sequence') out += raw ? c.text : unescapePython(c.text);
  }
  return out;
}

function unescapePython(seq: string): string {
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
  const c = seq[1] ?? '';
  if (c in simple) return simple[c]!;
  if (c === 'x' || c === 'u' || c === 'U') return String.fromCodePoint(parseInt(seq.slice(2), 16));
  return seq;
}

/** A Python string literal for `value` (double quotes, escapes as needed: codegen/python.ts). */
export function pythonString(value: string): string {
  return pyStringLiteral(value);
}

/** Rows (0-based) that lie inside a multi-line string and so must not be re-indented. */
export function rowsInsideStrings(root: SyntaxNode): Set<number> {
  const spans = root.descendantsOfType('string').filter((s): s is SyntaxNode => s !== null);
  return rowsInside(spans.map((s) => ({ startRow: s.startPosition.row, endRow: s.endPosition.row })));
}

