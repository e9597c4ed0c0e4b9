import type { Trace } from '../model/trace';
import type { MetricsQuery, OperationInfo, OperationMetrics, SourceHealth, TraceQuery, TraceSource, TraceSummary } from './traceSource';
import { SpanLensError, isSpanLensError } from '../errors';
import { healthFailure, isWrongServer } from './healthFailure';

/**
 * A trace server URL that may be Jaeger's query service or Zipkin's: which one is learned from its API on the first
 * call (Zipkin answers `/api/v2/services` with a bare JSON list; Jaeger answers `/api/v3/services` or `/api/services`
 * with an object) and remembered. The likelier one is asked first (Zipkin on port 9411, else Jaeger), so a Jaeger
 * user pays no extra request; the other is asked only when the first says "not my API".
 */
export class DetectedHttpSource implements TraceSource {
  private chosen: TraceSource | undefined;
  /** While the first call is finding out which server this is; resolves to it (undefined when that call failed). */
  private detecting: Promise<TraceSource | undefined> | undefined;

  constructor(
    private readonly first: TraceSource,
    private readonly second: TraceSource,
  ) {}

  get description(): string {
    return (this.chosen ?? this.first).description;
  }

  get foldsNameCase(): boolean {
    return this.chosen?.foldsNameCase === true;
  }

  /** The source the URL turned out to be, once known (for tests and the log). */
  detected(): TraceSource | undefined {
    return this.chosen;
  }

  async services(signal?: AbortSignal): Promise<string[]> {
    return this.run((s) => s.services(signal));
  }

  async operations(service: string, signal?: AbortSignal): Promise<OperationInfo[]> {
    return this.run((s) => s.operations(service, signal));
  }

  async search(query: TraceQuery, signal?: AbortSignal): Promise<Trace[]> {
    return this.run((s) => s.search(query, signal));
  }

  async searchSummaries(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    return this.run((s) => s.searchSummaries(query, signal));
  }

  async getTrace(traceId: string, signal?: AbortSignal): Promise<Trace> {
    return this.run((s) => s.getTrace(traceId, signal));
  }

  async operationMetrics(query: MetricsQuery, signal?: AbortSignal): Promise<OperationMetrics[] | undefined> {
    // Not a probe: Jaeger's metrics call answers "no metrics backend" (undefined) on any server without SPM, Zipkin
    // included, so it cannot tell the servers apart. Until a call has, ask the likelier one.
    const source = this.chosen ?? this.first;
    return source.operationMetrics ? source.operationMetrics(query, signal) : undefined;
  }

  async health(signal?: AbortSignal): Promise<SourceHealth> {
    if (this.chosen) return this.chosen.health(signal);
    // Health checks use each source's own fast, retry-free check; a reachable answer settles which server it is.
    const firstHealth = await this.first.health(signal);
    if (firstHealth.reachable) {
      this.chosen ??= this.first;
      return firstHealth;
    }
    if (!isWrongServer(firstHealth.failure)) return firstHealth;
    const secondHealth = await this.second.health(signal);
    if (secondHealth.reachable) {
      this.chosen ??= this.second;
      return secondHealth;
    }
    return isWrongServer(secondHealth.failure) ? neither(firstHealth, secondHealth) : secondHealth;
  }

  /**
   * The call itself is the probe, so detection costs no extra request: on the first source, then on the second if
   * the first says "not my API" (each source's own endpoint fallbacks end in that answer on the other server).
   * Calls made while one is detecting wait for it, then go to the source it found.
   */
  private async run<T>(call: (source: TraceSource) => Promise<T>): Promise<T> {
    if (this.chosen) return call(this.chosen);
    if (this.detecting) {
      const found = await this.detecting.catch(() => undefined);
      return call(found ?? this.chosen ?? this.first);
    }
    let settle!: (source: TraceSource | undefined) => void;
    this.detecting = new Promise<TraceSource | undefined>((resolve) => (settle = resolve));
    try {
      try {
        const result = await call(this.first);
        this.chosen ??= this.first;
        settle(this.first);
        return result;
      } catch (e) {
        if (!isSpanLensError(e) || !isWrongServer(healthFailure(e).failure)) throw e;
        try {
          const result = await call(this.second);
          this.chosen ??= this.second;
          settle(this.second);
          return result;
        } catch (e2) {
          if (isSpanLensError(e2) && isWrongServer(healthFailure(e2).failure)) throw neitherError(e, e2);
          throw e2;
        }
      }
    } finally {
      settle(undefined);
      this.detecting = undefined;
    }
  }
}

function neitherText(firstDetail: string, secondDetail: string): string {
  return `This URL answers neither like Jaeger's query API nor like Zipkin's v2 API. ${firstDetail} ${secondDetail}`;
}

function neither(first: SourceHealth, second: SourceHealth): SourceHealth {
  return { reachable: false, detail: neitherText(first.detail, second.detail), ...(first.failure ? { failure: first.failure } : {}) };
}

function neitherError(first: SpanLensError, second: SpanLensError): SpanLensError {
  return new SpanLensError(first.kind, neitherText(first.message, second.message), first.details);
}
