import type { CriticalPathSegment } from './criticalPath';

/** Tuning for the heuristics; every field has a default (see DEFAULT_ANALYSIS_OPTIONS). */
export interface AnalysisOptions {
  /** Services known to be instrumented beyond those seen in the trace(s), e.g. the source's service list. */
  readonly knownServices?: Iterable<string>;
  /** Fewest similar sequential calls under one parent that make an N+1 finding. */
  readonly nPlusOneMinCount?: number;
  /** Union of the calls' intervals / sum of their durations at or above which they count as sequential. */
  readonly nPlusOneMinSequentialRatio?: number;
  /** Smallest potential saving (µs) worth reporting for sequential calls that could run in parallel. */
  readonly parallelMinSavingUs?: number;
  /** Fewest distinct raw names behind one template that make a high-cardinality finding. */
  readonly highCardinalityMinDistinct?: number;
  /** Overhangs up to this many µs are not reported as clock skew (rounding of ns sources). */
  readonly clockSkewToleranceUs?: number;
  /** How many operations the bottleneck ranking lists. */
  readonly bottleneckLimit?: number;
  /** How many example span ids a finding carries. */
  readonly exampleLimit?: number;
  /** Cross-trace: how long after a producer ends a consumer in another trace may start and still match (µs). */
  readonly maxQueueDelayUs?: number;
  /** Cross-trace: slack around a client call when matching a callee's span in another trace (µs). */
  readonly crossTraceSlackUs?: number;
}

export type ResolvedAnalysisOptions = Required<Omit<AnalysisOptions, 'knownServices'>> & { readonly knownServices: readonly string[] };

export const DEFAULT_ANALYSIS_OPTIONS: ResolvedAnalysisOptions = {
  knownServices: [],
  nPlusOneMinCount: 5,
  nPlusOneMinSequentialRatio: 0.7,
  parallelMinSavingUs: 1000,
  highCardinalityMinDistinct: 5,
  clockSkewToleranceUs: 0,
  bottleneckLimit: 10,
  exampleLimit: 5,
  maxQueueDelayUs: 5_000_000,
  crossTraceSlackUs: 1000,
};

export function resolveOptions(options: AnalysisOptions | undefined): ResolvedAnalysisOptions {
  const o = options ?? {};
  const pick = <K extends keyof ResolvedAnalysisOptions>(k: K): ResolvedAnalysisOptions[K] => (o[k as keyof AnalysisOptions] ?? DEFAULT_ANALYSIS_OPTIONS[k]) as ResolvedAnalysisOptions[K];
  return {
    knownServices: o.knownServices ? [...o.knownServices] : [],
    nPlusOneMinCount: pick('nPlusOneMinCount'),
    nPlusOneMinSequentialRatio: pick('nPlusOneMinSequentialRatio'),
    parallelMinSavingUs: pick('parallelMinSavingUs'),
    highCardinalityMinDistinct: pick('highCardinalityMinDistinct'),
    clockSkewToleranceUs: pick('clockSkewToleranceUs'),
    bottleneckLimit: pick('bottleneckLimit'),
    exampleLimit: pick('exampleLimit'),
    maxQueueDelayUs: pick('maxQueueDelayUs'),
    crossTraceSlackUs: pick('crossTraceSlackUs'),
  };
}

/** Time figures for one service or operation. Percentages are of the trace's end-to-end duration. */
export interface TimeRow {
  readonly service: string;
  /** Span name; absent on per-service rows. */
  readonly operation?: string;
  readonly count: number;
  readonly errorCount: number;
  /** Sum of span durations. */
  readonly totalUs: number;
  /** Sum of self times (duration minus the union of the children's intervals). */
  readonly selfUs: number;
  /** selfUs / trace duration × 100 (can exceed 100 in total when work ran in parallel). */
  readonly selfPercentOfTrace: number;
  /** Time working on the critical path (its `self` segments). */
  readonly criticalPathUs: number;
  /** criticalPathUs / critical path length × 100. */
  readonly criticalPathPercent: number;
  /** Time on the critical path spent waiting for these spans to start (`async-wait` segments: queues, think time). */
  readonly criticalPathWaitUs: number;
}

export interface SelfTimeBreakdown {
  /** Self time per span, indexed like `trace.spans`. */
  readonly spanSelfUs: Float64Array;
  /** By self time, largest first. */
  readonly byService: readonly TimeRow[];
  readonly byOperation: readonly TimeRow[];
}

export interface Bottleneck {
  readonly service: string;
  readonly operation: string;
  /** Time working on the critical path; ranking key. */
  readonly criticalPathUs: number;
  readonly criticalPathPercent: number;
  /** Time the path waited for these spans to start (not counted in criticalPathUs). */
  readonly criticalPathWaitUs: number;
  readonly selfUs: number;
  readonly count: number;
  /** Spans of this operation working on the critical path. */
  readonly exampleSpanIds: readonly string[];
}

export interface NPlusOneFinding {
  readonly parentSpanId: string;
  readonly parentService: string;
  readonly parentOperation: string;
  readonly service: string;
  readonly operation: string;
  /** What made the calls "the same", beyond the operation name. */
  readonly statement?: string;
  readonly urlTemplate?: string;
  readonly peer?: string;
  readonly count: number;
  /** Sum of the calls' durations. */
  readonly totalUs: number;
  /** Wall time the calls covered (union of their intervals). */
  readonly wallUs: number;
  /** wallUs / totalUs: 1 for strictly one-after-another. */
  readonly sequentialRatio: number;
  readonly exampleSpanIds: readonly string[];
}

export interface ParallelizableFinding {
  readonly parentSpanId: string;
  readonly parentService: string;
  readonly parentOperation: string;
  /** The sequential calls, in start order. */
  readonly spanIds: readonly string[];
  readonly operations: readonly string[];
  readonly targets: readonly string[];
  /** Sum of the calls' durations. */
  readonly totalUs: number;
  readonly longestUs: number;
  /** totalUs − longestUs: what running them concurrently could save at best. */
  readonly potentialSavingUs: number;
}

export interface OrphanFinding {
  readonly spanId: string;
  readonly service: string;
  readonly operation: string;
  readonly missingParentId: string;
}

export interface TraceCompleteness {
  /** Spans without a parent id. */
  readonly rootCount: number;
  /** No span without a parent: the root span never arrived. */
  readonly missingRoot: boolean;
  /** Distinct parent ids named but absent. */
  readonly missingParentIds: readonly string[];
  /** True when the root or any parent is missing. */
  readonly incomplete: boolean;
}

export interface PropagationGap {
  readonly traceId: string;
  /** The CLIENT/PRODUCER span whose callee's span is missing from this trace. */
  readonly spanId: string;
  readonly callerService: string;
  readonly operation: string;
  readonly calleeService: string;
  readonly spanKind: 'client' | 'producer';
  /** The call's interval. */
  readonly startUs: number;
  readonly endUs: number;
  /**
   * `possible`: no span of the (instrumented) callee under the call in this trace.
   * `likely`: and the callee recorded a span starting a trace of its own at the same time.
   */
  readonly confidence: 'possible' | 'likely';
  readonly evidence: string;
  /** For `likely`: the callee's span in the other trace. */
  readonly matchedTraceId?: string;
  readonly matchedSpanId?: string;
}

export type SamplingIssue =
  | {
      readonly kind: 'missing-callee-spans';
      readonly callerService: string;
      readonly calleeService: string;
      readonly callsWithCalleeSpan: number;
      readonly callsWithoutCalleeSpan: number;
      readonly exampleSpanIds: readonly string[];
      readonly message: string;
    }
  | {
      readonly kind: 'mixed-sampled-flags';
      readonly sampledCount: number;
      readonly unsampledCount: number;
      readonly exampleUnsampledSpanIds: readonly string[];
      readonly message: string;
    };

export interface ClockSkewFinding {
  readonly spanId: string;
  readonly service: string;
  readonly operation: string;
  readonly parentSpanId: string;
  readonly parentService: string;
  readonly direction: 'starts-before-parent' | 'ends-after-parent';
  /** Child and parent in one service (one clock): a timing glitch of the instrumentation rather than skew. */
  readonly sameService: boolean;
  /** How far outside the parent's interval (µs). */
  readonly offsetUs: number;
}

export interface UnendedSpan {
  readonly spanId: string;
  readonly service: string;
  readonly operation: string;
  readonly reason: 'zero-duration' | 'missing-duration' | 'negative-duration';
}

export interface HighCardinalityFinding {
  readonly service: string;
  /** The name with ids/numbers replaced: `{uuid}`, `{id}`, `{n}`. */
  readonly template: string;
  readonly distinctNames: number;
  readonly spanCount: number;
  readonly exampleNames: readonly string[];
}

export interface TraceAnalysis {
  readonly traceId: string;
  readonly spanCount: number;
  /** Earliest start and latest end over all spans. */
  readonly startUs: number;
  readonly endUs: number;
  readonly durationUs: number;
  /** Span ids on the critical path, each once, in the order the path reaches them. */
  readonly criticalPath: readonly string[];
  readonly criticalPathSegments: readonly CriticalPathSegment[];
  /** The span the critical path starts from, and the interval it explains. */
  readonly criticalPathRoot: string | undefined;
  readonly criticalPathStartUs: number;
  readonly criticalPathEndUs: number;
  readonly selfTime: SelfTimeBreakdown;
  readonly bottlenecks: readonly Bottleneck[];
  readonly nPlusOne: readonly NPlusOneFinding[];
  readonly parallelizable: readonly ParallelizableFinding[];
  readonly orphans: readonly OrphanFinding[];
  readonly completeness: TraceCompleteness;
  readonly propagationGaps: readonly PropagationGap[];
  readonly samplingIssues: readonly SamplingIssue[];
  readonly clockSkew: readonly ClockSkewFinding[];
  readonly unendedSpans: readonly UnendedSpan[];
  readonly highCardinality: readonly HighCardinalityFinding[];
}
