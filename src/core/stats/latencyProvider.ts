// Latency figures for span names, fetched from a TraceSource with a bounded cost, shared by the CodeLens host and
// the CLI.
//
// Strategy: a metrics backend (Jaeger SPM) answers when it has exactly one operation for the name; otherwise a
// bounded trace search per (service, operation) over the lookback window (at most `maxTracesPerQuery` traces;
// pattern names expand to at most `maxOperationsPerPattern` operations of the service), and the figures are computed
// from the spans of that service with that name. Results are cached per (service, operation, lookback) for
// `cacheTtlMs`, and concurrent requests for the same data share one fetch.
import type { TraceSource, OperationMetrics } from '../sources/traceSource';
import type { SpanNameMatcher } from '../code/instrumented/types';
import { spanNameMatches, spanNameMatcherKey } from '../code/instrumented/spanNameMatcher';
import { SpanLensError } from '../errors';
import { DurationAggregator } from './durationAggregator';
import { onAbort } from '../abortWatch';

export interface LatencyProviderOptions {
  /** Window length in ms; `Infinity` means all time (useful for trace files). */
  readonly lookbackMs: number;
  /** Clock in Unix ms (tests pass their own). */
  readonly now?: () => number;
  /** Trace search limit per (service, operation); default 1000. */
  readonly maxTracesPerQuery?: number;
  /** Operations a pattern may expand to; default 20. */
  readonly maxOperationsPerPattern?: number;
  /** How long fetched data is reused; default 60 s. */
  readonly cacheTtlMs?: number;
  /** Source requests in flight at once; default 4. */
  readonly concurrency?: number;
  /** Ask the source's metrics backend first (default true). */
  readonly useMetrics?: boolean;
}

export interface LatencyStats {
  readonly service: string;
  /** The matcher the figures belong to (the first of the list that had data), undefined when none had. */
  readonly matchedBy: SpanNameMatcher | undefined;
  /** Operation names that contributed. */
  readonly operations: readonly string[];
  /** Calls seen: spans in the sample, or the metrics backend's call rate × window. */
  readonly count: number;
  /** Spans the percentiles were computed from; null when they came from the metrics backend. */
  readonly sampleSize: number | null;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  readonly meanMs: number | null;
  /** Fraction 0..1. */
  readonly errorRate: number | null;
  /** Calls per minute over the window (a lower bound when `truncated`). */
  readonly throughputPerMin: number | null;
  readonly source: 'metrics' | 'traces' | 'none';
  /** True when a search hit its limit, so the figures come from a sample of the window. */
  readonly truncated: boolean;
  readonly windowStartUs: number;
  readonly windowEndUs: number;
}

/** Spans of one (service, operation) in a window. */
interface OperationSample {
  readonly durationsUs: Float64Array;
  readonly errors: number;
  readonly truncated: boolean;
  readonly firstStartUs: number;
  readonly lastEndUs: number;
}

interface Window {
  readonly startUs: number;
  readonly endUs: number;
  readonly endMs: number;
}

interface SharedFetch<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  readonly createdMs: number;
  waiters: number;
  settled: boolean;
  readonly window: Window;
}

function cancelled(): SpanLensError {
  return new SpanLensError('cancelled', 'The latency request was cancelled.');
}

export class LatencyProvider {
  private readonly lookbackMs: number;
  private readonly now: () => number;
  private readonly maxTraces: number;
  private readonly maxOperations: number;
  private readonly ttlMs: number;
  private readonly concurrency: number;
  private readonly useMetrics: boolean;
  private metricsUnsupported = false;
  private running = 0;
  private readonly queue: Array<() => void> = [];
  private readonly samples = new Map<string, SharedFetch<OperationSample>>();
  private readonly operationLists = new Map<string, SharedFetch<string[]>>();
  private readonly metrics = new Map<string, SharedFetch<OperationMetrics[] | undefined>>();

  constructor(
    private readonly source: TraceSource,
    options: LatencyProviderOptions,
  ) {
    this.lookbackMs = options.lookbackMs;
    this.now = options.now ?? Date.now;
    this.maxTraces = options.maxTracesPerQuery ?? 1000;
    this.maxOperations = options.maxOperationsPerPattern ?? 20;
    this.ttlMs = options.cacheTtlMs ?? 60_000;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.useMetrics = options.useMetrics ?? true;
  }

  /** Forgets everything fetched (e.g. on "Refresh Latency"). In-flight fetches finish for their callers. */
  invalidate(): void {
    this.samples.clear();
    this.operationLists.clear();
    this.metrics.clear();
  }

  /**
   * Figures for the spans of `service` named by the first matcher (in order) that has data. The matchers are
   * alternatives (e.g. a route's server span, then its raw-path form), never added up.
   */
  async getStats(service: string, matchers: readonly SpanNameMatcher[], signal?: AbortSignal): Promise<LatencyStats> {
    let window: Window | undefined;
    for (const matcher of matchers) {
      const stats = await this.statsFor(service, matcher, signal);
      window ??= { startUs: stats.windowStartUs, endUs: stats.windowEndUs, endMs: stats.windowEndUs / 1000 };
      if (stats.count > 0) return stats;
    }
    window ??= this.currentWindow();
    return emptyStats(service, window);
  }

  private currentWindow(): Window {
    const endMs = this.now();
    const startMs = Number.isFinite(this.lookbackMs) ? Math.max(0, endMs - this.lookbackMs) : 0;
    return { startUs: startMs * 1000, endUs: endMs * 1000, endMs };
  }

  private async statsFor(service: string, matcher: SpanNameMatcher, signal: AbortSignal | undefined): Promise<LatencyStats> {
    if (this.useMetrics && !this.metricsUnsupported && this.source.operationMetrics && Number.isFinite(this.lookbackMs)) {
      const fromMetrics = await this.statsFromMetrics(service, matcher, signal);
      if (fromMetrics) return fromMetrics;
    }
    const operations = await this.operationsFor(service, matcher, signal);
    const samples = await Promise.all(operations.map((op) => this.shared(this.samples, `${service}\u0000${op}`, (s, w) => this.fetchSample(service, op, w, s), signal)));
    const window = samples[0]?.window ?? this.currentWindow();
    const agg = new DurationAggregator();
    let errors = 0;
    let truncated = false;
    let first = Infinity;
    let last = -Infinity;
    const contributing: string[] = [];
    samples.forEach((s, i) => {
      const sample = s.value;
      if (sample.durationsUs.length === 0) return;
      contributing.push(operations[i]!);
      agg.addAll(sample.durationsUs);
      errors += sample.errors;
      truncated ||= sample.truncated;
      first = Math.min(first, sample.firstStartUs);
      last = Math.max(last, sample.lastEndUs);
    });
    if (agg.count === 0) return { ...emptyStats(service, window), truncated };
    const sum = agg.summarize();
    // All-time windows (trace files) measure throughput over the spans' own extent.
    const spanUs = Number.isFinite(this.lookbackMs) ? window.endUs - window.startUs : last - first;
    return {
      service,
      matchedBy: matcher,
      operations: contributing,
      count: sum.count,
      sampleSize: sum.count,
      p50Ms: sum.p50 / 1000,
      p95Ms: sum.p95 / 1000,
      p99Ms: sum.p99 / 1000,
      maxMs: sum.max / 1000,
      meanMs: sum.mean / 1000,
      errorRate: errors / sum.count,
      throughputPerMin: spanUs > 0 ? sum.count / (spanUs / 60e6) : null,
      source: 'traces',
      truncated,
      windowStartUs: window.startUs,
      windowEndUs: window.endUs,
    };
  }

  private async statsFromMetrics(service: string, matcher: SpanNameMatcher, signal: AbortSignal | undefined): Promise<LatencyStats | undefined> {
    let rows: OperationMetrics[] | undefined;
    let window: Window;
    try {
      const got = await this.shared(
        this.metrics,
        service,
        (s, w) => this.limited(() => this.source.operationMetrics!({ services: [service], endMs: w.endMs, lookbackMs: this.lookbackMs }, s), s),
        signal,
      );
      rows = got.value;
      window = got.window;
    } catch (e) {
      if (e instanceof SpanLensError && e.kind === 'cancelled') throw e;
      // A metrics backend that fails is not a reason to show nothing: fall back to traces.
      return undefined;
    }
    if (rows === undefined) {
      this.metricsUnsupported = true;
      return undefined;
    }
    const hits = rows.filter((r) => r.service === service && spanNameMatches(matcher, r.operation));
    // Percentiles of several operations cannot be combined from their percentiles: use traces then.
    if (hits.length !== 1) return undefined;
    const m = hits[0]!;
    if (m.p95Ms === undefined && m.p50Ms === undefined) return undefined;
    const count = m.callRate !== undefined ? Math.round(m.callRate * (this.lookbackMs / 1000)) : 0;
    if (count === 0) return undefined;
    return {
      service,
      matchedBy: matcher,
      operations: [m.operation],
      count,
      sampleSize: null,
      p50Ms: m.p50Ms ?? null,
      p95Ms: m.p95Ms ?? null,
      p99Ms: m.p99Ms ?? null,
      maxMs: null,
      meanMs: null,
      errorRate: m.errorRate ?? null,
      throughputPerMin: m.callRate !== undefined ? m.callRate * 60 : null,
      source: 'metrics',
      truncated: false,
      windowStartUs: window.startUs,
      windowEndUs: window.endUs,
    };
  }

  private async operationsFor(service: string, matcher: SpanNameMatcher, signal: AbortSignal | undefined): Promise<string[]> {
    if (matcher.kind === 'exact') return [matcher.name];
    const all = await this.shared(
      this.operationLists,
      service,
      (s) => this.limited(async () => (await this.source.operations(service, s)).map((o) => o.name), s),
      signal,
    );
    const names = [...new Set(all.value)].filter((n) => spanNameMatches(matcher, n, this.source.foldsNameCase === true)).sort();
    return names.slice(0, this.maxOperations);
  }

  /** Names as the source stores them: Zipkin lowercases service and span names, so the code's spelling matches any case. */
  private sameName(stored: string, wanted: string): boolean {
    return stored === wanted || (this.source.foldsNameCase === true && stored.toLowerCase() === wanted.toLowerCase());
  }

  private async fetchSample(service: string, operation: string, window: Window, signal: AbortSignal): Promise<OperationSample> {
    const traces = await this.limited(
      () => this.source.search({ service, operation, startUs: window.startUs, endUs: window.endUs, limit: this.maxTraces }, signal),
      signal,
    );
    const seen = new Set<string>();
    const durations: number[] = [];
    let errors = 0;
    let first = Infinity;
    let last = -Infinity;
    for (const trace of traces) {
      for (const span of trace.spans) {
        if (!this.sameName(span.name, operation) || !this.sameName(span.service, service)) continue;
        if (span.startTimeUs < window.startUs || span.startTimeUs > window.endUs) continue;
        const id = `${span.traceId}:${span.spanId}`;
        if (seen.has(id)) continue;
        seen.add(id);
        durations.push(span.durationUs);
        if (span.error) errors++;
        first = Math.min(first, span.startTimeUs);
        last = Math.max(last, span.startTimeUs + span.durationUs);
      }
    }
    return { durationsUs: Float64Array.from(durations), errors, truncated: traces.length >= this.maxTraces, firstStartUs: first, lastEndUs: last };
  }

  /** Runs `task` when fewer than `concurrency` source requests are in flight. */
  private async limited<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (this.running >= this.concurrency) {
      await new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(cancelled());
        const go = (): void => {
          unwatch();
          resolve();
        };
        const unwatch = onAbort(signal, () => {
          const i = this.queue.indexOf(go);
          if (i >= 0) this.queue.splice(i, 1);
          reject(cancelled());
        });
        this.queue.push(go);
      });
    }
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }

  /**
   * The cached or in-flight fetch for `key`, or a new one. The fetch has its own AbortController, aborted only
   * when every caller waiting on it has gone, so one cancelled lens does not fail the others.
   */
  private async shared<T>(
    cache: Map<string, SharedFetch<T>>,
    key: string,
    fetch: (signal: AbortSignal, window: Window) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<{ value: T; window: Window }> {
    if (signal?.aborted) throw cancelled();
    const nowMs = this.now();
    let entry = cache.get(key);
    if (entry && entry.settled && nowMs - entry.createdMs > this.ttlMs) {
      cache.delete(key);
      entry = undefined;
    }
    if (!entry) {
      const controller = new AbortController();
      const window = this.currentWindow();
      const created: SharedFetch<T> = {
        promise: fetch(controller.signal, window),
        controller,
        createdMs: nowMs,
        waiters: 0,
        settled: false,
        window,
      };
      entry = created;
      cache.set(key, created);
      created.promise.then(
        () => {
          created.settled = true;
        },
        () => {
          created.settled = true;
          // Failures are not cached: the next request tries again.
          if (cache.get(key) === created) cache.delete(key);
        },
      );
    }
    const e = entry;
    e.waiters++;
    return new Promise<{ value: T; window: Window }>((resolve, reject) => {
      let done = false;
      let unwatch = (): void => undefined;
      const finish = (): void => {
        done = true;
        e.waiters--;
        unwatch();
      };
      const aborted = (): void => {
        if (done) return;
        finish();
        if (e.waiters === 0 && !e.settled) {
          e.controller.abort();
          if (cache.get(key) === e) cache.delete(key);
        }
        reject(cancelled());
      };
      unwatch = onAbort(signal, aborted);
      e.promise.then(
        (value) => {
          if (done) return;
          finish();
          resolve({ value, window: e.window });
        },
        (err: unknown) => {
          if (done) return;
          finish();
          reject(err);
        },
      );
    });
  }
}

function emptyStats(service: string, window: Window): LatencyStats {
  return {
    service,
    matchedBy: undefined,
    operations: [],
    count: 0,
    sampleSize: 0,
    p50Ms: null,
    p95Ms: null,
    p99Ms: null,
    maxMs: null,
    meanMs: null,
    errorRate: null,
    throughputPerMin: null,
    source: 'none',
    truncated: false,
    windowStartUs: window.startUs,
    windowEndUs: window.endUs,
  };
}
