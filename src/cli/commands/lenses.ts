import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliCommand, CliIo } from '../io';
import { UsageError } from '../io';
import { parseArgs } from '../args';
import { SOURCE_BOOLEAN_FLAGS, SOURCE_USAGE, SOURCE_VALUED_FLAGS, formatTable, openSourceFromFlags, printable, readSourceFlags } from '../sourceOptions';
import { SpanLensError } from '../../core/errors';
import { parseDurationUs } from '../../core/sources/duration';
import { LatencyProvider } from '../../core/stats/latencyProvider';
import { OperationIndex } from '../../core/stats/serviceReporting';
import { resolveServiceName } from '../../core/code/serviceName';
import { describeSpanNameMatcher } from '../../core/code/instrumented/spanNameMatcher';
import { formatCount, formatDurationMs, formatPercent } from '../../core/stats/format';

/** One row of `spanlens lenses --json`. */
export interface LensRow {
  readonly file: string;
  /** 1-based line of the lens (the function's declaration name, or its first line when anonymous). */
  readonly line: number;
  readonly function: string;
  readonly spanName: string;
  /** The span name the figures were found under (the primary name or an alternative); null without data. */
  readonly matchedSpanName: string | null;
  readonly via: string;
  readonly service: string | null;
  readonly count: number;
  readonly sampleSize: number | null;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
  readonly errorRate: number | null;
  readonly source: 'metrics' | 'traces' | 'none';
  readonly truncated: boolean;
}

const usage = [
  'Usage: spanlens lenses FILE... [options]',
  '',
  'Finds the instrumented functions of source files (TypeScript/JavaScript: tracer.startActiveSpan/startSpan, span',
  'decorators, withSpan-style wrappers, Express/Fastify/Koa/NestJS routes; Python, Go and Java: their SDKs\' span',
  'calls, decorators/annotations and web-framework routes) and prints the latency the trace source has for each:',
  'the figures the editor shows as CodeLens. Functions without data have count 0 and null figures.',
  '',
  'Options:',
  '  --service S        service for every file (default: the service the code sets, else OTEL_SERVICE_NAME in',
  '                     .env files or deployment files, else the project name, else the tracer name)',
  '  --root DIR         workspace root: env/package.json lookup stops here (default: the git root, else cwd)',
  '  --lookback D       window such as 15m, 1h, 2d, or "all" (default 1h for Jaeger, all for trace files)',
  '  --limit N          traces fetched per operation (default 1000); figures come from that sample',
  SOURCE_USAGE,
].join('\n');

function parseLookbackMs(text: string | undefined, spec: string): number {
  if (text === undefined) return /^https?:\/\//i.test(spec.trim()) ? 3_600_000 : Infinity;
  if (text === 'all') return Infinity;
  const us = parseDurationUs(text);
  if (us === undefined || !(us > 0)) throw new UsageError(`--lookback: "${text}" is not a duration such as 15m, 1h or 2d (or "all")`);
  return us / 1000;
}

/** The nearest folder above `file` holding `.git`, else the working directory when it contains the file. */
function defaultRoot(file: string): string {
  for (let dir = path.dirname(file); ; ) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const cwd = process.cwd();
  const rel = path.relative(cwd, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel) ? cwd : path.dirname(file);
}

async function readOptional(p: string): Promise<string | undefined> {
  try {
    return await fs.promises.readFile(p, 'utf8');
  } catch {
    return undefined;
  }
}

function ms(v: number | null): string {
  return v === null ? '-' : formatDurationMs(v);
}

export const lensesCommand: CliCommand = {
  name: 'lenses',
  summary: 'latency of the instrumented functions of source files (the CodeLens figures)',
  usage,
  async run(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
    const args = parseArgs(argv, { valued: [...SOURCE_VALUED_FLAGS, '--service', '--root', '--lookback', '--limit'], boolean: SOURCE_BOOLEAN_FLAGS });
    if (args.positionals.length === 0) throw new UsageError('missing FILE');
    const flags = readSourceFlags(args);
    const lookbackMs = parseLookbackMs(args.flags.get('--lookback'), flags.spec);
    const limitText = args.flags.get('--limit');
    const limit = limitText === undefined ? 1000 : Number(limitText);
    if (!Number.isInteger(limit) || limit <= 0) throw new UsageError(`--limit: "${limitText}" is not a positive whole number`);
    const serviceOverride = args.flags.get('--service');
    const rootFlag = args.flags.get('--root');

    const files = args.positionals.map((f) => path.resolve(f));
    const texts = await Promise.all(
      files.map(async (f) => {
        const text = await readOptional(f);
        if (text === undefined) throw new SpanLensError('not-found', `Cannot read ${f}: give the path of a source file (TypeScript, JavaScript, Python, Go or Java).`, { file: f });
        return text;
      }),
    );

    // The parsers are loaded here, not when the CLI starts: other commands never pay for them. A plain require
    // (esbuild turns it into a lazy module init) rather than import(), which Node would send through its ESM loader
    // when the CLI runs from source.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { findInstrumentedFunctions, serviceNamesFromCode } = require('../../core/code/codeIntel') as typeof import('../../core/code/codeIntel');

    const source = openSourceFromFlags(flags);
    const provider = new LatencyProvider(source, { lookbackMs, maxTracesPerQuery: limit });
    const knownServices = serviceOverride ? undefined : await source.services(signal).catch(() => undefined);
    const operations = new OperationIndex(() => Promise.resolve(source), flags.timeoutMs * 2);

    const pending: Array<Promise<LensRow>> = [];
    for (const [i, file] of files.entries()) {
      const functions = await findInstrumentedFunctions(texts[i]!, file);
      const tracerNames = [...new Set(functions.map((f) => f.tracerName).filter((t): t is string => t !== undefined))];
      const workspaceRoot = rootFlag ? path.resolve(rootFlag) : defaultRoot(file);
      const resolution = await resolveServiceName({
        filePath: file,
        workspaceRoot,
        codeServices: () => serviceNamesFromCode(file, workspaceRoot),
        readFile: readOptional,
        ...(serviceOverride ? { override: serviceOverride } : {}),
        tracerNames,
        ...(knownServices ? { knownServices } : {}),
      });
      if (resolution.ambiguous) {
        io.err(`spanlens lenses: ${printable(file)}: several services could be meant (${[resolution.service, ...resolution.alternatives].join(', ')}); using ${resolution.service}. Pass --service to choose.`);
      }
      let service = resolution.service;
      const display = path.relative(process.cwd(), file) || file;
      for (const fn of functions) {
        pending.push(
          (async (): Promise<LensRow> => {
            let fnService = service;
            // The chosen name has no spans in this source: the one service reporting the span name, as in the editor.
            if (knownServices && (fnService === undefined || !knownServices.includes(fnService)) && resolution.source !== 'setting') {
              fnService = (await operations.serviceReporting([fn.spanName, ...fn.alternativeSpanNames], knownServices)) ?? fnService;
            }
            const stats = fnService ? await provider.getStats(fnService, [fn.spanName, ...fn.alternativeSpanNames], signal) : undefined;
            return {
              file: display,
              line: fn.nameRange.start.line + 1,
              function: fn.functionName,
              spanName: describeSpanNameMatcher(fn.spanName),
              matchedSpanName: stats?.matchedBy ? describeSpanNameMatcher(stats.matchedBy) : null,
              via: fn.via,
              service: fnService ?? null,
              count: stats?.count ?? 0,
              sampleSize: stats ? stats.sampleSize : null,
              p50Ms: stats?.p50Ms ?? null,
              p95Ms: stats?.p95Ms ?? null,
              p99Ms: stats?.p99Ms ?? null,
              errorRate: stats?.errorRate ?? null,
              source: stats?.source ?? 'none',
              truncated: stats?.truncated ?? false,
            };
          })(),
        );
      }
    }
    const rows = await Promise.all(pending);

    if (flags.json) {
      io.out(JSON.stringify(rows, null, 2));
      return 0;
    }
    if (rows.length === 0) {
      io.out('(no instrumented functions found)');
      return 0;
    }
    io.out(
      formatTable(
        ['LOCATION', 'FUNCTION', 'SPAN', 'SERVICE', 'CALLS', 'P50', 'P95', 'P99', 'ERRORS'],
        rows.map((r) => [
          `${printable(r.file)}:${r.line}`,
          printable(r.function),
          printable(r.matchedSpanName ?? r.spanName),
          printable(r.service ?? '?'),
          `${formatCount(r.count)}${r.truncated ? '+' : ''}`,
          ms(r.p50Ms),
          ms(r.p95Ms),
          ms(r.p99Ms),
          r.errorRate === null ? '-' : formatPercent(r.errorRate),
        ]),
        [false, false, false, false, true, true, true, true, true],
      ),
    );
    const sampled = rows.filter((r) => r.source === 'traces').reduce((n, r) => n + (r.sampleSize ?? 0), 0);
    io.out(`\n${rows.length} function${rows.length === 1 ? '' : 's'}; figures from ${sampled} sampled span${sampled === 1 ? '' : 's'} in ${printable(source.description)}${rows.some((r) => r.truncated) ? ' (+: a search hit --limit, counts are a lower bound)' : ''}`);
    return 0;
  },
};
