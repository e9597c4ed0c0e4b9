import { EDGE_ASYNC, spanEndUs, type SpanTree } from './spanTree';

/**
 * One stretch of the critical path. `self`: the span itself was working (no child on the path was running).
 * `async-wait`: the span's asynchronous parent had already ended and the span had not started yet (a message
 * waiting in a queue, a scheduled job not yet picked up); the time is charged to the span being waited for.
 */
export interface CriticalPathSegment {
  readonly spanId: string;
  /** Index into `trace.spans`. */
  readonly spanIndex: number;
  readonly startUs: number;
  readonly endUs: number;
  readonly kind: 'self' | 'async-wait';
}

export interface CriticalPath {
  /** The span the path starts from; undefined for an empty trace. */
  readonly rootSpanId: string | undefined;
  /** The path covers [startUs, endUs] without holes: the end-to-end latency it explains. */
  readonly startUs: number;
  readonly endUs: number;
  /** Chronological, adjacent segments of the same span and kind merged. */
  readonly segments: readonly CriticalPathSegment[];
  /** Every span the path passes through (also those whose children cover all their time), by effective start. */
  readonly spanIds: readonly string[];
  /** Indices into `trace.spans`, parallel to `spanIds`. */
  readonly spanIndices: readonly number[];
}

/**
 * Effective interval of each span for the critical path. Synchronous children are clipped to their parent's
 * effective interval (a child cannot make its caller wait outside the caller's own lifetime; overhangs are clock
 * skew). Asynchronous children are clipped only at the start, so they may extend past the parent's end.
 * `reach` is the latest effective end in each span's subtree: how long that span's work keeps the trace going.
 */
export interface EffectiveTimes {
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly reach: Float64Array;
}

export function computeEffectiveTimes(tree: SpanTree): EffectiveTimes {
  const n = tree.size;
  const spans = tree.trace.spans;
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const v = tree.topDown[k]!;
    const s = spans[v]!;
    const rawStart = s.startTimeUs;
    const rawEnd = spanEndUs(s);
    const p = tree.parent[v]!;
    if (p < 0) {
      start[v] = rawStart;
      end[v] = rawEnd;
    } else if (tree.edge[v] === EDGE_ASYNC) {
      start[v] = Math.max(rawStart, start[p]!);
      end[v] = Math.max(rawEnd, start[v]!);
    } else {
      start[v] = Math.min(Math.max(rawStart, start[p]!), end[p]!);
      end[v] = Math.min(Math.max(rawEnd, start[v]!), end[p]!);
    }
  }
  const reach = end.slice();
  for (let k = n - 1; k >= 0; k--) {
    const v = tree.topDown[k]!;
    const p = tree.parent[v]!;
    if (p >= 0 && reach[v]! > reach[p]!) reach[p] = reach[v]!;
  }
  return { start, end, reach };
}

/**
 * The root the critical path starts from: the only true root (no parent, not adopted through a link) when there is
 * exactly one; otherwise, among the true roots (or all roots when none is true, i.e. the trace lost its root), the
 * one whose work reaches furthest, earliest start on ties.
 */
export function pickPathRoot(tree: SpanTree, times: EffectiveTimes): number {
  const spans = tree.trace.spans;
  const trueRoots = tree.roots.filter((r) => spans[r]!.parentSpanId === undefined);
  if (trueRoots.length === 1) return trueRoots[0]!;
  const candidates = trueRoots.length > 0 ? trueRoots : tree.roots;
  let best = -1;
  for (const r of candidates) {
    if (best < 0 || times.reach[r]! > times.reach[best]! || (times.reach[r] === times.reach[best] && times.start[r]! < times.start[best]!)) best = r;
  }
  return best;
}

interface Frame {
  readonly node: number;
  cursor: number;
  /** Children by reach, latest first. */
  readonly children: number[];
  next: number;
  /** The child the walk last returned from (for async-wait attribution), -1 before the first. */
  lastChild: number;
}

/**
 * The critical path: walk back from the end of the root's work. At each span, from the cursor, take the child whose
 * work finished last at or before the cursor, charge the gap after it to the span (self time), descend into the
 * child, and continue from the child's start; children that finished after the cursor ran in parallel with a
 * child already on the path and are skipped. When no child is left, the span's own start closes its part.
 *
 * "Finished" means reach (see EffectiveTimes): an asynchronous child, or a synchronous child with an asynchronous
 * descendant, that outlives its parent extends the end-to-end latency and the path follows it.
 *
 * Iterative (explicit stack) and O(n log n): every child list is sorted once, every child considered once.
 */
export function computeCriticalPath(tree: SpanTree, times: EffectiveTimes = computeEffectiveTimes(tree)): CriticalPath {
  const spans = tree.trace.spans;
  if (tree.size === 0) return { rootSpanId: undefined, startUs: 0, endUs: 0, segments: [], spanIds: [], spanIndices: [] };
  const { start, end, reach } = times;
  const root = pickPathRoot(tree, times);

  // Segments come out newest first; reversed at the end.
  const segNode: number[] = [];
  const segStart: number[] = [];
  const segEnd: number[] = [];
  const segWait: boolean[] = [];
  const emit = (node: number, a: number, b: number, wait: boolean): void => {
    if (!(b > a)) return;
    const last = segNode.length - 1;
    if (last >= 0 && segNode[last] === node && segWait[last] === wait && segStart[last] === b) {
      segStart[last] = a;
      return;
    }
    segNode.push(node);
    segStart.push(a);
    segEnd.push(b);
    segWait.push(wait);
  };
  const emitGap = (f: Frame, a: number): void => {
    let b = f.cursor;
    const ownEnd = end[f.node]!;
    if (b > ownEnd && f.lastChild >= 0) {
      const lo = Math.max(a, ownEnd);
      emit(f.lastChild, lo, b, true);
      b = lo;
    }
    emit(f.node, a, b, false);
  };

  const entered: number[] = [];
  const open = (node: number, cursor: number): Frame => {
    entered.push(node);
    const children: number[] = [];
    for (let k = tree.childStart[node]!; k < tree.childStart[node + 1]!; k++) children.push(tree.childList[k]!);
    children.sort((x, y) => reach[y]! - reach[x]! || start[y]! - start[x]!);
    return { node, cursor, children, next: 0, lastChild: -1 };
  };

  const stack: Frame[] = [open(root, reach[root]!)];
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    let chosen = -1;
    while (f.next < f.children.length) {
      const c = f.children[f.next++]!;
      if (reach[c]! <= f.cursor) {
        chosen = c;
        break;
      }
    }
    if (chosen >= 0) {
      emitGap(f, reach[chosen]!);
      f.cursor = reach[chosen]!;
      stack.push(open(chosen, reach[chosen]!));
      continue;
    }
    emitGap(f, start[f.node]!);
    stack.pop();
    const parentFrame = stack[stack.length - 1];
    if (parentFrame) {
      parentFrame.cursor = start[f.node]!;
      parentFrame.lastChild = f.node;
    }
  }

  const segments: CriticalPathSegment[] = [];
  for (let k = segNode.length - 1; k >= 0; k--) {
    const node = segNode[k]!;
    segments.push({ spanId: spans[node]!.spanId, spanIndex: node, startUs: segStart[k]!, endUs: segEnd[k]!, kind: segWait[k] ? 'async-wait' : 'self' });
  }
  // A span the walk entered belongs on the path when it or a span below it holds path time (a zero-length child
  // at the cursor does not); the root always does.
  const holds = new Set<number>(segNode);
  holds.add(root);
  for (let k = entered.length - 1; k > 0; k--) {
    const node = entered[k]!;
    if (holds.has(node)) holds.add(tree.parent[node]!);
  }
  // Stable sort: entry order (parents before children) breaks ties between equal effective starts.
  const order = entered.filter((node) => holds.has(node)).map((node, i) => ({ node, i }));
  order.sort((x, y) => start[x.node]! - start[y.node]! || x.i - y.i);
  // A duplicated span id (malformed data) is listed once.
  const seen = new Set<string>();
  const spanIndices: number[] = [];
  for (const o of order) {
    const id = spans[o.node]!.spanId;
    if (seen.has(id)) continue;
    seen.add(id);
    spanIndices.push(o.node);
  }
  return {
    rootSpanId: spans[root]!.spanId,
    startUs: start[root]!,
    endUs: reach[root]!,
    segments,
    spanIds: spanIndices.map((i) => spans[i]!.spanId),
    spanIndices,
  };
}

/** Time each span holds on the critical path, indexed like `trace.spans`: working (`self`) and waited for. */
export function criticalPathTimeBySpan(size: number, path: CriticalPath): { readonly work: Float64Array; readonly wait: Float64Array } {
  const work = new Float64Array(size);
  const wait = new Float64Array(size);
  for (const s of path.segments) (s.kind === 'self' ? work : wait)[s.spanIndex]! += s.endUs - s.startUs;
  return { work, wait };
}
