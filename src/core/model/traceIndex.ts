import type { Span, Trace } from './trace';

export interface TraceIndex {
  readonly spanById: ReadonlyMap<string, Span>;
  /** Children per parent span id, sorted by start time (as the trace's spans are); parents without children are absent. */
  readonly children: ReadonlyMap<string, readonly Span[]>;
  /** Spans shown at the top level, sorted by start time: spans without a parent, orphans, and spans cut off by a parent loop. */
  readonly roots: readonly Span[];
  /** Depth per span id; roots are 0. */
  readonly depth: ReadonlyMap<string, number>;
}

/**
 * The tree view of a trace, built without recursion so 100k-span (and 100k-deep) traces are fine. A span sits under
 * its parent unless it is an orphan; should a parent loop survive (traces not built by assembleTrace), the first
 * span of the loop found in start order becomes a root so that every span is reachable exactly once.
 */
export function indexTrace(trace: Trace): TraceIndex {
  const spanById = new Map<string, Span>();
  for (const s of trace.spans) if (!spanById.has(s.spanId)) spanById.set(s.spanId, s);

  const children = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const s of trace.spans) {
    if (spanById.get(s.spanId) !== s) continue; // a second span with a taken id: not reachable by id, skip
    const parent = s.parentSpanId === undefined || s.orphan ? undefined : spanById.get(s.parentSpanId);
    if (parent === undefined || parent === s) {
      roots.push(s);
      continue;
    }
    const list = children.get(parent.spanId);
    if (list) list.push(s);
    else children.set(parent.spanId, [s]);
  }

  const depth = new Map<string, number>();
  const assignDepths = (start: Span): void => {
    const stack: Span[] = [start];
    depth.set(start.spanId, 0);
    while (stack.length > 0) {
      const s = stack.pop()!;
      const d = depth.get(s.spanId)! + 1;
      const kids = children.get(s.spanId);
      if (!kids) continue;
      for (const k of kids) {
        if (depth.has(k.spanId)) continue;
        depth.set(k.spanId, d);
        stack.push(k);
      }
    }
  };
  for (const r of roots) assignDepths(r);
  if (depth.size < spanById.size) {
    // Only spans in a parent loop are left: make the earliest of each loop a root.
    for (const s of trace.spans) {
      if (depth.has(s.spanId) || spanById.get(s.spanId) !== s) continue;
      roots.push(s);
      assignDepths(s);
    }
    roots.sort((a, b) => a.startTimeUs - b.startTimeUs);
  }
  return { spanById, children, roots, depth };
}
