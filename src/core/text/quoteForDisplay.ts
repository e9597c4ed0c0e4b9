/**
 * Text from files, servers and spans is untrusted: shown raw in a terminal, an escape sequence (ESC [ 31 m) recolours
 * or rewrites the screen, and a bidi override (U+202E) makes text read differently from what it is. Every place that
 * quotes such text to a person goes through these helpers.
 */

/** The default cap on quoted input, in characters of the result. */
export const DEFAULT_QUOTE_LENGTH = 200;

/**
 * C0 controls, DEL, C1 controls, the Arabic letter mark, LRM/RLM, line/paragraph separators, bidi embeddings and
 * overrides (U+202A–202E), bidi isolates (U+2066–2069) and the BOM / zero-width no-break space.
 */
export function isUnsafeChar(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0xfeff
  );
}

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function escapeCode(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

const escapeMatch = (c: string): string => escapeCode(c.charCodeAt(0));

/** Every unsafe character as a `\uXXXX` escape, no length cap: span names in a table, file names. */
export function escapeControlChars(text: string): string {
  return text.replace(UNSAFE, escapeMatch);
}

/**
 * Like escapeControlChars but keeps line feeds: for whole messages whose own layout uses them (the last line of
 * defence in SpanLensError, after the quoted parts went through quoteForDisplay).
 */
export function escapeControlCharsExceptNewlines(text: string): string {
  return text.replace(UNSAFE_EXCEPT_NEWLINE, escapeMatch);
}

/**
 * Untrusted text made safe to quote in a message: unsafe characters escaped, at most `maxLength` characters (an
 * escape or a surrogate pair is never cut in half), ending "… (N more characters)" when it was cut. Looks at no more
 * of the input than it shows, so quoting a huge value costs nothing.
 */
export function quoteForDisplay(text: string, maxLength: number = DEFAULT_QUOTE_LENGTH): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    let piece: string;
    let width = 1;
    if (isUnsafeChar(code)) piece = escapeCode(code);
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      piece = text.slice(i, i + 2);
      width = 2;
    } else piece = text[i]!;
    if (out.length + piece.length > maxLength) break;
    out += piece;
    i += width;
  }
  return i >= text.length ? out : `${out}… (${text.length - i} more characters)`;
}
