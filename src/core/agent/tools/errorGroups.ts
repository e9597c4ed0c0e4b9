import type { AgentTool } from '../toolTypes';
import { UNTRUSTED_DATA_NOTE } from '../toolTypes';
import { DATA_NOTE, operationText, quoted } from '../agentText';
import type { Span } from '../../model/trace';
import { traceErrorGroups } from '../traceErrors';
import { locateText, lookbackSchema, refJson, serviceSchema, str, windowArg } from './toolInputs';

const TRACES_PER_SERVICE = 100;
const MAX_SERVICES = 20;

interface Group {
  service: string;
  operation: string;
  type: string;
  message: string;
  stack: readonly string[];
  count: number;
  traceIds: string[];
  example: Span;
}

export const errorGroupsTool: AgentTool = {
  name: 'spanlens_errors',
  title: 'Errors grouped by exception',
  description:
    'Groups the errors of recent traces by service, operation, exception type and message (error statuses without an exception by their status message), most frequent first, each with a count, example trace ids, the first stack lines and the source location of the code that failed (workspace-relative path:line). Without `service`, looks at every service (a bounded sample of traces each). ' +
    UNTRUSTED_DATA_NOTE,
  inputSchema: {
    type: 'object',
    properties: {
      service: { ...serviceSchema, description: 'Only errors in traces of this service (default: all services).' },
      lookback: lookbackSchema,
      limit: { type: 'integer', description: 'Most groups listed (default 15).', minimum: 1, maximum: 100 },
    },
    additionalProperties: false,
  },
  async run(input, ctx) {
    const window = windowArg(input, ctx);
    const limit = typeof input['limit'] === 'number' ? input['limit'] : 15;
    const only = str(input, 'service');
    const services = only ? [only] : (await ctx.source.services(ctx.signal)).slice(0, MAX_SERVICES);
    const groups = new Map<string, Group>();
    const seen = new Set<string>();
    let traces = 0;
    for (const [i, service] of services.entries()) {
      ctx.progress?.(i, services.length, `errors of ${service}`);
      const found = await ctx.source.search({ service, tags: { error: 'true' }, startUs: window.startUs, endUs: window.endUs, limit: TRACES_PER_SERVICE }, ctx.signal);
      for (const t of found) {
        if (seen.has(t.traceId)) continue;
        seen.add(t.traceId);
        traces++;
        for (const g of traceErrorGroups(t).groups) {
          if (only && g.service !== only) continue;
          // Exceptions only at the span that recorded them: a parent's bare error status that merely follows is its own group.
          const key = [g.service, g.operation, g.type, g.message].join('\u0000');
          const e = groups.get(key);
          if (e) {
            e.count += g.count;
            if (e.traceIds.length < 3) e.traceIds.push(t.traceId);
          } else groups.set(key, { service: g.service, operation: g.operation, type: g.type, message: g.message, stack: g.stack, count: g.count, traceIds: [t.traceId], example: g.exampleSpan });
        }
      }
    }
    const sorted = [...groups.values()].sort((a, b) => Number(b.type !== '') - Number(a.type !== '') || b.count - a.count);
    const shown = sorted.slice(0, limit);
    const lines = [`${sorted.length} error group(s) in ${traces} trace(s) with errors${only ? ` of ${quoted(only, 60)}` : ''}, ${window.text}${sorted.length > shown.length ? `; first ${shown.length} shown` : ''}:`];
    const rows: Record<string, unknown>[] = [];
    for (const g of shown) {
      const { text, ref } = await locateText(ctx, g.example);
      const what = g.type ? `${quoted(g.type, 80)}: ${quoted(g.message, 200)}` : (g.message ? `error status ${quoted(g.message, 200)}` : 'error status (no message)');
      lines.push(`- ${g.count}× ${operationText(g.service, g.operation)}: ${what}${text}; traces ${g.traceIds.join(', ')}${g.stack.length > 0 ? ` | stack: ${g.stack.slice(0, 2).map((l) => quoted(l, 120)).join(' ← ')}` : ''}`);
      rows.push({ service: g.service, operation: g.operation, type: g.type, message: g.message, stack: g.stack, count: g.count, exampleTraceIds: g.traceIds, exampleSpanId: g.example.spanId, location: refJson(ref) });
    }
    if (sorted.length === 0) lines.push('No errors found: widen lookback, or check the service name with spanlens_list_services.');
    lines.push(DATA_NOTE);
    return { text: lines.join('\n'), json: { window: { start: null, end: null, text: window.text }, tracesWithErrors: traces, groups: rows } };
  },
};
