import type { AgentTool, AgentToolContext } from '../toolTypes';
import { UNTRUSTED_DATA_NOTE } from '../toolTypes';
import { DATA_NOTE, fitSections, iso, msValue, operationText, quoted, us, type BudgetSection } from '../agentText';
import { traceReport, type TraceReport } from '../traceReport';
import type { Span } from '../../model/trace';
import { locateText, refJson, spanIndex, traceIdArg } from './toolInputs';

export const DEFAULT_SUMMARY_TOKENS = 2000;
/** Lines prepared per section before fitting: the budget decides how many are shown. */
const MAX_ROWS = 40;
/** Code locations looked up per section (each may parse workspace files the first time). */
const MAX_LOCATED = 8;

export const traceSummaryTool: AgentTool = {
  name: 'spanlens_trace_summary',
  title: 'Summarize a trace within a token budget',
  description:
    'Summarizes one trace of any size (a million spans too) in at most `maxTokens` tokens: a header (root operation, duration, spans, services, errors), the operations that dominate the critical path, errors with exception type, message and stack, findings (N+1 calls, lost trace context, calls that could run in parallel, data problems) and the top self time, each naming its code as workspace-relative path:line where it can be found. Lower-priority lines are cut first and the cut is said. ' +
    UNTRUSTED_DATA_NOTE,
  inputSchema: {
    type: 'object',
    properties: {
      traceId: { type: 'string', description: 'Trace id: 16 or 32 hex digits (a Jaeger UI trace URL works too).', minLength: 1, maxLength: 400 },
      maxTokens: { type: 'integer', description: `Token budget for the text (default ${DEFAULT_SUMMARY_TOKENS}).`, minimum: 150, maximum: 100000 },
    },
    required: ['traceId'],
    additionalProperties: false,
  },
  async run(input, ctx) {
    const traceId = traceIdArg(input, 'traceId');
    const budget = typeof input['maxTokens'] === 'number' ? input['maxTokens'] : DEFAULT_SUMMARY_TOKENS;
    const report = await traceReport(ctx, traceId);
    return summarize(report, budget, ctx);
  },
};

interface Row {
  readonly text: string;
  readonly json: Record<string, unknown>;
}

async function summarize(report: TraceReport, budget: number, ctx: AgentToolContext): Promise<{ text: string; json: Record<string, unknown> }> {
  const { trace, analysis: a } = report;
  const byId = spanIndex(trace);
  const root = a.criticalPathRoot !== undefined ? byId.get(a.criticalPathRoot) : trace.spans.find((s) => s.parentSpanId === undefined);
  const services = [...new Set(trace.spans.map((s) => s.service))].sort();
  const located = async (span: Span | undefined, n: number): Promise<{ text: string; ref: Record<string, unknown> | null }> => {
    if (n >= MAX_LOCATED) return { text: '', ref: null };
    const { text, ref } = await locateText(ctx, span);
    return { text, ref: refJson(ref) };
  };

  const head = [
    `Trace ${trace.traceId}: ${root ? `root ${operationText(root.service, root.name)}, ` : ''}${us(a.durationUs)}, ${trace.spans.length} spans, ${services.length} service(s) (${services.slice(0, 8).map((s) => quoted(s, 40)).join(', ')}${services.length > 8 ? ', …' : ''}), ${report.errorSpans} span(s) in error, started ${iso(a.startUs)}.`,
  ];

  const pathRows: Row[] = [];
  for (const [i, b] of a.bottlenecks.slice(0, MAX_ROWS).entries()) {
    const loc = await located(byId.get(b.exampleSpanIds[0] ?? ''), i);
    pathRows.push({
      text: `- ${operationText(b.service, b.operation)}: ${Math.round(b.criticalPathPercent)}% of the critical path (${us(b.criticalPathUs)}${b.criticalPathWaitUs > 0 ? `, plus ${us(b.criticalPathWaitUs)} waiting to start` : ''}), self ${us(b.selfUs)}, ${b.count} span(s)${loc.text}`,
      json: { service: b.service, operation: b.operation, criticalPathPercent: Math.round(b.criticalPathPercent * 10) / 10, criticalPathMs: msValue(b.criticalPathUs), selfMs: msValue(b.selfUs), count: b.count, exampleSpanIds: b.exampleSpanIds, location: loc.ref },
    });
  }

  const errorRows: Row[] = [];
  for (const [i, e] of report.errors.slice(0, MAX_ROWS).entries()) {
    const loc = await located(e.exampleSpan, i);
    const what = e.type ? `${quoted(e.type, 80)}: ${quoted(e.message, 200)}` : (e.message ? `error status ${quoted(e.message, 200)}` : 'error status (no message)');
    const stack = e.stack.length > 0 ? ` | stack: ${e.stack.slice(0, 3).map((l) => quoted(l, 120)).join(' ← ')}` : '';
    errorRows.push({
      text: `- ${operationText(e.service, e.operation)}${e.count > 1 ? ` ×${e.count}` : ''}: ${what}${loc.text} (span ${e.exampleSpan.spanId})${stack}`,
      json: { service: e.service, operation: e.operation, type: e.type, message: e.message, stack: e.stack, count: e.count, exampleSpanId: e.exampleSpan.spanId, location: loc.ref },
    });
  }

  const findingRows: Row[] = [];
  const otherFindings = report.findings.filter((f) => f.kind !== 'error' && f.kind !== 'critical-path');
  for (const [i, f] of otherFindings.slice(0, MAX_ROWS).entries()) {
    const loc = f.anchorTraceId === undefined || f.anchorTraceId === trace.traceId ? await located(byId.get(f.anchorSpanId ?? ''), i) : { text: '', ref: null };
    findingRows.push({
      text: `- [${f.severity}] ${f.title}${loc.text} (spans ${f.evidenceSpanIds.slice(0, 3).join(', ')})`,
      json: { kind: f.kind, severity: f.severity, title: f.title, evidenceSpanIds: f.evidenceSpanIds, location: loc.ref },
    });
  }

  const selfRows: Row[] = a.selfTime.byOperation.slice(0, MAX_ROWS).map((r) => ({
    text: `- ${operationText(r.service, r.operation ?? '')}: self ${us(r.selfUs)} (${Math.round(r.selfPercentOfTrace)}% of the trace), ${r.count} span(s)${r.errorCount > 0 ? `, ${r.errorCount} in error` : ''}`,
    json: { service: r.service, operation: r.operation ?? '', selfMs: msValue(r.selfUs), selfPercentOfTrace: Math.round(r.selfPercentOfTrace * 10) / 10, count: r.count, errorCount: r.errorCount },
  }));

  const sections: Array<BudgetSection<Row> & { key: string }> = [
    { key: 'criticalPath', heading: 'Critical path, by time working on it:', lines: pathRows.map((r) => r.text), items: pathRows, essential: 2, total: a.bottlenecks.length },
    { key: 'errors', heading: `Errors (${report.errors.length} group(s)):`, lines: errorRows.map((r) => r.text), items: errorRows, essential: 2, total: report.errors.length },
    { key: 'findings', heading: `Findings (${otherFindings.length}):`, lines: findingRows.map((r) => r.text), items: findingRows, essential: 3, total: otherFindings.length },
    { key: 'selfTime', heading: 'Top self time:', lines: selfRows.map((r) => r.text), items: selfRows, essential: 1, total: a.selfTime.byOperation.length },
  ];
  const fitted = fitSections(budget, head, sections, [DATA_NOTE]);
  const json: Record<string, unknown> = {
    traceId: trace.traceId,
    root: root ? { service: root.service, operation: root.name, spanId: root.spanId } : null,
    durationMs: msValue(a.durationUs),
    spanCount: trace.spans.length,
    services,
    errorSpanCount: report.errorSpans,
    start: iso(a.startUs),
  };
  sections.forEach((s, i) => {
    json[s.key] = (s.items ?? []).slice(0, fitted.kept[i]).map((r) => r.json);
  });
  json['budget'] = { maxTokens: budget, estimatedTokens: fitted.estimatedTokens };
  return { text: fitted.text, json };
}
