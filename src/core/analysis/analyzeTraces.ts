import { SpanKind, type Span, type Trace } from '../model/trace';
import { resolveOptions, type AnalysisOptions, type HighCardinalityFinding, type ResolvedAnalysisOptions, type TraceAnalysis } from './analysisTypes';
import { analyzeTree } from './analyzeTrace';
import { findHighCardinality } from './dataQuality';
import { buildCallContext, type CrossTraceMatch, type CrossTraceMatcher } from './propagation';
import { messagingDestination } from './spanAttributes';
import { buildSpanTree, spanEndUs } from './spanTree';

/** An operation's presence on the critical paths of a set of traces. */
export interface OperationOnCriticalPath {
  readonly service: string;
  readonly operation: string;
  /** Traces whose critical path runs through this operation. */
  readonly traceCount: number;
  /** traceCount / number of traces. */
  readonly share: number;
  /** Summed time on those critical paths. */
  readonly criticalPathUs: number;
  /** Mean of its critical-path percentage over the traces where it is on the path. */
  readonly meanCriticalPathPercent: number;
}

export interface RecurringPropagationGap {
  readonly callerService: string;
  readonly calleeService: string;
  /** Gap findings (calls) over all traces. */
  readonly count: number;
  readonly traceCount: number;
  /** How many of them another trace confirmed (`likely`). */
  readonly likelyCount: number;
  readonly exampleTraceIds: readonly string[];
}

export interface RecurringNPlusOne {
  readonly service: string;
  readonly operation: string;
  readonly parentService: string;
  readonly parentOperation: string;
  readonly traceCount: number;
  readonly totalCalls: number;
  readonly totalUs: number;
  readonly exampleTraceIds: readonly string[];
}

export interface MultiTraceAnalysis {
  readonly traceCount: number;
  /** Operations by how many critical paths they sit on. */
  readonly criticalPathOperations: readonly OperationOnCriticalPath[];
  /** Caller → callee pairs whose context is lost, by how often. */
  readonly propagationGaps: readonly RecurringPropagationGap[];
  readonly nPlusOne: readonly RecurringNPlusOne[];
  /** Over all traces together: ids in names show up best across many traces. */
  readonly highCardinality: readonly HighCardinalityFinding[];
  /** Each trace's own analysis, with cross-trace evidence applied to its propagation gaps. */
  readonly traces: readonly TraceAnalysis[];
}

export interface MultiTraceOptions extends AnalysisOptions {
  /**
   * More traces that are not analysed or reported themselves but serve as evidence: callee services' traces from
   * the same time (see `gapCalleeQueries`), whose spans can confirm propagation gaps and teach peer addresses.
   */
  readonly evidenceTraces?: readonly Trace[];
}

/**
 * Where to look for evidence of the possible gaps in an analysis: per callee service, the time window of the calls
 * whose callee span is missing (widened by the cross-trace slack). Fetch those services' traces in those windows
 * and pass them as `evidenceTraces` to confirm or leave the gaps.
 */
export function gapCalleeQueries(analysis: MultiTraceAnalysis, options?: AnalysisOptions): { service: string; startUs: number; endUs: number }[] {
  const slack = resolveOptions(options).crossTraceSlackUs;
  const windows = new Map<string, { service: string; startUs: number; endUs: number }>();
  for (const a of analysis.traces) {
    for (const g of a.propagationGaps) {
      if (g.confidence !== 'possible' || g.spanKind !== 'client') continue;
      const w = windows.get(g.calleeService);
      const start = g.startUs - slack;
      const end = g.endUs + slack;
      if (w) {
        w.startUs = Math.min(w.startUs, start);
        w.endUs = Math.max(w.endUs, end);
      } else windows.set(g.calleeService, { service: g.calleeService, startUs: start, endUs: end });
    }
  }
  return [...windows.values()];
}

/**
 * Analyses a set of traces (a search result) together: every trace with the same context (services seen anywhere
 * count as instrumented, peer addresses learned anywhere resolve everywhere), propagation gaps confirmed by the
 * callee starting a trace of its own at the same time, and recurring patterns summed over the set.
 */
export function analyzeTraces(traces: readonly Trace[], options?: MultiTraceOptions): MultiTraceAnalysis {
  const resolved = resolveOptions(options);
  const trees = traces.map((t) => buildSpanTree(t));
  const ids = new Set(traces.map((t) => t.traceId));
  const evidence = (options?.evidenceTraces ?? []).filter((t) => !ids.has(t.traceId));
  const evidenceTrees = evidence.map((t) => buildSpanTree(t));
  const ctx = buildCallContext([...trees, ...evidenceTrees], resolved.knownServices);
  const matcher = new EntrySpanMatcher([...traces, ...evidence], resolved);
  const analyses = trees.map((tree) => analyzeTree(tree, resolved, ctx, matcher));
  return {
    traceCount: traces.length,
    criticalPathOperations: rankCriticalPathOperations(analyses),
    propagationGaps: recurringGaps(analyses, resolved.exampleLimit),
    nPlusOne: recurringNPlusOne(analyses, resolved.exampleLimit),
    highCardinality: findHighCardinality(traces, resolved.highCardinalityMinDistinct, resolved.exampleLimit),
    traces: analyses,
  };
}

interface Entry {
  readonly span: Span;
  readonly start: number;
}

/**
 * Spans that begin a trace (or lost their parent) on the receiving side — SERVER/CONSUMER roots and orphans — by
 * service and by messaging destination, sorted by start, for matching calls whose callee span is missing.
 */
class EntrySpanMatcher implements CrossTraceMatcher {
  private readonly byService = new Map<string, Entry[]>();
  private readonly byDestination = new Map<string, Entry[]>();

  constructor(
    traces: readonly Trace[],
    private readonly options: ResolvedAnalysisOptions,
  ) {
    for (const trace of traces) {
      const ids = new Set<string>();
      for (const s of trace.spans) ids.add(s.spanId);
      for (const s of trace.spans) {
        if (s.kind !== SpanKind.SERVER && s.kind !== SpanKind.CONSUMER) continue;
        if (s.parentSpanId !== undefined && ids.has(s.parentSpanId)) continue;
        push(this.byService, s.service.toLowerCase(), s);
        const dest = s.kind === SpanKind.CONSUMER ? messagingDestination(s) : undefined;
        if (dest !== undefined) push(this.byDestination, dest.toLowerCase(), s);
      }
    }
    for (const list of this.byService.values()) list.sort((a, b) => a.start - b.start);
    for (const list of this.byDestination.values()) list.sort((a, b) => a.start - b.start);
  }

  match(call: Span, kind: 'client' | 'producer', calleeService: string | undefined): CrossTraceMatch | undefined {
    const slack = this.options.crossTraceSlackUs;
    if (kind === 'client') {
      if (calleeService === undefined || calleeService === call.service) return undefined;
      const list = this.byService.get(calleeService.toLowerCase());
      return list ? closest(list, call, call.startTimeUs - slack, spanEndUs(call) + slack, () => true) : undefined;
    }
    const dest = messagingDestination(call);
    if (dest === undefined) return undefined;
    const list = this.byDestination.get(dest.toLowerCase());
    // A consumer that links to this producer got the context through the link: not a gap.
    const notLinked = (s: Span): boolean => !s.links.some((l) => l.spanId === call.spanId && l.traceId === call.traceId);
    return list ? closest(list, call, call.startTimeUs - slack, spanEndUs(call) + this.options.maxQueueDelayUs, notLinked) : undefined;
  }
}

function push(map: Map<string, Entry[]>, key: string, span: Span): void {
  const list = map.get(key);
  const entry = { span, start: span.startTimeUs };
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

/** The entry of another trace starting in [lo, hi] closest to the call's start. */
function closest(list: readonly Entry[], call: Span, lo: number, hi: number, accept: (s: Span) => boolean): CrossTraceMatch | undefined {
  let a = 0;
  let b = list.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (list[mid]!.start < lo) a = mid + 1;
    else b = mid;
  }
  let best: Entry | undefined;
  for (let k = a; k < list.length && list[k]!.start <= hi; k++) {
    const e = list[k]!;
    if (e.span.traceId === call.traceId || !accept(e.span)) continue;
    if (!best || Math.abs(e.start - call.startTimeUs) < Math.abs(best.start - call.startTimeUs)) best = e;
  }
  return best ? { traceId: best.span.traceId, spanId: best.span.spanId, service: best.span.service } : undefined;
}

function rankCriticalPathOperations(analyses: readonly TraceAnalysis[]): OperationOnCriticalPath[] {
  const acc = new Map<string, { service: string; operation: string; traces: number; us: number; percentSum: number }>();
  for (const a of analyses) {
    for (const row of a.selfTime.byOperation) {
      if (row.criticalPathUs <= 0) continue;
      const key = `${row.service}\u0000${row.operation ?? ''}`;
      let x = acc.get(key);
      if (!x) {
        x = { service: row.service, operation: row.operation ?? '', traces: 0, us: 0, percentSum: 0 };
        acc.set(key, x);
      }
      x.traces++;
      x.us += row.criticalPathUs;
      x.percentSum += row.criticalPathPercent;
    }
  }
  const n = analyses.length;
  return [...acc.values()]
    .map((x) => ({
      service: x.service,
      operation: x.operation,
      traceCount: x.traces,
      share: n > 0 ? x.traces / n : 0,
      criticalPathUs: x.us,
      meanCriticalPathPercent: x.percentSum / x.traces,
    }))
    .sort((x, y) => y.traceCount - x.traceCount || y.criticalPathUs - x.criticalPathUs);
}

function recurringGaps(analyses: readonly TraceAnalysis[], exampleLimit: number): RecurringPropagationGap[] {
  const acc = new Map<string, { caller: string; callee: string; count: number; likely: number; traces: Set<string> }>();
  for (const a of analyses) {
    for (const g of a.propagationGaps) {
      const key = `${g.callerService}\u0000${g.calleeService}`;
      let x = acc.get(key);
      if (!x) {
        x = { caller: g.callerService, callee: g.calleeService, count: 0, likely: 0, traces: new Set() };
        acc.set(key, x);
      }
      x.count++;
      if (g.confidence === 'likely') x.likely++;
      x.traces.add(a.traceId);
    }
  }
  return [...acc.values()]
    .map((x) => ({
      callerService: x.caller,
      calleeService: x.callee,
      count: x.count,
      traceCount: x.traces.size,
      likelyCount: x.likely,
      exampleTraceIds: [...x.traces].slice(0, exampleLimit),
    }))
    .sort((x, y) => y.traceCount - x.traceCount || y.count - x.count);
}

function recurringNPlusOne(analyses: readonly TraceAnalysis[], exampleLimit: number): RecurringNPlusOne[] {
  const acc = new Map<string, { f: { service: string; operation: string; parentService: string; parentOperation: string }; calls: number; us: number; traces: Set<string> }>();
  for (const a of analyses) {
    for (const f of a.nPlusOne) {
      const key = [f.parentService, f.parentOperation, f.service, f.operation].join('\u0000');
      let x = acc.get(key);
      if (!x) {
        x = { f: { service: f.service, operation: f.operation, parentService: f.parentService, parentOperation: f.parentOperation }, calls: 0, us: 0, traces: new Set() };
        acc.set(key, x);
      }
      x.calls += f.count;
      x.us += f.totalUs;
      x.traces.add(a.traceId);
    }
  }
  return [...acc.values()]
    .map((x) => ({ ...x.f, traceCount: x.traces.size, totalCalls: x.calls, totalUs: x.us, exampleTraceIds: [...x.traces].slice(0, exampleLimit) }))
    .sort((x, y) => y.traceCount - x.traceCount || y.totalUs - x.totalUs);
}
