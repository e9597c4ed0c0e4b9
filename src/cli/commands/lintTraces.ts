// `spanlens lint FILE... --traces HEAD [--base-traces BASE]`: fails CI when the traces of the change (a test or canary
// run of the head) show an error group thrown in one of the given files that the base's traces did not show.
import * as path from 'node:path';
import type { ParsedArgs } from '../args';
import { UsageError } from '../io';
import { openTraceSource } from '../../core/sources/openSource';
import { newErrorGroups } from '../../core/exceptions/newErrorGroups';
import { groupTitle } from '../../core/exceptions/errorGroupRows';
import { formatCount } from '../../core/stats/format';
import { errorGroupsOf, lookbackMsOf } from './errors';
import { gitRootOr } from '../workspaceFiles';

export const TRACE_LINT_FLAGS = ['--traces', '--base-traces', '--lookback', '--root', '--path-mapping'] as const;

export const TRACE_LINT_USAGE = [
  '  --traces URL|FILE      also fail on error groups that these traces (the head: a test or canary run) show thrown',
  '                         in one of the given files, and that --base-traces do not (rule new-error-group, error)',
  '  --base-traces URL|FILE the base\'s traces; without it every error group thrown in the given files is reported',
  '  --lookback D           window of both trace sources (default 1h for Jaeger, all for trace files)',
  '  --root DIR             workspace the stack frames are placed in (default: the git root, else cwd)',
  '  --path-mapping FROM=TO recorded path prefix → folder (repeatable), e.g. /app=./services/orders',
];

/** One finding in the shape of a lint row. */
export interface TraceLintRow {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly rule: 'new-error-group';
  readonly severity: 'error';
  readonly message: string;
  readonly fixable: false;
}

export async function lintTraces(files: readonly string[], args: ParsedArgs, signal: AbortSignal): Promise<TraceLintRow[]> {
  const head = args.flags.get('--traces');
  if (!head) return [];
  const base = args.flags.get('--base-traces');
  if (files.length === 0) throw new UsageError('--traces needs the changed files as arguments');
  const root = path.resolve(args.flags.get('--root') ?? gitRootOr(process.cwd()));
  const pathMappings = args.repeated.get('--path-mapping') ?? [];
  const groupsOf = async (spec: string): Promise<Awaited<ReturnType<typeof errorGroupsOf>>['report']> =>
    (await errorGroupsOf(openTraceSource(spec, { timeoutMs: 10_000 }), { lookbackMs: lookbackMsOf(args.flags.get('--lookback'), spec), root, pathMappings }, signal)).report;
  const [headReport, baseReport] = await Promise.all([groupsOf(head), base ? groupsOf(base) : Promise.resolve(undefined)]);
  const fresh = newErrorGroups(headReport.groups, baseReport?.groups, files.map((f) => path.resolve(f)));
  return fresh.map((g) => {
    const rel = path.relative(process.cwd(), g.location!.file);
    return {
      file: rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : g.location!.file,
      line: g.location!.line,
      column: 1,
      rule: 'new-error-group',
      severity: 'error',
      message: `${groupTitle(g)}: ${formatCount(g.spanCount)} time${g.spanCount === 1 ? '' : 's'} in ${formatCount(g.traceCount)} trace${g.traceCount === 1 ? '' : 's'} of ${head}${base ? `, not in ${base}` : ''} (latest trace ${g.latest.traceId})`,
      fixable: false,
    };
  });
}
