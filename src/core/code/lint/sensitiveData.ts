// Recognises secrets and personal data in TypeScript/JavaScript expressions; the text-level checks (keys, values) are
// language-neutral and live in neutral/sensitiveText.ts.
import { ts } from 'ts-morph';
import { type SensitiveKind, sensitiveKeyKind, sensitiveValueKind } from './neutral/sensitiveText';

export { type SensitiveKind, normaliseKey, passesLuhn, sensitiveKeyKind, sensitiveValueKind } from './neutral/sensitiveText';

/** The last name in a value expression: `user.password` → 'password', `getToken()` → 'getToken'. */
function lastName(e: ts.Expression): string | undefined {
  let u = e;
  while (ts.isParenthesizedExpression(u) || ts.isAsExpression(u) || ts.isNonNullExpression(u) || ts.isAwaitExpression(u)) u = u.expression;
  if (ts.isIdentifier(u)) return u.text;
  if (ts.isPropertyAccessExpression(u)) return u.name.text;
  if (ts.isElementAccessExpression(u) && (ts.isStringLiteral(u.argumentExpression) || ts.isNoSubstitutionTemplateLiteral(u.argumentExpression))) return u.argumentExpression.text;
  if (ts.isCallExpression(u)) {
    const n = lastName(u.expression);
    return n?.replace(/^get_?/i, '');
  }
  return undefined;
}

/** What kind of sensitive data an expression holds, judged by its name or its literal text. */
export function sensitiveExpressionKind(e: ts.Expression): SensitiveKind | undefined {
  let u = e;
  while (ts.isParenthesizedExpression(u)) u = u.expression;
  if (ts.isStringLiteral(u) || ts.isNoSubstitutionTemplateLiteral(u)) return sensitiveValueKind(u.text);
  if (ts.isTemplateExpression(u)) {
    const fixed = [u.head.text, ...u.templateSpans.map((s) => s.literal.text)].join(' ');
    const byText = sensitiveValueKind(fixed);
    if (byText) return byText;
    for (const s of u.templateSpans) {
      const k = sensitiveExpressionKind(s.expression);
      if (k) return k;
    }
    return undefined;
  }
  const name = lastName(u);
  return name !== undefined ? sensitiveKeyKind(name) : undefined;
}

export function isSensitiveValueExpression(e: ts.Expression): boolean {
  return sensitiveExpressionKind(e) !== undefined;
}
