// JSON text from values (package.json edits): JSON.stringify escapes quotes, backslashes, C0 controls and lone
// surrogates; the other characters no generator writes raw (line and paragraph separators, bidirectional
// controls, DEL and C1) are escaped here as well.
import { hex, isUnsafeCodePoint } from './unsafeCharacters';

export function jsonStringLiteral(value: string): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/gu, (ch) => {
    const cp = ch.codePointAt(0)!;
    return isUnsafeCodePoint(cp) ? `\\u${hex(cp, 4)}` : ch;
  });
}
