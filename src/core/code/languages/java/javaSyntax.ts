// Reading Java syntax trees (tree-sitter-java): string literals, annotations and their elements, modifiers, and
// the anchors a rule starts from. Nothing here knows about spans.
import type { SyntaxNode, SyntaxTree } from '../../treeSitter/treeSitterRuntime';
import { namedChildrenOf } from '../../treeSitter/syntaxNodes';
import { parentOf, typeOf } from './javaAncestors';

/** Declarations of types: each one opens a new class scope for names. */
export const typeDeclarationTypes: ReadonlySet<string> = new Set([
  'class_declaration',
  'interface_declaration',
  'enum_declaration',
  'record_declaration',
  'annotation_type_declaration',
]);

const escapes: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', s: ' ', '0': '\0', '"': '"', "'": "'", '\\': '\\' };

function decodeEscape(text: string): string {
  const body = text.slice(1);
  if (/^u+[0-9a-fA-F]{4}$/.test(body)) return String.fromCharCode(parseInt(body.replace(/^u+/, ''), 16));
  if (/^[0-7]{1,3}$/.test(body)) return String.fromCharCode(parseInt(body, 8));
  return escapes[body] ?? body;
}

/** The value of a string literal (`"a\tb"`, a text block), or undefined for anything else. */
export function stringLiteralValue(node: SyntaxNode): string | undefined {
  if (typeOf(node) !== 'string_literal') return undefined;
  let out = '';
  for (const c of namedChildrenOf(node)) {
    if (typeOf(c) === 'string_fragment' || typeOf(c) === 'multiline_string_fragment') out += c.text;
    else if (typeOf(c) === 'escape_sequence') out += decodeEscape(c.text);
    else return undefined; // a string template's embedded expression
  }
  // A text block: its first line break belongs to the opening quotes; common indentation is stripped (JLS 3.10.6).
  if (node.text.startsWith('"""')) {
    const lines = out.replace(/^[ \t]*\n/, '').split('\n');
    // Blank lines do not count, except the closing delimiter's own line.
    const indents = lines.filter((l, i) => l.trim() !== '' || i === lines.length - 1).map((l) => /^[ \t]*/.exec(l)![0].length);
    const strip = indents.length > 0 ? Math.min(...indents) : 0;
    out = lines.map((l) => l.slice(strip).replace(/[ \t]+$/, '')).join('\n');
  }
  return out;
}

/** `Foo` of `@Foo`, `@a.b.Foo(…)`. */
export function annotationName(annotation: SyntaxNode): string | undefined {
  const name = annotation.childForFieldName('name');
  if (!name) return undefined;
  if (typeOf(name) === 'identifier') return name.text;
  if (typeOf(name) === 'scoped_identifier') return name.childForFieldName('name')?.text;
  return undefined;
}

export interface AnnotationInfo {
  readonly name: string;
  readonly node: SyntaxNode;
  /** The single unnamed element (`@GetMapping("/x")`), which is `value`. */
  readonly value: SyntaxNode | undefined;
  /** Named elements: `path = "/x"`, `method = RequestMethod.GET`. */
  readonly elements: ReadonlyMap<string, SyntaxNode>;
}

export function annotationInfo(annotation: SyntaxNode): AnnotationInfo | undefined {
  if (typeOf(annotation) !== 'annotation' && typeOf(annotation) !== 'marker_annotation') return undefined;
  const name = annotationName(annotation);
  if (!name) return undefined;
  const elements = new Map<string, SyntaxNode>();
  let value: SyntaxNode | undefined;
  const args = annotation.childForFieldName('arguments');
  for (const a of args ? namedChildrenOf(args) : []) {
    if (typeOf(a) === 'element_value_pair') {
      const key = a.childForFieldName('key')?.text;
      const v = a.childForFieldName('value');
      if (key && v) elements.set(key, v);
    } else if (typeOf(a) !== 'line_comment' && typeOf(a) !== 'block_comment') {
      value = a;
    }
  }
  return { name, node: annotation, value: value ?? elements.get('value'), elements };
}

/** The `modifiers` node of a declaration (annotations live there). */
export function modifiersOf(declaration: SyntaxNode): SyntaxNode | undefined {
  for (const c of namedChildrenOf(declaration)) if (typeOf(c) === 'modifiers') return c;
  return undefined;
}

/** The annotations of a declaration, in source order. */
export function annotationsOf(declaration: SyntaxNode): AnnotationInfo[] {
  const mods = modifiersOf(declaration);
  if (!mods) return [];
  const out: AnnotationInfo[] = [];
  for (const c of namedChildrenOf(mods)) {
    const info = annotationInfo(c);
    if (info) out.push(info);
  }
  return out;
}

export function hasModifier(declaration: SyntaxNode, keyword: string): boolean {
  const mods = modifiersOf(declaration);
  if (!mods) return false;
  for (let i = 0; i < mods.childCount; i++) if (mods.child(i)?.type === keyword) return true;
  return false;
}

/** The elements of an annotation value: `{"/a", "/b"}` → both, `"/a"` → itself. */
export function elementValues(value: SyntaxNode): SyntaxNode[] {
  if (typeOf(value) === 'element_value_array_initializer' || typeOf(value) === 'array_initializer') {
    return namedChildrenOf(value).filter((c) => typeOf(c) !== 'line_comment' && typeOf(c) !== 'block_comment');
  }
  return [value];
}

/** The package of the file, from its `package` declaration ('' for the default package). */
export function packageOf(tree: SyntaxTree): string {
  for (const c of namedChildrenOf(tree.rootNode)) {
    if (typeOf(c) === 'package_declaration') {
      for (const n of namedChildrenOf(c)) if (typeOf(n) === 'scoped_identifier' || typeOf(n) === 'identifier') return n.text.replace(/\s+/g, '');
    }
  }
  return '';
}

/** Strips parentheses and casts: `((String) x)` → `x`. */
export function unwrapExpression(node: SyntaxNode): SyntaxNode {
  let n = node;
  for (let i = 0; i < 20; i++) {
    if (typeOf(n) === 'parenthesized_expression') {
      const inner = namedChildrenOf(n)[0];
      if (!inner) return n;
      n = inner;
    } else if (typeOf(n) === 'cast_expression') {
      const v = n.childForFieldName('value');
      if (!v) return n;
      n = v;
    } else {
      return n;
    }
  }
  return n;
}

/** The arguments of a call, without comments. */
export function argumentsOf(call: SyntaxNode): SyntaxNode[] {
  const args = call.childForFieldName('arguments');
  return args ? namedChildrenOf(args).filter((c) => typeOf(c) !== 'line_comment' && typeOf(c) !== 'block_comment') : [];
}

/** For the name identifier of an annotation (`WithSpan` of `@io.x.WithSpan(…)`): the annotation and what it is on. */
export function annotationAt(nameId: SyntaxNode): { annotation: SyntaxNode; declaration: SyntaxNode } | undefined {
  let n = parentOf(nameId);
  if (n?.type === 'scoped_identifier') {
    if (n.childForFieldName('name')?.id !== nameId.id) return undefined;
    const scoped = n;
    n = parentOf(n);
    if (n?.childForFieldName('name')?.id !== scoped.id) return undefined;
  } else if (n?.childForFieldName('name')?.id !== nameId.id) {
    return undefined;
  }
  if (!n || (typeOf(n) !== 'annotation' && typeOf(n) !== 'marker_annotation')) return undefined;
  const mods = parentOf(n);
  const declaration = mods?.type === 'modifiers' ? parentOf(mods) : undefined;
  return declaration ? { annotation: n, declaration } : undefined;
}
