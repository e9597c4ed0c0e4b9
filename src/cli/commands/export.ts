import { isFile, readTraceFile } from '../traceFiles';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliCommand, CliIo } from '../io';
import { UsageError } from '../io';
import { parseArgs } from '../args';
import type { Trace } from '../../core/model/trace';
import { SpanLensError } from '../../core/errors';
import { normalizeTraceId } from '../../core/model/ids';
import { quoteForDisplay } from '../../core/text/quoteForDisplay';
import { parseTraceIdInput } from '../../core/model/traceIdInput';
import { buildHtmlExport, readViewerAssets, type ViewerAssets } from '../../core/export/htmlExport';
import { buildAnalyzedPayload } from '../../core/export/payloadAnalysis';
import { SOURCE_BOOLEAN_FLAGS, SOURCE_USAGE, SOURCE_VALUED_FLAGS, openSourceFromFlags, printable, readSourceFlags, type SourceFlags } from '../sourceOptions';

/** `assets` reads the viewer bundle; tests pass one built in memory. */
export function createExportCommand(assets: () => ViewerAssets = readViewerAssets): CliCommand {
  return {
    name: 'export',
    summary: 'save a trace as a self-contained HTML page (the trace viewer, works offline)',
    usage: [
      'Usage: spanlens export TRACE --html OUT.html [options]',
      '',
      'TRACE is a trace file (Jaeger JSON, OTLP JSON or Zipkin JSON) or a trace id fetched from the source.',
      'The page embeds the viewer and the trace, makes no network requests and opens in any browser.',
      '',
      'Options:',
      '  --html FILE        where to write the page (required)',
      '  --trace-id ID      which trace, when the file holds several',
      '  --compare OTHER    a second trace (file or id) to compare with, per operation',
      SOURCE_USAGE,
    ].join('\n'),
    async run(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
      const args = parseArgs(argv, { valued: [...SOURCE_VALUED_FLAGS, '--html', '--trace-id', '--compare'], boolean: SOURCE_BOOLEAN_FLAGS, maxPositionals: 1 });
      const [target] = args.positionals;
      if (target === undefined || target.trim() === '') throw new UsageError('missing TRACE (a trace file or trace id)');
      const out = args.flags.get('--html');
      if (out === undefined || out.trim() === '') throw new UsageError('missing --html OUT.html');
      const flags = readSourceFlags(args);
      const wanted = args.flags.get('--trace-id');
      const wantedId = wanted === undefined ? undefined : parseTraceIdInput(wanted);
      if (wanted !== undefined && wantedId === undefined) throw new UsageError(`--trace-id: '${wanted}' is not a trace id`);

      const main = await loadTrace(target, wantedId, flags, signal);
      const compareTarget = args.flags.get('--compare');
      const compare = compareTarget !== undefined ? await loadTrace(compareTarget, undefined, flags, signal) : undefined;

      const html = buildHtmlExport({
        trace: buildAnalyzedPayload(main.trace, { source: main.label }),
        ...(compare ? { compare: buildAnalyzedPayload(compare.trace, { source: compare.label }) } : {}),
        assets: assets(),
      });
      const file = path.resolve(out);
      try {
        fs.writeFileSync(file, html);
      } catch (e) {
        throw new SpanLensError('bad-input', `Cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`, { file, cause: e });
      }
      const bytes = Buffer.byteLength(html);
      if (flags.json) {
        io.out(JSON.stringify({ file, traceId: main.trace.traceId, spanCount: main.trace.spans.length, compareTraceId: compare?.trace.traceId ?? null, bytes }));
      } else {
        io.out(`Wrote ${printable(file)}: trace ${main.trace.traceId}, ${main.trace.spans.length} spans${compare ? `, compared with ${compare.trace.traceId}` : ''} (${Math.ceil(bytes / 1024)} KB).`);
      }
      return 0;
    },
  };
}

export const exportCommand: CliCommand = createExportCommand();

interface LoadedTrace {
  readonly trace: Trace;
  /** Shown in the page header: the file name or the source. */
  readonly label: string;
}

async function loadTrace(target: string, wantedId: string | undefined, flags: SourceFlags, signal: AbortSignal): Promise<LoadedTrace> {
  if (isFile(target)) {
    const traces = readTraceFile(target);
    const label = path.basename(target);
    if (wantedId !== undefined) {
      const id = normalizeTraceId(wantedId);
      const found = traces.find((t) => t.traceId === id);
      if (!found) throw new SpanLensError('not-found', `${target} holds no trace ${id}. It holds: ${traces.map((t) => t.traceId).join(', ')}.`, { file: target });
      return { trace: found, label };
    }
    if (traces.length > 1) {
      throw new UsageError(`${target} holds ${traces.length} traces; pick one with --trace-id (${traces.slice(0, 5).map((t) => t.traceId).join(', ')}${traces.length > 5 ? ', …' : ''})`);
    }
    return { trace: traces[0]!, label };
  }
  const id = parseTraceIdInput(target);
  if (id === undefined) throw new UsageError(`'${quoteForDisplay(target)}' is neither a trace id (16 or 32 hex digits) nor an existing file`);
  return { trace: await openSourceFromFlags(flags).getTrace(id, signal), label: flags.spec };
}

