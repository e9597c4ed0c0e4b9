import type { ClockSkewFinding, HighCardinalityFinding, OrphanFinding, SamplingIssue, TraceCompleteness, UnendedSpan } from './analysisTypes';
import { idTemplate } from './normalize';
import { sampledFlag } from './spanAttributes';
import { EDGE_SYNC, spanEndUs, type SpanTree } from './spanTree';
import type { Trace } from '../model/trace';

/** Spans whose parent id names a span that is not in the trace. */
export function findOrphans(tree: SpanTree): OrphanFinding[] {
  const out: OrphanFinding[] = [];
  const spans = tree.trace.spans;
  for (let v = 0; v < tree.size; v++) {
    const s = spans[v]!;
    if (s.parentSpanId === undefined) continue;
    // A span hanging under its parent (not link-adopted) has it; look the id up only for the rest.
    if (!s.orphan && tree.parent[v]! >= 0 && tree.adopted[v] === 0) continue;
    if (!s.orphan && tree.indexById.has(s.parentSpanId)) continue;
    out.push({ spanId: s.spanId, service: s.service, operation: s.name, missingParentId: s.parentSpanId });
  }
  return out;
}

export function assessCompleteness(trace: Trace, orphans: readonly OrphanFinding[]): TraceCompleteness {
  let rootCount = 0;
  for (const s of trace.spans) if (s.parentSpanId === undefined) rootCount++;
  const missingParentIds = [...new Set(orphans.map((o) => o.missingParentId))];
  const missingRoot = trace.spans.length > 0 && rootCount === 0;
  return { rootCount, missingRoot, missingParentIds, incomplete: missingRoot || missingParentIds.length > 0 };
}

/**
 * Clock skew: a child that starts before its parent (impossible for a cause and its effect, for any kind of child;
 * within one service it is an instrumentation timing glitch rather than skew, flagged `sameService`), or a
 * synchronous child (see isAsyncChild: the callee's span under a CLIENT) that ends after its parent.
 * Asynchronous children may outlive their parent and are not reported for that.
 */
export function findClockSkew(tree: SpanTree, toleranceUs: number): ClockSkewFinding[] {
  const spans = tree.trace.spans;
  const out: ClockSkewFinding[] = [];
  for (let v = 0; v < tree.size; v++) {
    const p = tree.parent[v]!;
    if (p < 0 || tree.adopted[v] === 1) continue;
    const s = spans[v]!;
    const parent = spans[p]!;
    const base = { spanId: s.spanId, service: s.service, operation: s.name, parentSpanId: parent.spanId, parentService: parent.service, sameService: s.service === parent.service };
    const early = parent.startTimeUs - s.startTimeUs;
    if (early > toleranceUs) out.push({ ...base, direction: 'starts-before-parent', offsetUs: early });
    // A parent without a duration has no end to overhang (it is reported as unended instead).
    if (tree.edge[v] === EDGE_SYNC && parent.durationUs > 0) {
      const late = spanEndUs(s) - spanEndUs(parent);
      if (late > toleranceUs) out.push({ ...base, direction: 'ends-after-parent', offsetUs: late });
    }
  }
  return out.sort((x, y) => y.offsetUs - x.offsetUs);
}

/** Spans that never ended properly: no duration, a negative one, or exactly zero. */
export function findUnendedSpans(trace: Trace): UnendedSpan[] {
  const out: UnendedSpan[] = [];
  for (const s of trace.spans) {
    const d = s.durationUs as number | undefined;
    const reason: UnendedSpan['reason'] | undefined =
      d === undefined || !Number.isFinite(d) ? 'missing-duration' : d < 0 ? 'negative-duration' : d === 0 ? 'zero-duration' : undefined;
    if (reason) out.push({ spanId: s.spanId, service: s.service, operation: s.name, reason });
  }
  return out;
}

/**
 * High-cardinality span names: per service, names that become one template once ids, UUIDs, hex and numbers are
 * replaced, with at least `minDistinct` distinct raw names behind it.
 */
export function findHighCardinality(traces: readonly Trace[], minDistinct: number, exampleLimit: number): HighCardinalityFinding[] {
  type Group = { service: string; template: string; names: Set<string>; spanCount: number };
  const byService = new Map<string, Map<string, Group>>();
  const all: Group[] = [];
  const templateOf = new Map<string, string>();
  for (const trace of traces) {
    for (const s of trace.spans) {
      let template = templateOf.get(s.name);
      if (template === undefined) {
        template = idTemplate(s.name);
        templateOf.set(s.name, template);
      }
      if (template === s.name) continue;
      let groups = byService.get(s.service);
      if (!groups) {
        groups = new Map();
        byService.set(s.service, groups);
      }
      let g = groups.get(template);
      if (!g) {
        g = { service: s.service, template, names: new Set(), spanCount: 0 };
        groups.set(template, g);
        all.push(g);
      }
      g.names.add(s.name);
      g.spanCount++;
    }
  }
  const out: HighCardinalityFinding[] = [];
  for (const g of all) {
    if (g.names.size < minDistinct) continue;
    out.push({ service: g.service, template: g.template, distinctNames: g.names.size, spanCount: g.spanCount, exampleNames: [...g.names].slice(0, exampleLimit) });
  }
  return out.sort((x, y) => y.distinctNames - x.distinctNames);
}

/** Spans of one trace that disagree on the sampled flag (only spans whose source carried flags count). */
export function findMixedSampledFlags(trace: Trace, exampleLimit: number): SamplingIssue | undefined {
  let sampled = 0;
  let unsampled = 0;
  const examples: string[] = [];
  for (const s of trace.spans) {
    const flag = sampledFlag(s);
    if (flag === undefined) continue;
    if (flag) sampled++;
    else {
      unsampled++;
      if (examples.length < exampleLimit) examples.push(s.spanId);
    }
  }
  if (sampled === 0 || unsampled === 0) return undefined;
  return {
    kind: 'mixed-sampled-flags',
    sampledCount: sampled,
    unsampledCount: unsampled,
    exampleUnsampledSpanIds: examples,
    message: `${unsampled} span(s) carry sampled=0 while ${sampled} carry sampled=1 in the same trace: some services make their own sampling decision instead of following the parent (use a ParentBased sampler).`,
  };
}
