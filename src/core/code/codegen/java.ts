// Text from outside the generator enters Java code only through these (string literal, comment, identifier), for
// the Java generators. Java decodes `\uXXXX` before it reads any token, in comments too, so a backslash of the
// input is always doubled (an escaped backslash cannot start a Unicode escape) and these helpers never write a
// `\u` escape for a line terminator: `\u000a` would end the line even inside a string.
import { commentText, hex, identifierFrom, mapCodePoints } from './unsafeCharacters';

function stringEscape(cp: number): string {
  switch (cp) {
    case 0x08:
      return '\\b';
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0c:
      return '\\f';
    case 0x0d:
      return '\\r';
    default:
      // Octal for the controls (three digits, so a following digit is not taken in); `\uXXXX` only for characters
      // that are not line terminators, quotes or backslashes once decoded.
      return cp <= 0xff ? `\\${cp.toString(8).padStart(3, '0')}` : `\\u${hex(cp, 4)}`;
  }
}

/** Most bytes a string constant takes in a class file (modified UTF-8); javac refuses a longer literal. */
export const javaMaxConstantBytes = 65_535;

function modifiedUtf8Length(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    n += c >= 0x01 && c <= 0x7f ? 1 : c <= 0x7ff ? 2 : 3;
  }
  return n;
}

/** A string literal ("…") holding exactly `value`; a value too long for a class-file constant is refused. */
export function javaStringLiteral(value: string): string {
  if (modifiedUtf8Length(value) > javaMaxConstantBytes) {
    throw new RangeError(`A Java string constant holds at most ${javaMaxConstantBytes} bytes; this value needs ${modifiedUtf8Length(value)}.`);
  }
  return `"${mapCodePoints(value, stringEscape, (ch) => (ch === '\\' ? '\\\\' : ch === '"' ? '\\"' : undefined))}"`;
}

/** Text to put after `//` (`line`) or inside `/* … *\/` (`block`); backslashes doubled, see above. */
export function javaCommentText(value: string, kind: 'line' | 'block' = 'line'): string {
  return commentText(value.replace(/\\/g, '\\\\'), kind === 'block' ? { text: '*/', broken: '* /' } : undefined);
}

/** Keywords, literals, `_`, and the contextual words that cannot name a type. */
const javaReserved: ReadonlySet<string> = new Set(
  (
    'abstract assert boolean break byte case catch char class const continue default do double else enum extends final ' +
    'finally float for goto if implements import instanceof int interface long native new package private protected ' +
    'public return short static strictfp super switch synchronized this throw throws transient try void volatile while ' +
    'true false null _ var yield record sealed permits'
  ).split(' '),
);

const idStart = /^[\p{L}\p{Nl}\p{Sc}\p{Pc}]$/u;
const idPart = /^[\p{L}\p{Nl}\p{Sc}\p{Pc}\p{Nd}\p{Mn}\p{Mc}]$/u;

/** An identifier made from `value`; `fallback` when nothing is left of it. */
export function javaIdentifier(value: string, fallback = 'value'): string {
  return identifierFrom(value, { isStart: (ch) => idStart.test(ch), isPart: (ch) => idPart.test(ch), reserved: javaReserved }, fallback);
}
