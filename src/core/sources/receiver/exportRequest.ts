import type { Trace } from '../../model/trace';
import type { OtlpSpan, OtlpTracesData } from '../../model/otlpJson';
import { parseOtlpJson } from '../../model/otlpJson';
import { describeError } from '../../errors';
import { decodeExportTraceRequest } from './otlpProtobuf';

export type OtlpBodyFormat = 'protobuf' | 'json';

/** The spans of one export request that we keep, and what we turned away and why. */
export interface DecodedExport {
  readonly traces: Trace[];
  readonly acceptedSpans: number;
  readonly rejectedSpans: number;
  /** Empty when nothing was rejected; otherwise the first few reasons, for the partial-success answer. */
  readonly errorMessage: string;
}

/** The body as a whole is unusable: answered with 400 and nothing is stored. */
export class MalformedExportError extends Error {
  override readonly name = 'MalformedExportError';
}

const TRACE_ID = /^[0-9a-f]{32}$/i;
const SPAN_ID = /^[0-9a-f]{16}$/i;
/** Base64 of 16 and 8 bytes: protobuf's own JSON mapping writes ids so, and some exporters follow it. */
const TRACE_ID_BASE64 = /^[A-Za-z0-9+/_-]{22}={0,2}$/;
const SPAN_ID_BASE64 = /^[A-Za-z0-9+/_-]{11}=?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
const DECIMAL = /^\d{1,20}$/;
const MAX_REASONS = 3;

/** Decodes, validates and converts one ExportTraceServiceRequest body (already decompressed). */
export function decodeExportRequest(body: Uint8Array, format: OtlpBodyFormat, origin: string): DecodedExport {
  const data = format === 'protobuf' ? decodeProtobuf(body) : decodeJson(body);
  const { kept, rejected, reasons } = filterValidSpans(data);
  let traces: Trace[] = [];
  if (kept.accepted > 0) {
    try {
      traces = parseOtlpJson(kept.data, origin);
    } catch (e) {
      throw new MalformedExportError(`the spans could not be read: ${describeError(e)}`);
    }
  }
  const more = reasons.length > MAX_REASONS ? ` (and ${reasons.length - MAX_REASONS} more)` : '';
  return {
    traces,
    acceptedSpans: kept.accepted,
    rejectedSpans: rejected,
    errorMessage: rejected > 0 ? `rejected ${rejected} invalid span${rejected === 1 ? '' : 's'}: ${reasons.slice(0, MAX_REASONS).join('; ')}${more}` : '',
  };
}

function decodeProtobuf(body: Uint8Array): unknown {
  try {
    return decodeExportTraceRequest(body);
  } catch (e) {
    throw new MalformedExportError(`the body is not a valid OTLP protobuf ExportTraceServiceRequest: ${describeError(e)}`);
  }
}

function decodeJson(body: Uint8Array): unknown {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new MalformedExportError(`the body is not valid JSON: ${describeError(e)}`);
  }
}

interface FilterResult {
  readonly kept: { readonly data: OtlpTracesData; readonly accepted: number };
  readonly rejected: number;
  readonly reasons: string[];
}

/**
 * Checks the request's structure (a wrong structure is a malformed body) and each span's ids and times (a bad
 * span is rejected alone, reported through partial success). Returns the data with only the good spans.
 */
function filterValidSpans(data: unknown): FilterResult {
  if (!isObject(data)) throw new MalformedExportError('the body is not an ExportTraceServiceRequest object');
  const resourceSpans = optionalArray(data['resourceSpans'], 'resourceSpans');
  let accepted = 0;
  let rejected = 0;
  const reasons: string[] = [];
  const outResources = resourceSpans.map((rs, ri) => {
    if (!isObject(rs)) throw new MalformedExportError(`resourceSpans[${ri}] is not an object`);
    const resource = rs['resource'];
    if (resource !== undefined && resource !== null && !isObject(resource)) throw new MalformedExportError(`resourceSpans[${ri}].resource is not an object`);
    if (isObject(resource)) optionalArray(resource['attributes'], `resourceSpans[${ri}].resource.attributes`);
    const scopeSpans = optionalArray(rs['scopeSpans'], `resourceSpans[${ri}].scopeSpans`);
    const outScopes = scopeSpans.map((ss, si) => {
      if (!isObject(ss)) throw new MalformedExportError(`resourceSpans[${ri}].scopeSpans[${si}] is not an object`);
      const spans = optionalArray(ss['spans'], `resourceSpans[${ri}].scopeSpans[${si}].spans`);
      const good: OtlpSpan[] = [];
      for (const span of spans) {
        const problem = spanProblem(span);
        if (problem === undefined) {
          good.push(span as OtlpSpan);
          accepted++;
        } else {
          rejected++;
          reasons.push(problem);
        }
      }
      return { ...ss, spans: good };
    });
    return { ...rs, resource: isObject(resource) ? { ...resource, attributes: optionalArray(resource['attributes'], '') } : { attributes: [] }, scopeSpans: outScopes };
  });
  // Rebuilt as shallow copies so the parser always sees complete arrays, never the sender's nulls or omissions.
  return { kept: { data: { resourceSpans: outResources } as unknown as OtlpTracesData, accepted }, rejected, reasons };
}

/** Why a span cannot be stored, or undefined when it can. */
function spanProblem(span: unknown): string | undefined {
  if (!isObject(span)) return 'a span is not an object';
  const name = typeof span['name'] === 'string' ? `span '${truncate(span['name'])}'` : 'a span';
  const traceId = span['traceId'];
  if (!isId(traceId, TRACE_ID, TRACE_ID_BASE64)) {
    return `${name} has an invalid traceId ${quote(traceId)} (expected 32 hex digits, not all zero)`;
  }
  const spanId = span['spanId'];
  if (!isId(spanId, SPAN_ID, SPAN_ID_BASE64)) {
    return `${name} has an invalid spanId ${quote(spanId)} (expected 16 hex digits, not all zero)`;
  }
  const parent = span['parentSpanId'];
  if (parent !== undefined && parent !== null && parent !== '' && parent !== ZERO_SPAN_ID && !isId(parent, SPAN_ID, SPAN_ID_BASE64)) {
    return `${name} has an invalid parentSpanId ${quote(parent)} (expected 16 hex digits or empty)`;
  }
  if (span['name'] !== undefined && typeof span['name'] !== 'string') return `a span has a name that is not a string`;
  for (const field of ['startTimeUnixNano', 'endTimeUnixNano'] as const) {
    if (!isUnixNano(span[field])) return `${name} has an invalid ${field} ${quote(span[field])}`;
  }
  for (const field of ['attributes', 'events', 'links'] as const) {
    const v = span[field];
    if (v !== undefined && v !== null && !Array.isArray(v)) return `${name} has ${field} that are not an array`;
  }
  return undefined;
}

function isId(v: unknown, hex: RegExp, base64: RegExp): boolean {
  if (typeof v !== 'string') return false;
  if (hex.test(v)) return v !== ZERO_TRACE_ID && v !== ZERO_SPAN_ID;
  // 'A' is base64's zero digit: an id made only of it is all zero.
  return base64.test(v) && /[^A]/.test(v.replace(/=+$/, ''));
}

function isUnixNano(v: unknown): boolean {
  if (typeof v === 'string') return DECIMAL.test(v);
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function optionalArray(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new MalformedExportError(`${what} is not an array`);
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function quote(v: unknown): string {
  if (v === undefined) return '(missing)';
  const text = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return JSON.stringify(truncate(text));
}
