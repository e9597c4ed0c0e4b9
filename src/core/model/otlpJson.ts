import type { Trace } from './trace';
import { SpanLensError } from '../errors';

export interface OtlpAnyValue {
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly intValue?: string | number;
  readonly doubleValue?: number;
  readonly bytesValue?: string;
  readonly arrayValue?: { readonly values?: readonly OtlpAnyValue[] };
  readonly kvlistValue?: { readonly values?: readonly OtlpKeyValue[] };
}
export interface OtlpKeyValue {
  readonly key: string;
  readonly value?: OtlpAnyValue;
}
export interface OtlpEvent {
  readonly timeUnixNano: string;
  readonly name: string;
  readonly attributes?: readonly OtlpKeyValue[];
}
export interface OtlpLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceState?: string;
  readonly attributes?: readonly OtlpKeyValue[];
  readonly flags?: number;
}
export interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceState?: string;
  readonly parentSpanId?: string;
  readonly flags?: number;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes?: readonly OtlpKeyValue[];
  readonly events?: readonly OtlpEvent[];
  readonly links?: readonly OtlpLink[];
  readonly status?: { readonly code?: number; readonly message?: string };
}
export interface OtlpScopeSpans {
  readonly scope?: { readonly name?: string; readonly version?: string; readonly attributes?: readonly OtlpKeyValue[] };
  readonly spans: readonly OtlpSpan[];
}
export interface OtlpResourceSpans {
  readonly resource: { readonly attributes: readonly OtlpKeyValue[] };
  readonly scopeSpans: readonly OtlpScopeSpans[];
}
export interface OtlpTracesData {
  readonly resourceSpans: readonly OtlpResourceSpans[];
}

/** Parses OTLP/JSON TracesData (also `{result:{resourceSpans}}` from api/v3); one Trace per trace id. */
export function parseOtlpJson(json: unknown, origin: string): Trace[] {
  throw new SpanLensError('malformed-file', `${origin}: OTLP JSON parser not ready yet (${typeof json})`);
}

export function toOtlpTracesData(traces: readonly Trace[]): OtlpTracesData {
  throw new SpanLensError('bad-input', `OTLP serializer not ready yet (${traces.length})`);
}
