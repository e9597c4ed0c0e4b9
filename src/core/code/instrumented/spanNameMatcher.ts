// Matching span names against finder results. No TypeScript-compiler imports: the latency provider uses this.
import type { SpanNameMatcher } from './types';

const compiled = new Map<string, RegExp | null>();

function regexFor(source: string, ignoreCase = false): RegExp | null {
  const key = ignoreCase ? `i:${source}` : source;
  let re = compiled.get(key);
  if (re === undefined) {
    try {
      re = new RegExp(source, ignoreCase ? 'i' : '');
    } catch {
      // A pattern we cannot compile matches nothing rather than throwing in the middle of a refresh.
      re = null;
    }
    if (compiled.size > 2000) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

/** `ignoreCase` is for servers that store names lowercased (Zipkin): the code's name then matches in any case. */
export function spanNameMatches(matcher: SpanNameMatcher, name: string, ignoreCase = false): boolean {
  if (matcher.kind === 'exact') return ignoreCase ? matcher.name.toLowerCase() === name.toLowerCase() : matcher.name === name;
  return regexFor(matcher.regex, ignoreCase)?.test(name) ?? false;
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
