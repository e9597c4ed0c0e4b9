// Recognises secrets and personal data by attribute key (password, token, cookie, email, card number, …) and by
// value (email addresses, card numbers that pass the Luhn check, JWTs, bearer/basic credentials).
import { ts } from 'ts-morph';

export type SensitiveKind = 'password' | 'secret' | 'token' | 'credentials' | 'cookie' | 'api key' | 'email' | 'card number' | 'national id';

/** Key patterns over a normalised key: lower case, camelCase split, every separator turned into `_`. */
const keyPatterns: ReadonlyArray<{ readonly re: RegExp; readonly kind: SensitiveKind }> = [
  { re: /(^|_)(password|passwd|pwd|passphrase|pass_phrase)(_|$)/, kind: 'password' },
  { re: /(^|_)(client_)?secret(_key)?(_|$)/, kind: 'secret' },
  { re: /(^|_)token$|(^|_)(access|refresh|id|auth|bearer|api|session|csrf|xsrf|oauth)_?token(_|$)/, kind: 'token' },
  { re: /(^|_)(proxy_)?authori[sz]ation(_|$)|(^|_)credentials?(_|$)/, kind: 'credentials' },
  { re: /(^|_)(set_)?cookies?(_|$)/, kind: 'cookie' },
  { re: /(^|_)(x_)?api_?key(_|$)|(^|_)(access|private|secret)_key(_|$)/, kind: 'api key' },
  { re: /(^|_)e_?mail(_address)?(_|$)/, kind: 'email' },
  { re: /credit_?card|card_?(number|num|no)(_|$)|(^|_)cc_?(number|num)(_|$)|(^|_)(cvv|cvc|cvv2)(_|$)/, kind: 'card number' },
  { re: /(^|_)ssn(_|$)|social_security/, kind: 'national id' },
];

export function normaliseKey(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function sensitiveKeyKind(key: string): SensitiveKind | undefined {
  const k = normaliseKey(key);
  for (const p of keyPatterns) if (p.re.test(k)) return p.kind;
  return undefined;
}

/** Luhn checksum over the digits of a card-number candidate. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

// The look-behind starts a match only where a run of local-part characters starts: without it a long run with no
// `@` is rescanned from each of its characters (quadratic; a 100k-character span name took seconds).
const emailRe = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
const jwtRe = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/;
const authSchemeRe = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/i;
const cardCandidateRe = /\b\d(?:[ -]?\d){12,18}\b/g;

export function sensitiveValueKind(value: string): SensitiveKind | undefined {
  if (jwtRe.test(value)) return 'token';
  if (authSchemeRe.test(value)) return 'credentials';
  if (emailRe.test(value)) return 'email';
  for (const m of value.matchAll(cardCandidateRe)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && passesLuhn(digits)) return 'card number';
  }
  return undefined;
}

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
