import type { AgentTool } from '../toolTypes';
import { UNTRUSTED_DATA_NOTE } from '../toolTypes';
import { DATA_NOTE, msValue, us } from '../agentText';
import { traceReport } from '../traceReport';
import { locateText, refJson, spanIndex, traceIdArg } from './toolInputs';
import type { Severity } from '../findings';

const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low', 'info'];

export const analyzeTraceTool: AgentTool = {
  name: 'spanlens_analyze_trace',
  title: 'Analyze a trace',
  description:
    'Runs Span Lens trace analysis on one trace and lists its findings, most severe first: exceptions and error statuses, the operation dominating the critical path, N+1 call patterns, sequential calls that could run in parallel, lost or dropped trace context (propagation gaps, confirmed against the callee\'s own traces), orphans, sampling problems, clock skew, unended spans, high-cardinality span names. Each finding has a severity (high, medium, low, info), the evidence span ids and, where found, the code as workspace-relative path:line. ' +
    UNTRUSTED_DATA_NOTE,
  inputSchema: {
    type: 'object',
    properties: {
      traceId: { type: 'string', description: 'Trace id: 16 or 32 hex digits (a Jaeger UI trace URL works too).', minLength: 1, maxLength: 400 },
      minSeverity: { type: 'string', enum: ['high', 'medium', 'low', 'info'], description: 'Leave out findings below this severity (default "info": all).' },
      limit: { type: 'integer', description: 'Most findings listed (default 30).', minimum: 1, maximum: 200 },
    },
    required: ['traceId'],
    additionalProperties: false,
  },
  async run(input, ctx) {
    const traceId = traceIdArg(input, 'traceId');
    const min = SEVERITIES.indexOf((input['minSeverity'] as Severity | undefined) ?? 'info');
    const limit = typeof input['limit'] === 'number' ? input['limit'] : 30;
    const report = await traceReport(ctx, traceId);
    const byId = spanIndex(report.trace);
    const kept = report.findings.filter((f) => SEVERITIES.indexOf(f.severity) <= min);
    const shown = kept.slice(0, limit);
    const lines = [`Trace ${report.trace.traceId}: ${report.trace.spans.length} spans, ${us(report.analysis.durationUs)}; ${kept.length} finding(s)${kept.length > shown.length ? `, first ${shown.length} shown` : ''}:`];
    const rows: Record<string, unknown>[] = [];
    for (const f of shown) {
      const sameTrace = f.anchorTraceId === undefined || f.anchorTraceId === report.trace.traceId;
      const { text, ref } = sameTrace ? await locateText(ctx, byId.get(f.anchorSpanId ?? '')) : { text: '', ref: undefined };
      lines.push(`- [${f.severity}] ${f.title}${text}. Evidence spans: ${f.evidenceSpanIds.join(', ') || 'none'}${sameTrace ? '' : ` (trace ${f.anchorTraceId})`}`);
      rows.push({ kind: f.kind, severity: f.severity, title: f.title, evidenceSpanIds: f.evidenceSpanIds, anchorSpanId: f.anchorSpanId ?? null, anchorTraceId: f.anchorTraceId ?? report.trace.traceId, location: refJson(ref) });
    }
    if (kept.length === 0) lines.push('No findings: the trace looks sound. spanlens_trace_summary shows where its time goes.');
    lines.push(DATA_NOTE);
    return { text: lines.join('\n'), json: { traceId: report.trace.traceId, spanCount: report.trace.spans.length, durationMs: msValue(report.analysis.durationUs), findings: rows } };
  },
};
