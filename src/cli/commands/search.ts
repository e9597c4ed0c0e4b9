import type { CliCommand, CliIo } from '../io';
import { UsageError } from '../io';
import { parseArgs } from '../args';
import type { TraceQuery, TraceSummary } from '../../core/sources/traceSource';
import { parseDurationUs } from '../../core/sources/duration';
import { formatDurationMs } from '../../core/stats/format';
import { SOURCE_BOOLEAN_FLAGS, SOURCE_USAGE, SOURCE_VALUED_FLAGS, formatTable, openSourceFromFlags, printable, readSourceFlags } from '../sourceOptions';

const DEFAULT_LOOKBACK = '1h';
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 10_000;

export const searchCommand: CliCommand = {
  name: 'search',
  summary: 'find traces of a service (by operation, tags, duration, time)',
  usage: [
    'Usage: spanlens search --service S [--operation O] [--tag k=v]... [--min-duration 100ms] [--max-duration 2s]',
    '                       [--lookback 1h] [--limit 20] [options]',
    '',
    'Lists matching traces, newest first. --json prints an array of',
    '{traceId, rootService, rootOperation, startTimeUs, durationUs, spanCount, errorCount, services}.',
    '',
    'Options:',
    '  --service S        service name (required)',
    '  --operation O      operation (span name) of that service',
    '  --tag k=v          a span tag that must match (repeatable; all must match)',
    '  --min-duration D   only traces with a matching span at least this long (e.g. 100ms)',
    '  --max-duration D   ... at most this long (e.g. 2s)',
    `  --lookback D       how far back to search (default ${DEFAULT_LOOKBACK}; e.g. 15m, 2h, 1d)`,
    `  --limit N          at most N traces (default ${DEFAULT_LIMIT})`,
    SOURCE_USAGE,
  ].join('\n'),
  async run(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
    const args = parseArgs(argv, {
      valued: [...SOURCE_VALUED_FLAGS, '--service', '--operation', '--tag', '--min-duration', '--max-duration', '--lookback', '--limit'],
      boolean: SOURCE_BOOLEAN_FLAGS,
      maxPositionals: 0,
    });
    const query = readQuery(args.flags, args.repeated.get('--tag') ?? [], Date.now() * 1000);
    const flags = readSourceFlags(args);
    const summaries = await openSourceFromFlags(flags).searchSummaries(query, signal);
    if (flags.json) io.out(JSON.stringify(summaries.map(toJsonRow), null, 2));
    else io.out(summaries.length ? summaryTable(summaries) : `(no traces of '${printable(query.service)}' matched in ${flags.spec})`);
    return 0;
  },
};

function readQuery(flags: ReadonlyMap<string, string>, tagArgs: readonly string[], nowUs: number): TraceQuery {
  const service = flags.get('--service');
  if (service === undefined || service.trim() === '') throw new UsageError('--service is required');
  const duration = (flag: string): number | undefined => {
    const text = flags.get(flag);
    if (text === undefined) return undefined;
    const us = parseDurationUs(text);
    if (us === undefined) throw new UsageError(`${flag}: "${text}" is not a duration (e.g. 100ms, 1.5s, 2m)`);
    return us;
  };
  const minDurationUs = duration('--min-duration');
  const maxDurationUs = duration('--max-duration');
  if (minDurationUs !== undefined && maxDurationUs !== undefined && maxDurationUs < minDurationUs) {
    throw new UsageError('--max-duration must not be less than --min-duration');
  }
  const lookbackUs = duration('--lookback') ?? parseDurationUs(DEFAULT_LOOKBACK)!;
  if (lookbackUs <= 0) throw new UsageError('--lookback must be longer than 0');
  const limitText = flags.get('--limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new UsageError(`--limit: "${limitText}" must be a whole number from 1 to ${MAX_LIMIT}`);
  const tags: Record<string, string> = {};
  for (const tag of tagArgs) {
    const eq = tag.indexOf('=');
    if (eq <= 0) throw new UsageError(`--tag: "${tag}" is not key=value`);
    tags[tag.slice(0, eq)] = tag.slice(eq + 1);
  }
  const operation = flags.get('--operation');
  return {
    service,
    ...(operation ? { operation } : {}),
    ...(Object.keys(tags).length ? { tags } : {}),
    ...(minDurationUs !== undefined ? { minDurationUs } : {}),
    ...(maxDurationUs !== undefined ? { maxDurationUs } : {}),
    startUs: nowUs - lookbackUs,
    endUs: nowUs,
    limit,
  };
}

/** The documented JSON row: exactly these keys, in this order. */
function toJsonRow(s: TraceSummary): Record<string, unknown> {
  return {
    traceId: s.traceId,
    rootService: s.rootService,
    rootOperation: s.rootOperation,
    startTimeUs: s.startTimeUs,
    durationUs: s.durationUs,
    spanCount: s.spanCount,
    errorCount: s.errorCount,
    services: [...s.services],
  };
}

function summaryTable(summaries: readonly TraceSummary[]): string {
  const rows = summaries.map((s) => [
    s.traceId,
    new Date(s.startTimeUs / 1000).toISOString().replace('T', ' ').replace('Z', ''),
    formatDurationMs(s.durationUs / 1000),
    String(s.spanCount),
    String(s.errorCount),
    printable(`${s.rootService}: ${s.rootOperation}`),
    printable(s.services.join(', ')),
  ]);
  return formatTable(['TRACE ID', 'START (UTC)', 'DURATION', 'SPANS', 'ERRORS', 'ROOT', 'SERVICES'], rows, [false, false, true, true, true, false, false]);
}
