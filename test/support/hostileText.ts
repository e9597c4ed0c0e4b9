// Hostile names for the code generators: each tries to leave the string or comment it is put in and run
// `globalThis.__pwned=1` (or its Python/Go/Java twin). The generators must keep every one inside its literal.
import { isUnsafeCodePoint } from '../../src/core/code/codegen/unsafeCharacters';

/** The identifier a successful injection would create as code. */
export const sentinel = '__pwned';

const breakouts = [
  '\n',
  '\r',
  '\r\n',
  '\u2028',
  '\u2029',
  "'",
  '"',
  '`',
  '*/',
  "\\'",
  '\\"',
  '\\\n',
  '\u0085',
  '\u000b',
  '\u000c',
];

export const hostileNames: readonly string[] = [
  ...breakouts.map((b) => `shop${b}globalThis.${sentinel}=1;//`),
  ...breakouts.map((b) => `shop${b};globalThis.${sentinel}=1;${b}`),
  `shop\${globalThis.${sentinel}=1}`,
  `shop\`+(globalThis.${sentinel}=1)+\``,
  `shop*/globalThis.${sentinel}=1;/*`,
  `/*shop`,
  `shop/*`,
  `shop*/`,
  `shop\\`,
  `\\`,
  `shop\\u000a${sentinel}=1`,
  `shop\\u0022;${sentinel}=1;//`,
  `-->globalThis.${sentinel}=1`,
  `\n-->globalThis.${sentinel}=1`,
  `shop\u0000\u0001\u0007\u0008\u001b[31mred\u001b[0m\u007f\u009b`,
  `shop\u202e\u2066\u200f\ufeffnaem`,
  `shop\ud800lone\udc00surrogates`,
  `shop 🚀 ü é 中文`,
  `coding: latin-1 ${sentinel} ü`,
  'x'.repeat(100_000) + `\nglobalThis.${sentinel}=1;`,
  '',
  ' ',
];

/** The unsafe characters (controls, line separators, bidi, lone surrogates) found raw in `text`, besides \n, \r and \t. */
export function rawUnsafeCharacters(text: string): string[] {
  const found = new Set<string>();
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x0a || cp === 0x0d || cp === 0x09) continue;
    if (isUnsafeCodePoint(cp)) found.add(`U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
  }
  return [...found];
}

/** A short label for a test title. */
export function label(name: string): string {
  const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 37)}…` : name).replace(/[^\x20-\x7e…]/gu, (ch) => {
    const cp = ch.codePointAt(0)!;
    return isUnsafeCodePoint(cp) ? `\\u${cp.toString(16).padStart(4, '0')}` : ch;
  });
  return name.length > 40 ? `${shown} (${name.length} chars)` : shown;
}
