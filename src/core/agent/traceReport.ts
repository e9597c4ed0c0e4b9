// One trace fetched and analysed for the agent tools: the analysis of src/core/analysis (with the source's help for
// propagation gaps), its errors grouped, context dropped by uninstrumented callers, and the findings built from all
// of it. Shared by spanlens_trace_summary and spanlens_analyze_trace so both say the same about a trace.
import type { Trace } from '../model/trace';
import type { TraceAnalysis } from '../analysis/analysisTypes';
import { analyzeWithEvidence } from '../analysis/analysisEvidence';
import { findDroppedContext, type DroppedContextFinding } from '../analysis/droppedContext';
import { isSpanLensError } from '../errors';
import type { AgentToolContext } from './toolTypes';
import { findingsOf, type AgentFinding } from './findings';
import { traceErrorGroups, type TraceErrorGroup } from './traceErrors';
import { fetchTrace } from './tools/toolInputs';

export interface TraceReport {
  readonly trace: Trace;
  readonly analysis: TraceAnalysis;
  readonly errors: readonly TraceErrorGroup[];
  readonly errorSpans: number;
  readonly dropped: readonly DroppedContextFinding[];
  readonly findings: readonly AgentFinding[];
}

/** Services whose own traces are searched for entries that lost this trace's context. */
const MAX_DROPPED_CONTEXT_SERVICES = 5;
const DROPPED_CONTEXT_SEARCH_LIMIT = 50;

export async function traceReport(ctx: AgentToolContext, traceId: string): Promise<TraceReport> {
  const trace = await fetchTrace(ctx, traceId);
  ctx.progress?.(1, 3, `analysing ${trace.spans.length} spans`);
  const multi = await analyzeWithEvidence(ctx.source, [trace], 20, ctx.signal);
  const analysis = multi.traces[0]!;
  const { groups, errorSpans } = traceErrorGroups(trace);
  ctx.progress?.(2, 3, 'looking for calls that dropped the trace context');
  const dropped = await droppedContextOf(ctx, trace, analysis);
  return { trace, analysis, errors: groups, errorSpans, dropped, findings: findingsOf(trace, analysis, groups, dropped) };
}

/**
 * Calls made by this trace's spans that reached a service without a client span or context: that service's own
 * traces starting while a span of this trace surrounded them. Best effort: a failed search leaves it out.
 */
async function droppedContextOf(ctx: AgentToolContext, trace: Trace, a: TraceAnalysis): Promise<DroppedContextFinding[]> {
  if (trace.spans.length === 0 || !(a.durationUs > 0)) return [];
  const services = [...new Set(trace.spans.map((s) => s.service))].slice(0, MAX_DROPPED_CONTEXT_SERVICES);
  const others: Trace[] = [];
  for (const service of services) {
    try {
      const found = await ctx.source.search({ service, startUs: Math.floor(a.startUs), endUs: Math.ceil(a.endUs), limit: DROPPED_CONTEXT_SEARCH_LIMIT }, ctx.signal);
      // Only traces that started while this one ran (trace files ignore a search's time window).
      for (const t of found) if (t.traceId !== trace.traceId && startsWithin(t, a.startUs, a.endUs) && !others.some((o) => o.traceId === t.traceId)) others.push(t);
    } catch (e) {
      if (ctx.signal.aborted || (isSpanLensError(e) && e.kind === 'cancelled')) throw e;
    }
  }
  if (others.length === 0) return [];
  return findDroppedContext(others, [trace]).filter((d) => d.exampleCaller.traceId === trace.traceId);
}

function startsWithin(t: Trace, startUs: number, endUs: number): boolean {
  const first = t.spans[0];
  return first !== undefined && first.startTimeUs >= startUs && first.startTimeUs <= endUs;
}
