import { isFile, readTraceFile } from '../traceFiles';
import type { CliCommand, CliIo } from '../io';
import { UsageError } from '../io';
import { parseArgs } from '../args';
import type { Trace } from '../../core/model/trace';
import { parseTraceIdInput } from '../../core/model/traceIdInput';
import { quoteForDisplay } from '../../core/text/quoteForDisplay';
import { SOURCE_BOOLEAN_FLAGS, SOURCE_USAGE, SOURCE_VALUED_FLAGS, openSourceFromFlags, readSourceFlags } from '../sourceOptions';
import { writeLines } from '../output';
import { tracesJsonLines, tracesTextLines } from '../traceOutput';

export const traceCommand: CliCommand = {
  name: 'trace',
  summary: 'show one trace by id (from the source) or every trace in a file',
  usage: [
    'Usage: spanlens trace ID|FILE [options]',
    '',
    'ID is a trace id (16 or 32 hex digits, or a Jaeger UI trace URL), fetched from the source.',
    'FILE is a trace file (Jaeger JSON, OTLP JSON or Zipkin JSON); every trace in it is shown.',
    'Prints the span tree (indented up to depth 32, deeper spans marked [depth N]); --json prints',
    '{traces:[{traceId, spans:[{spanId, parentSpanId, service, name, kind, startTimeUs, durationUs, error,',
    'attributes}], warnings}]}. Output is streamed, so traces of any size print in bounded memory.',
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
      if (id === undefined) throw new UsageError(`'${quoteForDisplay(target)}' is neither a trace id (16 or 32 hex digits) nor an existing file`);
      traces = [await openSourceFromFlags(flags).getTrace(id, signal)];
    }
    // Streamed line by line with back-pressure: a 1M-span trace is hundreds of MB of text.
    await writeLines(io, flags.json ? tracesJsonLines(traces) : tracesTextLines(traces), signal);
    return 0;
  },
};
