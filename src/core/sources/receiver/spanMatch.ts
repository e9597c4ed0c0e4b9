import type { Attribute, Span } from '../../model/trace';
import { SpanKind, SpanStatusCode } from '../../model/trace';

/** Jaeger's names for span kinds, as `/api/operations` reports them. */
export function spanKindName(kind: SpanKind | undefined): string {
  switch (kind) {
    case SpanKind.SERVER:
      return 'server';
    case SpanKind.CLIENT:
      return 'client';
    case SpanKind.PRODUCER:
      return 'producer';
    case SpanKind.CONSUMER:
      return 'consumer';
    case SpanKind.INTERNAL:
      return 'internal';
    default:
      return '';
  }
}

/** The filters of a TraceQuery that apply to one span (Jaeger matches all of them on the same span). */
export interface SpanFilter {
  readonly service?: string;
  readonly operation?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly minDurationUs?: number;
  readonly maxDurationUs?: number;
  readonly startUs: number;
  readonly endUs: number;
}

export function spanMatches(span: Span, filter: SpanFilter): boolean {
  if (filter.service && span.service !== filter.service) return false;
  if (filter.operation && span.name !== filter.operation) return false;
  if (span.startTimeUs < filter.startUs || span.startTimeUs > filter.endUs) return false;
  if (filter.minDurationUs !== undefined && span.durationUs < filter.minDurationUs) return false;
  if (filter.maxDurationUs !== undefined && span.durationUs > filter.maxDurationUs) return false;
  if (filter.tags) {
    for (const key of Object.keys(filter.tags)) {
      if (!spanHasTag(span, key, filter.tags[key]!)) return false;
    }
  }
  return true;
}

/**
 * Like Jaeger's tag search: a span has a tag when its own attributes, its resource (process) attributes or one of
 * its events (logs) carry it, or when it is one of the tags Jaeger derives from OTLP fields (error, span.kind,
 * otel.status_code, otel.status_description, otel.scope.name, otel.scope.version). Values compare as text.
 */
export function spanHasTag(span: Span, key: string, value: string): boolean {
  const derived = derivedTag(span, key);
  if (derived !== undefined && derived === value) return true;
  if (hasAttribute(span.attributes, key, value) || hasAttribute(span.resource, key, value)) return true;
  if (key === 'service.name' && span.service === value) return true;
  for (const event of span.events) {
    if (hasAttribute(event.attributes, key, value)) return true;
    if (key === 'event' && event.name === value) return true;
  }
  return false;
}

function derivedTag(span: Span, key: string): string | undefined {
  switch (key) {
    case 'error':
      return span.error ? 'true' : undefined;
    case 'span.kind':
      return spanKindName(span.kind) || undefined;
    case 'otel.status_code':
      return span.status.code === SpanStatusCode.ERROR ? 'ERROR' : span.status.code === SpanStatusCode.OK ? 'OK' : undefined;
    case 'otel.status_description':
      return span.status.message || undefined;
    case 'otel.scope.name':
      return span.scope?.name;
    case 'otel.scope.version':
      return span.scope?.version;
    default:
      return undefined;
  }
}

function hasAttribute(attributes: readonly Attribute[], key: string, value: string): boolean {
  for (const a of attributes) {
    if (a.key === key && String(a.value) === value) return true;
  }
  return false;
}
