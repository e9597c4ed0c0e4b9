// Span names from Python expressions: literals, module constants, class attributes (`Names.CREATE`,
// `self.NAME`, enum members and their `.value`), a function's own single assignments, f-strings, `%` and
// `str.format` templates and `+` concatenations. Run-time values become pattern parts; a name with no fixed text
// (a parameter, an import from another file) gives no lens, since a wildcard would claim every span.
import { spanNameFromParts, type SpanNamePart } from '../../instrumented/spanNameFromParts';
import type { SpanNameMatcher } from '../../instrumented/types';
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import type { PythonFile } from './pythonFile';
import { parseFormatTemplate, parsePercentTemplate, stringLiteralParts } from './pythonStrings';
import { ancestorsOf, parentOf } from './pythonSyntax';

const MAX_DEPTH = 8;

function unknown(node: SyntaxNode): SpanNamePart {
  return { known: false, display: node.text.replace(/\s+/g, ' ') };
}

function innermostFunction(node: SyntaxNode): SyntaxNode | undefined {
  for (const { node: n, type } of ancestorsOf(node)) if (type === 'function_definition') return n;
  return undefined;
}

function enclosingClassOf(node: SyntaxNode): SyntaxNode | undefined {
  for (const { node: n, type } of ancestorsOf(node)) if (type === 'class_definition') return n;
  return undefined;
}

/** True when `name` is one of the function's parameters (read from the parameter list's text: one wasm call). */
function hasParameter(fn: SyntaxNode, name: string): boolean {
  const params = fn.childForFieldName('parameters')?.text;
  return params !== undefined && new RegExp(`(?:^\\(|,|\\*)\\s*${name}\\s*(?=[:=,)]|$)`).test(params);
}

export class PythonNames {
  constructor(private readonly file: PythonFile) {}

  /** The matcher for a span-name expression, or undefined when it has no fixed text. */
  spanName(expr: SyntaxNode): SpanNameMatcher | undefined {
    return spanNameFromParts(this.parts(expr, 0));
  }

  /** The expression's text when it is fully known at this point of the file. */
  staticString(expr: SyntaxNode): string | undefined {
    const parts = this.parts(expr, 0);
    return parts.every((p) => p.known) ? parts.map((p) => (p.known ? p.text : '')).join('') : undefined;
  }

  /** The value an identifier or attribute stands for, followed through constants; undefined when not in this file. */
  valueOf(expr: SyntaxNode, depth = 0): SyntaxNode | undefined {
    if (depth > MAX_DEPTH) return undefined;
    let value: SyntaxNode | undefined;
    if (expr.type === 'identifier') value = this.identifierValue(expr);
    else if (expr.type === 'attribute') value = this.attributeValue(expr);
    else return expr;
    if (!value) return undefined;
    return value.type === 'identifier' || value.type === 'attribute' ? this.valueOf(value, depth + 1) : value;
  }

  parts(expr: SyntaxNode, depth: number): SpanNamePart[] {
    if (depth > MAX_DEPTH) return [unknown(expr)];
    switch (expr.type) {
      case 'string':
        // A constant in an f-string is its text, unless a conversion or format spec changes it.
        return (
          stringLiteralParts(expr, (e, formatted) => {
            const inner = formatted ? [unknown(e)] : this.parts(e, depth + 1);
            return inner.every((p) => p.known) ? inner : [unknown(e)];
          }) ?? [unknown(expr)]
        );
      case 'integer':
        return /^\d+$/.test(expr.text) ? [{ known: true, text: String(Number(expr.text)) }] : [unknown(expr)];
      case 'concatenated_string':
        return expr.namedChildren.flatMap((c) => (c ? this.parts(c, depth + 1) : []));
      case 'parenthesized_expression': {
        const inner = expr.namedChildren.find((c) => c !== null && c.type !== 'comment');
        return inner ? this.parts(inner, depth + 1) : [unknown(expr)];
      }
      case 'binary_operator':
        return this.binaryParts(expr, depth);
      case 'call':
        return this.formatCallParts(expr, depth) ?? [unknown(expr)];
      case 'identifier':
      case 'attribute': {
        const value = expr.type === 'identifier' ? this.identifierValue(expr) : this.attributeValue(expr);
        return value ? this.parts(value, depth + 1) : [unknown(expr)];
      }
      default:
        return [unknown(expr)];
    }
  }

  private binaryParts(expr: SyntaxNode, depth: number): SpanNamePart[] {
    const op = expr.childForFieldName('operator')?.type;
    const left = expr.childForFieldName('left');
    const right = expr.childForFieldName('right');
    if (!left || !right) return [unknown(expr)];
    if (op === '+') return [...this.parts(left, depth + 1), ...this.parts(right, depth + 1)];
    if (op !== '%') return [unknown(expr)];
    const template = this.knownText(left, depth + 1);
    if (template === undefined) return [unknown(expr)];
    const rightValue = right.type === 'identifier' ? (this.valueOf(right) ?? right) : right;
    const positional = rightValue.type === 'tuple' ? rightValue.namedChildren.filter((c): c is SyntaxNode => c !== null) : [rightValue];
    const byKey = new Map<string, SyntaxNode>();
    if (rightValue.type === 'dictionary') {
      for (const pair of rightValue.namedChildren) {
        const k = pair?.childForFieldName('key');
        const v = pair?.childForFieldName('value');
        const key = k ? this.knownText(k, depth + 1) : undefined;
        if (key !== undefined && v) byKey.set(key, v);
      }
    }
    const out: SpanNamePart[] = [];
    let next = 0;
    for (const piece of parsePercentTemplate(template)) {
      if ('text' in piece) out.push({ known: true, text: piece.text });
      else {
        const arg = piece.key !== undefined ? byKey.get(piece.key) : positional[next++];
        // Only `%s` of a known string is the string itself; numbers and other verbs format.
        const known = arg && /^%s$/.test(piece.verb.replace(/\([^)]*\)/, '')) ? this.knownText(arg, depth + 1) : undefined;
        out.push(known !== undefined ? { known: true, text: known } : { known: false, display: arg ? arg.text.replace(/\s+/g, ' ') : (piece.key ?? piece.verb) });
      }
    }
    return out;
  }

  /** `"orders.{}".format(x)`, `TEMPLATE.format(name=x)`. */
  private formatCallParts(call: SyntaxNode, depth: number): SpanNamePart[] | undefined {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'format') return undefined;
    const object = fn.childForFieldName('object');
    const template = object ? this.knownText(object, depth + 1) : undefined;
    if (template === undefined) return undefined;
    const positional: SyntaxNode[] = [];
    const keyword = new Map<string, SyntaxNode>();
    for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
      if (!a || a.type === 'comment') continue;
      if (a.type === 'keyword_argument') {
        const n = a.childForFieldName('name')?.text;
        const v = a.childForFieldName('value');
        if (n && v) keyword.set(n, v);
      } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
        return undefined;
      } else positional.push(a);
    }
    const out: SpanNamePart[] = [];
    for (const piece of parseFormatTemplate(template)) {
      if ('text' in piece) {
        out.push({ known: true, text: piece.text });
        continue;
      }
      const { key, lookedInto, transformed } = piece.field;
      const arg = typeof key === 'number' ? positional[key] : key !== undefined ? keyword.get(key) : undefined;
      const known = arg && !lookedInto && !transformed ? this.knownText(arg, depth + 1) : undefined;
      out.push(known !== undefined ? { known: true, text: known } : { known: false, display: arg ? arg.text.replace(/\s+/g, ' ') : String(key) });
    }
    return out;
  }

  private knownText(expr: SyntaxNode, depth: number): string | undefined {
    const parts = this.parts(expr, depth);
    return parts.every((p) => p.known) ? parts.map((p) => (p.known ? p.text : '')).join('') : undefined;
  }

  /**
   * The value of a name at its use: the enclosing function's own single assignment to it (a parameter or several
   * assignments: unknown), else the module's single assignment. Imports and builtins are not followed.
   */
  private identifierValue(id: SyntaxNode): SyntaxNode | undefined {
    const name = id.text;
    const fn = innermostFunction(id);
    if (fn) {
      if (hasParameter(fn, name)) return undefined;
      const local: SyntaxNode[] = [];
      const assignedHere = new RegExp(`(${name})(?=[ \\t]*(?::[^=\\n]*)?=(?!=))`, 'g');
      for (const { node: n } of this.file.anchorsIn(fn, assignedHere, 'identifier', 1)) {
        const a = parentOf(n);
        if (a?.type === 'assignment' && a.childForFieldName('left')?.id === n.id && innermostFunction(a)?.id === fn.id) local.push(a);
      }
      if (local.length > 1) return undefined;
      if (local.length === 1) {
        const a = local[0]!;
        return a.startIndex < id.startIndex ? (a.childForFieldName('right') ?? undefined) : undefined;
      }
    }
    const values = this.file.moduleAssignments().get(name);
    return values?.length === 1 ? values[0] : undefined;
  }

  /** `Names.CREATE` / `self.NAME` / `cls.NAME` / `Ops.SYNC.value`: a class attribute of a class of this file. */
  private attributeValue(attr: SyntaxNode): SyntaxNode | undefined {
    let object = attr.childForFieldName('object');
    let name = attr.childForFieldName('attribute')?.text;
    if (!object || !name) return undefined;
    if (name === 'value' && object.type === 'attribute') {
      name = object.childForFieldName('attribute')?.text;
      object = object.childForFieldName('object');
      if (!object || !name) return undefined;
    }
    if (object.type !== 'identifier') return undefined;
    const cls = object.text === 'self' || object.text === 'cls' ? enclosingClassOf(attr) : this.file.classNamed(object.text);
    return cls ? classAttribute(cls, name) : undefined;
  }
}

/** The value assigned to `name` directly in a class body (once), or undefined. */
export function classAttribute(cls: SyntaxNode, name: string): SyntaxNode | undefined {
  const body = cls.childForFieldName('body');
  let found: SyntaxNode | undefined;
  for (const statement of body?.namedChildren ?? []) {
    if (statement?.type !== 'expression_statement') continue;
    const a = statement.firstNamedChild;
    if (a?.type !== 'assignment' || a.childForFieldName('left')?.text !== name) continue;
    if (found) return undefined;
    found = a.childForFieldName('right') ?? undefined;
  }
  return found;
}
