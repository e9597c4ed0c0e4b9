import { SpanKind, SpanStatusCode } from '@opentelemetry/api';

export { SpanKind, SpanStatusCode };

/** Attribute types as Jaeger's v1 API names them, plus OTLP's composite values. */
export type AttributeType = 'string' | 'bool' | 'int64' | 'float64' | 'binary' | 'array' | 'kvlist';

/**
 * One typed key/value. `int64` values beyond 2^53 stay strings so no digit is lost; `binary` is base64;
 * `array`/`kvlist` carry their JSON text.
 */
export interface Attribute {
  readonly key: string;
  readonly type: AttributeType;
  readonly value: string | number | boolean;
}

export interface SpanEvent {
  /** Unix time in microseconds. */
  readonly timeUs: number;
  readonly name: string;
  readonly attributes: readonly Attribute[];
}

/** A reference to another span: Jaeger's FOLLOWS_FROM (or a non-first CHILD_OF) and OTLP links. */
export interface SpanLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly kind: 'child_of' | 'follows_from' | 'link';
  readonly attributes: readonly Attribute[];
  /** W3C tracestate of the linked span context, where the source carried one (OTLP). */
  readonly traceState?: string;
}

export interface SpanStatus {
  readonly code: SpanStatusCode;
  readonly message?: string;
}

export interface Span {
  /** Lowercase hex, left-padded to 32. */
  readonly traceId: string;
  /** Lowercase hex, left-padded to 16. */
  readonly spanId: string;
  /** Lowercase hex, left-padded to 16; undefined for a root. */
  readonly parentSpanId: string | undefined;
  /**
   * Set only when the parent came from a Jaeger FOLLOWS_FROM reference (Jaeger takes one as the parent when a span
   * has no CHILD_OF reference): the parent did not wait for this span.
   */
  readonly parentRefType?: 'follows_from';
  readonly service: string;
  /** Resource (Jaeger: process) attributes, without service.name. */
  readonly resource: readonly Attribute[];
  readonly name: string;
  /** Undefined where the source did not say (e.g. Zipkin spans without kind, Jaeger spans without span.kind). */
  readonly kind: SpanKind | undefined;
  /** Unix time in microseconds (integer part exact; ns sources keep a fraction where a double can hold it). */
  readonly startTimeUs: number;
  /** Duration in microseconds; may carry a fraction from ns sources. */
  readonly durationUs: number;
  readonly status: SpanStatus;
  /** True when the status is ERROR or the span carries an `error=true` tag. */
  readonly error: boolean;
  readonly attributes: readonly Attribute[];
  readonly events: readonly SpanEvent[];
  readonly links: readonly SpanLink[];
  readonly scope?: {
    readonly name: string;
    readonly version?: string;
    /** OTLP instrumentation scope attributes; absent when there are none. */
    readonly attributes?: readonly Attribute[];
  };
  /** W3C tracestate (OTLP `traceState`, Jaeger tag `w3c.tracestate`), where the source carried one. */
  readonly traceState?: string;
  /** W3C trace flags / Jaeger flags where known (bit 0 = sampled). */
  readonly flags?: number;
  /** True when parentSpanId names a span that is not in the trace. */
  orphan: boolean;
  /** Per-span warnings (the source's own, plus ours: orphan, clock skew, duplicate). */
  readonly warnings: string[];
}

export type TraceWarningKind = 'orphan' | 'duplicate-span' | 'clock-skew' | 'negative-duration' | 'multiple-roots' | 'source';

export interface TraceWarning {
  readonly kind: TraceWarningKind;
  readonly spanId?: string;
  readonly message: string;
}

export interface Trace {
  readonly traceId: string;
  /** Spans sorted by start time (stable for equal starts). */
  readonly spans: readonly Span[];
  readonly warnings: readonly TraceWarning[];
}
