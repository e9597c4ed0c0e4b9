import type { AgentTool, AgentToolContext } from '../toolTypes';
import { UNTRUSTED_DATA_NOTE } from '../toolTypes';
import { DATA_NOTE, iso, msValue, quoted, us } from '../agentText';
import { SpanLensError } from '../../errors';
import type { Span } from '../../model/trace';
import { LatencyProvider, type LatencyStats } from '../../stats/latencyProvider';
import { OperationIndex } from '../../stats/serviceReporting';
import { DurationAggregator } from '../../stats/durationAggregator';
import { describeSpanNameMatcher, spanNameMatches } from '../../code/instrumented/spanNameMatcher';
import type { SpanNameMatcher } from '../../code/instrumented/types';
import { formatPercent } from '../../stats/format';
import { codeRefText, type WorkspaceFunction } from '../workspaceCode';
import { lookbackSchema, serviceSchema, str, windowArg, type Window } from './toolInputs';

/** Traces searched for the per-version split and the slowest and failing examples. */
const EXAMPLE_SEARCH_LIMIT = 300;
const EXAMPLES = 3;

export const functionLatencyTool: AgentTool = {
  name: 'spanlens_function_latency',
  title: 'Latency of a function',
  description:
    'The latency figures Span Lens shows as a CodeLens over an instrumented function, for a function given as `file` + `line` (any line inside it) or as a `qualifiedName` (e.g. "OrderService.create", or the span name it makes): calls, p50/p95/p99, max, error rate, throughput; the change versus the previous window of the same length; figures by service.version; the slowest and the failing trace ids. Needs the workspace (the code) to find the function. ' +
    UNTRUSTED_DATA_NOTE,
  inputSchema: {
    type: 'object',
    properties: {
      file: { type: 'string', description: 'Workspace-relative (or absolute) path of the source file.', minLength: 1, maxLength: 1000 },
      line: { type: 'integer', description: '1-based line inside the function (with `file`).', minimum: 1 },
      qualifiedName: { type: 'string', description: 'Class.method, function name, or the span name the function makes (instead of file + line).', minLength: 1, maxLength: 300 },
      service: { ...serviceSchema, description: 'The service the function runs in, when the workspace does not tell (default: as the lenses choose).' },
      lookback: lookbackSchema,
    },
    additionalProperties: false,
  },
  async run(input, ctx) {
    const found = await findFunctions(input, ctx);
    const window = windowArg(input, ctx);
    const texts: string[] = [];
    const functions: Record<string, unknown>[] = [];
    // One function may make several spans (a route handler that starts one of its own): each gets its figures.
    for (const fn of found.slice(0, MAX_FUNCTIONS)) {
      const r = await latencyOf(fn, input, ctx, window);
      texts.push(r.text);
      functions.push(r.json);
    }
    return { text: [...texts, DATA_NOTE].join('\n'), json: { functions } };
  },
};

const MAX_FUNCTIONS = 4;

async function latencyOf(fn: WorkspaceFunction, input: Readonly<Record<string, unknown>>, ctx: AgentToolContext, window: Window): Promise<{ text: string; json: Record<string, unknown> }> {
  const matchers = [fn.fn.spanName, ...fn.fn.alternativeSpanNames];
  const service = await serviceFor(input, ctx, fn, matchers);
  const provider = (now: number): LatencyProvider => new LatencyProvider(ctx.source, { lookbackMs: window.lookbackMs, now: () => now, useMetrics: false });
  const nowMs = window.endUs / 1000;
  ctx.progress?.(0, 3, `latency of ${describeSpanNameMatcher(fn.fn.spanName)} in ${service}`);
  const stats = await provider(nowMs).getStats(service, matchers, ctx.signal);
  ctx.progress?.(1, 3, 'previous window');
  const previous = Number.isFinite(window.lookbackMs) ? await provider(nowMs - window.lookbackMs).getStats(service, matchers, ctx.signal) : undefined;
  ctx.progress?.(2, 3, 'versions and example traces');
  const spans = await matchingSpans(ctx, service, stats, matchers, window);
  return render(fn, service, window, stats, previous, spans);
}

async function findFunctions(input: Readonly<Record<string, unknown>>, ctx: AgentToolContext): Promise<WorkspaceFunction[]> {
  const ws = ctx.workspace;
  if (!ws) throw new SpanLensError('bad-input', 'No workspace is open: spanlens_function_latency needs the code (start `spanlens mcp --workspace DIR`, or open the folder in VS Code).');
  const file = str(input, 'file');
  const qualified = str(input, 'qualifiedName');
  if (file !== undefined) {
    const line = input['line'];
    if (typeof line !== 'number') throw new SpanLensError('bad-input', "Invalid arguments: 'line' is required with 'file'.");
    if (!(await ws.readable(file))) throw new SpanLensError('not-found', `No readable file ${quoted(file, 200)} in the workspace ${ws.root}: give a workspace-relative path.`);
    const hits = await ws.instrumentedAt(file, line);
    if (hits.length === 0) throw new SpanLensError('not-found', `No instrumented function (one that makes a span) holds ${quoted(file, 200)} line ${line}. spanlens_span_source maps spans to code the other way.`);
    return hits;
  }
  if (qualified !== undefined) {
    const hit = await ws.findInstrumented(qualified, ctx.signal);
    if (!hit) throw new SpanLensError('not-found', `No instrumented function named ${quoted(qualified, 200)} in the workspace: use Class.method, the function's name, or file + line.`);
    return [hit];
  }
  throw new SpanLensError('bad-input', "Invalid arguments: give 'file' and 'line', or 'qualifiedName'.");
}

/** As the lenses choose: the caller's service, else the file's, else the one known service reporting the span name. */
async function serviceFor(input: Readonly<Record<string, unknown>>, ctx: AgentToolContext, fn: WorkspaceFunction, matchers: readonly SpanNameMatcher[]): Promise<string> {
  const given = str(input, 'service');
  if (given) return given;
  const known = await ctx.source.services(ctx.signal);
  let service = await ctx.workspace!.serviceOfFile(fn.file, known);
  if (service === undefined || !known.includes(service)) {
    service = (await new OperationIndex(() => Promise.resolve(ctx.source), 30_000).serviceReporting(matchers, known)) ?? service;
  }
  if (service === undefined) throw new SpanLensError('not-found', `Cannot tell which service runs ${codeRefText(fn.ref)}: pass 'service' (one of ${known.slice(0, 10).map((s) => quoted(s, 60)).join(', ')}).`);
  return service;
}

interface MatchingSpans {
  readonly spans: Span[];
  readonly truncated: boolean;
}

/** The function's spans in the window, from a bounded search (for versions and example trace ids). */
async function matchingSpans(ctx: AgentToolContext, service: string, stats: LatencyStats, matchers: readonly SpanNameMatcher[], window: Window): Promise<MatchingSpans> {
  const operations = stats.operations.length > 0 ? stats.operations.slice(0, 5) : [];
  const matcher = stats.matchedBy ?? matchers[0]!;
  const out: Span[] = [];
  let truncated = false;
  for (const operation of operations) {
    const traces = await ctx.source.search({ service, operation, startUs: window.startUs, endUs: window.endUs, limit: EXAMPLE_SEARCH_LIMIT }, ctx.signal);
    truncated ||= traces.length >= EXAMPLE_SEARCH_LIMIT;
    for (const t of traces) for (const s of t.spans) if (s.service === service && spanNameMatches(matcher, s.name) && s.startTimeUs >= window.startUs && s.startTimeUs <= window.endUs) out.push(s);
  }
  return { spans: out, truncated };
}

function versionOf(span: Span): string {
  const a = span.resource.find((r) => r.key === 'service.version') ?? span.attributes.find((r) => r.key === 'service.version');
  return a ? String(a.value) : '';
}

function statsLine(s: Pick<LatencyStats, 'count' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'maxMs' | 'errorRate'>): string {
  const ms = (v: number | null): string => (v === null ? '-' : us(v * 1000));
  return `${s.count} call(s), p50 ${ms(s.p50Ms)}, p95 ${ms(s.p95Ms)}, p99 ${ms(s.p99Ms)}, max ${ms(s.maxMs)}, errors ${s.errorRate === null ? '-' : formatPercent(s.errorRate)}`;
}

function render(fn: WorkspaceFunction, service: string, window: Window, stats: LatencyStats, previous: LatencyStats | undefined, found: MatchingSpans): { text: string; json: Record<string, unknown> } {
  const name = stats.matchedBy ? describeSpanNameMatcher(stats.matchedBy) : describeSpanNameMatcher(fn.fn.spanName);
  const lines = [`${fn.fn.functionName || '(anonymous)'} at ${codeRefText(fn.ref)} makes span ${quoted(name, 120)} in service ${quoted(service, 60)}; ${window.text}:`];
  lines.push(stats.count > 0 ? `- ${statsLine(stats)}${stats.throughputPerMin !== null ? `, ${stats.throughputPerMin.toFixed(1)}/min` : ''}${stats.truncated ? ' (from a sample: the search hit its limit)' : ''}` : '- no spans in this window: widen lookback, or check service and span name with spanlens_list_services.');
  let change: Record<string, unknown> | null = null;
  if (previous) {
    if (previous.count > 0 && stats.count > 0 && previous.p95Ms !== null && stats.p95Ms !== null) {
      const pct = previous.p95Ms > 0 ? ((stats.p95Ms - previous.p95Ms) / previous.p95Ms) * 100 : null;
      lines.push(`- vs the previous window: p95 ${us(previous.p95Ms * 1000)} → ${us(stats.p95Ms * 1000)}${pct !== null ? ` (${pct >= 0 ? '+' : ''}${Math.round(pct)}%)` : ''}, calls ${previous.count} → ${stats.count}`);
      change = { previousCount: previous.count, previousP95Ms: previous.p95Ms, p95DeltaPct: pct === null ? null : Math.round(pct * 10) / 10 };
    } else lines.push(`- previous window: ${previous.count} call(s)`);
  }
  const byVersion = new Map<string, { agg: DurationAggregator; errors: number; first: number }>();
  for (const s of found.spans) {
    const v = versionOf(s);
    let e = byVersion.get(v);
    if (!e) byVersion.set(v, (e = { agg: new DurationAggregator(), errors: 0, first: s.startTimeUs }));
    e.agg.add(s.durationUs);
    if (s.error) e.errors++;
    e.first = Math.min(e.first, s.startTimeUs);
  }
  const versions = [...byVersion.entries()]
    .sort((a, b) => a[1].first - b[1].first)
    .map(([version, e]) => {
      const sum = e.agg.summarize();
      return { version, count: sum.count, p50Ms: sum.p50 / 1000, p95Ms: sum.p95 / 1000, p99Ms: sum.p99 / 1000, maxMs: sum.max / 1000, errorRate: sum.count ? e.errors / sum.count : 0 };
    });
  if (versions.length > 1 || (versions.length === 1 && versions[0]!.version !== '')) {
    lines.push(`By service.version (oldest first${found.truncated ? ', from a sample' : ''}):`);
    const base = versions[0]!;
    for (const v of versions) {
      const delta = v !== base && base.p95Ms > 0 ? ` (p95 ${v.p95Ms >= base.p95Ms ? '+' : ''}${Math.round(((v.p95Ms - base.p95Ms) / base.p95Ms) * 100)}% vs ${quoted(base.version || '(none)', 40)})` : '';
      lines.push(`- ${quoted(v.version || '(none)', 40)}: ${statsLine({ ...v, errorRate: v.errorRate })}${delta}`);
    }
  }
  const slowest = onePerTrace([...found.spans].sort((a, b) => b.durationUs - a.durationUs));
  const failing = onePerTrace(found.spans.filter((s) => s.error).sort((a, b) => b.startTimeUs - a.startTimeUs));
  if (slowest.length > 0) lines.push(`Slowest traces: ${slowest.map((s) => `${s.traceId} (${us(s.durationUs)})`).join(', ')}`);
  if (failing.length > 0) lines.push(`Failing traces: ${failing.map((s) => `${s.traceId} (${iso(s.startTimeUs)})`).join(', ')}`);
  return {
    text: lines.join('\n'),
    json: {
      function: fn.fn.functionName,
      location: { path: fn.ref.path, line: fn.ref.line, location: codeRefText(fn.ref) },
      spanName: name,
      service,
      window: { start: iso(window.startUs) || null, end: iso(window.endUs) },
      stats: { count: stats.count, sampleSize: stats.sampleSize, p50Ms: stats.p50Ms, p95Ms: stats.p95Ms, p99Ms: stats.p99Ms, maxMs: stats.maxMs, meanMs: stats.meanMs, errorRate: stats.errorRate, throughputPerMin: stats.throughputPerMin, truncated: stats.truncated, operations: stats.operations },
      change,
      byVersion: versions,
      slowestTraces: slowest.map((s) => ({ traceId: s.traceId, spanId: s.spanId, durationMs: msValue(s.durationUs) })),
      failingTraces: failing.map((s) => ({ traceId: s.traceId, spanId: s.spanId, start: iso(s.startTimeUs) })),
    },
  };
}

/** The first EXAMPLES spans of distinct traces. */
function onePerTrace(spans: readonly Span[]): Span[] {
  const seen = new Set<string>();
  const out: Span[] = [];
  for (const s of spans) {
    if (out.length >= EXAMPLES) break;
    if (!seen.has(s.traceId)) out.push(s);
    seen.add(s.traceId);
  }
  return out;
}
