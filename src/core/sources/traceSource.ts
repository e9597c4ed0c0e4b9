import type { SpanLensErrorKind } from '../errors';
import type { Trace } from '../model/trace';

/** A search for traces. Times are Unix microseconds. */
export interface TraceQuery {
  readonly service: string;
  readonly operation?: string;
  /** Tag filters, all must match. */
  readonly tags?: Readonly<Record<string, string>>;
  readonly minDurationUs?: number;
  readonly maxDurationUs?: number;
  readonly startUs: number;
  readonly endUs: number;
  readonly limit: number;
}

/** One row of a search result list. */
export interface TraceSummary {
  readonly traceId: string;
  readonly rootService: string;
  readonly rootOperation: string;
  readonly startTimeUs: number;
  readonly durationUs: number;
  readonly spanCount: number;
  readonly errorCount: number;
  readonly services: readonly string[];
}

export interface OperationInfo {
  readonly name: string;
  /** 'server' | 'client' | 'producer' | 'consumer' | 'internal' | '' as Jaeger reports it. */
  readonly spanKind: string;
}

/** Per-operation figures from a metrics backend (Jaeger SPM), durations in ms. */
export interface OperationMetrics {
  readonly service: string;
  readonly operation: string;
  readonly p50Ms?: number;
  readonly p95Ms?: number;
  readonly p99Ms?: number;
  /** Calls per second over the window. */
  readonly callRate?: number;
  /** Fraction 0..1. */
  readonly errorRate?: number;
}

export interface MetricsQuery {
  readonly services: readonly string[];
  readonly endMs: number;
  readonly lookbackMs: number;
  readonly spanKinds?: readonly string[];
}

export interface SourceHealth {
  readonly reachable: boolean;
  /** What to show a user: "connected to Jaeger 2.x at …" or why not. */
  readonly detail: string;
  /** Why it is not reachable, when a SpanLensError said so (lets a caller tell "down" from "not this kind of server"). */
  readonly failure?: { readonly kind: SpanLensErrorKind; readonly status?: number };
}

/**
 * Everything Span Lens reads traces from implements this: Jaeger over HTTP, trace files, the built-in receiver.
 * Every call takes an AbortSignal; implementations reject with a SpanLensError on failure.
 */
export interface TraceSource {
  /** Short text for the status bar and logs, e.g. "Jaeger http://localhost:16686". */
  readonly description: string;
  /** True when the server stores names lowercased (Zipkin): compare service and span names without case. */
  readonly foldsNameCase?: boolean;
  services(signal?: AbortSignal): Promise<string[]>;
  operations(service: string, signal?: AbortSignal): Promise<OperationInfo[]>;
  /** Full traces matching the query. */
  search(query: TraceQuery, signal?: AbortSignal): Promise<Trace[]>;
  /** Result rows; sources that can do it cheaper than `search` (Jaeger trace-summaries) override this. */
  searchSummaries(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]>;
  getTrace(traceId: string, signal?: AbortSignal): Promise<Trace>;
  /** Undefined when the source has no metrics backend (Jaeger answers 501): compute from traces instead. */
  operationMetrics?(query: MetricsQuery, signal?: AbortSignal): Promise<OperationMetrics[] | undefined>;
  health(signal?: AbortSignal): Promise<SourceHealth>;
}
