// The characters no generator writes raw into source code, whatever the target language, and the visible form they
// take in comments. Raw, they could end a line comment or a string (line terminators), hide or reorder what a
// reviewer sees (bidirectional overrides, zero-width no-break space), or not survive the trip to disk (a lone
// surrogate has no UTF-8 form). Each language module decides how to escape them in its own literals.

/** C0 controls, DEL and C1 controls. */
export function isControl(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/** Bidirectional formatting characters (the "Trojan Source" set) and the byte-order mark. */
export function isInvisibleFormat(cp: number): boolean {
  return (
    cp === 0x061c ||
    cp === 0x200e ||
    cp === 0x200f ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069) ||
    cp === 0xfeff
  );
}

export function isSurrogate(cp: number): boolean {
  return cp >= 0xd800 && cp <= 0xdfff;
}

/** True for a code point that must be escaped (or shown escaped) wherever generated code holds it. */
export function isUnsafeCodePoint(cp: number): boolean {
  return isControl(cp) || cp === 0x2028 || cp === 0x2029 || isInvisibleFormat(cp) || isSurrogate(cp);
}

export function hex(cp: number, digits: number): string {
  return cp.toString(16).toUpperCase().padStart(digits, '0');
}

/**
 * Maps `value` code point by code point (a lone surrogate comes as one unit): `special` may replace a character
 * (quotes, backslashes, comment closers), unsafe characters go through `escape`, the rest is kept.
 */
export function mapCodePoints(value: string, escape: (cp: number) => string, special?: (ch: string) => string | undefined): string {
  let out = '';
  for (const ch of value) {
    const replaced = special?.(ch);
    if (replaced !== undefined) {
      out += replaced;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    out += isUnsafeCodePoint(cp) ? escape(cp) : ch;
  }
  return out;
}

/**
 * How an unsafe character reads in a comment: `\n`, `\r`, `\t`, `\x1B`, and `U+2028` above U+00FF. The `U+` form
 * holds no backslash-u, which Java would decode even inside a comment.
 */
export function visibleEscape(cp: number): string {
  if (cp === 0x0a) return '\\n';
  if (cp === 0x0d) return '\\r';
  if (cp === 0x09) return '\\t';
  return cp <= 0xff ? `\\x${hex(cp, 2)}` : `U+${hex(cp, 4)}`;
}

/** Comment text: unsafe characters shown escaped, and `closer` (e.g. `*\/`) broken up so the comment cannot end early. */
export function commentText(value: string, closer?: { readonly text: string; readonly broken: string }): string {
  const shown = mapCodePoints(value, visibleEscape);
  return closer ? shown.split(closer.text).join(closer.broken) : shown;
}

/**
 * An identifier from `value`: characters `isPart` rejects become `_`, a first character `isStart` rejects gets a
 * `_` before it, a reserved word gets a `_` after it, and an empty result is `fallback`.
 */
export function identifierFrom(
  value: string,
  rules: { readonly isStart: (ch: string) => boolean; readonly isPart: (ch: string) => boolean; readonly reserved: ReadonlySet<string> },
  fallback: string,
): string {
  let out = '';
  for (const ch of value) out += rules.isPart(ch) ? ch : '_';
  if (out === '' || /^_+$/.test(out)) return fallback;
  if (!rules.isStart([...out][0]!)) out = `_${out}`;
  return rules.reserved.has(out) ? `${out}_` : out;
}
