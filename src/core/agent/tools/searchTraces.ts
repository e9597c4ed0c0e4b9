import type { TraceQuery, TraceSummary } from '../../sources/traceSource';
import type { AgentTool } from '../toolTypes';
import { UNTRUSTED_DATA_NOTE } from '../toolTypes';
import { DATA_NOTE, iso, msValue, operationText, quoted, us } from '../agentText';
import { durationArgUs, int, lookbackSchema, operationSchema, serviceSchema, str, windowArg } from './toolInputs';

export const searchTracesTool: AgentTool = {
  name: 'spanlens_search_traces',
  title: 'Search traces',
  description:
    'Finds traces that hold a span of the given service (and operation), filtered by span attributes, duration and errors, over a lookback window. Each row: trace id, root operation, start, duration, span and error counts. Sort by duration to find the slowest. Pass a trace id on to spanlens_trace_summary or spanlens_analyze_trace. ' +
    UNTRUSTED_DATA_NOTE,
  inputSchema: {
    type: 'object',
    properties: {
      service: serviceSchema,
      operation: operationSchema,
      attributes: {
        type: 'object',
        description: 'Span attributes that must all match, e.g. {"http.response.status_code": "500"}.',
        properties: {},
        additionalProperties: { type: 'string', maxLength: 500 },
        maxProperties: 20,
      },
      minDuration: { type: 'string', description: 'Only spans at least this long, e.g. "100ms".', pattern: '^\\d+(\\.\\d+)?(us|µs|ms|s|m|h)$' },
      maxDuration: { type: 'string', description: 'Only spans at most this long, e.g. "2s".', pattern: '^\\d+(\\.\\d+)?(us|µs|ms|s|m|h)$' },
      errorsOnly: { type: 'boolean', description: 'Only traces with a span in error (error=true).' },
      lookback: lookbackSchema,
      limit: { type: 'integer', description: 'Most traces returned (default 20).', minimum: 1, maximum: 200 },
      sortBy: { type: 'string', enum: ['start', 'duration'], description: '"start": newest first (default); "duration": slowest first.' },
    },
    required: ['service'],
    additionalProperties: false,
  },
  async run(input, ctx) {
    const window = windowArg(input, ctx);
    const limit = int(input, 'limit', 20);
    const tags: Record<string, string> = { ...((input['attributes'] as Record<string, string> | undefined) ?? {}) };
    if (input['errorsOnly'] === true) tags['error'] = 'true';
    const minDurationUs = durationArgUs(input, 'minDuration');
    const maxDurationUs = durationArgUs(input, 'maxDuration');
    const operation = str(input, 'operation');
    const query: TraceQuery = {
      service: str(input, 'service')!,
      ...(operation ? { operation } : {}),
      ...(Object.keys(tags).length > 0 ? { tags } : {}),
      ...(minDurationUs !== undefined ? { minDurationUs } : {}),
      ...(maxDurationUs !== undefined ? { maxDurationUs } : {}),
      startUs: window.startUs,
      endUs: window.endUs,
      // Sorting by duration needs more than the newest `limit` to find the slowest.
      limit: input['sortBy'] === 'duration' ? Math.min(1000, Math.max(limit * 5, 100)) : limit,
    };
    ctx.progress?.(0, undefined, `searching ${query.service}`);
    let rows: TraceSummary[] = await ctx.source.searchSummaries(query, ctx.signal);
    const scanned = rows.length;
    if (input['sortBy'] === 'duration') rows = [...rows].sort((a, b) => b.durationUs - a.durationUs);
    rows = rows.slice(0, limit);
    const lines = [`${rows.length} trace(s) of ${quoted(query.service, 80)}${operation ? ` ${quoted(operation, 100)}` : ''} in ${window.text}${input['sortBy'] === 'duration' ? `, slowest first (of ${scanned} found)` : ', newest first'}:`];
    for (const r of rows) {
      lines.push(`- ${r.traceId}  ${us(r.durationUs)}  root ${operationText(r.rootService, r.rootOperation)}  ${r.spanCount} spans${r.errorCount > 0 ? `, ${r.errorCount} error(s)` : ''}  ${iso(r.startTimeUs)}`);
    }
    if (rows.length === 0) lines.push('No traces matched: widen lookback, drop filters, or check names with spanlens_list_services.');
    lines.push(DATA_NOTE);
    return {
      text: lines.join('\n'),
      json: {
        window: { start: iso(window.startUs) || null, end: iso(window.endUs) },
        traces: rows.map((r) => ({
          traceId: r.traceId,
          rootService: r.rootService,
          rootOperation: r.rootOperation,
          start: iso(r.startTimeUs),
          durationMs: msValue(r.durationUs),
          spanCount: r.spanCount,
          errorCount: r.errorCount,
          services: r.services,
        })),
      },
    };
  },
};
