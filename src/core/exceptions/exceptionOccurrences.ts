// The errors a trace carries, one occurrence per exception event (`exception.type`, `exception.message`,
// `exception.stacktrace`, `exception.escaped`) and one per error span without such an event (its status message,
// else its HTTP or RPC status). The same exception recorded again on the spans it passed through on its way up
// (recordException + rethrow at every level) is kept once, on the deepest span.
import type { Attribute, Span, Trace } from '../model/trace';
import { normalizeMessage } from './normalizeMessage';
import { parseStackTrace, runtimeOfSdkLanguage } from './parseStack';
import type { ParsedStack } from './stackTypes';

export interface ExceptionOccurrence {
  readonly kind: 'exception' | 'status';
  readonly traceId: string;
  readonly spanId: string;
  readonly service: string;
  readonly operation: string;
  /** When it happened: the event's time, or the span's end for a status. Unix µs. */
  readonly timeUs: number;
  /** The trace's extent (first start to last end) in µs: "slowest example" compares these. */
  readonly traceDurationUs: number;
  /** Depth of the span in its trace (root 0). */
  readonly depth: number;
  /** `exception.type` ('' for a status without one). */
  readonly type: string;
  /** As recorded (control characters and all: sanitise before showing). */
  readonly message: string;
  readonly normalizedMessage: string;
  readonly stack: ParsedStack | undefined;
  /** `exception.escaped`, where recorded. */
  readonly escaped: boolean | undefined;
}

/** Most occurrences read from one trace; a trace with a failing loop of 100,000 spans is counted, not stored. */
export const MAX_OCCURRENCES_PER_TRACE = 500;

function attr(attrs: readonly Attribute[], key: string): Attribute['value'] | undefined {
  for (const a of attrs) if (a.key === key) return a.value;
  return undefined;
}

function text(attrs: readonly Attribute[], key: string): string | undefined {
  const v = attr(attrs, key);
  return v === undefined ? undefined : String(v);
}

/** A status-only error in words: its status message, else what the protocol said. */
function statusMessage(span: Span): string {
  if (span.status.message) return span.status.message;
  const http = text(span.attributes, 'http.response.status_code') ?? text(span.attributes, 'http.status_code');
  if (http) return `HTTP ${http}`;
  const grpc = text(span.attributes, 'rpc.grpc.status_code');
  if (grpc) return `gRPC status ${grpc}`;
  const errorType = text(span.attributes, 'error.type');
  if (errorType) return errorType;
  return 'no status message';
}

function depths(spans: readonly Span[]): Map<string, number> {
  const parent = new Map(spans.map((s) => [s.spanId, s.parentSpanId]));
  const out = new Map<string, number>();
  const depthOf = (id: string): number => {
    const known = out.get(id);
    if (known !== undefined) return known;
    // Iterative walk: a 100,000-deep chain must not overflow the stack; cycles stop at the span count.
    const chain: string[] = [];
    let cur: string | undefined = id;
    let base = -1;
    while (cur !== undefined && parent.has(cur) && chain.length <= spans.length) {
      const d = out.get(cur);
      if (d !== undefined) {
        base = d;
        break;
      }
      chain.push(cur);
      cur = parent.get(cur);
    }
    for (let i = chain.length - 1; i >= 0; i--) out.set(chain[i]!, ++base);
    return out.get(id)!;
  };
  for (const s of spans) depthOf(s.spanId);
  return out;
}

/** The innermost frame of the exception itself: rethrows up the stack keep it, wrappers do not. */
function origin(stack: ParsedStack | undefined): string {
  const f = stack?.exception.frames[0];
  return f ? `${f.file}:${f.line}` : '';
}

export function occurrencesOf(trace: Trace): ExceptionOccurrence[] {
  if (trace.spans.length === 0) return [];
  let first = Infinity;
  let last = -Infinity;
  for (const s of trace.spans) {
    first = Math.min(first, s.startTimeUs);
    last = Math.max(last, s.startTimeUs + s.durationUs);
  }
  const traceDurationUs = last - first;
  const depthOf = depths(trace.spans);
  const found: ExceptionOccurrence[] = [];
  for (const span of trace.spans) {
    if (found.length >= MAX_OCCURRENCES_PER_TRACE) break;
    const base = { traceId: trace.traceId, spanId: span.spanId, service: span.service, operation: span.name, traceDurationUs, depth: depthOf.get(span.spanId) ?? 0 };
    let hadEvent = false;
    for (const event of span.events) {
      const type = text(event.attributes, 'exception.type');
      const message = text(event.attributes, 'exception.message');
      if (event.name !== 'exception' && type === undefined && message === undefined) continue;
      hadEvent = true;
      const stackText = text(event.attributes, 'exception.stacktrace');
      const stack = stackText ? parseStackTrace(stackText, runtimeOfSdkLanguage(text(span.resource, 'telemetry.sdk.language'))) : undefined;
      const escaped = attr(event.attributes, 'exception.escaped');
      found.push({
        ...base,
        kind: 'exception',
        timeUs: event.timeUs,
        type: type ?? stack?.exception.type ?? '',
        message: message ?? stack?.exception.message ?? '',
        normalizedMessage: normalizeMessage(message ?? stack?.exception.message ?? ''),
        stack,
        escaped: escaped === undefined ? undefined : escaped === true || escaped === 'true',
      });
    }
    if (!hadEvent && span.error) {
      const message = statusMessage(span);
      found.push({
        ...base,
        kind: 'status',
        timeUs: span.startTimeUs + span.durationUs,
        type: '',
        message,
        normalizedMessage: normalizeMessage(message),
        stack: undefined,
        escaped: undefined,
      });
    }
  }
  return dropRethrows(trace, found);
}

/**
 * Drops an exception occurrence when a descendant span of the same trace has the same one (same type, message and
 * origin frame): it was recorded again while it travelled up. The deepest span keeps it.
 */
function dropRethrows(trace: Trace, found: readonly ExceptionOccurrence[]): ExceptionOccurrence[] {
  const exceptions = found.filter((o) => o.kind === 'exception');
  if (exceptions.length < 2) return [...found];
  const parent = new Map(trace.spans.map((s) => [s.spanId, s.parentSpanId]));
  const identity = (o: ExceptionOccurrence): string => `${o.type}\u0000${o.message}\u0000${origin(o.stack)}`;
  const spansById = new Map<string, Set<string>>();
  for (const o of exceptions) {
    const set = spansById.get(identity(o)) ?? new Set<string>();
    set.add(o.spanId);
    spansById.set(identity(o), set);
  }
  // For each identity seen on several spans: the spans that are an ancestor of another one carrying it.
  const ancestorsWithCopy = new Set<string>();
  for (const [id, spans] of spansById) {
    if (spans.size < 2) continue;
    for (const spanId of spans) {
      let cur = parent.get(spanId);
      for (let hops = 0; cur !== undefined && hops <= trace.spans.length; hops++) {
        if (spans.has(cur)) ancestorsWithCopy.add(`${id}\u0000${cur}`);
        cur = parent.get(cur);
      }
    }
  }
  return found.filter((o) => o.kind !== 'exception' || !ancestorsWithCopy.has(`${identity(o)}\u0000${o.spanId}`));
}
