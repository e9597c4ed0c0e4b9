// Trace analysis results as findings an agent can act on: what, how bad, which spans show it, and one span whose
// code to open. Built from src/core/analysis (critical path, N+1, parallelizable calls, propagation gaps, sampling,
// clock skew, data quality) plus the trace's errors and context dropped by uninstrumented callers.
import type { Span, Trace } from '../model/trace';
import type { TraceAnalysis } from '../analysis/analysisTypes';
import type { DroppedContextFinding } from '../analysis/droppedContext';
import { operationText, quoted, us } from './agentText';
import type { TraceErrorGroup } from './traceErrors';

export type Severity = 'high' | 'medium' | 'low' | 'info';

export interface AgentFinding {
  readonly kind:
    | 'error'
    | 'critical-path'
    | 'n-plus-one'
    | 'parallelizable'
    | 'propagation-gap'
    | 'dropped-context'
    | 'orphans'
    | 'sampling'
    | 'clock-skew'
    | 'unended-span'
    | 'high-cardinality';
  readonly severity: Severity;
  /** One line; span-derived names quoted. */
  readonly title: string;
  readonly evidenceSpanIds: readonly string[];
  /** The span whose code the finding points at (its location is looked up by the caller). */
  readonly anchorSpanId?: string;
  /** The trace the anchor span is in, when not the analysed one (dropped context: the caller's trace). */
  readonly anchorTraceId?: string;
}

const RANK: Readonly<Record<Severity, number>> = { high: 0, medium: 1, low: 2, info: 3 };

function pct(part: number, whole: number): string {
  if (whole <= 0) return '';
  const p = (part / whole) * 100;
  return `${p < 10 ? p.toFixed(1) : Math.round(p)}%`;
}

/** Every finding of one trace's analysis, most severe first. */
export function findingsOf(trace: Trace, a: TraceAnalysis, errors: readonly TraceErrorGroup[], dropped: readonly DroppedContextFinding[] = []): AgentFinding[] {
  const out: AgentFinding[] = [];
  const duration = a.durationUs;
  for (const e of errors) {
    const what = e.type ? `${quoted(e.type, 80)}: ${quoted(e.message, 200)}` : e.message ? `status ${quoted(e.message, 200)}` : 'error status';
    out.push({
      kind: 'error',
      severity: e.hasException ? 'high' : 'medium',
      title: `${e.hasException ? 'Exception' : 'Error'} in ${operationText(e.service, e.operation)}${e.count > 1 ? ` (${e.count} spans)` : ''}: ${what}`,
      evidenceSpanIds: [e.exampleSpan.spanId],
      anchorSpanId: e.exampleSpan.spanId,
    });
  }
  const top = a.bottlenecks[0];
  if (top && top.criticalPathPercent >= 30) {
    out.push({
      kind: 'critical-path',
      severity: top.criticalPathPercent >= 50 ? 'medium' : 'info',
      title: `${operationText(top.service, top.operation)} holds ${Math.round(top.criticalPathPercent)}% of the critical path (${us(top.criticalPathUs)} working on it, self time ${us(top.selfUs)}, ${top.count} span(s))`,
      evidenceSpanIds: top.exampleSpanIds,
      ...(top.exampleSpanIds[0] ? { anchorSpanId: top.exampleSpanIds[0] } : {}),
    });
  }
  for (const f of a.nPlusOne) {
    const target = f.statement ?? f.urlTemplate ?? f.peer;
    out.push({
      kind: 'n-plus-one',
      severity: duration > 0 && f.wallUs >= duration * 0.2 ? 'high' : 'medium',
      title: `N+1: ${operationText(f.parentService, f.parentOperation)} makes ${f.count} ${quoted(f.operation, 100)} calls${f.service !== f.parentService ? ` in ${quoted(f.service, 60)}` : ''} one after another${target ? ` (${quoted(target, 120)})` : ''}: ${us(f.totalUs)} in total, ${pct(f.wallUs, duration)} of the trace; batch them or run them concurrently`,
      evidenceSpanIds: f.exampleSpanIds,
      anchorSpanId: f.parentSpanId,
    });
  }
  for (const f of a.parallelizable) {
    out.push({
      kind: 'parallelizable',
      severity: duration > 0 && f.potentialSavingUs >= duration * 0.1 ? 'medium' : 'low',
      title: `${f.spanIds.length} independent calls under ${operationText(f.parentService, f.parentOperation)} run one after another (${f.operations.slice(0, 4).map((o) => quoted(o, 60)).join(', ')}); running them concurrently could save up to ${us(f.potentialSavingUs)}`,
      evidenceSpanIds: f.spanIds.slice(0, 5),
      anchorSpanId: f.parentSpanId,
    });
  }
  for (const g of a.propagationGaps) {
    out.push({
      kind: 'propagation-gap',
      severity: g.confidence === 'likely' ? 'high' : 'medium',
      title: `Trace context lost (${g.confidence}): the ${g.spanKind} call ${quoted(g.operation, 100)} from ${quoted(g.callerService, 60)} to ${quoted(g.calleeService, 60)} has no span of the callee in this trace${g.matchedTraceId ? `; the callee started trace ${g.matchedTraceId} at that time` : ''}. Inject the context (W3C traceparent) into the outgoing request`,
      evidenceSpanIds: [g.spanId, ...(g.matchedSpanId ? [g.matchedSpanId] : [])],
      anchorSpanId: g.spanId,
    });
  }
  for (const d of dropped) {
    out.push({
      kind: 'dropped-context',
      severity: d.confidence === 'likely' ? 'high' : 'medium',
      title: `Trace context dropped (${d.confidence}): ${operationText(d.service, d.operation)} starts a trace of its own ${d.entryCount > 1 ? `${d.matchedCount} of ${d.entryCount} times ` : ''}while ${operationText(d.callerService, d.callerOperation)} is running: that code calls ${quoted(d.service, 60)} without a client span or traceparent header (an uninstrumented client such as fetch). Instrument the client or inject the context`,
      evidenceSpanIds: [d.exampleEntry.spanId, d.exampleCaller.spanId],
      anchorSpanId: d.exampleCaller.spanId,
      anchorTraceId: d.exampleCaller.traceId,
    });
  }
  if (a.orphans.length > 0 || a.completeness.missingRoot) {
    out.push({
      kind: 'orphans',
      severity: 'medium',
      title: `Incomplete trace: ${a.completeness.missingRoot ? 'the root span is missing; ' : ''}${a.orphans.length} span(s) name a parent that is not in the trace (${a.completeness.missingParentIds.length} missing parent id(s)): spans were dropped, sampled apart or not yet exported`,
      evidenceSpanIds: a.orphans.slice(0, 5).map((o) => o.spanId),
      ...(a.orphans[0] ? { anchorSpanId: a.orphans[0].spanId } : {}),
    });
  }
  for (const s of a.samplingIssues) {
    out.push({
      kind: 'sampling',
      severity: 'medium',
      title: `Sampling: ${quoted(s.message, 300)}`,
      evidenceSpanIds: s.kind === 'missing-callee-spans' ? s.exampleSpanIds : s.exampleUnsampledSpanIds,
    });
  }
  const skew = [...a.clockSkew].sort((x, y) => y.offsetUs - x.offsetUs);
  if (skew.length > 0) {
    const s = skew[0]!;
    out.push({
      kind: 'clock-skew',
      severity: 'low',
      title: `Clock skew: ${skew.length} span(s) outside their parent's interval; largest: ${operationText(s.service, s.operation)} ${s.direction === 'starts-before-parent' ? 'starts' : 'ends'} ${us(s.offsetUs)} ${s.direction === 'starts-before-parent' ? 'before' : 'after'} its parent in ${quoted(s.parentService, 60)}${s.sameService ? ' (same service: a timing glitch of the instrumentation)' : ''}`,
      evidenceSpanIds: skew.slice(0, 5).map((x) => x.spanId),
      anchorSpanId: s.spanId,
    });
  }
  if (a.unendedSpans.length > 0) {
    const u = a.unendedSpans[0]!;
    out.push({
      kind: 'unended-span',
      severity: 'low',
      title: `${a.unendedSpans.length} span(s) without a proper duration (${u.reason}), e.g. ${operationText(u.service, u.operation)}: a span not ended on every path?`,
      evidenceSpanIds: a.unendedSpans.slice(0, 5).map((x) => x.spanId),
      anchorSpanId: u.spanId,
    });
  }
  for (const h of a.highCardinality) {
    const example = firstSpanNamed(trace, h.service, h.exampleNames[0]);
    out.push({
      kind: 'high-cardinality',
      severity: 'low',
      title: `High-cardinality span names in ${quoted(h.service, 60)}: ${h.distinctNames} names like ${quoted(h.template, 100)}; move the varying part to an attribute`,
      evidenceSpanIds: example ? [example.spanId] : [],
      ...(example ? { anchorSpanId: example.spanId } : {}),
    });
  }
  return out.sort((x, y) => RANK[x.severity] - RANK[y.severity]);
}

function firstSpanNamed(trace: Trace, service: string, name: string | undefined): Span | undefined {
  if (name === undefined) return undefined;
  return trace.spans.find((s) => s.service === service && s.name === name);
}
