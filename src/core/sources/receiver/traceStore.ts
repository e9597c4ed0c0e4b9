import type { Attribute, Span, Trace } from '../../model/trace';
import type { OperationInfo, TraceQuery, TraceSummary } from '../traceSource';
import { assembleTrace } from '../../model/assemble';
import { summarizeTrace } from '../../model/summary';
import { type SpanFilter, spanKindName, spanMatches } from './spanMatch';

export interface TraceStoreLimits {
  /** Most spans kept; the least recently written traces go first. Default 500,000. */
  readonly maxSpans?: number;
  /** Most bytes kept, by our per-span estimate (see estimateSpanBytes). Default 1 GiB. */
  readonly maxBytes?: number;
}

export const DEFAULT_MAX_SPANS = 500_000;
/**
 * Big enough that the span cap is the one that binds for ordinary spans: the receiver benchmark's spans (a
 * server root and client/internal children with 4–6 attributes, as the Node SDK writes them) take about 1.2 KB of
 * heap each (the estimate is within 5% of that), so 500,000 of them take about 600 MB; 1 GiB holds 500,000 spans
 * of up to 2 KiB. It stays a cap, so a flood of huge spans cannot take the extension host's memory.
 */
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

/** Figures for a status bar tooltip and the health line. Counters grow for the store's lifetime. */
export interface TraceStoreStats {
  readonly traces: number;
  readonly spans: number;
  readonly bytesEstimate: number;
  readonly maxSpans: number;
  readonly maxBytes: number;
  /** Spans accepted into the store. */
  readonly spansStored: number;
  /** Spans removed again to stay within the caps. */
  readonly spansEvicted: number;
  /** Spans never stored because one trace alone exceeded a cap. */
  readonly spansDropped: number;
  /** Spans that arrived again with a span id the trace already had (exporter retries). */
  readonly spansDuplicate: number;
  /** Invalid spans turned away by the receiver (partial success). */
  readonly spansRejected: number;
  /** Attribute values replaced by a note because they nested too deep (their spans were kept). */
  readonly valuesDropped: number;
}

/** What one `add` did. */
export interface AddResult {
  readonly stored: number;
  readonly duplicates: number;
  readonly evicted: number;
  readonly dropped: number;
}

interface TraceEntry {
  readonly traceId: string;
  readonly spans: Span[];
  readonly spanIds: Set<string>;
  bytes: number;
  minStartUs: number;
  maxStartUs: number;
  /** Assembled on first read after a write: batches of one trace arrive separately. */
  assembled: Trace | undefined;
  summary: TraceSummary | undefined;
}

interface OperationEntry {
  readonly name: string;
  readonly spanKind: string;
  readonly traceIds: Set<string>;
}

// Measured with V8 on Node 20 (scripts/bench/receiver.bench.ts prints the estimate beside the measured heap):
// a span object with its ids, arrays and index entries; each attribute object with its key and value strings
// (one byte per character for the usual one-byte strings); a trace entry with its maps and sets.
const TRACE_BASE_BYTES = 560;
const SPAN_BASE_BYTES = 500;
const ATTRIBUTE_BASE_BYTES = 108;
const EVENT_BASE_BYTES = 150;
const LINK_BASE_BYTES = 150;

/**
 * A rough count of the heap a stored span holds: fixed object overhead plus its own strings. Resource attributes
 * are shared by the spans of a batch and not counted per span; the trace's own overhead is counted once per trace.
 */
export function estimateSpanBytes(span: Span): number {
  let bytes = SPAN_BASE_BYTES + span.name.length;
  bytes += attributesBytes(span.attributes);
  for (const e of span.events) bytes += EVENT_BASE_BYTES + e.name.length + attributesBytes(e.attributes);
  for (const l of span.links) bytes += LINK_BASE_BYTES + attributesBytes(l.attributes);
  for (const w of span.warnings) bytes += 40 + w.length;
  return bytes;
}

function attributesBytes(attributes: readonly Attribute[]): number {
  let bytes = 0;
  for (const a of attributes) {
    bytes += ATTRIBUTE_BASE_BYTES + a.key.length + (typeof a.value === 'string' ? a.value.length : 0);
  }
  return bytes;
}

/**
 * Traces held in memory, bounded by span count and estimated bytes, indexed by service and operation, searchable
 * with TraceQuery semantics. Spans of one trace may arrive over many `add` calls; they merge into one entry and
 * the trace is re-assembled when next read. Pure: no I/O, no timers.
 */
export class TraceStore {
  readonly maxSpans: number;
  readonly maxBytes: number;
  /** Insertion order is write order: the first entry is the least recently written trace. */
  private readonly entries = new Map<string, TraceEntry>();
  private readonly byService = new Map<string, Set<string>>();
  private readonly operationsByService = new Map<string, Map<string, OperationEntry>>();
  private readonly listeners = new Set<() => void>();
  private spanCount = 0;
  private bytes = 0;
  private counters = { stored: 0, evicted: 0, dropped: 0, duplicate: 0, rejected: 0, valuesDropped: 0 };

  constructor(limits: TraceStoreLimits = {}) {
    this.maxSpans = Math.max(1, Math.floor(limits.maxSpans ?? DEFAULT_MAX_SPANS));
    this.maxBytes = Math.max(1, Math.floor(limits.maxBytes ?? DEFAULT_MAX_BYTES));
  }

  /** Adds the spans of parsed traces (merging into traces already held), then evicts down to the caps. */
  add(traces: readonly Trace[]): AddResult {
    let stored = 0;
    let duplicates = 0;
    let evicted = 0;
    let dropped = 0;
    for (const trace of traces) {
      if (trace.spans.length === 0) continue;
      const entry = this.touch(trace.traceId);
      for (const incoming of trace.spans) {
        if (entry.spanIds.has(incoming.spanId)) {
          duplicates++;
          continue;
        }
        const span = withoutBatchOrphanWarning(incoming);
        const size = estimateSpanBytes(span) + (entry.spans.length === 0 ? TRACE_BASE_BYTES : 0);
        if (entry.spans.length + 1 > this.maxSpans || entry.bytes + size > this.maxBytes) {
          dropped++;
          continue;
        }
        this.storeSpan(entry, span, size);
        stored++;
        evicted += this.evictFor(entry);
      }
      if (entry.spans.length === 0) this.entries.delete(entry.traceId);
    }
    this.counters.stored += stored;
    this.counters.duplicate += duplicates;
    this.counters.dropped += dropped;
    if (stored > 0 || evicted > 0) this.changed();
    return { stored, duplicates, evicted, dropped };
  }

  /** Counts spans the receiver turned away, so the stats show them. */
  noteRejected(count: number): void {
    if (count > 0) this.counters.rejected += count;
  }

  /** Counts attribute values the receiver replaced (too deeply nested), so the stats show them. */
  noteDroppedValues(count: number): void {
    if (count > 0) this.counters.valuesDropped += count;
  }

  services(): string[] {
    return [...this.byService.keys()].sort((a, b) => a.localeCompare(b));
  }

  operations(service: string): OperationInfo[] {
    const ops = this.operationsByService.get(service);
    if (!ops) return [];
    return [...ops.values()]
      .map((o) => ({ name: o.name, spanKind: o.spanKind }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.spanKind.localeCompare(b.spanKind));
  }

  has(traceId: string): boolean {
    return this.entries.has(traceId);
  }

  getTrace(traceId: string): Trace | undefined {
    const entry = this.entries.get(traceId);
    return entry ? this.assembled(entry) : undefined;
  }

  /** Traces with at least one span matching every filter of the query, newest first, at most `limit`. */
  find(query: TraceQuery): Trace[] {
    return this.matchingEntries(query).map((e) => this.assembled(e));
  }

  findSummaries(query: TraceQuery): TraceSummary[] {
    return this.matchingEntries(query).map((e) => {
      e.summary ??= summarizeTrace(this.assembled(e));
      return e.summary;
    });
  }

  /** Every trace's stored spans, least recently written first (for snapshots). */
  *spansByTrace(): IterableIterator<{ readonly traceId: string; readonly spans: readonly Span[] }> {
    for (const e of this.entries.values()) yield { traceId: e.traceId, spans: e.spans };
  }

  stats(): TraceStoreStats {
    return {
      traces: this.entries.size,
      spans: this.spanCount,
      bytesEstimate: this.bytes,
      maxSpans: this.maxSpans,
      maxBytes: this.maxBytes,
      spansStored: this.counters.stored,
      spansEvicted: this.counters.evicted,
      spansDropped: this.counters.dropped,
      spansDuplicate: this.counters.duplicate,
      spansRejected: this.counters.rejected,
      valuesDropped: this.counters.valuesDropped,
    };
  }

  clear(): void {
    this.entries.clear();
    this.byService.clear();
    this.operationsByService.clear();
    this.spanCount = 0;
    this.bytes = 0;
    this.changed();
  }

  /** Called after every change of the stored spans; returns the unsubscribe function. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch {
        // A listener's failure is its own business; the store stays consistent either way.
      }
    }
  }

  /** The entry for a trace, moved to the most recently written end of the eviction order. */
  private touch(traceId: string): TraceEntry {
    let entry = this.entries.get(traceId);
    if (entry) {
      this.entries.delete(traceId);
    } else {
      entry = { traceId, spans: [], spanIds: new Set(), bytes: 0, minStartUs: Infinity, maxStartUs: -Infinity, assembled: undefined, summary: undefined };
    }
    this.entries.set(traceId, entry);
    return entry;
  }

  private storeSpan(entry: TraceEntry, span: Span, size: number): void {
    entry.spans.push(span);
    entry.spanIds.add(span.spanId);
    entry.bytes += size;
    entry.minStartUs = Math.min(entry.minStartUs, span.startTimeUs);
    entry.maxStartUs = Math.max(entry.maxStartUs, span.startTimeUs);
    entry.assembled = undefined;
    entry.summary = undefined;
    this.spanCount++;
    this.bytes += size;
    let traces = this.byService.get(span.service);
    if (!traces) this.byService.set(span.service, (traces = new Set()));
    traces.add(entry.traceId);
    let ops = this.operationsByService.get(span.service);
    if (!ops) this.operationsByService.set(span.service, (ops = new Map()));
    const spanKind = spanKindName(span.kind);
    const key = `${spanKind}\u0000${span.name}`;
    let op = ops.get(key);
    if (!op) ops.set(key, (op = { name: span.name, spanKind, traceIds: new Set() }));
    op.traceIds.add(entry.traceId);
  }

  /** Evicts least recently written traces, never `keep`, until within the caps; returns the spans evicted. */
  private evictFor(keep: TraceEntry): number {
    let evicted = 0;
    while (this.spanCount > this.maxSpans || this.bytes > this.maxBytes) {
      const oldest = this.entries.values().next().value;
      if (!oldest || oldest === keep) break;
      evicted += this.remove(oldest);
    }
    this.counters.evicted += evicted;
    return evicted;
  }

  private remove(entry: TraceEntry): number {
    this.entries.delete(entry.traceId);
    this.spanCount -= entry.spans.length;
    this.bytes -= entry.bytes;
    for (const span of entry.spans) {
      const traces = this.byService.get(span.service);
      if (traces?.delete(entry.traceId) && traces.size === 0) this.byService.delete(span.service);
      const ops = this.operationsByService.get(span.service);
      if (!ops) continue;
      const key = `${spanKindName(span.kind)}\u0000${span.name}`;
      const op = ops.get(key);
      if (op?.traceIds.delete(entry.traceId) && op.traceIds.size === 0) {
        ops.delete(key);
        if (ops.size === 0) this.operationsByService.delete(span.service);
      }
    }
    return entry.spans.length;
  }

  private matchingEntries(query: TraceQuery): TraceEntry[] {
    const filter: SpanFilter = query;
    const candidates = this.candidateIds(query);
    const matches: TraceEntry[] = [];
    for (const id of candidates) {
      const entry = this.entries.get(id);
      // The entry's start range rules most traces in or out before any span is looked at.
      if (!entry || entry.maxStartUs < query.startUs || entry.minStartUs > query.endUs) continue;
      if (entry.spans.some((s) => spanMatches(s, filter))) matches.push(entry);
    }
    matches.sort((a, b) => b.minStartUs - a.minStartUs);
    return query.limit > 0 ? matches.slice(0, query.limit) : matches;
  }

  /** The smallest indexed set that must contain every match. */
  private candidateIds(query: TraceQuery): Iterable<string> {
    if (!query.service) return this.entries.keys();
    const traces = this.byService.get(query.service);
    if (!traces) return [];
    if (!query.operation) return traces;
    const ops = this.operationsByService.get(query.service);
    if (!ops) return [];
    const ids = new Set<string>();
    for (const op of ops.values()) {
      if (op.name === query.operation) for (const id of op.traceIds) ids.add(id);
    }
    return ids;
  }

  private assembled(entry: TraceEntry): Trace {
    // assembleTrace works on copies: the stored spans keep only the source's own warnings, so a later batch
    // (bringing a missing parent) re-assembles from a clean state.
    entry.assembled ??= assembleTrace(entry.traceId, entry.spans);
    return entry.assembled;
  }
}

/**
 * The span without what assembling its own batch concluded about its parent: whether the parent is missing depends
 * on the whole trace, whose spans may arrive over several requests (a BatchSpanProcessor often sends children
 * before their parent). The model's own wording of that warning is found by assembling the span alone.
 */
function withoutBatchOrphanWarning(span: Span): Span {
  if (!span.orphan) return span;
  const alone = assembleTrace(span.traceId, [{ ...span, orphan: false, warnings: [] }]).spans[0];
  const added = new Set(alone?.warnings ?? []);
  return { ...span, orphan: false, warnings: span.warnings.filter((w) => !added.has(w)) };
}
