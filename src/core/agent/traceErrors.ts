// The errors of one trace, grouped: spans in error (status ERROR or error=true) and the exceptions recorded on
// them as `exception` events (type, message, stack), one group per service, operation, type and message.
import type { Attribute, Span, Trace } from '../model/trace';

export interface TraceErrorGroup {
  readonly service: string;
  readonly operation: string;
  /** `exception.type`, or '' for an error status without an exception. */
  readonly type: string;
  /** `exception.message`, else the status message (raw: untrusted). */
  readonly message: string;
  /** The stack's first lines (raw: untrusted). */
  readonly stack: readonly string[];
  readonly count: number;
  readonly exampleSpan: Span;
  /** True when the error has an exception event on its own span (not only a status inherited from a child). */
  readonly hasException: boolean;
}

const STACK_LINES = 6;

function attr(attrs: readonly Attribute[], key: string): string | undefined {
  for (const a of attrs) if (a.key === key) return String(a.value);
  return undefined;
}

export function exceptionOf(span: Span): { type: string; message: string; stack: string[] } | undefined {
  for (const e of span.events) {
    if (e.name !== 'exception') continue;
    const stackText = attr(e.attributes, 'exception.stacktrace') ?? '';
    return {
      type: attr(e.attributes, 'exception.type') ?? '',
      message: attr(e.attributes, 'exception.message') ?? '',
      stack: stackText.split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(0, STACK_LINES),
    };
  }
  return undefined;
}

/** Error groups of a trace, exceptions before bare statuses, then by count. Bounded: at most `limit` groups. */
export function traceErrorGroups(trace: Trace, limit = 50): { groups: TraceErrorGroup[]; errorSpans: number } {
  const groups = new Map<string, { g: Omit<TraceErrorGroup, 'count'>; count: number }>();
  let errorSpans = 0;
  for (const span of trace.spans) {
    const ex = exceptionOf(span);
    if (!span.error && !ex) continue;
    if (span.error) errorSpans++;
    const type = ex?.type ?? '';
    const message = ex?.message || span.status.message || '';
    const key = [span.service, span.name, type, message].join('\u0000');
    const found = groups.get(key);
    if (found) found.count++;
    else if (groups.size < 1000) groups.set(key, { g: { service: span.service, operation: span.name, type, message, stack: ex?.stack ?? [], exampleSpan: span, hasException: ex !== undefined }, count: 1 });
  }
  const out = [...groups.values()].map(({ g, count }) => ({ ...g, count }));
  out.sort((a, b) => Number(b.hasException) - Number(a.hasException) || b.count - a.count || a.exampleSpan.startTimeUs - b.exampleSpan.startTimeUs);
  return { groups: out.slice(0, limit), errorSpans };
}
