// Text from outside the generator enters Python code only through these (string literal, comment, identifier), for
// the Python generators: the result is one token (or one comment) that reads back as the same value.
import { commentText, hex, identifierFrom, mapCodePoints } from './unsafeCharacters';

export type PyQuote = "'" | '"';

function stringEscape(cp: number): string {
  switch (cp) {
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    default:
      // A NUL byte is refused anywhere in Python source; a lone surrogate is a valid `\uD800` escape in a str.
      return cp <= 0xff ? `\\x${hex(cp, 2).toLowerCase()}` : `\\u${hex(cp, 4).toLowerCase()}`;
  }
}

/** A str literal holding exactly `value` (never a raw, f- or bytes string). */
export function pyStringLiteral(value: string, quote: PyQuote = '"'): string {
  return quote + mapCodePoints(value, stringEscape, (ch) => (ch === '\\' ? '\\\\' : ch === quote ? `\\${quote}` : undefined)) + quote;
}

/**
 * Text to put after `#`. Besides showing line terminators and other unsafe characters escaped, it breaks up
 * `coding:` / `coding=`: on the first two lines of a file such a comment is an encoding declaration (PEP 263), which
 * would change how Python decodes the whole file.
 */
export function pyCommentText(value: string): string {
  return commentText(value).replace(/coding([:=])/g, 'coding $1');
}

/** Keywords (`match`, `case`, `type` and `_` are soft keywords and may name a variable). */
const pyReserved: ReadonlySet<string> = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from global ' +
    'if import in is lambda nonlocal not or pass raise return try while with yield'
  ).split(' '),
);

const idStart = /^[\p{XID_Start}_]$/u;
const idPart = /^\p{XID_Continue}$/u;

/** An identifier made from `value`; `fallback` when nothing is left of it. */
export function pyIdentifier(value: string, fallback = 'value'): string {
  return identifierFrom(value, { isStart: (ch) => idStart.test(ch), isPart: (ch) => idPart.test(ch), reserved: pyReserved }, fallback);
}
