// Turns a TraceAnalysis into what the viewer shows: critical path, self time per span and a list of findings
// with readable messages. Also the one-call "trace → payload with analysis" used by the panel host and exporter.
import type { Span, Trace } from '../model/trace';
import type { TraceAnalysis } from '../analysis/analysisTypes';
import { analyzeTree } from '../analysis/analyzeTrace';
import { resolveOptions } from '../analysis/analysisTypes';
import { buildCallContext } from '../analysis/propagation';
import { buildSpanTree, type SpanTree } from '../analysis/spanTree';
import { formatDuration } from '../../shared/viewModelLayout';
import type { AnalysisPayload, TracePayload } from '../../shared/viewModelPayload';
import { buildTracePayload, type PayloadAnalysisInput } from './tracePayload';

type Finding = PayloadAnalysisInput['findings'][number];

const q = (s: string): string => JSON.stringify(s);

export function payloadAnalysis(a: TraceAnalysis): PayloadAnalysisInput {
  const findings: Finding[] = [];
  if (a.completeness.missingRoot) {
    findings.push({ kind: 'incomplete', severity: 'error', message: 'The root span is missing: this trace is incomplete (lost, not sampled, or still being flushed).', spanIds: [] });
  }
  for (const b of a.bottlenecks.slice(0, 5)) {
    findings.push({
      kind: 'bottleneck',
      severity: 'info',
      message: `${b.service} ${q(b.operation)} is ${b.criticalPathPercent.toFixed(1)}% of the critical path (${formatDuration(b.criticalPathUs)} over ${b.count} span${b.count === 1 ? '' : 's'}).`,
      spanIds: b.exampleSpanIds,
    });
  }
  for (const f of a.nPlusOne) {
    const what = f.statement ?? f.urlTemplate ?? f.operation;
    findings.push({
      kind: 'n+1',
      severity: 'warning',
      message: `N+1: ${f.count} sequential ${f.service} calls ${q(what)} under ${f.parentService} ${q(f.parentOperation)} took ${formatDuration(f.totalUs)} (${formatDuration(f.wallUs)} wall time). Batch them into one call.`,
      spanIds: [...f.exampleSpanIds, f.parentSpanId],
    });
  }
  for (const f of a.parallelizable) {
    findings.push({
      kind: 'sequential',
      severity: 'info',
      message: `${f.spanIds.length} independent calls under ${f.parentService} ${q(f.parentOperation)} run one after another (${formatDuration(f.totalUs)}); running them concurrently could save up to ${formatDuration(f.potentialSavingUs)}.`,
      spanIds: f.spanIds,
    });
  }
  for (const g of a.propagationGaps) {
    findings.push({
      kind: 'propagation',
      severity: g.confidence === 'likely' ? 'error' : 'warning',
      message: `Context propagation gap (${g.confidence}): ${g.callerService} ${q(g.operation)} calls ${g.calleeService}, but the callee's span is not in this trace. ${g.evidence}`,
      spanIds: [g.spanId],
    });
  }
  for (const s of a.samplingIssues) {
    findings.push({ kind: 'sampling', severity: 'warning', message: s.message, spanIds: s.kind === 'missing-callee-spans' ? s.exampleSpanIds : s.exampleUnsampledSpanIds });
  }
  for (const o of a.orphans) {
    findings.push({ kind: 'orphan', severity: 'warning', message: `Orphan: ${o.service} ${q(o.operation)} names parent ${o.missingParentId}, which is not in the trace.`, spanIds: [o.spanId] });
  }
  for (const c of a.clockSkew) {
    const where = c.direction === 'starts-before-parent' ? 'starts before' : 'ends after';
    findings.push({
      kind: 'clock-skew',
      severity: c.sameService ? 'info' : 'warning',
      message: `${c.sameService ? 'Timing glitch' : 'Clock skew'}: ${c.service} ${q(c.operation)} ${where} its parent in ${c.parentService} by ${formatDuration(c.offsetUs)}.`,
      spanIds: [c.spanId],
    });
  }
  for (const u of a.unendedSpans) {
    findings.push({ kind: 'unended', severity: 'info', message: `${u.service} ${q(u.operation)} has a ${u.reason.replace('-', ' ')}: it may never have ended.`, spanIds: [u.spanId] });
  }
  for (const h of a.highCardinality) {
    findings.push({
      kind: 'cardinality',
      severity: 'info',
      message: `High-cardinality span names in ${h.service}: ${h.distinctNames} distinct names like ${q(h.template)}. Put the variable part in an attribute.`,
      spanIds: [],
    });
  }
  return { criticalPath: a.criticalPath, selfUs: a.selfTime.spanSelfUs, findings };
}

/** Span ids the analysis saw as clock-skewed (flagged in the waterfall). */
export function skewedSpanIds(a: TraceAnalysis): Set<string> {
  return new Set(a.clockSkew.filter((c) => !c.sameService).map((c) => c.spanId));
}

export interface AnalyzedPayloadOptions {
  readonly source: string;
  readonly hasSource?: (span: Span) => boolean;
}

/**
 * Analysis of `trace` for a payload already built from it without analysis (the panel shows large traces first
 * and sends this after). Rows are matched by span id.
 */
export function analyzeForPayload(trace: Trace, payload: TracePayload, tree: SpanTree = buildSpanTree(trace)): AnalysisPayload {
  const resolved = resolveOptions(undefined);
  const analysis = analyzeTree(tree, resolved, buildCallContext([tree], resolved.knownServices));
  return analysisForRows(trace, payload.spans.id.slice(0, payload.spanCount), payloadAnalysis(analysis));
}

/** Matches analysis results (span ids, trace.spans positions) to payload rows by span id. */
export function analysisForRows(trace: Trace, rowIds: readonly string[], input: PayloadAnalysisInput): AnalysisPayload {
  const rowById = new Map<string, number>();
  for (let row = 0; row < rowIds.length; row++) if (!rowById.has(rowIds[row]!)) rowById.set(rowIds[row]!, row);
  const rows = (ids: readonly string[]): number[] => ids.map((id) => rowById.get(id)).filter((r): r is number => r !== undefined);
  const selfUs = new Array<number>(rowIds.length).fill(0);
  trace.spans.forEach((span, v) => {
    const row = rowById.get(span.spanId);
    const self = input.selfUs[v];
    if (row !== undefined && typeof self === 'number' && Number.isFinite(self) && self > 0) selfUs[row] = self;
  });
  return {
    criticalPath: rows(input.criticalPath),
    selfUs,
    findings: input.findings.map((f) => ({ kind: f.kind, severity: f.severity, message: f.message, spans: rows(f.spanIds) })),
  };
}

/** The payload the viewer gets: columns plus analysis, the span tree built once for both. */
export function buildAnalyzedPayload(trace: Trace, options: AnalyzedPayloadOptions): TracePayload {
  const tree = buildSpanTree(trace);
  const resolved = resolveOptions(undefined);
  const analysis = analyzeTree(tree, resolved, buildCallContext([tree], resolved.knownServices));
  return buildTracePayload(trace, { ...options, tree, analysis: payloadAnalysis(analysis), clockSkewed: skewedSpanIds(analysis) });
}
