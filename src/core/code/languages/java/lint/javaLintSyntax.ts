// Small tree-sitter-java helpers the lint rules share: the method a node is in, descendants without crossing into
// lambdas or nested classes, string literals, indentation, and re-indenting a region without touching the inside
// of text blocks.
import { javaStringLiteral } from '../../../codegen/java';
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
export { indentEdits, indentOf, indentUnitOf, lineAt, lineEndOf, lineStartOf } from '../../../lint/textRegions';
import { rowsInside } from '../../../lint/textRegions';

const methodTypes = new Set(['method_declaration', 'constructor_declaration']);
const scopeTypes = new Set(['method_declaration', 'constructor_declaration', 'lambda_expression', 'class_body']);

export function enclosingMethodOf(node: SyntaxNode): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (methodTypes.has(n.type)) return n;
  return undefined;
}

function scopeOf(node: SyntaxNode): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (scopeTypes.has(n.type)) return n;
  return undefined;
}

/** Descendants of `types` of the same method (not inside a lambda or a nested or anonymous class). */
export function ownDescendants(node: SyntaxNode, types: string | string[]): SyntaxNode[] {
  const scope = scopeTypes.has(node.type) ? node : scopeOf(node);
  return node.descendantsOfType(types).filter((d): d is SyntaxNode => d !== null && scopeOf(d)?.id === scope?.id);
}

export function identifiersNamed(node: SyntaxNode, name: string): SyntaxNode[] {
  if (node.type === 'identifier') return node.text === name ? [node] : [];
  return node.descendantsOfType('identifier').filter((d): d is SyntaxNode => d !== null && d.text === name);
}

/** `x.name(…)`: the object (undefined for an unqualified call) and the name. */
export function invocation(node: SyntaxNode): { object: SyntaxNode | undefined; name: string; args: SyntaxNode[] } | undefined {
  if (node.type !== 'method_invocation') return undefined;
  const name = node.childForFieldName('name')?.text;
  if (!name) return undefined;
  const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is SyntaxNode => a !== null && a.type !== 'line_comment' && a.type !== 'block_comment');
  return { object: node.childForFieldName('object') ?? undefined, name, args };
}

const escapes: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', s: ' ', '0': '\0', '\\': '\\', "'": "'", '"': '"' };

/** The value of a string literal (or text block); undefined for anything else. */
export function stringValue(node: SyntaxNode | undefined): string | undefined {
  if (node?.type !== 'string_literal') return undefined;
  let out = '';
  for (const c of node.namedChildren) {
    if (c?.type === 'string_fragment' || c?.type === 'multiline_string_fragment') out += c.text;
    else if (c?.type === 'escape_sequence') out += escapes[c.text[1] ?? ''] ?? (c.text[1] === 'u' ? String.fromCharCode(parseInt(c.text.slice(2), 16)) : c.text);
    else if (c?.type === 'string_interpolation') return undefined;
  }
  return out;
}

/** A Java string literal for `value` (codegen/java.ts: no `\\u` escape that Java would decode before lexing). */
export function javaString(value: string): string {
  return javaStringLiteral(value);
}

/** Rows (0-based) inside a multi-line literal (a text block): their text is part of the value. */
export function rowsInsideStrings(root: SyntaxNode): Set<number> {
  const spans = root.descendantsOfType(['string_literal', 'block_comment']).filter((s): s is SyntaxNode => s !== null);
  return rowsInside(spans.map((s) => ({ startRow: s.startPosition.row, endRow: s.endPosition.row })));
}

/** The class (or enum, record) a node is declared in: where a fix adds a field or a helper. */
export function classOf(node: SyntaxNode): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'class_declaration' || n.type === 'enum_declaration' || n.type === 'record_declaration') return n;
  return undefined;
}

/** `Class.method` (the default span name of @WithSpan, and the agent's code.function). */
export function methodLabel(method: SyntaxNode): string | undefined {
  const name = method.childForFieldName('name')?.text;
  if (!name) return undefined;
  for (let n = method.parent; n; n = n.parent) {
    if (n.type === 'class_declaration' || n.type === 'enum_declaration' || n.type === 'record_declaration' || n.type === 'interface_declaration') {
      const cls = n.childForFieldName('name')?.text;
      return cls ? `${cls}.${name}` : name;
    }
  }
  return name;
}
