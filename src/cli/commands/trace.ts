import { isFile, readTraceFile } from '../traceFiles';
import type { CliCommand, CliIo } from '../io';
import { UsageError } from '../io';
import { parseArgs } from '../args';
import type { Attribute, Span, Trace } from '../../core/model/trace';
import { SpanKind } from '../../core/model/trace';
import { parseTraceIdInput } from '../../core/model/traceIdInput';
import { indexTrace } from '../../core/model/traceIndex';
import { formatDurationMs } from '../../core/stats/format';
import { SOURCE_BOOLEAN_FLAGS, SOURCE_USAGE, SOURCE_VALUED_FLAGS, formatTable, openSourceFromFlags, printable, readSourceFlags } from '../sourceOptions';

export const traceCommand: CliCommand = {
  name: 'trace',
  summary: 'show one trace by id (from the source) or every trace in a file',
  usage: [
    'Usage: spanlens trace ID|FILE [options]',
    '',
    'ID is a trace id (16 or 32 hex digits, or a Jaeger UI trace URL), fetched from the source.',
    'FILE is a trace file (Jaeger JSON, OTLP JSON or Zipkin JSON); every trace in it is shown.',
    'Prints the span tree; --json prints {traces:[{traceId, spans:[{spanId, parentSpanId, service, name, kind,',
    'startTimeUs, durationUs, error, attributes}], warnings}]}.',
    '',
    'Options:',
    SOURCE_USAGE,
  ].join('\n'),
  async run(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
    const args = parseArgs(argv, { valued: SOURCE_VALUED_FLAGS, boolean: SOURCE_BOOLEAN_FLAGS, maxPositionals: 1 });
    const [target] = args.positionals;
    if (target === undefined || target.trim() === '') throw new UsageError('missing trace ID or FILE');
    const flags = readSourceFlags(args);
    let traces: Trace[];
    if (isFile(target)) {
      traces = readTraceFile(target);
    } else {
      const id = parseTraceIdInput(target);
      if (id === undefined) throw new UsageError(`'${target}' is neither a trace id (16 or 32 hex digits) nor an existing file`);
      traces = [await openSourceFromFlags(flags).getTrace(id, signal)];
    }
    io.out(flags.json ? JSON.stringify({ traces: traces.map(traceJson) }, null, 2) : traces.map(traceText).join('\n\n'));
    return 0;
  },
};



const KIND_NAMES: Readonly<Record<number, string>> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

function kindName(kind: SpanKind | undefined): string {
  return kind === undefined ? 'unspecified' : (KIND_NAMES[kind] ?? 'unspecified');
}

function attributesObject(attributes: readonly Attribute[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const a of attributes) out[a.key] = a.value;
  return out;
}

function traceJson(trace: Trace): Record<string, unknown> {
  return {
    traceId: trace.traceId,
    spans: trace.spans.map((s) => ({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId ?? null,
      service: s.service,
      name: s.name,
      kind: kindName(s.kind),
      startTimeUs: s.startTimeUs,
      durationUs: s.durationUs,
      error: s.error,
      attributes: attributesObject(s.attributes),
    })),
    warnings: trace.warnings,
  };
}

/** Spans in tree order (depth-first from the roots), each with its depth; spans the walk misses come last. */
function treeOrder(trace: Trace): Array<{ span: Span; depth: number }> {
  const index = indexTrace(trace);
  const out: Array<{ span: Span; depth: number }> = [];
  const seen = new Set<Span>();
  const stack: Array<{ span: Span; depth: number }> = [...index.roots].reverse().map((span) => ({ span, depth: 0 }));
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (seen.has(item.span)) continue;
    seen.add(item.span);
    out.push(item);
    const children = index.children.get(item.span.spanId) ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push({ span: children[i]!, depth: item.depth + 1 });
  }
  for (const span of trace.spans) if (!seen.has(span)) out.push({ span, depth: 0 });
  return out;
}

function traceText(trace: Trace): string {
  const start = Math.min(...trace.spans.map((s) => s.startTimeUs));
  const end = Math.max(...trace.spans.map((s) => s.startTimeUs + s.durationUs));
  const services = [...new Set(trace.spans.map((s) => s.service))].sort();
  const errors = trace.spans.filter((s) => s.error).length;
  const head =
    `Trace ${trace.traceId}: ${trace.spans.length} span${trace.spans.length === 1 ? '' : 's'}, ` +
    `${formatDurationMs(trace.spans.length ? (end - start) / 1000 : 0)}, ${errors} error${errors === 1 ? '' : 's'}, ` +
    `services: ${printable(services.join(', '))}` +
    (trace.spans.length ? `, started ${new Date(start / 1000).toISOString()}` : '');
  const rows = treeOrder(trace).map(({ span, depth }) => [
    `+${formatDurationMs((span.startTimeUs - start) / 1000)}`,
    formatDurationMs(span.durationUs / 1000),
    span.error ? 'ERROR' : '',
    printable(span.service),
    kindName(span.kind),
    `${'  '.repeat(depth)}${printable(span.name)}`,
  ]);
  const table = formatTable(['OFFSET', 'DURATION', 'ERROR', 'SERVICE', 'KIND', 'OPERATION'], rows, [true, true, false, false, false, false]);
  const warnings = trace.warnings.map((w) => `warning: ${printable(w.message)}`);
  return [head, table, ...warnings].join('\n');
}
