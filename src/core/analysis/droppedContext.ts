// Calls whose trace context was dropped by a caller that records no span for the call (an uninstrumented HTTP
// client such as Node's fetch without its instrumentation, a hand-written socket call). Propagation-gap analysis
// (propagation.ts) starts from the caller's CLIENT span; here there is none, so the evidence is on the callee's
// side: a SERVER/CONSUMER span that starts a trace of its own, in a service that other calls reach with context,
// while a span of another service (in another trace) is running around it. The innermost such span is the likely
// caller; when the same caller surrounds most of an operation's context-less entries, the finding is `likely`.
import { SpanKind, type Span, type Trace } from '../model/trace';
import { spanEndUs } from './spanTree';

export interface DroppedContextFinding {
  /** The callee's entry operation that starts traces of its own. */
  readonly service: string;
  readonly operation: string;
  /** Entries of that operation without a parent. */
  readonly entryCount: number;
  /** The span most often running around them, of another service in another trace. */
  readonly callerService: string;
  readonly callerOperation: string;
  /** Entries that caller surrounded. */
  readonly matchedCount: number;
  /** `likely`: at least two entries and most of them surrounded by the same caller; `possible` otherwise. */
  readonly confidence: 'likely' | 'possible';
  readonly exampleEntry: { readonly traceId: string; readonly spanId: string };
  readonly exampleCaller: { readonly traceId: string; readonly spanId: string };
}

export interface DroppedContextOptions {
  /** Slack around the caller's interval for clocks of different processes (µs, default 1000). */
  readonly slackUs?: number;
  /** Share of entries the caller must surround for `likely` (default 0.6). */
  readonly minShare?: number;
}

interface Candidate {
  readonly span: Span;
  readonly start: number;
  readonly end: number;
}

/**
 * Entry spans of `entryTraces` that start a trace without context, grouped by operation, each with the caller that
 * most often surrounds them among the spans of `candidateTraces` (the traces that may have made the calls). Both
 * sets together show which services are normally called with context.
 */
export function findDroppedContext(entryTraces: readonly Trace[], candidateTraces: readonly Trace[], options: DroppedContextOptions = {}): DroppedContextFinding[] {
  const slack = options.slackUs ?? 1000;
  const minShare = options.minShare ?? 0.6;
  const all = dedupe([...entryTraces, ...candidateTraces]);
  // Services that receive calls with context somewhere: a SERVER/CONSUMER span whose parent is another service's.
  const calledWithContext = new Set<string>();
  for (const t of all) {
    const byId = new Map(t.spans.map((s) => [s.spanId, s]));
    for (const s of t.spans) {
      if ((s.kind === SpanKind.SERVER || s.kind === SpanKind.CONSUMER) && s.parentSpanId !== undefined) {
        const parent = byId.get(s.parentSpanId);
        if (parent && parent.service !== s.service) calledWithContext.add(s.service);
      }
    }
  }
  // Callers come from `candidateTraces` only, and are never CLIENT/PRODUCER spans: a call made through a client span
  // either carried the context or is a propagation gap of that span (propagation.ts), not an uninstrumented call.
  const candidates: Candidate[] = [];
  for (const t of candidateTraces) {
    for (const s of t.spans) if (s.kind !== SpanKind.CLIENT && s.kind !== SpanKind.PRODUCER) candidates.push({ span: s, start: s.startTimeUs, end: spanEndUs(s) });
  }
  candidates.sort((a, b) => a.start - b.start);

  const groups = new Map<string, { service: string; operation: string; entries: number; callers: Map<string, { service: string; operation: string; count: number; entry: Span; caller: Span }> }>();
  const seenEntries = new Set<string>();
  for (const t of entryTraces) {
    for (const entry of t.spans) {
      if (entry.parentSpanId !== undefined || (entry.kind !== SpanKind.SERVER && entry.kind !== SpanKind.CONSUMER)) continue;
      if (!calledWithContext.has(entry.service)) continue;
      const key = `${entry.traceId}:${entry.spanId}`;
      if (seenEntries.has(key)) continue;
      seenEntries.add(key);
      const gkey = `${entry.service}\u0000${entry.name}`;
      let g = groups.get(gkey);
      if (!g) {
        g = { service: entry.service, operation: entry.name, entries: 0, callers: new Map() };
        groups.set(gkey, g);
      }
      g.entries++;
      const caller = innermostAround(candidates, entry, slack);
      if (!caller) continue;
      const ckey = `${caller.service}\u0000${caller.name}`;
      const c = g.callers.get(ckey);
      if (c) c.count++;
      else g.callers.set(ckey, { service: caller.service, operation: caller.name, count: 1, entry, caller });
    }
  }
  const out: DroppedContextFinding[] = [];
  for (const g of groups.values()) {
    let best: { service: string; operation: string; count: number; entry: Span; caller: Span } | undefined;
    for (const c of g.callers.values()) if (!best || c.count > best.count) best = c;
    if (!best) continue;
    const likely = best.count >= 2 && best.count / g.entries >= minShare;
    // Several context-less entries with no consistent caller: concurrency, not evidence.
    if (!likely && g.entries > 1) continue;
    out.push({
      service: g.service,
      operation: g.operation,
      entryCount: g.entries,
      callerService: best.service,
      callerOperation: best.operation,
      matchedCount: best.count,
      confidence: likely ? 'likely' : 'possible',
      exampleEntry: { traceId: best.entry.traceId, spanId: best.entry.spanId },
      exampleCaller: { traceId: best.caller.traceId, spanId: best.caller.spanId },
    });
  }
  return out.sort((a, b) => (a.confidence === b.confidence ? b.matchedCount - a.matchedCount : a.confidence === 'likely' ? -1 : 1));
}

function dedupe(traces: readonly Trace[]): Trace[] {
  const seen = new Set<string>();
  return traces.filter((t) => (seen.has(t.traceId) ? false : (seen.add(t.traceId), true)));
}

/** The shortest span of another service in another trace whose interval holds the entry's. */
function innermostAround(candidates: readonly Candidate[], entry: Span, slack: number): Span | undefined {
  const start = entry.startTimeUs;
  const end = spanEndUs(entry);
  // Candidates start at or before the entry (with slack): binary search for the first that starts after.
  let hi = candidates.length;
  let lo = 0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (candidates[mid]!.start <= start + slack) lo = mid + 1;
    else hi = mid;
  }
  let best: Candidate | undefined;
  for (let i = lo - 1; i >= 0; i--) {
    const c = candidates[i]!;
    if (c.end + slack < end || c.span.traceId === entry.traceId || c.span.service === entry.service) continue;
    if (!best || c.end - c.start < best.end - best.start) best = c;
  }
  return best?.span;
}
