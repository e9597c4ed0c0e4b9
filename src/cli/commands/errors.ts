import * as path from 'node:path';
import type { CliCommand, CliIo } from '../io';
import { UsageError } from '../io';
import { parseArgs } from '../args';
import { SOURCE_BOOLEAN_FLAGS, SOURCE_USAGE, SOURCE_VALUED_FLAGS, formatTable, openSourceFromFlags, readSourceFlags } from '../sourceOptions';
import { parseDurationUs } from '../../core/sources/duration';
import { parsePathMappings } from '../../core/code/pathMapping';
import { ErrorGroupsProvider, type ErrorGroupsReport } from '../../core/exceptions/errorGroupsProvider';
import { errorGroupsRows, groupTitle, locationText } from '../../core/exceptions/errorGroupRows';
import { WorkspaceFrameResolver } from '../../core/exceptions/workspaceFrames';
import type { TraceSource } from '../../core/sources/traceSource';
import { formatAge, formatCount } from '../../core/stats/format';
import { gitRootOr, workspaceFilesUnder } from '../workspaceFiles';

const DEFAULT_LIMIT = 20;

const usage = [
  'Usage: spanlens errors [--service S]... [--lookback D] [--limit N] [options]',
  '',
  'Groups the errors of recent traces: exception events by type, message (ids, numbers, quoted values, UUIDs,',
  'paths… replaced) and the innermost stack frame in the workspace; error spans without an exception by service,',
  'operation and status message. The same exception rethrown up one trace counts once, on the deepest span.',
  'Each group: spans, traces, first/last seen, services, operations, a trend over the window and two example',
  'traces (the slowest and the latest). Stack traces of Node, Python, Go and Java are read.',
  '',
  '--json prints {window, groups:[{id, kind, type, message, exampleMessage, location, function, inWorkspace, spans,',
  'traces, firstSeen, lastSeen, services, operations, escaped, trend, slowestTraceId, latestTraceId, causes}],',
  'moreGroups, tracesScanned, servicesSearched, truncatedServices, failures}.',
  '',
  'Options:',
  '  --service S        only this service (repeatable; default: every service of the source, up to 50)',
  '  --lookback D       window such as 15m, 1h, 2d, or "all" (default 1h for Jaeger, all for trace files)',
  `  --limit N          at most N groups (default ${DEFAULT_LIMIT})`,
  '  --traces-per-service N  traces searched per service (default 500); counts are a lower bound past it',
  '  --root DIR         workspace whose files stack frames are placed in (default: the git root, else cwd)',
  '  --path-mapping FROM=TO  a recorded path prefix and the folder it stands for, e.g. /app=./services/orders',
  '                     (repeatable; as spanlens.pathMappings in the editor)',
  SOURCE_USAGE,
].join('\n');

/** Window length from --lookback: Jaeger defaults to an hour, a trace file to everything in it. */
export function lookbackMsOf(text: string | undefined, spec: string): number {
  if (text === undefined) return /^https?:\/\//i.test(spec.trim()) ? 3_600_000 : Infinity;
  if (text === 'all') return Infinity;
  const us = parseDurationUs(text);
  if (us === undefined || !(us > 0)) throw new UsageError(`--lookback: "${text}" is not a duration such as 15m, 1h or 2d (or "all")`);
  return us / 1000;
}

function positiveInt(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag}: "${text}" is not a positive whole number`);
  return n;
}

export function parsePathMappingFlags(values: readonly string[], cwd = process.cwd()): ReturnType<typeof parsePathMappings> {
  const record: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) throw new UsageError(`--path-mapping: "${v}" is not FROM=TO (e.g. /app=./services/orders)`);
    record[v.slice(0, eq)] = path.resolve(cwd, v.slice(eq + 1));
  }
  return parsePathMappings(record);
}

export interface ErrorsRun {
  readonly report: ErrorGroupsReport;
  readonly root: string;
}

/** The shared part of `errors` and `lint --traces`: groups of a source, frames placed under `root`. */
export async function errorGroupsOf(
  source: TraceSource,
  options: { lookbackMs: number; services?: readonly string[]; root: string; pathMappings: readonly string[]; tracesPerService?: number },
  signal: AbortSignal,
): Promise<ErrorsRun> {
  const resolver = new WorkspaceFrameResolver(workspaceFilesUnder(options.root, parsePathMappingFlags(options.pathMappings)));
  const provider = new ErrorGroupsProvider(source, {
    lookbackMs: options.lookbackMs,
    ...(options.tracesPerService !== undefined ? { maxTracesPerService: options.tracesPerService } : {}),
    locate: (o) => (o.stack ? resolver.topFrame(o.stack) : Promise.resolve(undefined)),
  });
  return { report: await provider.report(options.services, signal), root: options.root };
}

function sparkline(trend: readonly number[]): string {
  const bars = '▁▂▃▄▅▆▇█';
  const max = Math.max(...trend);
  return trend.map((n) => (n === 0 ? '·' : bars[Math.min(7, Math.floor((n / max) * 7.999))]!)).join('');
}

export const errorsCommand: CliCommand = {
  name: 'errors',
  summary: 'errors of recent traces grouped by exception type, message and throwing line',
  usage,
  async run(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
    const args = parseArgs(argv, {
      valued: [...SOURCE_VALUED_FLAGS, '--service', '--lookback', '--limit', '--root', '--path-mapping', '--traces-per-service'],
      boolean: SOURCE_BOOLEAN_FLAGS,
      maxPositionals: 0,
    });
    const flags = readSourceFlags(args);
    const lookbackMs = lookbackMsOf(args.flags.get('--lookback'), flags.spec);
    const limit = positiveInt(args.flags.get('--limit'), '--limit', DEFAULT_LIMIT);
    const tracesPerService = positiveInt(args.flags.get('--traces-per-service'), '--traces-per-service', 500);
    const services = args.repeated.get('--service');
    const root = path.resolve(args.flags.get('--root') ?? gitRootOr(process.cwd()));
    const { report } = await errorGroupsOf(
      openSourceFromFlags(flags),
      { lookbackMs, ...(services ? { services } : {}), root, pathMappings: args.repeated.get('--path-mapping') ?? [], tracesPerService },
      signal,
    );
    const rows = errorGroupsRows(report, { limit, root });
    if (flags.json) {
      io.out(JSON.stringify(rows, null, 2));
      return 0;
    }
    for (const f of rows.failures) io.err(`spanlens errors: search failed: ${f}`);
    if (report.groups.length === 0) {
      io.out(`(no errors in ${formatCount(report.tracesScanned)} traces searched in ${rows.servicesSearched} services)`);
      return 0;
    }
    io.out(
      formatTable(
        ['TRACES', 'SPANS', 'LAST', 'TREND', 'ERROR', 'WHERE'],
        report.groups.slice(0, limit).map((g) => [
          formatCount(g.traceCount),
          formatCount(g.spanCount),
          formatAge(Date.now() - g.lastSeenUs / 1000),
          sparkline(g.trend),
          groupTitle(g),
          locationText(g, root) ?? (g.operations[0] ? `${g.operations[0].service} ${g.operations[0].operation}` : ''),
        ]),
        [true, true, true, false, false, false],
      ),
    );
    const more = rows.moreGroups > 0 ? `; ${rows.moreGroups} more (--limit)` : '';
    const truncated = rows.truncatedServices.length > 0 ? `; searches hit the limit in ${rows.truncatedServices.join(', ')} (counts are a lower bound)` : '';
    io.out(`\n${report.groups.length} group${report.groups.length === 1 ? '' : 's'} in ${formatCount(report.tracesScanned)} trace${report.tracesScanned === 1 ? '' : 's'} with errors${more}${truncated}`);
    return 0;
  },
};
