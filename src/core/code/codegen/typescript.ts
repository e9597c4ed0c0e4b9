// Text from outside the generator (a package.json name, a setting, a span name from a trace, a string literal of
// the user's file) enters TypeScript/JavaScript code only through these: as a string literal, as template-literal
// text, as comment text, or as an identifier. Whatever the input, the result parses as that one token and reads
// back as the same value (literals), or cannot end the comment it is in.
import { commentText, hex, identifierFrom, mapCodePoints } from './unsafeCharacters';

export type TsQuote = "'" | '"' | '`';

function stringEscape(cp: number): string {
  switch (cp) {
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
      // Not `\0`: followed by a digit it would be a (forbidden) legacy octal escape.
      return cp <= 0xff ? `\\x${hex(cp, 2)}` : `\\u${hex(cp, 4)}`;
  }
}

/** Escaped text for the inside of a template literal (between the backticks, outside `${…}`). */
export function tsTemplateText(value: string): string {
  const escaped = mapCodePoints(value, stringEscape, (ch) => (ch === '\\' ? '\\\\' : ch === '`' ? '\\`' : undefined));
  return escaped.replace(/\$\{/g, '\\${');
}

/** A string literal holding exactly `value`, in `quote` (a backtick gives a template literal without substitutions). */
export function tsStringLiteral(value: string, quote: TsQuote = "'"): string {
  if (quote === '`') return `\`${tsTemplateText(value)}\``;
  return quote + mapCodePoints(value, stringEscape, (ch) => (ch === '\\' ? '\\\\' : ch === quote ? `\\${quote}` : undefined)) + quote;
}

/**
 * Text to put after `//` (`line`) or between `/*` and `*\/` (`block`): line terminators and other unsafe characters
 * shown escaped, and a `*\/` broken up in a block comment.
 */
export function tsCommentText(value: string, kind: 'line' | 'block' = 'line'): string {
  return commentText(value, kind === 'block' ? { text: '*/', broken: '* /' } : undefined);
}

/** Words that cannot name a binding in strict-mode (module) code. */
const tsReserved: ReadonlySet<string> = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'implements interface let package private protected public static yield await arguments eval'
  ).split(' '),
);

const idStart = /^[\p{ID_Start}$_]$/u;
const idPart = /^[\p{ID_Continue}$]$/u;

/** An identifier made from `value` (e.g. a service name used as a variable name); `fallback` when nothing is left. */
export function tsIdentifier(value: string, fallback = 'value'): string {
  return identifierFrom(value, { isStart: (ch) => idStart.test(ch), isPart: (ch) => idPart.test(ch), reserved: tsReserved }, fallback);
}

/** A number as code; only finite numbers (a NaN or an infinity is not a literal and never a valid setting). */
export function tsNumberLiteral(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`not a finite number: ${String(value)}`);
  return Object.is(value, -0) ? '0' : String(value);
}
