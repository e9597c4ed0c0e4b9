// Reading the tools' common arguments (trace ids, durations, lookbacks) and the steps most tools share.
import type { Span, Trace } from '../../model/trace';
import { SpanLensError, isSpanLensError } from '../../errors';
import { parseTraceIdInput } from '../../model/traceIdInput';
import { parseDurationUs } from '../../sources/duration';
import type { JsonSchema } from '../inputSchema';
import type { AgentToolContext } from '../toolTypes';
import { codeRefText, type CodeRef } from '../workspaceCode';

export const traceIdSchema: JsonSchema = {
  type: 'string',
  description: 'Trace id: 16 or 32 hex digits (a Jaeger UI trace URL works too).',
  minLength: 1,
  maxLength: 400,
};

export const lookbackSchema: JsonSchema = {
  type: 'string',
  description: 'How far back to look, e.g. "15m", "1h", "2d", or "all". Default: 1h for Jaeger and the receiver, all for trace files.',
  pattern: '^(all|\\d+(\\.\\d+)?(ms|s|m|h|d))$',
};

export const serviceSchema: JsonSchema = { type: 'string', description: 'Service name (service.name), as spanlens_list_services lists it.', minLength: 1, maxLength: 200 };
export const operationSchema: JsonSchema = { type: 'string', description: 'Operation (span name) of that service.', minLength: 1, maxLength: 500 };

export function str(input: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const v = input[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

export function int(input: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const v = input[key];
  return typeof v === 'number' ? v : fallback;
}

export function traceIdArg(input: Readonly<Record<string, unknown>>, key: string): string {
  const text = str(input, key) ?? '';
  const id = parseTraceIdInput(text);
  if (id === undefined) throw new SpanLensError('bad-input', `Invalid arguments: '${key}' must be a trace id of 16 or 32 hex digits.`);
  return id;
}

export function durationArgUs(input: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const text = str(input, key);
  if (text === undefined) return undefined;
  const v = parseDurationUs(text);
  if (v === undefined || v < 0) throw new SpanLensError('bad-input', `Invalid arguments: '${key}' must be a duration such as 100ms, 1.5s or 2m.`);
  return v;
}

export interface Window {
  readonly startUs: number;
  readonly endUs: number;
  /** Infinity for all time. */
  readonly lookbackMs: number;
  /** "the last 1h" / "all time". */
  readonly text: string;
}

export function windowArg(input: Readonly<Record<string, unknown>>, ctx: AgentToolContext, key = 'lookback'): Window {
  const text = str(input, key);
  const nowMs = (ctx.now ?? Date.now)();
  let lookbackMs = ctx.defaultLookbackMs;
  if (text === 'all') lookbackMs = Infinity;
  else if (text !== undefined) {
    const v = parseDurationUs(text);
    if (v === undefined || v <= 0) throw new SpanLensError('bad-input', `Invalid arguments: '${key}' must be a duration such as 15m, 1h or 2d, or "all".`);
    lookbackMs = v / 1000;
  }
  return Number.isFinite(lookbackMs)
    ? { startUs: Math.floor((nowMs - lookbackMs) * 1000), endUs: Math.ceil(nowMs * 1000), lookbackMs, text: `the last ${text ?? humanMs(lookbackMs)}` }
    : { startUs: 0, endUs: Math.ceil(nowMs * 1000), lookbackMs, text: 'all time' };
}

function humanMs(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

export async function fetchTrace(ctx: AgentToolContext, traceId: string): Promise<Trace> {
  ctx.progress?.(0, undefined, `fetching trace ${traceId}`);
  const trace = await ctx.source.getTrace(traceId, ctx.signal);
  ctx.progress?.(1, undefined, `fetched ${trace.spans.length} spans`);
  return trace;
}

/** Where a span's code is, or undefined (no workspace, nothing found, or the lookup failed: never fatal). */
export async function locate(ctx: AgentToolContext, span: Span): Promise<CodeRef | undefined> {
  if (!ctx.workspace) return undefined;
  try {
    return await ctx.workspace.locateSpan(span, ctx.signal);
  } catch (e) {
    if (ctx.signal.aborted || (isSpanLensError(e) && e.kind === 'cancelled')) throw e;
    return undefined;
  }
}

export async function locateText(ctx: AgentToolContext, span: Span | undefined): Promise<{ text: string; ref: CodeRef | undefined }> {
  const ref = span ? await locate(ctx, span) : undefined;
  return { text: ref ? ` at ${codeRefText(ref)}` : '', ref };
}

export function refJson(ref: CodeRef | undefined): Record<string, unknown> | null {
  return ref ? { path: ref.path, line: ref.line, function: ref.function, location: codeRefText(ref) } : null;
}

/** The span of a trace by id. */
export function spanIndex(trace: Trace): Map<string, Span> {
  return new Map(trace.spans.map((s) => [s.spanId, s]));
}
