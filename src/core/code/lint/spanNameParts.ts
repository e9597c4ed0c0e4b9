// Splits a span-name expression (template literal or `+` concatenation) into fixed text and run-time values, and
// rebuilds a low-cardinality name with the values moved to attributes.
import { ts } from 'ts-morph';
import { attributeKeyForNames, lowCardinalityNameOf, type SpanNamePart } from './neutral/spanNameText';

export type NamePart = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'expr'; readonly expr: ts.Expression };

function unwrap(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x)) x = x.expression;
  return x;
}

/** String constants of the file (`const NAME = 'x'`), so `PREFIX + id` knows PREFIX is fixed text. */
export function stringConstants(sf: ts.SourceFile): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.isVariableDeclarationList(node.parent) && (node.parent.flags & ts.NodeFlags.Const) !== 0) {
      const init = unwrap(node.initializer);
      if ((ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init)) && !out.has(node.name.text)) out.set(node.name.text, init.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The parts of a template or concatenation, or undefined when `e` is neither (or has no fixed text at all). */
export function nameParts(e: ts.Expression, constants: ReadonlyMap<string, string>): NamePart[] | undefined {
  const x = unwrap(e);
  const parts: NamePart[] = [];
  const leaf = (n: ts.Expression): void => {
    const u = unwrap(n);
    if (ts.isStringLiteral(u) || ts.isNoSubstitutionTemplateLiteral(u)) parts.push({ kind: 'text', text: u.text });
    else if (ts.isTemplateExpression(u)) templateParts(u);
    else if (ts.isIdentifier(u) && constants.has(u.text)) parts.push({ kind: 'text', text: constants.get(u.text)! });
    else if (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      leaf(u.left);
      leaf(u.right);
    } else parts.push({ kind: 'expr', expr: u });
  };
  const templateParts = (t: ts.TemplateExpression): void => {
    parts.push({ kind: 'text', text: t.head.text });
    for (const span of t.templateSpans) {
      leaf(span.expression);
      parts.push({ kind: 'text', text: span.literal.text });
    }
  };
  if (ts.isTemplateExpression(x)) templateParts(x);
  else if (ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.PlusToken) leaf(x);
  else return undefined;
  if (!parts.some((p) => p.kind === 'text' && p.text.trim() !== '')) return undefined;
  if (!parts.some((p) => p.kind === 'expr')) return undefined;
  return parts;
}

/** The identifiers naming a value: `user.id` → ['user', 'id'], `req.params.orderId` → ['params', 'orderId']. */
function nameChain(e: ts.Expression): string[] {
  const u = unwrap(e);
  if (ts.isIdentifier(u)) return [u.text];
  if (ts.isPropertyAccessExpression(u)) return [...nameChain(u.expression), u.name.text].slice(-2);
  if (ts.isCallExpression(u)) return nameChain(u.expression).slice(-1);
  if (ts.isElementAccessExpression(u)) return nameChain(u.expression);
  if (ts.isNonNullExpression(u) || ts.isAsExpression(u)) return nameChain(u.expression);
  return [];
}

/** An attribute key for a value: `userId` → `user.id`; a bare `id` after "get user " → `user.id`. */
export function attributeKeyFor(e: ts.Expression, textBefore: string): string {
  return attributeKeyForNames(nameChain(e), textBefore);
}

export interface LowCardinalityName {
  readonly name: string;
  readonly attributes: ReadonlyArray<{ readonly key: string; readonly expr: ts.Expression }>;
}

/** lowCardinalityNameOf (neutral/spanNameText.ts) over a TS name expression's parts. */
export function lowCardinalityName(parts: readonly NamePart[], keep: (e: ts.Expression) => boolean = () => true): LowCardinalityName {
  const neutral: Array<SpanNamePart<ts.Expression>> = parts.map((p) => (p.kind === 'text' ? p : { kind: 'value', names: nameChain(p.expr), ref: p.expr }));
  const low = lowCardinalityNameOf(neutral, (p) => keep(p.ref));
  return { name: low.name, attributes: low.attributes.map((a) => ({ key: a.key, expr: a.ref })) };
}
