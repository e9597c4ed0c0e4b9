import { SpanKind, SpanStatusCode, type Attribute, type Span, type SpanLink, type Trace } from '../../src/core/model/trace';

/** A span for a hand-built test trace. Times are µs; ids are used verbatim (readable names are fine in tests). */
export interface SpanSpec {
  readonly id: string;
  readonly parent?: string;
  /** The parent reference is a Jaeger FOLLOWS_FROM. */
  readonly followsFrom?: boolean;
  readonly service?: string;
  readonly name?: string;
  readonly kind?: 'server' | 'client' | 'producer' | 'consumer' | 'internal';
  readonly start: number;
  /** Defaults to 0; pass NaN for a span without a duration. */
  readonly duration?: number;
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
  /** Links/references to spans of the same trace (or `traceId` of another). */
  readonly links?: readonly { readonly spanId: string; readonly kind?: SpanLink['kind']; readonly traceId?: string }[];
  readonly flags?: number;
  readonly error?: boolean;
}

const kinds: Record<NonNullable<SpanSpec['kind']>, SpanKind> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
};

function toAttributes(record: Readonly<Record<string, string | number | boolean>> | undefined): Attribute[] {
  if (!record) return [];
  return Object.entries(record).map(([key, value]) => ({
    key,
    value,
    type: typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? (Number.isInteger(value) ? 'int64' : 'float64') : 'string',
  }));
}

/** One span built from a spec, for tests that need a bare Span. */
export function makeSpan(spec: SpanSpec, traceId = 'trace-1'): Span {
  return {
    traceId,
    spanId: spec.id,
    parentSpanId: spec.parent,
    ...(spec.followsFrom && spec.parent !== undefined ? { parentRefType: 'follows_from' as const } : {}),
    service: spec.service ?? 'svc',
    resource: [],
    name: spec.name ?? spec.id,
    kind: spec.kind === undefined ? undefined : kinds[spec.kind],
    startTimeUs: spec.start,
    durationUs: spec.duration ?? 0,
    status: { code: spec.error ? SpanStatusCode.ERROR : SpanStatusCode.UNSET },
    error: spec.error ?? false,
    attributes: toAttributes(spec.attributes),
    events: [],
    links: (spec.links ?? []).map((l) => ({ traceId: l.traceId ?? traceId, spanId: l.spanId, kind: l.kind ?? 'link', attributes: [] })),
    ...(spec.flags === undefined ? {} : { flags: spec.flags }),
    orphan: false,
    warnings: [],
  };
}

/** A Trace from specs: spans sorted by start (stable), `orphan` set where the parent is not among them. */
export function buildTrace(specs: readonly SpanSpec[], traceId = 'trace-1'): Trace {
  const spans = specs.map((s) => makeSpan(s, traceId));
  const ids = new Set(spans.map((s) => s.spanId));
  for (const s of spans) s.orphan = s.parentSpanId !== undefined && !ids.has(s.parentSpanId);
  const sorted = spans.map((s, i) => ({ s, i })).sort((a, b) => a.s.startTimeUs - b.s.startTimeUs || a.i - b.i).map((x) => x.s);
  return { traceId, spans: sorted, warnings: [] };
}
