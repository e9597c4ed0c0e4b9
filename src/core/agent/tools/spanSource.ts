import type { AgentTool } from '../toolTypes';
import { UNTRUSTED_DATA_NOTE } from '../toolTypes';
import { DATA_NOTE, operationText, quoted } from '../agentText';
import { SpanLensError } from '../../errors';
import { codeLocationOf } from '../../code/instrumented/codeAttributes';
import { codeRefText } from '../workspaceCode';
import { fetchTrace, operationSchema, refJson, serviceSchema, str, traceIdArg } from './toolInputs';

export const spanSourceTool: AgentTool = {
  name: 'spanlens_span_source',
  title: 'Source location of a span',
  description:
    'Where the code that made a span is, as workspace-relative path:line and function: from the span\'s code.* attributes (resolved through the path mappings) or else the instrumented function whose span name matches, as the lenses place it. Give `traceId` + `spanId`, or `service` + `operation` (span name). ' +
    UNTRUSTED_DATA_NOTE,
  inputSchema: {
    type: 'object',
    properties: {
      traceId: { type: 'string', description: 'Trace id: 16 or 32 hex digits.', minLength: 1, maxLength: 400 },
      spanId: { type: 'string', description: 'Span id (16 hex digits) within that trace.', pattern: '^[0-9a-fA-F]{1,16}$' },
      service: serviceSchema,
      operation: operationSchema,
    },
    additionalProperties: false,
  },
  async run(input, ctx) {
    const ws = ctx.workspace;
    if (!ws) throw new SpanLensError('bad-input', 'No workspace is open: spanlens_span_source needs the code (start `spanlens mcp --workspace DIR`, or open the folder in VS Code).');
    const spanIdText = str(input, 'spanId');
    const service = str(input, 'service');
    const operation = str(input, 'operation');
    let label: string;
    let ref;
    let recorded: ReturnType<typeof codeLocationOf>;
    if (str(input, 'traceId') !== undefined) {
      if (!spanIdText) throw new SpanLensError('bad-input', "Invalid arguments: 'spanId' is required with 'traceId'.");
      const traceId = traceIdArg(input, 'traceId');
      const spanId = spanIdText.toLowerCase().padStart(16, '0');
      const trace = await fetchTrace(ctx, traceId);
      const span = trace.spans.find((s) => s.spanId === spanId);
      if (!span) throw new SpanLensError('not-found', `Trace ${traceId} has no span ${spanId} (it has ${trace.spans.length} spans): take span ids from spanlens_trace_summary or spanlens_analyze_trace.`);
      label = `Span ${spanId} ${operationText(span.service, span.name)}`;
      recorded = codeLocationOf(span.attributes);
      ref = await ws.locateSpan(span, ctx.signal);
    } else if (service && operation) {
      label = `Spans ${operationText(service, operation)}`;
      recorded = undefined;
      ref = await ws.bySpanName(service, operation, ctx.signal);
    } else throw new SpanLensError('bad-input', "Invalid arguments: give 'traceId' and 'spanId', or 'service' and 'operation'.");
    const lines = [
      ref
        ? `${label}: made by ${ref.function ? `${quoted(ref.function, 100)} ` : ''}at ${codeRefText(ref)} (found by ${ref.via}).`
        : `${label}: no code found in the workspace ${ws.root} (no code.* attributes that resolve, and no instrumented function with that span name).`,
    ];
    if (recorded?.filePath) lines.push(`Recorded code attributes: file ${quoted(recorded.filePath, 200)}${recorded.lineNumber !== undefined ? ` line ${recorded.lineNumber}` : ''}${recorded.functionName ? ` function ${quoted(recorded.functionName, 100)}` : ''}.`);
    lines.push(DATA_NOTE);
    return { text: lines.join('\n'), json: { location: refJson(ref), via: ref?.via ?? null } };
  },
};
