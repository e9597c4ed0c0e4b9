// Span-name matchers from parts, with one rule the Go constructs need beyond spanNameFromParts: a pattern whose
// fixed text is only punctuation (`r.Method + " " + r.URL.Path` → `.+ .+`) would match nearly every span, so it
// gives no lens.
import { spanNameFromParts, type SpanNamePart } from '../../instrumented/spanNameFromParts';
import type { SpanNameMatcher } from '../../instrumented/types';

export function meaningfulSpanName(parts: readonly SpanNamePart[]): SpanNameMatcher | undefined {
  const matcher = spanNameFromParts(parts);
  if (matcher?.kind === 'pattern' && !parts.some((p) => p.known && /[A-Za-z0-9]/.test(p.text))) return undefined;
  return matcher;
}
