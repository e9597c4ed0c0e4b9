import type { Bottleneck, SelfTimeBreakdown, TimeRow } from './analysisTypes';
import type { CriticalPath } from './criticalPath';
import { spanEndUs, type SpanTree } from './spanTree';

/**
 * Self time of every span: its duration minus the union of its children's intervals, each clipped to the span.
 * Children attached only through a link (adopted roots) do not count: the linking span did not run inside it.
 * Indexed like `trace.spans`.
 */
export function computeSpanSelfTimes(tree: SpanTree): Float64Array {
  const spans = tree.trace.spans;
  const out = new Float64Array(tree.size);
  const clipped: number[] = [];
  for (let v = 0; v < tree.size; v++) {
    const s = spans[v]!;
    const start = s.startTimeUs;
    const end = spanEndUs(s);
    const from = tree.childStart[v]!;
    const to = tree.childStart[v + 1]!;
    let covered = 0;
    if (to > from) {
      // Children are in trace order, i.e. by start; guard against unsorted input anyway.
      clipped.length = 0;
      let sorted = true;
      let prevStart = -Infinity;
      for (let k = from; k < to; k++) {
        const c = tree.childList[k]!;
        if (tree.adopted[c] === 1) continue;
        const cs = Math.max(spans[c]!.startTimeUs, start);
        const ce = Math.min(spanEndUs(spans[c]!), end);
        if (!(ce > cs)) continue;
        if (cs < prevStart) sorted = false;
        prevStart = cs;
        clipped.push(cs, ce);
      }
      if (!sorted) {
        const pairs: [number, number][] = [];
        for (let k = 0; k < clipped.length; k += 2) pairs.push([clipped[k]!, clipped[k + 1]!]);
        pairs.sort((a, b) => a[0] - b[0]);
        clipped.length = 0;
        for (const [a, b] of pairs) clipped.push(a, b);
      }
      let reached = start;
      for (let k = 0; k < clipped.length; k += 2) {
        const a = clipped[k]!;
        const b = clipped[k + 1]!;
        if (b > reached) {
          covered += b - Math.max(a, reached);
          reached = b;
        }
      }
    }
    out[v] = Math.max(0, end - start - covered);
  }
  return out;
}

interface Accumulator {
  service: string;
  /** Undefined on per-service accumulators (always present as a property: one object shape for speed). */
  operation: string | undefined;
  count: number;
  errorCount: number;
  totalUs: number;
  selfUs: number;
  criticalPathUs: number;
  criticalPathWaitUs: number;
  pathSpanIds: string[];
}

export interface TimeAggregation {
  readonly breakdown: SelfTimeBreakdown;
  readonly bottlenecks: readonly Bottleneck[];
}

/**
 * Per-service and per-operation (service + span name) totals, and the bottleneck ranking: operations by the time
 * they work on the critical path (async waits before them are reported apart), then by self time.
 */
export function aggregateTimes(
  tree: SpanTree,
  spanSelfUs: Float64Array,
  pathTimeBySpan: { readonly work: Float64Array; readonly wait: Float64Array },
  path: CriticalPath,
  traceDurationUs: number,
  limits: { readonly bottleneckLimit: number; readonly exampleLimit: number },
): TimeAggregation {
  const spans = tree.trace.spans;
  // Nested by service then name: no key strings built per span (this runs over every span of 1M-span traces).
  const byService = new Map<string, { service: Accumulator; operations: Map<string, Accumulator> }>();
  const operationRows: Accumulator[] = [];
  const fresh = (service: string, operation?: string): Accumulator => ({
    service,
    operation,
    count: 0,
    errorCount: 0,
    totalUs: 0,
    selfUs: 0,
    criticalPathUs: 0,
    criticalPathWaitUs: 0,
    pathSpanIds: [],
  });
  const bump = (acc: Accumulator, v: number): void => {
    const s = spans[v]!;
    acc.count++;
    if (s.error) acc.errorCount++;
    acc.totalUs += spanEndUs(s) - s.startTimeUs;
    acc.selfUs += spanSelfUs[v]!;
    const work = pathTimeBySpan.work[v]!;
    const wait = pathTimeBySpan.wait[v]!;
    acc.criticalPathUs += work;
    acc.criticalPathWaitUs += wait;
    if (work > 0) {
      if (acc.pathSpanIds.length < limits.exampleLimit) acc.pathSpanIds.push(s.spanId);
    }
  };
  for (let v = 0; v < tree.size; v++) {
    const s = spans[v]!;
    let group = byService.get(s.service);
    if (!group) {
      group = { service: fresh(s.service), operations: new Map() };
      byService.set(s.service, group);
    }
    let op = group.operations.get(s.name);
    if (!op) {
      op = fresh(s.service, s.name);
      group.operations.set(s.name, op);
      operationRows.push(op);
    }
    bump(group.service, v);
    bump(op, v);
  }
  const pathLength = path.endUs - path.startUs;
  const toRow = (a: Accumulator): TimeRow => ({
    service: a.service,
    ...(a.operation === undefined ? {} : { operation: a.operation }),
    count: a.count,
    errorCount: a.errorCount,
    totalUs: a.totalUs,
    selfUs: a.selfUs,
    selfPercentOfTrace: traceDurationUs > 0 ? (a.selfUs / traceDurationUs) * 100 : 0,
    criticalPathUs: a.criticalPathUs,
    criticalPathPercent: pathLength > 0 ? (a.criticalPathUs / pathLength) * 100 : 0,
    criticalPathWaitUs: a.criticalPathWaitUs,
  });
  const bySelf = (x: TimeRow, y: TimeRow): number => y.selfUs - x.selfUs || y.totalUs - x.totalUs;
  const bottlenecks = operationRows
    .filter((a) => a.criticalPathUs > 0)
    .sort((x, y) => y.criticalPathUs - x.criticalPathUs || y.selfUs - x.selfUs)
    .slice(0, limits.bottleneckLimit)
    .map(
      (a): Bottleneck => ({
        service: a.service,
        operation: a.operation ?? '',
        criticalPathUs: a.criticalPathUs,
        criticalPathPercent: pathLength > 0 ? (a.criticalPathUs / pathLength) * 100 : 0,
        criticalPathWaitUs: a.criticalPathWaitUs,
        selfUs: a.selfUs,
        count: a.count,
        exampleSpanIds: a.pathSpanIds,
      }),
    );
  return {
    breakdown: {
      spanSelfUs,
      byService: [...byService.values()].map((g) => toRow(g.service)).sort(bySelf),
      byOperation: operationRows.map(toRow).sort(bySelf),
    },
    bottlenecks,
  };
}
