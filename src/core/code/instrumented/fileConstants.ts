// Follows span-name expressions to the string constants of the same file: literals, `const`s, `as const` objects,
// enums, templates and concatenations. Anything it cannot see (imports, parameters, calls) is "unknown".
import { ts } from 'ts-morph';
import type { SpanNameMatcher } from './types';
import { spanNameFromParts, type SpanNamePart } from './spanNameFromParts';

/** A piece of a span name: known text, or a run-time value shown as `{expression}`. */
type NamePart = SpanNamePart;

/** How deep to follow const → const → … chains; a cycle or a silly chain just ends as "unknown". */
const maxDepth = 8;

// Read once: members of ts-morph's `ts` export are getters, and this runs for every call in a file.
const wrapperKinds: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.ParenthesizedExpression,
  ts.SyntaxKind.AsExpression,
  ts.SyntaxKind.SatisfiesExpression,
  ts.SyntaxKind.NonNullExpression,
  ts.SyntaxKind.TypeAssertionExpression,
]);

/** `(x)`, `x as T`, `x satisfies T`, `x!`, `<T>x` → `x`. */
export function unwrapExpression(expr: ts.Expression): ts.Expression {
  let e = expr;
  while (wrapperKinds.has(e.kind)) e = (e as ts.ParenthesizedExpression).expression;
  return e;
}

export function propertyNameText(name: ts.PropertyName | ts.BindingName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name) || ts.isNoSubstitutionTemplateLiteral(name)) {
    return name.text;
  }
  return undefined;
}

/** The constants and enums of one file, collected during the finder's walk, and what span names they make. */
export class FileConstants {
  private readonly consts = new Map<string, ts.VariableDeclaration[]>();
  private readonly enums = new Map<string, ts.EnumDeclaration[]>();

  constructor(private readonly sourceFile: ts.SourceFile) {}

  /** Records a `const` declaration with an initializer (others are ignored: their value may change). */
  addVariable(decl: ts.VariableDeclaration): void {
    if (!decl.initializer || !ts.isIdentifier(decl.name)) return;
    const list = decl.parent;
    if (!ts.isVariableDeclarationList(list) || (list.flags & ts.NodeFlags.Const) === 0) return;
    const name = decl.name.text;
    const existing = this.consts.get(name);
    if (existing) existing.push(decl);
    else this.consts.set(name, [decl]);
  }

  addEnum(decl: ts.EnumDeclaration): void {
    const name = decl.name.text;
    const existing = this.enums.get(name);
    if (existing) existing.push(decl);
    else this.enums.set(name, [decl]);
  }

  /** The initializer of the `const` named `name` that is in scope at `at` (the innermost one when shadowed). */
  constInitializer(name: string, at: ts.Node): ts.Expression | undefined {
    const decls = this.consts.get(name);
    if (!decls) return undefined;
    return innermostInScope(decls, at, (d) => d.parent.parent.parent)?.initializer;
  }

  private enumNamed(name: string, at: ts.Node): ts.EnumDeclaration | undefined {
    const decls = this.enums.get(name);
    if (!decls) return undefined;
    return innermostInScope(decls, at, (d) => d.parent);
  }

  /** The exact string value of `expr`, if the file says what it is. */
  staticString(expr: ts.Expression): string | undefined {
    const m = this.spanName(expr, true);
    return m?.kind === 'exact' ? m.name : undefined;
  }

  /**
   * The span name(s) `expr` evaluates to: exact when every part is known, a pattern when some parts are run-time
   * values (each becomes `.+`), undefined when nothing of it is known (a parameter, an import, a call) — a pattern
   * of only wildcards would match every span, which is worse than no lens.
   */
  /**
   * Every span name `expr` may evaluate to: the branches of a conditional of names (`cond ? 'a' : 'b'`, nested,
   * `a ?? 'b'` is not one: its left side is unknown) each as their own matcher; otherwise what spanName gives.
   */
  spanNames(expr: ts.Expression): SpanNameMatcher[] {
    const e = unwrapExpression(expr);
    if (ts.isConditionalExpression(e)) {
      // Both branches must be known: one unknown branch could be any name at all.
      const whenTrue = this.spanNames(e.whenTrue);
      const whenFalse = this.spanNames(e.whenFalse);
      return whenTrue.length > 0 && whenFalse.length > 0 ? [...whenTrue, ...whenFalse] : [];
    }
    const one = this.spanName(expr);
    return one ? [one] : [];
  }

  spanName(expr: ts.Expression, exactOnly = false): SpanNameMatcher | undefined {
    const parts = this.parts(expr, 0);
    return parts ? spanNameFromParts(parts, exactOnly) : undefined;
  }

  private parts(expr: ts.Expression, depth: number): NamePart[] | undefined {
    if (depth > maxDepth) return undefined;
    const e = unwrapExpression(expr);
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [{ text: e.text, known: true }];
    if (ts.isNumericLiteral(e)) return [{ text: String(Number(e.text)), known: true }];
    if (ts.isTemplateExpression(e)) {
      const out: NamePart[] = [{ text: e.head.text, known: true }];
      for (const span of e.templateSpans) {
        out.push(...(this.parts(span.expression, depth + 1) ?? [this.unknown(span.expression)]));
        out.push({ text: span.literal.text, known: true });
      }
      return out;
    }
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = this.parts(e.left, depth + 1) ?? [this.unknown(e.left)];
      const right = this.parts(e.right, depth + 1) ?? [this.unknown(e.right)];
      return [...left, ...right];
    }
    if (ts.isIdentifier(e)) {
      const init = this.constInitializer(e.text, e);
      return init ? this.parts(init, depth + 1) : undefined;
    }
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const value = this.memberValue(e, depth);
      return value ? this.parts(value, depth + 1) : undefined;
    }
    return undefined;
  }

  private unknown(expr: ts.Expression): NamePart {
    const text = expr.getText(this.sourceFile).replace(/\s+/g, ' ');
    return { display: text.length > 24 ? text.slice(0, 23) + '…' : text, known: false };
  }

  /** `Obj.key`, `Obj['key']`, `Enum.Member`, `A.B.C` on const object literals / enums of this file. */
  private memberValue(e: ts.PropertyAccessExpression | ts.ElementAccessExpression, depth: number): ts.Expression | undefined {
    let key: string | undefined;
    if (ts.isPropertyAccessExpression(e)) key = ts.isIdentifier(e.name) ? e.name.text : undefined;
    else {
      const arg = unwrapExpression(e.argumentExpression);
      key = ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg) || ts.isNumericLiteral(arg) ? arg.text : undefined;
    }
    if (key === undefined) return undefined;
    const container = this.container(e.expression, depth + 1);
    if (!container) return undefined;
    if (ts.isEnumDeclaration(container)) {
      for (const member of container.members) {
        if (propertyNameText(member.name) === key) return member.initializer;
      }
      return undefined;
    }
    // The last property with that name wins, as at run time.
    let found: ts.Expression | undefined;
    for (const prop of container.properties) {
      if (ts.isPropertyAssignment(prop) && propertyNameText(prop.name) === key) found = prop.initializer;
      else if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === key) found = prop.name;
    }
    return found;
  }

  /**
   * What a member reference like `handlers.getUser` points to in this file: the property's value, or the method
   * itself for method shorthand (`{ getUser(req, res) {} }`).
   */
  objectMember(e: ts.PropertyAccessExpression): ts.Expression | ts.MethodDeclaration | undefined {
    if (!ts.isIdentifier(e.name)) return undefined;
    const key = e.name.text;
    const container = this.container(e.expression, 1);
    if (!container || ts.isEnumDeclaration(container)) return undefined;
    let found: ts.Expression | ts.MethodDeclaration | undefined;
    for (const prop of container.properties) {
      if (ts.isPropertyAssignment(prop) && propertyNameText(prop.name) === key) found = prop.initializer;
      else if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === key) found = prop.name;
      else if (ts.isMethodDeclaration(prop) && propertyNameText(prop.name) === key) found = prop;
    }
    return found;
  }

  private container(expr: ts.Expression, depth: number): ts.ObjectLiteralExpression | ts.EnumDeclaration | undefined {
    if (depth > maxDepth) return undefined;
    const e = unwrapExpression(expr);
    if (ts.isObjectLiteralExpression(e)) return e;
    if (ts.isIdentifier(e)) {
      const en = this.enumNamed(e.text, e);
      const init = this.constInitializer(e.text, e);
      if (init) return this.container(init, depth + 1);
      return en;
    }
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const value = this.memberValue(e, depth);
      return value ? this.container(value, depth + 1) : undefined;
    }
    return undefined;
  }
}

/** Of the declarations whose scope contains `at`, the one with the smallest scope (the one `at` sees). */
export function innermostInScope<T>(decls: readonly T[], at: ts.Node, scopeOf: (d: T) => ts.Node): T | undefined {
  if (decls.length === 1) {
    const only = decls[0]!;
    const scope = scopeOf(only);
    return scope.pos <= at.pos && at.end <= scope.end ? only : undefined;
  }
  let best: T | undefined;
  let bestSize = Infinity;
  for (const d of decls) {
    const scope = scopeOf(d);
    if (scope.pos <= at.pos && at.end <= scope.end && scope.end - scope.pos < bestSize) {
      best = d;
      bestSize = scope.end - scope.pos;
    }
  }
  return best;
}
