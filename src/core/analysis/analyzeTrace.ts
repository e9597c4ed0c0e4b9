import type { Trace } from '../model/trace';
import { resolveOptions, type AnalysisOptions, type ResolvedAnalysisOptions, type SamplingIssue, type TraceAnalysis } from './analysisTypes';
import { computeCriticalPath, computeEffectiveTimes, criticalPathTimeBySpan } from './criticalPath';
import { assessCompleteness, findClockSkew, findHighCardinality, findMixedSampledFlags, findOrphans, findUnendedSpans } from './dataQuality';
import { findNPlusOne } from './nPlusOne';
import { findParallelizable } from './parallelizable';
import { analyzePropagation, buildCallContext, type CallContext, type CrossTraceMatcher } from './propagation';
import { aggregateTimes, computeSpanSelfTimes } from './selfTime';
import { buildSpanTree, spanEndUs, type SpanTree } from './spanTree';

/**
 * Everything Span Lens finds in one trace: critical path, self time, bottlenecks, N+1 calls, calls that could run in
 * parallel, and data-quality problems (orphans, propagation gaps, sampling, clock skew, unended spans,
 * high-cardinality names). Linear or n·log n in the number of spans; no recursion.
 */
export function analyzeTrace(trace: Trace, options?: AnalysisOptions): TraceAnalysis {
  const resolved = resolveOptions(options);
  const tree = buildSpanTree(trace);
  return analyzeTree(tree, resolved, buildCallContext([tree], resolved.knownServices));
}

/** The per-trace analysis with a shared context (known services, learned peers) and optional cross-trace evidence. */
export function analyzeTree(tree: SpanTree, options: ResolvedAnalysisOptions, ctx: CallContext, crossTrace?: CrossTraceMatcher): TraceAnalysis {
  const trace = tree.trace;
  let startUs = Infinity;
  let endUs = -Infinity;
  for (const s of trace.spans) {
    if (s.startTimeUs < startUs) startUs = s.startTimeUs;
    const e = spanEndUs(s);
    if (e > endUs) endUs = e;
  }
  if (trace.spans.length === 0) startUs = endUs = 0;
  const durationUs = endUs - startUs;

  const times = computeEffectiveTimes(tree);
  const path = computeCriticalPath(tree, times);
  const pathTime = criticalPathTimeBySpan(tree.size, path);
  const selfUs = computeSpanSelfTimes(tree);
  const { breakdown, bottlenecks } = aggregateTimes(tree, selfUs, pathTime, path, durationUs, options);

  const orphans = findOrphans(tree);
  const propagation = analyzePropagation(tree, ctx, options.exampleLimit, crossTrace);
  const samplingIssues: SamplingIssue[] = [...propagation.samplingIssues];
  const mixed = findMixedSampledFlags(trace, options.exampleLimit);
  if (mixed) samplingIssues.push(mixed);

  return {
    traceId: trace.traceId,
    spanCount: trace.spans.length,
    startUs,
    endUs,
    durationUs,
    criticalPath: path.spanIds,
    criticalPathSegments: path.segments,
    criticalPathRoot: path.rootSpanId,
    criticalPathStartUs: path.startUs,
    criticalPathEndUs: path.endUs,
    selfTime: breakdown,
    bottlenecks,
    nPlusOne: findNPlusOne(tree, { minCount: options.nPlusOneMinCount, minSequentialRatio: options.nPlusOneMinSequentialRatio, exampleLimit: options.exampleLimit }),
    parallelizable: findParallelizable(tree, { minSavingUs: options.parallelMinSavingUs }),
    orphans,
    completeness: assessCompleteness(trace, orphans),
    propagationGaps: propagation.gaps,
    samplingIssues,
    clockSkew: findClockSkew(tree, options.clockSkewToleranceUs),
    unendedSpans: findUnendedSpans(trace),
    highCardinality: findHighCardinality([trace], options.highCardinalityMinDistinct, options.exampleLimit),
  };
}
