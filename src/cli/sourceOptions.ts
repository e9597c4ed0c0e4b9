import type { ParsedArgs } from './args';
import type { TraceSource } from '../core/sources/traceSource';
import { UsageError } from './io';
import { defaultSourceSpec, openTraceSource } from '../core/sources/openSource';
import { parseDurationUs } from '../core/sources/duration';
import { escapeControlChars } from '../core/text/quoteForDisplay';

/** Flags shared by the commands that read traces from a source. */
export const SOURCE_VALUED_FLAGS = ['--source', '--timeout', '--header'] as const;
export const SOURCE_BOOLEAN_FLAGS = ['--json'] as const;

export const SOURCE_USAGE = [
  '  --source URL|FILE  Jaeger query URL or trace file (default $SPANLENS_SOURCE or http://localhost:16686)',
  '  --timeout T        time limit per request: milliseconds or a duration such as 30s (default 10s)',
  '  --header "K: V"    extra HTTP header for Jaeger (repeatable); a token in $SPANLENS_JAEGER_TOKEN is sent as Bearer',
  '  --json             machine-readable output',
].join('\n');

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface SourceFlags {
  readonly spec: string;
  readonly timeoutMs: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly bearerToken: string | undefined;
  readonly json: boolean;
}

export function readSourceFlags(args: ParsedArgs, env: Readonly<Record<string, string | undefined>> = process.env): SourceFlags {
  const timeoutText = args.flags.get('--timeout');
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (timeoutText !== undefined) {
    const ms = /^\d+$/.test(timeoutText) ? Number(timeoutText) : (parseDurationUs(timeoutText) ?? NaN) / 1000;
    if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`--timeout: "${timeoutText}" is not a time limit (e.g. 5000 or 30s)`);
    timeoutMs = ms;
  }
  const headers: Record<string, string> = {};
  for (const header of args.repeated.get('--header') ?? []) {
    const colon = header.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header: "${header}" is not "Name: value"`);
    headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  const token = env['SPANLENS_JAEGER_TOKEN']?.trim();
  return {
    spec: args.flags.get('--source') ?? defaultSourceSpec(env),
    timeoutMs,
    headers,
    bearerToken: token ? token : undefined,
    json: args.flags.has('--json'),
  };
}

export function openSourceFromFlags(flags: SourceFlags): TraceSource {
  return openTraceSource(flags.spec, {
    timeoutMs: flags.timeoutMs,
    headers: flags.headers,
    ...(flags.bearerToken ? { bearerToken: flags.bearerToken } : {}),
  });
}

/** Columns padded to their widest cell; `right` marks numeric columns. Cells are plain text. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = []): string {
  // A loop, not Math.max(...cells): spreading a long column overflows the call stack.
  const widths = header.map((h) => h.length);
  for (const r of rows) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, (r[i] ?? '').length);
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 && !right[i] ? cell : right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Control characters and bidi overrides in untrusted names would garble a terminal; show them escaped. */
export function printable(text: string): string {
  return escapeControlChars(text);
}
