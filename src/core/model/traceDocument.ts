import type { Trace } from './trace';
import { quoteForDisplay } from '../text/quoteForDisplay';
import { SpanLensError } from '../errors';
import { assembleTrace } from './assemble';
import { parseJaegerJson } from './jaegerJson';
import { parseOtlpJson } from './otlpJson';
import { parseZipkinJson } from './zipkinJson';
import { isRecord } from './parseFailure';

type TraceFormat = 'jaeger' | 'otlp' | 'zipkin';

/**
 * Parses a trace file's text, recognising the format from the content (never the file name): Jaeger UI JSON (bare
 * trace, array of traces, `{data}` envelope), OTLP/JSON TracesData (also `{result}` from api/v3), a Zipkin v2 span
 * array, or JSON lines holding any of these one document per line (OTLP file exporters write that). Traces with the
 * same id in several documents are merged.
 */
export function parseTraceDocument(text: string, fileName: string): Trace[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw fileError(fileName, 'the file is empty; expected a Jaeger, OTLP or Zipkin JSON trace export.');

  let whole: unknown;
  let wholeError: unknown;
  try {
    whole = JSON.parse(body);
  } catch (e) {
    wholeError = e;
  }
  if (wholeError === undefined) {
    const format = detectFormat(whole, fileName, '');
    return nonEmpty(parseAs(format, whole, fileName), fileName);
  }

  const lines = jsonLines(body, fileName);
  if (lines === undefined) throw fileError(fileName, `not valid JSON: ${describeJsonError(wholeError, body)}.`);

  const byFormat: Record<TraceFormat, unknown[]> = { jaeger: [], otlp: [], zipkin: [] };
  for (const { value, line } of lines) {
    const format = detectFormat(value, fileName, ` on line ${line}`);
    if (format === 'zipkin') byFormat.zipkin.push(...(value as unknown[]));
    else if (format === 'jaeger' && Array.isArray(value)) byFormat.jaeger.push(...value);
    else if (format === 'otlp' && Array.isArray(value)) byFormat.otlp.push(...value);
    else byFormat[format].push(value);
  }
  const traces: Trace[] = [];
  if (byFormat.otlp.length > 0) traces.push(...parseOtlpJson(byFormat.otlp, fileName));
  if (byFormat.jaeger.length > 0) traces.push(...parseJaegerJson(byFormat.jaeger, fileName));
  if (byFormat.zipkin.length > 0) traces.push(...parseZipkinJson(byFormat.zipkin, fileName));
  return nonEmpty(mergeSameTraceIds(traces), fileName);
}

function nonEmpty(traces: Trace[], fileName: string): Trace[] {
  if (traces.every((t) => t.spans.length === 0)) throw fileError(fileName, 'the document is valid but holds no spans.');
  return traces.filter((t) => t.spans.length > 0);
}

function parseAs(format: TraceFormat, json: unknown, fileName: string): Trace[] {
  switch (format) {
    case 'jaeger':
      return parseJaegerJson(json, fileName);
    case 'otlp':
      return parseOtlpJson(json, fileName);
    case 'zipkin':
      return parseZipkinJson(json, fileName);
  }
}

function detectFormat(json: unknown, fileName: string, where: string): TraceFormat {
  if (Array.isArray(json)) {
    const first: unknown = json.find((v) => v !== null);
    if (first === undefined) throw fileError(fileName, `the JSON array${where} is empty: no spans to show.`);
    if (isRecord(first)) {
      if ('traceId' in first && 'id' in first) return 'zipkin';
      if ('spans' in first) return 'jaeger';
      if ('resourceSpans' in first || 'result' in first) return 'otlp';
    }
    throw fileError(fileName, `the JSON array${where} holds neither Zipkin spans ({traceId, id, ...}) nor Jaeger traces ({traceID, spans, processes}).`);
  }
  if (isRecord(json)) {
    if ('resourceSpans' in json) return 'otlp';
    if (isRecord(json['result']) && 'resourceSpans' in json['result']) return 'otlp';
    if ('spans' in json || 'data' in json) return 'jaeger';
    if ('traceId' in json && 'id' in json) throw fileError(fileName, `found a single Zipkin span${where}; Zipkin files hold an array of spans ([{...}, ...]).`);
    const keys = Object.keys(json).slice(0, 8).map((k) => quoteForDisplay(k, 40)).join(', ');
    throw fileError(fileName, `the JSON object${where} is not a trace document (keys: ${keys || 'none'}); expected OTLP {resourceSpans}, Jaeger {data} / {traceID, spans}, or a Zipkin span array.`);
  }
  throw fileError(fileName, `the JSON${where} is ${json === null ? 'null' : `a ${typeof json}`}, not a trace document.`);
}

/** JSON lines, or undefined when the text is not that (its first line is not a JSON document of its own). */
function jsonLines(text: string, fileName: string): { value: unknown; line: number }[] | undefined {
  const rawLines = text.split(/\r?\n/);
  const out: { value: unknown; line: number }[] = [];
  for (let i = 0; i < rawLines.length; i++) {
    const raw = rawLines[i]!.trim();
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      if (out.length === 0) return undefined;
      throw fileError(fileName, `line ${i + 1} is not valid JSON: ${describeJsonError(e, raw, false)}.`);
    }
    if (out.length === 0 && (typeof value !== 'object' || value === null)) return undefined;
    out.push({ value, line: i + 1 });
  }
  return out.length > 1 ? out : undefined;
}

function mergeSameTraceIds(traces: Trace[]): Trace[] {
  const byId = new Map<string, Trace[]>();
  for (const t of traces) byId.set(t.traceId, [...(byId.get(t.traceId) ?? []), t]);
  if (byId.size === traces.length) return traces;
  return [...byId].map(([id, group]) =>
    group.length === 1
      ? group[0]!
      : assembleTrace(
          id,
          group.flatMap((t) => t.spans),
          group.flatMap((t) => t.warnings.filter((w) => w.kind === 'source')),
        ),
  );
}

/** JSON.parse's message with its character position turned into line and column. */
function describeJsonError(e: unknown, text: string, withLine = true): string {
  // V8's message quotes the input around the error: escaped and capped like any quoted input.
  const message = quoteForDisplay(e instanceof Error ? e.message : String(e), 300);
  const m = /at position (\d+)/.exec(message);
  if (!m) return message.includes('end of JSON input') ? `${message} (the file looks truncated)` : message;
  const pos = Number(m[1]);
  if (pos >= text.trimEnd().length) return 'the JSON ends too early (the file looks truncated)';
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  const what = message.replace(/\s*in JSON at position \d+.*$/, '');
  return withLine ? `${what} at line ${line}, column ${column}` : `${what} at column ${column}`;
}

function fileError(fileName: string, what: string): SpanLensError {
  return new SpanLensError('malformed-file', `${fileName}: ${what}`, { file: fileName });
}
