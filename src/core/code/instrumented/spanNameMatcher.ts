// Matching span names against finder results. No TypeScript-compiler imports: the latency provider uses this.
import type { SpanNameMatcher } from './types';

const compiled = new Map<string, RegExp | null>();

function regexFor(source: string): RegExp | null {
  let re = compiled.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch {
      // A pattern we cannot compile matches nothing rather than throwing in the middle of a refresh.
      re = null;
    }
    if (compiled.size > 2000) compiled.clear();
    compiled.set(source, re);
  }
  return re;
}

export function spanNameMatches(matcher: SpanNameMatcher, name: string): boolean {
  if (matcher.kind === 'exact') return matcher.name === name;
  return regexFor(matcher.regex)?.test(name) ?? false;
}

/** A stable key for caches: equal matchers give equal keys. */
export function spanNameMatcherKey(matcher: SpanNameMatcher): string {
  return matcher.kind === 'exact' ? `=${matcher.name}` : `~${matcher.regex}`;
}

/** What to show a person for this matcher. */
export function describeSpanNameMatcher(matcher: SpanNameMatcher): string {
  return matcher.kind === 'exact' ? matcher.name : matcher.display;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
