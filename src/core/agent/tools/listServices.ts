import type { AgentTool } from '../toolTypes';
import { UNTRUSTED_DATA_NOTE } from '../toolTypes';
import { DATA_NOTE, quoted } from '../agentText';
import { int, serviceSchema, str } from './toolInputs';

const MAX_SERVICES = 100;

export const listServicesTool: AgentTool = {
  name: 'spanlens_list_services',
  title: 'List traced services and operations',
  description:
    'Lists the services the trace source knows and, for each, its operations (span names) with their span kind. Start here to learn the names the other Span Lens tools take. With `service`, lists only that service\'s operations. ' +
    UNTRUSTED_DATA_NOTE,
  inputSchema: {
    type: 'object',
    properties: {
      service: serviceSchema,
      maxOperations: { type: 'integer', description: 'Operations listed per service (default 25).', minimum: 1, maximum: 500 },
    },
    additionalProperties: false,
  },
  async run(input, ctx) {
    const only = str(input, 'service');
    const maxOps = int(input, 'maxOperations', 25);
    const all = only ? [only] : await ctx.source.services(ctx.signal);
    const services = all.slice(0, MAX_SERVICES);
    const rows: Array<{ service: string; operations: Array<{ name: string; spanKind: string }>; operationCount: number }> = [];
    for (const [i, service] of services.entries()) {
      ctx.progress?.(i, services.length, `listing operations of ${service}`);
      const ops = await ctx.source.operations(service, ctx.signal);
      // One row per name: Jaeger lists a name once per span kind.
      const byName = new Map<string, string>();
      for (const o of ops) byName.set(o.name, byName.has(o.name) && byName.get(o.name) !== o.spanKind ? `${byName.get(o.name)}/${o.spanKind}` : o.spanKind);
      const names = [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      rows.push({ service, operationCount: names.length, operations: names.slice(0, maxOps).map(([name, spanKind]) => ({ name, spanKind })) });
    }
    const lines = [`${all.length} service(s) in ${ctx.source.description}${all.length > services.length ? ` (first ${services.length} shown)` : ''}:`];
    for (const r of rows) {
      const ops = r.operations.map((o) => `${quoted(o.name, 100)}${o.spanKind ? ` (${o.spanKind})` : ''}`).join(', ');
      lines.push(`- ${quoted(r.service, 80)}: ${r.operationCount} operation(s)${r.operationCount > 0 ? `: ${ops}` : ''}${r.operationCount > r.operations.length ? `, … ${r.operationCount - r.operations.length} more` : ''}`);
    }
    if (only && rows[0]?.operationCount === 0) lines.push(`No operations: check the service name against spanlens_list_services without arguments.`);
    lines.push(DATA_NOTE);
    return { text: lines.join('\n'), json: { source: ctx.source.description, serviceCount: all.length, services: rows } };
  },
};
