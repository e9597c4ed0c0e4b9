// Text from outside the generator enters Go code only through these (interpreted string literal, comment,
// identifier), for the Go generators: the result is one token (or one comment) that reads back as the same value.
import { commentText, hex, identifierFrom, isSurrogate, mapCodePoints } from './unsafeCharacters';

function stringEscape(cp: number): string {
  switch (cp) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0b:
      return '\\v';
    case 0x0c:
      return '\\f';
    case 0x0d:
      return '\\r';
    default:
      // `\xNN` is a byte in Go, so only ASCII uses it; C1 controls need the code point form. Go has no surrogate
      // code points (its strings are UTF-8): a lone surrogate becomes U+FFFD, as Go's own conversions do.
      if (cp < 0x80) return `\\x${hex(cp, 2).toLowerCase()}`;
      return `\\u${hex(isSurrogate(cp) ? 0xfffd : cp, 4).toLowerCase()}`;
  }
}

/** An interpreted string literal ("…") holding `value` (lone surrogates replaced by U+FFFD). */
export function goStringLiteral(value: string): string {
  return `"${mapCodePoints(value, stringEscape, (ch) => (ch === '\\' ? '\\\\' : ch === '"' ? '\\"' : undefined))}"`;
}

/** Text to put after `//` (`line`) or inside `/* … *\/` (`block`). */
export function goCommentText(value: string, kind: 'line' | 'block' = 'line'): string {
  return commentText(value, kind === 'block' ? { text: '*/', broken: '* /' } : undefined);
}

const goReserved: ReadonlySet<string> = new Set(
  'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var'.split(' '),
);

const idStart = /^[\p{L}_]$/u;
const idPart = /^[\p{L}\p{Nd}_]$/u;

/** An identifier made from `value`; `fallback` when nothing is left of it (`_` alone is Go's blank identifier). */
export function goIdentifier(value: string, fallback = 'value'): string {
  return identifierFrom(value, { isStart: (ch) => idStart.test(ch), isPart: (ch) => idPart.test(ch), reserved: goReserved }, fallback);
}
