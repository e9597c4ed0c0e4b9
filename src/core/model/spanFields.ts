import type { Attribute, Span, SpanEvent, SpanLink, SpanStatus } from './trace';
import { SpanStatusCode } from './trace';
import type { SpanKind } from './trace';

// Read once: the enum comes through a re-export, and this runs for every span.
const STATUS_ERROR = SpanStatusCode.ERROR;

/** What a parser knows about one span; `makeSpan` turns it into a Span with a stable key set. */
export interface SpanFields {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly parentRefType?: 'follows_from' | undefined;
  readonly service: string;
  readonly resource: readonly Attribute[];
  readonly name: string;
  readonly kind: SpanKind | undefined;
  readonly startTimeUs: number;
  readonly durationUs: number;
  readonly status: SpanStatus;
  /** True when the source marks the span as failed some other way than the status (e.g. `error=true`). */
  readonly errorTag?: boolean;
  readonly attributes: readonly Attribute[];
  readonly events: readonly SpanEvent[];
  readonly links: readonly SpanLink[];
  readonly scope?: Span['scope'] | undefined;
  readonly traceState?: string | undefined;
  readonly flags?: number | undefined;
  readonly warnings?: readonly string[];
}

/**
 * Builds a Span, leaving optional keys out rather than setting them to undefined, so spans from different formats
 * compare equal with a deep-equality check when they carry the same data.
 */
export function makeSpan(f: SpanFields): Span {
  const span: { -readonly [K in keyof Span]: Span[K] } = {
    traceId: f.traceId,
    spanId: f.spanId,
    parentSpanId: f.parentSpanId,
    service: f.service,
    resource: f.resource,
    name: f.name,
    kind: f.kind,
    startTimeUs: f.startTimeUs,
    durationUs: f.durationUs,
    status: f.status,
    error: f.status.code === STATUS_ERROR || f.errorTag === true,
    attributes: f.attributes,
    events: f.events,
    links: f.links,
    orphan: false,
    warnings: f.warnings ? [...f.warnings] : [],
  };
  if (f.parentRefType !== undefined && f.parentSpanId !== undefined) span.parentRefType = f.parentRefType;
  if (f.scope !== undefined) span.scope = f.scope;
  if (f.traceState !== undefined && f.traceState !== '') span.traceState = f.traceState;
  if (f.flags !== undefined) span.flags = f.flags;
  return span;
}

/** A status without an undefined `message` key. */
export function makeStatus(code: SpanStatus['code'], message: string | undefined): SpanStatus {
  return message === undefined || message === '' ? { code } : { code, message };
}
