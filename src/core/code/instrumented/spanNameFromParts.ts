// Span names from the pieces of a name expression, in any language: fixed text and run-time values (a template,
// an f-string, `fmt.Sprintf`, a concatenation). No parser imports, so every language folder shares it.
import { escapeRegex } from './spanNameMatcher';
import type { SpanNameMatcher } from './types';

export type SpanNamePart =
  | { readonly known: true; readonly text: string }
  /** A run-time value; `display` is how to show it (`{id}`), usually the expression's source text. */
  | { readonly known: false; readonly display: string };

/**
 * Exact when every part is known, a pattern when some parts are run-time values (each becomes `.+`), undefined
 * when no fixed text is known at all — a pattern of only wildcards would match every span, which is worse than no
 * lens — or when `exactOnly` and something is unknown.
 */
export function spanNameFromParts(parts: readonly SpanNamePart[], exactOnly = false): SpanNameMatcher | undefined {
  if (parts.every((p) => p.known)) return { kind: 'exact', name: parts.map((p) => (p.known ? p.text : '')).join('') };
  if (exactOnly || !parts.some((p) => p.known && p.text.length > 0)) return undefined;
  let regex = '^';
  let display = '';
  let lastUnknown = false;
  for (const p of parts) {
    if (p.known) {
      if (p.text === '') continue;
      regex += escapeRegex(p.text);
      display += p.text;
      lastUnknown = false;
    } else {
      // Adjacent unknowns (`${a}${b}`) collapse into one wildcard.
      if (!lastUnknown) regex += '.+';
      display += `{${p.display}}`;
      lastUnknown = true;
    }
  }
  return { kind: 'pattern', regex: regex + '$', display };
}

/**
 * The parts of a printf-style format (`fmt.Sprintf("orders.%s", id)`, Python `"orders.%s" % id`, Java
 * `String.format`): verbs become run-time values named by the matching argument's text when given. `%%` is a
 * literal percent sign.
 */
export function partsOfPrintfFormat(format: string, argumentTexts: readonly string[] = []): SpanNamePart[] {
  const parts: SpanNamePart[] = [];
  const verb = /%(?:%|[-+# 0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[a-zA-Z])/g;
  let last = 0;
  let arg = 0;
  for (const m of format.matchAll(verb)) {
    if (m.index > last) parts.push({ known: true, text: format.slice(last, m.index) });
    if (m[0] === '%%') parts.push({ known: true, text: '%' });
    else parts.push({ known: false, display: argumentTexts[arg++]?.replace(/\s+/g, ' ') ?? m[0] });
    last = m.index + m[0].length;
  }
  if (last < format.length) parts.push({ known: true, text: format.slice(last) });
  return parts;
}
