// `String.format` / `"…".formatted(…)` formats as span-name parts: Java's own syntax (java.util.Formatter), with
// argument indexes (`%1$s`, `%<s`), `%n` and `%%`.
import type { SpanNamePart } from '../../instrumented/spanNameFromParts';

const specifier = /%(?:(\d+)\$|(<))?[-#+ 0,(]*\d*(?:\.\d+)?([tT]?[a-zA-Z%])/g;

export function partsOfJavaFormat(format: string, argumentTexts: readonly string[]): SpanNamePart[] {
  const parts: SpanNamePart[] = [];
  let last = 0;
  let ordinary = 0;
  let previous = -1;
  for (const m of format.matchAll(specifier)) {
    if (m.index > last) parts.push({ known: true, text: format.slice(last, m.index) });
    last = m.index + m[0].length;
    const conversion = m[3]!;
    if (conversion === '%') {
      parts.push({ known: true, text: '%' });
      continue;
    }
    if (conversion === 'n') {
      parts.push({ known: true, text: '\n' });
      continue;
    }
    const index = m[1] !== undefined ? Number(m[1]) - 1 : m[2] !== undefined ? previous : ordinary++;
    previous = index;
    parts.push({ known: false, display: argumentTexts[index]?.replace(/\s+/g, ' ') ?? m[0] });
  }
  if (last < format.length) parts.push({ known: true, text: format.slice(last) });
  return parts;
}
