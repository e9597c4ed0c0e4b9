import type { Trace } from '../../model/trace';
import type { OtlpTracesData } from '../../model/otlpJson';
import { parseOtlpJson } from '../../model/otlpJson';
import { describeError } from '../../errors';
import { decodeExportTraceRequest } from './otlpProtobufDecode';
import { MAX_VALUE_NESTING } from './valueNesting';
import { type SpanFinding, checkExportData, describeSpan } from './spanValidation';
import { escapeControlChars } from '../../text/quoteForDisplay';

export type OtlpBodyFormat = 'protobuf' | 'json';

/** The spans of one export request that we keep, and what we turned away and why. */
export interface DecodedExport {
  readonly traces: Trace[];
  readonly acceptedSpans: number;
  readonly rejectedSpans: number;
  /** Attribute values replaced by a note because they nested too deep; their spans were kept. */
  readonly droppedValues: number;
  /** Empty when nothing was rejected or replaced; otherwise the first few reasons, for the partial-success answer. */
  readonly errorMessage: string;
}

/** The body as a whole is unusable: answered with 400 and nothing is stored. */
export class MalformedExportError extends Error {
  override readonly name = 'MalformedExportError';
}

const MAX_REASONS = 3;

/**
 * Decodes, validates and converts one ExportTraceServiceRequest body (already decompressed). A body that is not an
 * export request at all throws MalformedExportError; a bad span is rejected alone (OTLP partial success); an
 * attribute value nested too deep is replaced alone.
 */
export function decodeExportRequest(body: Uint8Array, format: OtlpBodyFormat, origin: string): DecodedExport {
  const data = format === 'protobuf' ? decodeProtobuf(body) : decodeJson(body);
  const checked = checkExportData(data, format);
  if (checked.kind === 'malformed') throw new MalformedExportError(checked.message);
  const rejectedReasons = [...checked.rejected];
  let traces: Trace[] = [];
  let accepted = checked.accepted;
  if (accepted > 0) {
    try {
      traces = parseOtlpJson(checked.data, origin);
    } catch {
      // The checks mirror what the parser refuses; should they ever miss something, the spans are parsed one by
      // one so that only the span the parser refuses is lost.
      const oneByOne = parseSpanBySpan(checked.data, origin);
      traces = oneByOne.traces;
      accepted -= oneByOne.rejected.length;
      rejectedReasons.push(...oneByOne.rejected);
    }
  }
  const rejected = rejectedReasons.length;
  const parts: string[] = [];
  if (rejected > 0) parts.push(`rejected ${rejected} invalid span${rejected === 1 ? '' : 's'}: ${listed(rejectedReasons)}`);
  const dropped = checked.droppedValues.length;
  if (dropped > 0) {
    parts.push(`replaced ${dropped} attribute value${dropped === 1 ? '' : 's'} nested deeper than ${MAX_VALUE_NESTING} levels by a note (the spans were kept): ${listed(checked.droppedValues)}`);
  }
  return { traces, acceptedSpans: accepted, rejectedSpans: rejected, droppedValues: dropped, errorMessage: parts.join('; ') };
}

function listed(findings: readonly SpanFinding[]): string {
  const more = findings.length > MAX_REASONS ? ` (and ${findings.length - MAX_REASONS} more)` : '';
  return `${findings.slice(0, MAX_REASONS).join('; ')}${more}`;
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

/** Each span parsed on its own, with its resource and scope; the ones the parser refuses are listed. */
function parseSpanBySpan(data: OtlpTracesData, origin: string): { traces: Trace[]; rejected: SpanFinding[] } {
  const traces: Trace[] = [];
  const rejected: SpanFinding[] = [];
  for (const rs of data.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        try {
          traces.push(...parseOtlpJson({ resourceSpans: [{ ...rs, scopeSpans: [{ ...ss, spans: [span] }] }] }, origin));
        } catch (e) {
          rejected.push(`${describeSpan(span)} could not be read: ${escapeControlChars(describeError(e).slice(0, 300))}`);
        }
      }
    }
  }
  return { traces, rejected };
}
