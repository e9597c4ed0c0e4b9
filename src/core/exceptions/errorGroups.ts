// Groups of errors: the exception type, the message with its run-time parts replaced, and the innermost frame in
// the workspace (for an error status without an exception: the service and operation instead). Each group counts
// its spans and its traces, knows when it was first and last seen, where it came from, its trend over the window
// and two example traces (the slowest and the latest).
import { createHash } from 'node:crypto';
import type { Trace } from '../model/trace';
import type { ExceptionOccurrence } from './exceptionOccurrences';
import { occurrencesOf } from './exceptionOccurrences';
import { isLibraryFrame } from './libraryFrames';
import { normalizeMessage } from './normalizeMessage';
import type { StackRuntime } from './stackTypes';
import type { WorkspaceFrame } from './workspaceFrames';

/** Where a group's errors are thrown. */
export interface ErrorLocation {
  /** A workspace file (absolute) when `inWorkspace`, else the path the stack recorded. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly function: string;
  readonly inWorkspace: boolean;
  /** The recorded place, when a mapping or a source map moved it. */
  readonly recordedFile?: string;
  readonly recordedLine?: number;
}

export interface ErrorExample {
  readonly traceId: string;
  readonly spanId: string;
  readonly service: string;
  readonly operation: string;
  readonly timeUs: number;
  readonly traceDurationUs: number;
}

export interface ErrorGroup {
  /** Stable for the same key: 12 hex digits. */
  readonly id: string;
  readonly kind: 'exception' | 'status';
  /** `exception.type`; '' for an error status. */
  readonly type: string;
  /** Normalised. */
  readonly message: string;
  /** The latest message as recorded (untrusted text: sanitise before showing). */
  readonly exampleMessage: string;
  readonly location: ErrorLocation | undefined;
  readonly runtime: StackRuntime | undefined;
  readonly spanCount: number;
  readonly traceCount: number;
  readonly firstSeenUs: number;
  readonly lastSeenUs: number;
  readonly services: readonly string[];
  /** Most frequent first, at most MAX_OPERATIONS. */
  readonly operations: readonly { readonly service: string; readonly operation: string; readonly count: number }[];
  /** True when any occurrence said `exception.escaped=true`, false when all said false, undefined when none said. */
  readonly escaped: boolean | undefined;
  /** Occurrences per bucket of the window, oldest first. */
  readonly trend: readonly number[];
  readonly slowest: ErrorExample;
  readonly latest: ErrorExample;
  /** The chain behind the exception (`Caused by:`, `__cause__`), type and normalised message, nearest first. */
  readonly causes: readonly { readonly type: string; readonly message: string; readonly relation: string }[];
}

export interface GroupingOptions {
  /** Window of the trend, Unix µs; default: the occurrences' own extent. */
  readonly windowStartUs?: number;
  readonly windowEndUs?: number;
  /** Trend buckets; default 12. */
  readonly buckets?: number;
  /** The innermost workspace frame of an occurrence's stack (the caller does the file lookups); default none. */
  readonly locate?: (occurrence: ExceptionOccurrence) => Promise<WorkspaceFrame | undefined>;
}

export const MAX_OPERATIONS = 5;
const MAX_CAUSES = 3;

interface Builder {
  readonly key: string;
  readonly first: ExceptionOccurrence;
  location: ErrorLocation | undefined;
  spans: number;
  readonly traces: Set<string>;
  firstSeenUs: number;
  latest: ExceptionOccurrence;
  slowest: ExceptionOccurrence;
  readonly services: Set<string>;
  readonly operations: Map<string, { service: string; operation: string; count: number }>;
  escapedTrue: number;
  escapedFalse: number;
  readonly times: number[];
}

/** The innermost frame that is not a library's, as recorded: where the error came from when the workspace has no copy. */
function recordedLocation(o: ExceptionOccurrence): ErrorLocation | undefined {
  const stack = o.stack;
  if (!stack) return undefined;
  const frame = stack.exception.frames.find((f) => !isLibraryFrame(f, stack.runtime)) ?? stack.exception.frames[0];
  return frame ? { file: frame.file, line: frame.line, function: frame.function, inWorkspace: false } : undefined;
}

function keyOf(o: ExceptionOccurrence, location: ErrorLocation | undefined): string {
  if (o.kind === 'status') return ['status', o.service, o.operation, o.normalizedMessage].join('\u0000');
  return ['exception', o.type, o.normalizedMessage, location ? `${location.file}:${location.line}` : ''].join('\u0000');
}

function groupId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

function example(o: ExceptionOccurrence): ErrorExample {
  return { traceId: o.traceId, spanId: o.spanId, service: o.service, operation: o.operation, timeUs: o.timeUs, traceDurationUs: o.traceDurationUs };
}

/** Groups the occurrences; most traces first, then most spans, then the most recent. */
export async function groupOccurrences(occurrences: readonly ExceptionOccurrence[], options: GroupingOptions = {}): Promise<ErrorGroup[]> {
  const builders = new Map<string, Builder>();
  for (const o of occurrences) {
    let location: ErrorLocation | undefined;
    if (o.kind === 'exception') {
      const placed = o.stack && options.locate ? await options.locate(o) : undefined;
      location = placed
        ? {
            file: placed.file,
            line: placed.line,
            function: placed.function,
            inWorkspace: true,
            ...(placed.file !== placed.recorded.file || placed.line !== placed.recorded.line ? { recordedFile: placed.recorded.file, recordedLine: placed.recorded.line } : {}),
          }
        : recordedLocation(o);
    }
    const key = keyOf(o, location);
    let b = builders.get(key);
    if (!b) {
      b = { key, first: o, location, spans: 0, traces: new Set(), firstSeenUs: o.timeUs, latest: o, slowest: o, services: new Set(), operations: new Map(), escapedTrue: 0, escapedFalse: 0, times: [] };
      builders.set(key, b);
    }
    b.spans++;
    b.traces.add(o.traceId);
    b.firstSeenUs = Math.min(b.firstSeenUs, o.timeUs);
    if (o.timeUs > b.latest.timeUs) b.latest = o;
    if (o.traceDurationUs > b.slowest.traceDurationUs) b.slowest = o;
    b.services.add(o.service);
    const opKey = `${o.service}\u0000${o.operation}`;
    const op = b.operations.get(opKey) ?? { service: o.service, operation: o.operation, count: 0 };
    op.count++;
    b.operations.set(opKey, op);
    if (o.escaped === true) b.escapedTrue++;
    if (o.escaped === false) b.escapedFalse++;
    b.times.push(o.timeUs);
  }
  const start = options.windowStartUs ?? (occurrences.length > 0 ? occurrences.reduce((m, o) => Math.min(m, o.timeUs), Infinity) : 0);
  const end = options.windowEndUs ?? (occurrences.length > 0 ? occurrences.reduce((m, o) => Math.max(m, o.timeUs), -Infinity) : 0);
  const buckets = Math.max(1, options.buckets ?? 12);
  const groups = [...builders.values()].map((b): ErrorGroup => {
    const trend = new Array<number>(buckets).fill(0);
    const span = end - start;
    for (const t of b.times) {
      const i = span > 0 ? Math.floor(((t - start) / span) * buckets) : buckets - 1;
      trend[Math.min(buckets - 1, Math.max(0, i))]!++;
    }
    const o = b.latest;
    return {
      id: groupId(b.key),
      kind: o.kind,
      type: o.type,
      message: o.normalizedMessage,
      exampleMessage: o.message,
      location: b.location,
      runtime: o.stack?.runtime ?? b.first.stack?.runtime,
      spanCount: b.spans,
      traceCount: b.traces.size,
      firstSeenUs: b.firstSeenUs,
      lastSeenUs: o.timeUs,
      services: [...b.services].sort(),
      operations: [...b.operations.values()].sort((x, y) => y.count - x.count || x.operation.localeCompare(y.operation)).slice(0, MAX_OPERATIONS),
      escaped: b.escapedTrue > 0 ? true : b.escapedFalse > 0 ? false : undefined,
      trend,
      slowest: example(b.slowest),
      latest: example(o),
      causes: (o.stack?.causes ?? []).slice(0, MAX_CAUSES).map((c) => ({ type: c.type, message: normalizeMessage(c.message), relation: c.relation })),
    };
  });
  return groups.sort(
    (a, b) => b.traceCount - a.traceCount || b.spanCount - a.spanCount || (a.kind === b.kind ? 0 : a.kind === 'exception' ? -1 : 1) || b.lastSeenUs - a.lastSeenUs || a.id.localeCompare(b.id),
  );
}

/** Occurrences of many traces, each trace once (a trace found under several services is one trace). */
export function occurrencesOfTraces(traces: Iterable<Trace>, window?: { startUs: number; endUs: number }): ExceptionOccurrence[] {
  const seen = new Set<string>();
  const out: ExceptionOccurrence[] = [];
  for (const t of traces) {
    if (seen.has(t.traceId)) continue;
    seen.add(t.traceId);
    for (const o of occurrencesOf(t)) if (!window || (o.timeUs >= window.startUs && o.timeUs <= window.endUs)) out.push(o);
  }
  return out;
}
