// Span names from Java expressions: literals, `static final String` constants (of the class, an enclosing class,
// or another class of the file as `Other.CONST`), final or never reassigned locals, `+` concatenation,
// `String.format` and `.formatted`. What the file cannot tell (a parameter, a method call, a constant of another
// file) is a run-time part: the name becomes a pattern, or no name when nothing of it is fixed.
import { spanNameFromParts, type SpanNamePart } from '../../instrumented/spanNameFromParts';
import type { SpanNameMatcher } from '../../instrumented/types';
import type { SyntaxNode, SyntaxTree } from '../../treeSitter/treeSitterRuntime';
import { namedChildrenOf } from '../../treeSitter/syntaxNodes';
import { argumentsOf, hasModifier, stringLiteralValue, typeDeclarationTypes, unwrapExpression } from './javaSyntax';
import { partsOfJavaFormat } from './javaFormat';
import { classBodyOf, enclosingType } from './javaTypes';
import { parentOf, typeOf } from './javaAncestors';

const MAX_DEPTH = 8;
const scopeTypes = new Set(['method_declaration', 'constructor_declaration', 'compact_constructor_declaration', 'lambda_expression']);
const fieldTypes = new Set(['field_declaration', 'constant_declaration']);

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class JavaNames {
  private readonly typesByName = new Map<string, SyntaxNode[]>();
  /** The field declarations found by class body and name (undefined: none), as a class's constants are read often. */
  private readonly fields = new Map<string, { decl: SyntaxNode; declarator: SyntaxNode } | undefined>();

  constructor(
    private readonly tree: SyntaxTree,
    private readonly text: string,
  ) {}

  /** Exact, pattern, or undefined when the expression has no fixed text (or is not exact with `exactOnly`). */
  spanName(expr: SyntaxNode, exactOnly = false): SpanNameMatcher | undefined {
    return spanNameFromParts(this.parts(expr, 0), exactOnly);
  }

  /** The string an expression always has, or undefined. */
  staticString(expr: SyntaxNode): string | undefined {
    const m = this.spanName(expr, true);
    return m?.kind === 'exact' ? m.name : undefined;
  }

  parts(expr: SyntaxNode, depth: number): SpanNamePart[] {
    const e = unwrapExpression(expr);
    const unknown: SpanNamePart[] = [{ known: false, display: e.text.replace(/\s+/g, ' ') }];
    if (depth > MAX_DEPTH) return unknown;
    switch (typeOf(e)) {
      case 'string_literal': {
        const v = stringLiteralValue(e);
        return v === undefined ? unknown : [{ known: true, text: v }];
      }
      case 'character_literal': {
        const v = /^'(.)'$/s.exec(e.text)?.[1];
        return v === undefined ? unknown : [{ known: true, text: v }];
      }
      case 'decimal_integer_literal':
        return [{ known: true, text: e.text.replace(/[_lL]/g, '') }];
      case 'binary_expression': {
        const op = e.childForFieldName('operator')?.text;
        const left = e.childForFieldName('left');
        const right = e.childForFieldName('right');
        if (op !== '+' || !left || !right) return unknown;
        return [...this.parts(left, depth + 1), ...this.parts(right, depth + 1)];
      }
      case 'identifier':
      case 'field_access': {
        const value = this.constantValue(e);
        return value ? this.parts(value, depth + 1) : unknown;
      }
      case 'method_invocation':
        return this.callParts(e, depth) ?? unknown;
      default:
        return unknown;
    }
  }

  private callParts(call: SyntaxNode, depth: number): SpanNamePart[] | undefined {
    const name = call.childForFieldName('name')?.text;
    const object = call.childForFieldName('object');
    const args = argumentsOf(call);
    if (name === 'format' && object?.text === 'String' && args[0]) {
      // String.format(Locale, fmt, …) takes the locale first.
      const withLocale = args.length > 1 && /^Locale\b/.test(args[0].text);
      const fmtNode = withLocale ? args[1]! : args[0];
      const fmt = this.staticString(fmtNode);
      return fmt === undefined ? undefined : partsOfJavaFormat(fmt, args.slice(withLocale ? 2 : 1).map((a) => a.text));
    }
    if (name === 'formatted' && object) {
      const fmt = this.staticString(object);
      return fmt === undefined ? undefined : partsOfJavaFormat(fmt, args.map((a) => a.text));
    }
    if (name === 'concat' && object && args.length === 1) return [...this.parts(object, depth + 1), ...this.parts(args[0]!, depth + 1)];
    return undefined;
  }

  /** The initializer of the constant or unchanging local an identifier (`NAME`, `this.NAME`, `Other.NAME`) names. */
  constantValue(ref: SyntaxNode): SyntaxNode | undefined {
    if (typeOf(ref) === 'identifier') {
      const local = this.localValue(ref);
      return local === undefined ? this.fieldValue(ref.text, ref, true) : (local ?? undefined);
    }
    if (typeOf(ref) !== 'field_access') return undefined;
    const field = ref.childForFieldName('field')?.text;
    const object = ref.childForFieldName('object');
    if (!field || !object) return undefined;
    if (typeOf(object) === 'this') {
      const type = enclosingType(ref);
      return type ? this.fieldIn(type, field) : undefined;
    }
    // `Other.NAME`, `Outer.Inner.NAME`: a class of this file by its simple name.
    const typeName = typeOf(object) === 'identifier' ? object.text : typeOf(object) === 'field_access' ? object.childForFieldName('field')?.text : typeOf(object) === 'scoped_type_identifier' ? object.text.split('.').pop() : undefined;
    if (!typeName) return undefined;
    const types = this.typesNamed(typeName);
    if (types.length !== 1) return undefined;
    return this.fieldIn(types[0]!, field);
  }

  /**
   * The initializer of a local declared before `ref` in an enclosing block, when it is never assigned again; null
   * when `ref` names a local or parameter that is not such a constant; undefined when it names no local (a field).
   */
  private localValue(ref: SyntaxNode): SyntaxNode | null | undefined {
    const name = ref.text;
    const named = (): RegExp => new RegExp(`(?<![\\w$])${escapeRegex(name)}(?![\\w$])`);
    let child: SyntaxNode = ref;
    for (let n = parentOf(ref); n; child = n, n = parentOf(n)) {
      // Each read of a node's type is a call into the wasm module: once per node.
      const type = typeOf(n);
      if (typeDeclarationTypes.has(type) || type === 'class_body') return undefined;
      if (scopeTypes.has(type)) {
        const params = n.childForFieldName('parameters');
        if (params && named().test(params.text)) return null;
        if (type !== 'lambda_expression') return undefined;
        continue;
      }
      if ((type === 'enhanced_for_statement' || type === 'catch_clause') && named().test(n.text.slice(0, child.startIndex - n.startIndex))) return null;
      if (type !== 'block' && type !== 'constructor_body' && type !== 'switch_block_statement_group') continue;
      // No statement before `ref` mentions the name: nothing here declares it.
      if (!named().test(this.text.slice(n.startIndex, child.startIndex))) continue;
      for (const stmt of namedChildrenOf(n)) {
        if (stmt.startIndex >= child.startIndex) break;
        if (typeOf(stmt) !== 'local_variable_declaration') continue;
        for (const d of namedChildrenOf(stmt)) {
          if (typeOf(d) !== 'variable_declarator' || d.childForFieldName('name')?.text !== name) continue;
          const value = d.childForFieldName('value');
          if (!value) return null;
          return hasModifier(stmt, 'final') || !this.reassigned(name, n, d) ? value : null;
        }
      }
    }
    return undefined;
  }

  /** True when `name` is assigned in `scope` other than by its declarator. */
  private reassigned(name: string, scope: SyntaxNode, declarator: SyntaxNode): boolean {
    const re = new RegExp(`(?<![\\w$.])${escapeRegex(name)}\\s*(?:[-+*/%&|^]|<<|>>>?)?=(?!=)`, 'g');
    const body = scope.text;
    for (const m of body.matchAll(re)) {
      const at = scope.startIndex + m.index;
      if (at < declarator.startIndex || at >= declarator.endIndex) return true;
    }
    return false;
  }

  /** A final field named `name` of the class around `at` or of a class around that one. */
  private fieldValue(name: string, at: SyntaxNode, outward: boolean): SyntaxNode | undefined {
    for (let type = enclosingType(at); type; type = outward ? enclosingType(type) : undefined) {
      const body = classBodyOf(type);
      const found = body ? this.fieldDeclarator(body, name) : undefined;
      if (found) return this.constantInitializer(type, found);
    }
    return undefined;
  }

  private fieldDeclarator(body: SyntaxNode, name: string): { decl: SyntaxNode; declarator: SyntaxNode } | undefined {
    const key = `${body.id}:${name}`;
    if (this.fields.has(key)) return this.fields.get(key);
    const found = this.text.slice(body.startIndex, body.endIndex).includes(name) ? this.scanFields(body, name) : undefined;
    this.fields.set(key, found);
    return found;
  }

  private scanFields(body: SyntaxNode, name: string): { decl: SyntaxNode; declarator: SyntaxNode } | undefined {
    for (const member of namedChildrenOf(body)) {
      const holder = typeOf(member) === 'enum_body_declarations' ? member : undefined;
      for (const m of holder ? namedChildrenOf(holder) : [member]) {
        if (!fieldTypes.has(typeOf(m))) continue;
        for (const d of namedChildrenOf(m)) if (typeOf(d) === 'variable_declarator' && d.childForFieldName('name')?.text === name) return { decl: m, declarator: d };
      }
    }
    return undefined;
  }

  /** The initializer of a final field (interface fields are implicitly final). */
  private fieldIn(type: SyntaxNode, name: string): SyntaxNode | undefined {
    const body = classBodyOf(type);
    const found = body ? this.fieldDeclarator(body, name) : undefined;
    return found ? this.constantInitializer(type, found) : undefined;
  }

  private constantInitializer(type: SyntaxNode, found: { decl: SyntaxNode; declarator: SyntaxNode }): SyntaxNode | undefined {
    const constant = typeOf(found.decl) === 'constant_declaration' || typeOf(type) === 'interface_declaration' || hasModifier(found.decl, 'final');
    return constant ? (found.declarator.childForFieldName('value') ?? undefined) : undefined;
  }

  /** Type declarations of the file with this simple name. */
  typesNamed(name: string): SyntaxNode[] {
    let list = this.typesByName.get(name);
    if (list) return list;
    list = [];
    const re = new RegExp(`\\b(?:class|interface|enum|record)\\s+(${escapeRegex(name)})(?![\\w$])`, 'g');
    for (const m of this.text.matchAll(re)) {
      const start = m.index + m[0].length - name.length;
      const id = this.tree.rootNode.descendantForIndex(start, start + name.length);
      const decl = id ? parentOf(id) : undefined;
      if (id?.type === 'identifier' && decl && typeDeclarationTypes.has(typeOf(decl)) && decl.childForFieldName('name')?.id === id.id) list.push(decl);
    }
    this.typesByName.set(name, list);
    return list;
  }
}
