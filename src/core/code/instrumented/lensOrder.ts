// Several spans can start in one function (a route's server span and a manual span inside it): their lenses share a
// line, so each names its span, in an order that does not move between refreshes.
import { describeSpanNameMatcher } from './spanNameMatcher';
import type { InstrumentedFunction } from './types';

/** Route (server) spans first, then the others by name: a stable order for lenses sharing a line. */
function lensOrder(a: InstrumentedFunction, b: InstrumentedFunction): number {
  const rank = (f: InstrumentedFunction): number => (f.via === 'route' ? 0 : 1);
  return a.nameRange.start.line - b.nameRange.start.line || rank(a) - rank(b) || describeSpanNameMatcher(a.spanName).localeCompare(describeSpanNameMatcher(b.spanName));
}

/** The functions in lens order, each marked when another lens shares its line (so titles name their span). */
export function linesWithSeveralSpans(functions: readonly InstrumentedFunction[]): Array<{ fn: InstrumentedFunction; named: boolean }> {
  const perLine = new Map<number, number>();
  for (const f of functions) perLine.set(f.nameRange.start.line, (perLine.get(f.nameRange.start.line) ?? 0) + 1);
  return [...functions].sort(lensOrder).map((fn) => ({ fn, named: (perLine.get(fn.nameRange.start.line) ?? 0) > 1 }));
}

