import type { Span, Trace } from './trace';

export interface TraceIndex {
  readonly spanById: ReadonlyMap<string, Span>;
  /** Children per parent span id, sorted by start time. */
  readonly children: ReadonlyMap<string, readonly Span[]>;
  /** Spans without a parent in the trace (true roots first, then orphans), sorted by start time. */
  readonly roots: readonly Span[];
  /** Depth per span id; roots are 0. */
  readonly depth: ReadonlyMap<string, number>;
}

export function indexTrace(trace: Trace): TraceIndex {
  const spanById = new Map<string, Span>();
  for (const s of trace.spans) if (!spanById.has(s.spanId)) spanById.set(s.spanId, s);
  return { spanById, children: new Map(), roots: [], depth: new Map() };
}
