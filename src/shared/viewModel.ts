// The viewer's span store: the payload's columns as typed arrays plus what the tree needs (depth, subtree ranges),
// built in O(n). Because spans arrive in depth-first pre-order, span i's subtree is [i, subtreeEnd[i]) and the
// visible-row list is one forward scan that jumps over collapsed subtrees.
import { describeAnalysisProblem, SpanFlag, type AnalysisPayload, type TracePayload } from './viewModelPayload';

export class SpanStore {
  readonly count: number;
  readonly strings: readonly string[];
  readonly traceId: string;
  readonly source: string;
  readonly startUs: number;
  readonly durationUs: number;
  /** µs from the trace start. */
  readonly start: Float64Array;
  readonly duration: Float64Array;
  readonly parent: Int32Array;
  readonly depth: Int32Array;
  /** Exclusive end of the subtree's index range. */
  readonly subtreeEnd: Int32Array;
  readonly childCount: Int32Array;
  readonly service: Int32Array;
  readonly name: Int32Array;
  readonly flags: Int32Array;
  /** Self time per span (µs) when the host sent analysis, else undefined. */
  selfUs: Float64Array | undefined;
  /** Span indices on the critical path, root first. */
  criticalPath: Int32Array;
  /** Analysis, from the payload or sent later (`applyAnalysis`). */
  analysis: AnalysisPayload | undefined;
  readonly serviceNames: readonly string[];
  readonly maxDepth: number;
  readonly errorCount: number;
  private idIndex: Map<string, number> | undefined;

  constructor(readonly payload: TracePayload) {
    const n = payload.spanCount;
    const sp = payload.spans;
    this.count = n;
    this.strings = payload.strings;
    this.traceId = payload.traceId;
    this.source = payload.source;
    this.startUs = payload.startUs;
    this.durationUs = payload.durationUs;
    this.start = Float64Array.from(sp.start);
    this.duration = Float64Array.from(sp.duration);
    this.parent = Int32Array.from(sp.parent);
    this.service = Int32Array.from(sp.service);
    this.name = Int32Array.from(sp.name);
    this.flags = Int32Array.from(sp.flags);
    this.analysis = payload.analysis;
    this.selfUs = payload.analysis ? Float64Array.from(payload.analysis.selfUs) : undefined;
    this.criticalPath = Int32Array.from(payload.analysis?.criticalPath ?? []);
    this.serviceNames = payload.services.map((i) => payload.strings[i] ?? '');

    const depth = new Int32Array(n);
    let maxDepth = 0;
    let errors = 0;
    for (let i = 0; i < n; i++) {
      const p = this.parent[i]!;
      const d = p < 0 ? 0 : depth[p]! + 1;
      depth[i] = d;
      if (d > maxDepth) maxDepth = d;
      if (this.flags[i]! & SpanFlag.error) errors++;
    }
    // Subtree sizes accumulate bottom-up; in pre-order a child always has a larger index than its parent.
    const size = new Int32Array(n).fill(1);
    const childCount = new Int32Array(n);
    for (let i = n - 1; i >= 0; i--) {
      const p = this.parent[i]!;
      if (p >= 0) {
        size[p] = size[p]! + size[i]!;
        childCount[p] = childCount[p]! + 1;
      }
    }
    const subtreeEnd = new Int32Array(n);
    for (let i = 0; i < n; i++) subtreeEnd[i] = i + size[i]!;
    this.depth = depth;
    this.subtreeEnd = subtreeEnd;
    this.childCount = childCount;
    this.maxDepth = maxDepth;
    this.errorCount = errors;
  }

  /** Takes analysis that arrived after the trace; false when it does not fit this trace. */
  applyAnalysis(analysis: AnalysisPayload): boolean {
    if (describeAnalysisProblem(analysis, this.count) !== undefined) return false;
    this.analysis = analysis;
    this.selfUs = Float64Array.from(analysis.selfUs);
    this.criticalPath = Int32Array.from(analysis.criticalPath);
    return true;
  }

  spanId(i: number): string {
    return this.payload.spans.id[i] ?? '';
  }

  spanName(i: number): string {
    return this.strings[this.name[i]!] ?? '';
  }

  serviceName(i: number): string {
    return this.serviceNames[this.service[i]!] ?? '';
  }

  has(i: number, flag: number): boolean {
    return (this.flags[i]! & flag) !== 0;
  }

  /** Span index for an id, or -1. The map is built on first use (find and reveal need it, first paint does not). */
  indexOf(spanId: string): number {
    if (!this.idIndex) {
      this.idIndex = new Map();
      const ids = this.payload.spans.id;
      for (let i = 0; i < this.count; i++) {
        const id = ids[i]!;
        if (!this.idIndex.has(id)) this.idIndex.set(id, i);
      }
    }
    return this.idIndex.get(spanId) ?? -1;
  }

  /** Ancestors of span i, nearest first. */
  ancestors(i: number): number[] {
    const out: number[] = [];
    for (let p = this.parent[i]!; p >= 0; p = this.parent[p]!) out.push(p);
    return out;
  }
}

/**
 * Which spans are rows: collapse state and the service filter over a SpanStore. `rows` lists visible span indices
 * in tree order; `rowOf` maps a span to its row (-1 when hidden). Recomputed in O(visible + collapsed jumps) plus
 * an O(n) reset of `rowOf`, only when collapse or filter changes, never while scrolling.
 */
export class TreeState {
  readonly collapsed: Uint8Array;
  readonly hiddenServices: Uint8Array;
  rows: Int32Array;
  rowCount = 0;
  readonly rowOf: Int32Array;
  /** Bumped on every recompute so renderers can tell their cached rows are stale. */
  version = 0;

  constructor(readonly store: SpanStore) {
    this.collapsed = new Uint8Array(store.count);
    this.hiddenServices = new Uint8Array(store.serviceNames.length);
    this.rows = new Int32Array(store.count);
    this.rowOf = new Int32Array(store.count);
    this.recompute();
  }

  recompute(): void {
    const { count, subtreeEnd, service } = this.store;
    const rows = this.rows;
    const rowOf = this.rowOf;
    rowOf.fill(-1);
    let filtering = false;
    for (let s = 0; s < this.hiddenServices.length; s++) if (this.hiddenServices[s]) filtering = true;
    let r = 0;
    for (let i = 0; i < count; ) {
      // A span of a hidden service is not a row, but its descendants of shown services still are.
      if (!filtering || !this.hiddenServices[service[i]!]) {
        rows[r] = i;
        rowOf[i] = r;
        r++;
      }
      i = this.collapsed[i] ? subtreeEnd[i]! : i + 1;
    }
    this.rowCount = r;
    this.version++;
  }

  isCollapsed(i: number): boolean {
    return this.collapsed[i] === 1;
  }

  hasChildren(i: number): boolean {
    return this.store.childCount[i]! > 0;
  }

  setCollapsed(i: number, collapsed: boolean): boolean {
    if (!this.hasChildren(i) || this.isCollapsed(i) === collapsed) return false;
    this.collapsed[i] = collapsed ? 1 : 0;
    this.recompute();
    return true;
  }

  toggle(i: number): void {
    this.setCollapsed(i, !this.isCollapsed(i));
  }

  expandAll(): void {
    this.collapsed.fill(0);
    this.recompute();
  }

  /** Collapse every span at depth `depth - 1` that has children, so rows show depths 0..depth-1 only. */
  collapseToDepth(depth: number): void {
    const { count, depth: d, childCount } = this.store;
    const limit = Math.max(1, Math.floor(depth));
    for (let i = 0; i < count; i++) this.collapsed[i] = d[i]! >= limit - 1 && childCount[i]! > 0 ? 1 : 0;
    this.recompute();
  }

  /** Expand every collapsed ancestor of span i; true when rows changed. */
  reveal(i: number): boolean {
    let changed = false;
    for (let p = this.store.parent[i]!; p >= 0; p = this.store.parent[p]!) {
      if (this.collapsed[p]) {
        this.collapsed[p] = 0;
        changed = true;
      }
    }
    if (this.hiddenServices[this.store.service[i]!]) {
      this.hiddenServices[this.store.service[i]!] = 0;
      changed = true;
    }
    if (changed) this.recompute();
    return changed;
  }

  setServiceHidden(serviceIndex: number, hidden: boolean): void {
    if (serviceIndex < 0 || serviceIndex >= this.hiddenServices.length) return;
    this.hiddenServices[serviceIndex] = hidden ? 1 : 0;
    this.recompute();
  }

  /** Show only the given service; calling it again for the same service shows all. */
  soloService(serviceIndex: number): void {
    const alreadySolo = this.hiddenServices.every((h, s) => (s === serviceIndex ? h === 0 : h === 1));
    for (let s = 0; s < this.hiddenServices.length; s++) this.hiddenServices[s] = alreadySolo || s === serviceIndex ? 0 : 1;
    this.recompute();
  }
}
