import { SpanLensError } from '../errors';

/**
 * The error every trace parser throws for input of the wrong shape. `origin` is a file name or a URL; `where` is a
 * JSON path such as `data[0].spans[12].startTime`. A URL origin makes it a malformed response, anything else a
 * malformed file.
 */
export function malformedTrace(origin: string, where: string, what: string): SpanLensError {
  const place = where === '' ? '' : ` at ${where}`;
  const isUrl = /^https?:\/\//i.test(origin);
  const hint = isUrl
    ? 'Check that the URL points at a Jaeger query service.'
    : 'Span Lens reads Jaeger JSON, OTLP JSON (or JSON lines) and Zipkin v2 JSON trace files.';
  return new SpanLensError(isUrl ? 'malformed-response' : 'malformed-file', `${origin}: ${what}${place}. ${hint}`, isUrl ? { url: origin } : { file: origin });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON type name for messages ("an array", "null", "a string"). */
export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
