import { SpanKind, type Span, type Trace } from '../model/trace';

/** Edge to the parent: synchronous, the parent waits for the child and the child is clipped to the parent's interval. */
export const EDGE_SYNC = 0;
/** Edge to the parent: asynchronous, the child may outlive its parent (FOLLOWS_FROM, messaging, fire-and-forget). */
export const EDGE_ASYNC = 1;

/**
 * A compact, index-based tree over a trace's spans for analysis (arrays, not objects, so 1M spans stay cheap).
 * Node i is `trace.spans[i]`.
 *
 * Edges come from `parentSpanId`; a span whose parent is absent (a root or an orphan) is attached to a span of
 * the same trace that one of its links names ("adopted"), as long as that creates no cycle. Parent cycles in
 * malformed data are broken by turning one member into a root.
 */
export interface SpanTree {
  readonly trace: Trace;
  readonly size: number;
  /** Parent node per node, -1 for roots. */
  readonly parent: Int32Array;
  /** EDGE_SYNC or EDGE_ASYNC: the edge to the parent (meaningless for roots). */
  readonly edge: Uint8Array;
  /** 1 where the parent edge comes from a link rather than parentSpanId. */
  readonly adopted: Uint8Array;
  /** Children of node i are `childList[childStart[i] .. childStart[i+1])`, sorted by start time. */
  readonly childStart: Int32Array;
  readonly childList: Int32Array;
  /** Roots, sorted by start time. */
  readonly roots: readonly number[];
  /** Every node with parents before children (breadth-first from the roots). */
  readonly topDown: Int32Array;
  /** First node per span id (duplicates keep the first occurrence). */
  readonly indexById: ReadonlyMap<string, number>;
}

export function spanEndUs(span: Span): number {
  const d = Number.isFinite(span.durationUs) && span.durationUs > 0 ? span.durationUs : 0;
  return span.startTimeUs + d;
}

/**
 * Whether `child` may legitimately run past the end of `parent` (an asynchronous edge):
 * - it says so (its parent came from a FOLLOWS_FROM reference, or it carries one to the parent);
 * - messaging: a CONSUMER child, or any child of a PRODUCER (processing is decoupled from sending);
 * - it is not an answer to a call: only a child in another service under a CLIENT span (or under a span of unknown
 *   kind, which is most often a call) is an RPC the parent waits for. A same-service child shares the parent's
 *   clock, so running past it is fire-and-forget work; a cross-service child under a SERVER/INTERNAL span (a
 *   redirect followed, a callback) was not waited for either.
 * So an overhang of a synchronous child is clock skew; an overhang of an asynchronous child is real time.
 */
export function isAsyncChild(parent: Span, child: Span): boolean {
  if (child.parentRefType === 'follows_from' && child.parentSpanId === parent.spanId) return true;
  for (const link of child.links) if (link.kind === 'follows_from' && link.spanId === parent.spanId) return true;
  if (child.kind === SpanKind.CONSUMER || parent.kind === SpanKind.PRODUCER) return true;
  if (child.service === parent.service) return true;
  return parent.kind !== SpanKind.CLIENT && parent.kind !== undefined;
}

export function buildSpanTree(trace: Trace): SpanTree {
  const spans = trace.spans;
  const n = spans.length;
  const indexById = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const id = spans[i]!.spanId;
    if (!indexById.has(id)) indexById.set(id, i);
  }

  const parent = new Int32Array(n).fill(-1);
  const adopted = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const s = spans[i]!;
    if (s.parentSpanId === undefined) continue;
    const p = indexById.get(s.parentSpanId);
    if (p !== undefined && p !== i) parent[i] = p;
  }
  breakCycles(parent);
  adoptLinkedRoots(spans, parent, adopted, indexById);

  const edge = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = parent[i]!;
    if (p < 0) continue;
    const s = spans[i]!;
    const linkSaysSync = adopted[i] === 1 && s.links.some((l) => l.kind === 'child_of' && l.spanId === spans[p]!.spanId);
    edge[i] = adopted[i] === 1 && !linkSaysSync ? EDGE_ASYNC : isAsyncChild(spans[p]!, s) ? EDGE_ASYNC : EDGE_SYNC;
  }

  // CSR children; filling in index order keeps each child list sorted by start (trace.spans is sorted by start).
  const childStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parent[i]! >= 0) childStart[parent[i]! + 1]!++;
  for (let i = 0; i < n; i++) childStart[i + 1]! += childStart[i]!;
  const fill = childStart.slice(0, n);
  const childList = new Int32Array(childStart[n]!);
  for (let i = 0; i < n; i++) {
    const p = parent[i]!;
    if (p >= 0) childList[fill[p]!++] = i;
  }

  const roots: number[] = [];
  for (let i = 0; i < n; i++) if (parent[i] === -1) roots.push(i);
  const topDown = new Int32Array(n);
  let tail = 0;
  for (const r of roots) topDown[tail++] = r;
  for (let head = 0; head < tail; head++) {
    const v = topDown[head]!;
    for (let k = childStart[v]!; k < childStart[v + 1]!; k++) topDown[tail++] = childList[k]!;
  }
  return { trace, size: n, parent, edge, adopted, childStart, childList, roots, topDown, indexById };
}

/** Cuts parent cycles (malformed data) so every node reaches a root; the cut node becomes a root. */
function breakCycles(parent: Int32Array): void {
  const n = parent.length;
  // 0 = unseen, 1 = on the current walk, 2 = known to reach a root.
  const state = new Uint8Array(n);
  const walk: number[] = [];
  for (let start = 0; start < n; start++) {
    if (state[start] !== 0) continue;
    let v = start;
    while (v >= 0 && state[v] === 0) {
      state[v] = 1;
      walk.push(v);
      v = parent[v]!;
    }
    if (v >= 0 && state[v] === 1) parent[v] = -1; // v closes a cycle: cut it there
    for (const w of walk) state[w] = 2;
    walk.length = 0;
  }
}

/** Attaches roots/orphans to a span of the trace that one of their links names, when no cycle results. */
function adoptLinkedRoots(spans: readonly Span[], parent: Int32Array, adopted: Uint8Array, indexById: ReadonlyMap<string, number>): void {
  const n = spans.length;
  let any = false;
  for (let i = 0; i < n && !any; i++) if (parent[i] === -1 && spans[i]!.links.length > 0) any = true;
  if (!any) return;
  // Union-find over the current forest: attaching root r under x is safe when x is in another component.
  const uf = new Int32Array(n);
  for (let i = 0; i < n; i++) uf[i] = i;
  const find = (x: number): number => {
    let r = x;
    while (uf[r] !== r) r = uf[r]!;
    while (uf[x] !== r) {
      const next = uf[x]!;
      uf[x] = r;
      x = next;
    }
    return r;
  };
  for (let i = 0; i < n; i++) if (parent[i]! >= 0) uf[find(i)] = find(parent[i]!);
  for (let i = 0; i < n; i++) {
    if (parent[i] !== -1) continue;
    const s = spans[i]!;
    for (const link of s.links) {
      if (link.traceId !== s.traceId) continue;
      const target = indexById.get(link.spanId);
      if (target === undefined || target === i) continue;
      const ri = find(i);
      const rt = find(target);
      if (ri === rt) continue;
      parent[i] = target;
      adopted[i] = 1;
      uf[ri] = rt;
      break;
    }
  }
}

/** Children of node `v` as a fresh array. */
export function childrenOf(tree: SpanTree, v: number): number[] {
  const out: number[] = [];
  for (let k = tree.childStart[v]!; k < tree.childStart[v + 1]!; k++) out.push(tree.childList[k]!);
  return out;
}

/**
 * The span answering call `v` in the same trace: its first SERVER/CONSUMER child or child in another service
 * (link-adopted consumers included); -1 when there is none.
 */
export function calleeChildOf(tree: SpanTree, v: number): number {
  const spans = tree.trace.spans;
  const caller = spans[v]!;
  for (let k = tree.childStart[v]!; k < tree.childStart[v + 1]!; k++) {
    const c = tree.childList[k]!;
    const s = spans[c]!;
    if (s.kind === SpanKind.SERVER || s.kind === SpanKind.CONSUMER || s.service !== caller.service) return c;
  }
  return -1;
}
