import { isFile, readTraceFile } from '../traceFiles';
import type { CliCommand, CliIo } from '../io';
import { UsageError } from '../io';
import { parseArgs } from '../args';
import type { TraceQuery } from '../../core/sources/traceSource';
import { SpanLensError } from '../../core/errors';
import { calleeEvidence, knownServices } from '../../core/analysis/analysisEvidence';
import { parseTraceIdInput } from '../../core/model/traceIdInput';
import { parseDurationUs } from '../../core/sources/duration';
import { analyzeTrace } from '../../core/analysis/analyzeTrace';
import { analyzeTraces, gapCalleeQueries } from '../../core/analysis/analyzeTraces';
import { formatMultiTraceAnalysis, formatTraceAnalysis, multiTraceAnalysisJson, traceAnalysisJson } from '../../core/analysis/analysisReport';
import { SOURCE_BOOLEAN_FLAGS, SOURCE_USAGE, SOURCE_VALUED_FLAGS, openSourceFromFlags, readSourceFlags } from '../sourceOptions';

const DEFAULT_LOOKBACK = '1h';
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

export const analyzeCommand: CliCommand = {
  name: 'analyze',
  summary: 'critical path, self time, N+1 calls, propagation gaps, sampling and clock-skew problems of traces',
  usage: [
    'Usage: spanlens analyze ID|FILE [options]',
    '       spanlens analyze --search --service S [--operation O] [--lookback 1h] [--limit 20] [options]',
    '',
    'ID is a trace id (or a Jaeger UI trace URL) fetched from the source; FILE a trace file (Jaeger, OTLP or Zipkin',
    'JSON). With --search, the traces matching the query are analysed together: which operations most often sit on',
    'the critical path, which propagation gaps recur (confirmed when the callee started a trace of its own at the',
    'time of the call: for calls lacking their callee\'s span, that service\'s traces from then are fetched too),',
    'recurring N+1 calls, high-cardinality span names.',
    '',
    '--json prints, for one trace: {traceId, criticalPath:[spanId…], criticalPathSegments, selfTime (per operation),',
    'selfTimeByService, bottlenecks, nPlusOne, parallelizable, orphans, completeness, propagationGaps, samplingIssues,',
    'clockSkew, unendedSpans, highCardinality}; for several traces (--search, or a file holding more than one):',
    '{traceCount, criticalPathOperations, propagationGaps, nPlusOne, highCardinality, traces:[…one-trace objects…]}.',
    '',
    'Options:',
    '  --search           analyse the traces a search finds instead of one trace',
    '  --service S        (--search) service name',
    '  --operation O      (--search) operation of that service',
    `  --lookback D       (--search) how far back (default ${DEFAULT_LOOKBACK}; e.g. 15m, 2h, 1d)`,
    `  --limit N          (--search) at most N traces (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`,
    '  --spans            (--json) add selfTimeBySpan: self time of every span',
    SOURCE_USAGE,
  ].join('\n'),
  async run(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
    const args = parseArgs(argv, {
      valued: [...SOURCE_VALUED_FLAGS, '--service', '--operation', '--lookback', '--limit'],
      boolean: [...SOURCE_BOOLEAN_FLAGS, '--search', '--spans'],
    });
    const flags = readSourceFlags(args);
    const json = { perSpan: args.flags.has('--spans') };
    if (args.flags.has('--search')) {
      if (args.positionals.length > 0) throw new UsageError(`--search takes no trace argument (got '${args.positionals[0]}')`);
      const query = readQuery(args.flags, Date.now() * 1000);
      const source = openSourceFromFlags(flags);
      const traces = await source.search(query, signal);
      if (traces.length === 0) throw new SpanLensError('not-found', `No traces of '${query.service}' matched in ${flags.spec}; widen --lookback or check the service name.`);
      const known = await knownServices(source, signal);
      let result = analyzeTraces(traces, { knownServices: known });
      const evidence = await calleeEvidence(source, gapCalleeQueries(result), query.limit, signal);
      if (evidence.length > 0) result = analyzeTraces(traces, { knownServices: known, evidenceTraces: evidence });
      io.out(flags.json ? JSON.stringify(multiTraceAnalysisJson(traces, result, json), null, 2) : formatMultiTraceAnalysis(result));
      return 0;
    }
    for (const flag of ['--service', '--operation', '--lookback', '--limit']) {
      if (args.flags.has(flag)) throw new UsageError(`${flag} only goes with --search`);
    }
    const [target, extra] = args.positionals;
    if (target === undefined || target.trim() === '') throw new UsageError('missing trace ID or FILE (or --search)');
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);

    if (!isFile(target)) {
      const id = parseTraceIdInput(target);
      if (id === undefined) throw new UsageError(`'${target}' is neither a trace id (16 or 32 hex digits) nor an existing file`);
      const source = openSourceFromFlags(flags);
      const trace = await source.getTrace(id, signal);
      const known = await knownServices(source, signal);
      const first = analyzeTraces([trace], { knownServices: known });
      const evidence = await calleeEvidence(source, gapCalleeQueries(first), DEFAULT_LIMIT, signal);
      const analysis = (evidence.length > 0 ? analyzeTraces([trace], { knownServices: known, evidenceTraces: evidence }) : first).traces[0]!;
      io.out(flags.json ? JSON.stringify(traceAnalysisJson(trace, analysis, json), null, 2) : formatTraceAnalysis(trace, analysis));
      return 0;
    }
    // A file is the whole world: its traces are analysed with each other, nothing is fetched.
    const traces = readTraceFile(target);
    if (traces.length === 0) throw new SpanLensError('bad-input', `${target} holds no spans.`, { file: target });
    if (traces.length === 1) {
      const trace = traces[0]!;
      const analysis = analyzeTrace(trace);
      io.out(flags.json ? JSON.stringify(traceAnalysisJson(trace, analysis, json), null, 2) : formatTraceAnalysis(trace, analysis));
      return 0;
    }
    const result = analyzeTraces(traces);
    if (flags.json) io.out(JSON.stringify(multiTraceAnalysisJson(traces, result, json), null, 2));
    else io.out([formatMultiTraceAnalysis(result), ...traces.map((t, i) => formatTraceAnalysis(t, result.traces[i]!))].join('\n\n'));
    return 0;
  },
};

function readQuery(flags: ReadonlyMap<string, string>, nowUs: number): TraceQuery {
  const service = flags.get('--service');
  if (service === undefined || service.trim() === '') throw new UsageError('--search needs --service');
  const lookbackText = flags.get('--lookback') ?? DEFAULT_LOOKBACK;
  const lookbackUs = parseDurationUs(lookbackText);
  if (lookbackUs === undefined || lookbackUs <= 0) throw new UsageError(`--lookback: "${lookbackText}" is not a duration longer than 0 (e.g. 15m, 1h, 2d)`);
  const limitText = flags.get('--limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new UsageError(`--limit: "${limitText}" must be a whole number from 1 to ${MAX_LIMIT}`);
  const operation = flags.get('--operation');
  return { service, ...(operation ? { operation } : {}), startUs: nowUs - lookbackUs, endUs: nowUs, limit };
}
