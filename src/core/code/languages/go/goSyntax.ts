// Small readers over Go syntax nodes (tree-sitter-go): string literals, callees, arguments, enclosing functions.
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';

/** Nodes that open a function body: the scopes a Go name can be declared in. */
export const functionNodeTypes: ReadonlySet<string> = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/**
 * Answers about the nodes of the tree being analysed, kept by node id. Every question to a tree-sitter node is a
 * call into wasm (a few µs each), and the rules ask the same few nodes the same questions many times. GoFile
 * starts a new memo for each tree (ids are unique only within one tree); the analysis of a tree is synchronous,
 * so one memo at a time is enough.
 */
class SyntaxMemo {
  readonly types = new Map<number, string>();
  readonly ends = new Map<number, number>();
  readonly callees = new Map<number, Callee | undefined>();
  readonly args = new Map<number, readonly SyntaxNode[]>();
  readonly literals = new Map<number, string | undefined>();
}

let memo = new SyntaxMemo();

/** Forgets every answer: called when a new tree is analysed. */
export function resetSyntaxMemo(): void {
  memo = new SyntaxMemo();
}

/** `node.type`, asked of wasm once per node. */
export function typeOf(node: SyntaxNode): string {
  let t = memo.types.get(node.id);
  if (t === undefined) {
    t = node.type;
    memo.types.set(node.id, t);
  }
  return t;
}

/** Records a type already known (a cursor's node type), so `typeOf` need not ask. */
export function rememberType(node: SyntaxNode, type: string): void {
  memo.types.set(node.id, type);
}

/** `node.endIndex`, asked of wasm once per node. */
export function endOf(node: SyntaxNode): number {
  let e = memo.ends.get(node.id);
  if (e === undefined) {
    e = node.endIndex;
    memo.ends.set(node.id, e);
  }
  return e;
}

/** `(x)` → `x`. */
export function unparen(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (typeOf(n) === 'parenthesized_expression') {
    const inner = n.firstNamedChild;
    if (!inner) break;
    n = inner;
  }
  return n;
}

const simpleEscapes: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' };

/** The value of a Go escape sequence (`\n`, `\x41`, `\u00e9`, `\101`). */
function unescape(seq: string): string {
  const c = seq[1] ?? '';
  if (c in simpleEscapes) return simpleEscapes[c]!;
  if (c === 'x') return String.fromCharCode(parseInt(seq.slice(2), 16));
  if (c === 'u' || c === 'U') return String.fromCodePoint(parseInt(seq.slice(2), 16));
  if (/^[0-7]/.test(c)) return String.fromCharCode(parseInt(seq.slice(1), 8));
  return seq;
}

/** The text of an interpreted (`"…"`) or raw (`` `…` ``) string literal; undefined for anything else. */
export function stringLiteralValue(node: SyntaxNode): string | undefined {
  if (memo.literals.has(node.id)) return memo.literals.get(node.id);
  const value = readStringLiteral(node);
  memo.literals.set(node.id, value);
  return value;
}

function readStringLiteral(node: SyntaxNode): string | undefined {
  const type = typeOf(node);
  if (type === 'raw_string_literal') {
    // Carriage returns are discarded from raw strings (the Go spec).
    return node.text.slice(1, -1).replace(/\r/g, '');
  }
  if (type !== 'interpreted_string_literal') return undefined;
  let out = '';
  for (let i = 0; i < node.namedChildCount; i++) {
    const part = node.namedChild(i);
    if (!part) continue;
    out += part.type === 'escape_sequence' ? unescape(part.text) : part.text;
  }
  return out;
}

export interface Callee {
  /** `Start` of `tracer.Start(…)`, `HandleFunc` of `http.HandleFunc(…)`, `f` of `f(…)`. */
  readonly name: string;
  /** What the method is called on (`tracer`, `http`, `s.tracer`, a call); undefined for a plain function call. */
  readonly operand: SyntaxNode | undefined;
}

export function calleeOf(call: SyntaxNode): Callee | undefined {
  if (memo.callees.has(call.id)) return memo.callees.get(call.id);
  const callee = readCallee(call);
  memo.callees.set(call.id, callee);
  return callee;
}

function readCallee(call: SyntaxNode): Callee | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  const f = unparen(fn);
  const type = typeOf(f);
  if (type === 'identifier') return { name: f.text, operand: undefined };
  if (type === 'selector_expression') {
    const field = f.childForFieldName('field');
    const operand = f.childForFieldName('operand');
    return field ? { name: field.text, operand: operand ?? undefined } : undefined;
  }
  return undefined;
}

/** The argument expressions of a call (a trailing `xs...` counts as one). */
export function argumentsOf(call: SyntaxNode): readonly SyntaxNode[] {
  const known = memo.args.get(call.id);
  if (known) return known;
  const out: SyntaxNode[] = [];
  const list = call.childForFieldName('arguments');
  for (const a of list?.namedChildren ?? []) if (a && typeOf(a) !== 'comment') out.push(a);
  memo.args.set(call.id, out);
  return out;
}

/** `otel` of `otel.Tracer`, when the operand is a plain identifier (usually a package name). */
export function operandName(callee: Callee): string | undefined {
  return callee.operand?.type === 'identifier' ? callee.operand.text : undefined;
}

/** The nearest function (declaration, method or literal) around `node`, not `node` itself. */
export function enclosingFunctionNode(node: SyntaxNode): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (functionNodeTypes.has(n.type)) return n;
  return undefined;
}

/** Source text without spaces, as a lookup key for receivers (`s.tracer`, `h.deps.tracer`). */
export function compactText(node: SyntaxNode): string {
  return node.text.replace(/\s+/g, '');
}

/** The last name of a receiver expression: `tracer` of `s.deps.tracer`, `t` of `t`. */
export function lastName(node: SyntaxNode): string | undefined {
  const n = unparen(node);
  if (n.type === 'identifier' || n.type === 'field_identifier') return n.text;
  if (n.type === 'selector_expression') return n.childForFieldName('field')?.text;
  return undefined;
}

/**
 * Where the value of `expr` is assigned, when it is the right-hand side of `x := expr`, `var x = expr`,
 * `x = expr`, `s.x = expr` or a keyed element `x: expr`: the name it is given (`x`, `.x` for fields) and the
 * scope-defining statement. Only the first value of a multi-value assignment is followed.
 */
export function assignedName(expr: SyntaxNode): { name: string; field: boolean; statement: SyntaxNode } | undefined {
  let n = expr;
  while (n.parent && (n.parent.type === 'parenthesized_expression' || n.parent.type === 'unary_expression')) n = n.parent;
  const parent = n.parent;
  if (!parent) return undefined;
  if (parent.type === 'literal_element') {
    const keyed = parent.parent;
    if (keyed?.type !== 'keyed_element' || keyed.childForFieldName('value')?.id !== parent.id) return undefined;
    const key = keyed.childForFieldName('key')?.firstNamedChild;
    return key && (key.type === 'identifier' || key.type === 'field_identifier') ? { name: key.text, field: true, statement: keyed } : undefined;
  }
  if (parent.type !== 'expression_list') return undefined;
  const statement = parent.parent;
  if (!statement) return undefined;
  // `x, y := a, b` pairs names and values by position.
  const index = indexAmongNamed(parent, n);
  if (statement.type === 'short_var_declaration' || statement.type === 'assignment_statement') {
    if (statement.childForFieldName('right')?.id !== parent.id) return undefined;
    const left = statement.childForFieldName('left');
    const target = left?.namedChild(index);
    if (!target) return undefined;
    if (target.type === 'identifier') return { name: target.text, field: false, statement };
    if (target.type === 'selector_expression') {
      const field = target.childForFieldName('field');
      return field ? { name: field.text, field: true, statement } : undefined;
    }
    return undefined;
  }
  if (statement.type === 'var_spec' || statement.type === 'const_spec') {
    const names = statement.childrenForFieldName('name').filter((x): x is SyntaxNode => x !== null);
    const target = names[index];
    return target ? { name: target.text, field: false, statement } : undefined;
  }
  return undefined;
}

function indexAmongNamed(list: SyntaxNode, child: SyntaxNode): number {
  for (let i = 0; i < list.namedChildCount; i++) if (list.namedChild(i)?.id === child.id) return i;
  return -1;
}
