// Recognises secrets and personal data by attribute key (password, token, cookie, email, card number, …) and by
// value (email addresses, card numbers that pass the Luhn check, JWTs, bearer/basic credentials), on plain text only:
// every language's lint uses it (the TS/JS rules through ../sensitiveData.ts), so it must not load a parser.

export type SensitiveKind = 'password' | 'secret' | 'token' | 'credentials' | 'cookie' | 'api key' | 'email' | 'card number' | 'national id';

/** Key patterns over a normalised key: lower case, camelCase split, every separator turned into `_`. */
const keyPatterns: ReadonlyArray<{ readonly re: RegExp; readonly kind: SensitiveKind }> = [
  { re: /(^|_)(password|passwd|pwd|passphrase|pass_phrase)(_|$)/, kind: 'password' },
  { re: /(^|_)(client_)?secret(_key)?(_|$)/, kind: 'secret' },
  { re: /(^|_)token$|(^|_)(access|refresh|id|auth|bearer|api|session|csrf|xsrf|oauth)_?token(_|$)/, kind: 'token' },
  // `authorization` as the header or its value, not `authorization_model_id` (an id of an authorization model).
  { re: /(^|_)(proxy_)?authori[sz]ation(_(header|value|token))?$|(^|_)credentials?(_|$)/, kind: 'credentials' },
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

/**
 * What kind of sensitive data a value holds, judged by its literal text or, for a variable, field or getter, by its
 * last name (`user.password`, `getToken()`, `self.api_key`): `names` is that chain of identifiers, outermost first.
 */
export function sensitiveValuePartKind(part: { readonly literal?: string; readonly names: readonly string[] }): SensitiveKind | undefined {
  if (part.literal !== undefined) return sensitiveValueKind(part.literal);
  const last = part.names[part.names.length - 1];
  return last === undefined ? undefined : sensitiveKeyKind(last.replace(/^get_?/i, ''));
}
