import type { Span, Trace } from '../../model/trace';
import type {
  MetricsQuery,
  OperationInfo,
  OperationMetrics,
  SourceHealth,
  TraceQuery,
  TraceSource,
  TraceSummary,
} from '../traceSource';
import { SpanLensError, isSpanLensError } from '../../errors';
import { healthFailure } from '../healthFailure';
import { checkQuery, errorFilter } from '../queryChecks';
import { isHexId, normalizeTraceId } from '../../model/ids';
import { parseJaegerJson } from '../../model/jaegerJson';
import { parseOtlpJson } from '../../model/otlpJson';
import { summarizeTrace } from '../../model/summary';
import { JaegerHttpClient, type JaegerHttpOptions, type JaegerHttpResponse } from './jaegerHttp';
import { httpError, isEndpointAbsent, jaegerErrorMessage, looksLikeJson, notJaegerError, parseJsonBody, unexpectedShape } from './jaegerResponses';
import { metricsParams, v1SearchParams, v3SearchParams } from './jaegerQueries';
import { mergeOperationMetrics, parseMetricFamily, type MetricSeriesValue } from './jaegerMetrics';
import { parseTraceSummaries } from './jaegerSummaries';

export type JaegerSourceOptions = JaegerHttpOptions;

/**
 * Endpoint groups whose presence differs between Jaeger versions. Each is learned on first use and remembered:
 * - `v3`: `/api/v3/{services,operations,traces}` (Jaeger v1.35+ and every v2),
 * - `v1`: `/api/{services,traces}` search API (removed on Jaeger main),
 * - `v1Operations`: `/api/operations?service=` (older servers only have `/api/services/{s}/operations`),
 * - `v1Trace`: `/api/traces/{id}` (kept on main),
 * - `summaries`: `/api/v3/trace-summaries` (v2.19+; its presence also means `query.attributes` works),
 * - `metrics`: SPM `/api/metrics/*` answering (false after a 501: no metrics backend).
 */
export type JaegerCapability = 'v3' | 'v1' | 'v1Operations' | 'v1Trace' | 'summaries' | 'metrics';

interface Candidate {
  readonly capability: JaegerCapability;
  readonly path: string;
  readonly params?: URLSearchParams;
}

/** Traces from a Jaeger query service (v1 and v2, api/v3 preferred, v1 JSON as fallback and for exact trace JSON). */
export class JaegerSource implements TraceSource {
  readonly description: string;
  /** The base URL as shown to people (no credentials, no secret parameters); messages quote only this. */
  readonly baseUrl: string;
  private readonly http: JaegerHttpClient;
  private readonly healthHttp: JaegerHttpClient;
  private readonly capabilities = new Map<JaegerCapability, boolean>();
  /** The last "endpoint absent" answer, to explain why nothing worked. */
  private lastAbsent: JaegerHttpResponse | undefined;

  constructor(options: JaegerSourceOptions) {
    this.http = new JaegerHttpClient(options);
    // A health check should say "not reachable" fast rather than wait out a long search timeout or retries.
    this.healthHttp = new JaegerHttpClient({ ...options, timeoutMs: Math.min(options.timeoutMs, 5000), retries: 0 });
    this.baseUrl = this.http.displayUrl;
    this.description = `Jaeger ${this.baseUrl}`;
  }

  /** What has been learned about the server so far (true present, false absent); for logs and tests. */
  detectedCapabilities(): ReadonlyMap<JaegerCapability, boolean> {
    return new Map(this.capabilities);
  }

  async services(signal?: AbortSignal): Promise<string[]> {
    return this.servicesVia(this.http, signal);
  }

  async operations(service: string, signal?: AbortSignal): Promise<OperationInfo[]> {
    const encoded = encodeURIComponent(service);
    const { candidate, response } = await this.firstPresent(
      [
        { capability: 'v3', path: '/api/v3/operations', params: new URLSearchParams({ service }) },
        { capability: 'v1Operations', path: '/api/operations', params: new URLSearchParams({ service }) },
        { capability: 'v1', path: `/api/services/${encoded}/operations` },
      ],
      signal,
    );
    const json = this.okJson(response);
    let ops: OperationInfo[];
    if (candidate.capability === 'v3') {
      ops = this.readList(json, 'operations', response.path).map((o) => this.readOperation(o, response.path));
    } else if (candidate.capability === 'v1Operations') {
      ops = this.readList(json, 'data', response.path).map((o) => this.readOperation(o, response.path));
    } else {
      ops = this.readStrings(this.readList(json, 'data', response.path), response.path).map((name) => ({ name, spanKind: '' }));
    }
    return ops.sort((a, b) => a.name.localeCompare(b.name) || a.spanKind.localeCompare(b.spanKind));
  }

  async search(query: TraceQuery, signal?: AbortSignal): Promise<Trace[]> {
    checkQuery(query);
    const wantErrors = errorFilter(query);
    if (wantErrors !== undefined) {
      // Jaeger's v2 storage compares `error` with the span status as a boolean attribute, which the v1 API's string
      // tags never are: on 2.12 `error=true` matches nothing (and `error=false` only status OK). So the error filter
      // is applied here, over a wider server search without it.
      const { error: _error, ...otherTags } = query.tags ?? {};
      const wider: TraceQuery = { ...query, tags: otherTags, limit: Math.min(ERROR_SEARCH_LIMIT, Math.max(query.limit * 10, 200)) };
      const traces = await this.searchOnServer(wider, signal);
      return traces.filter((t) => t.spans.some((s) => spanFitsQuery(s, query) && s.error === wantErrors)).slice(0, query.limit);
    }
    return this.searchOnServer(query, signal);
  }

  private async searchOnServer(query: TraceQuery, signal: AbortSignal | undefined): Promise<Trace[]> {
    const hasTags = Object.keys(query.tags ?? {}).length > 0;
    // Tag filters: v3 `query.attributes` is silently ignored before v2.19, so use v1's `tag` while v1 exists; where it
    // does not (Jaeger main), v3 honours attributes.
    const candidates: Candidate[] = hasTags
      ? [
          { capability: 'v1', path: '/api/traces', params: v1SearchParams(query) },
          { capability: 'v3', path: '/api/v3/traces', params: v3SearchParams(query, true) },
        ]
      : [
          { capability: 'v3', path: '/api/v3/traces', params: v3SearchParams(query, false) },
          { capability: 'v1', path: '/api/traces', params: v1SearchParams(query) },
        ];
    const { candidate, response } = await this.firstPresent(candidates, signal);
    let traces: Trace[];
    if (candidate.capability === 'v3') {
      if (isNoTracesFound(response)) return [];
      traces = this.parseTraces(response, 'otlp');
    } else {
      traces = this.parseTraces(response, 'jaeger');
    }
    return newestFirst(traces).slice(0, query.limit);
  }

  async searchSummaries(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    checkQuery(query);
    if (this.capabilities.get('summaries') !== false && this.capabilities.get('v3') !== false) {
      const response = await this.http.get('/api/v3/trace-summaries', v3SearchParams(query, true), signal);
      if (isEndpointAbsent(response)) {
        this.note('summaries', false, response);
      } else {
        this.note('summaries', true);
        this.note('v3', true);
        if (isNoTracesFound(response)) return [];
        const summaries = parseTraceSummaries(this.okJson(response));
        if (!summaries) throw unexpectedShape(this.baseUrl, response.path, 'no "summaries" list');
        return summaries.sort((a, b) => b.startTimeUs - a.startTimeUs).slice(0, query.limit);
      }
    }
    return (await this.search(query, signal)).map(summarizeTrace);
  }

  async getTrace(traceId: string, signal?: AbortSignal): Promise<Trace> {
    const raw = traceId.trim();
    if (!isHexId(raw)) {
      throw new SpanLensError('bad-input', `"${traceId}" is not a trace id: expected 1 to 32 hexadecimal digits.`);
    }
    const id = normalizeTraceId(raw);
    const { candidate, response } = await this.firstPresent(
      [
        { capability: 'v1Trace', path: `/api/traces/${id}` },
        { capability: 'v3', path: `/api/v3/traces/${id}` },
      ],
      signal,
    );
    if (response.status === 404) throw this.traceNotFound(id, response);
    const traces = this.parseTraces(response, candidate.capability === 'v3' ? 'otlp' : 'jaeger');
    const match = traces.find((t) => t.traceId === id) ?? (traces.length === 1 ? traces[0] : undefined);
    if (!match) throw this.traceNotFound(id, response);
    return match;
  }

  async operationMetrics(query: MetricsQuery, signal?: AbortSignal): Promise<OperationMetrics[] | undefined> {
    if (this.capabilities.get('metrics') === false) return undefined;
    if (query.services.length === 0) return [];
    const base = metricsParams(query);
    const latency = (quantile: string): URLSearchParams => {
      const params = new URLSearchParams(base);
      params.set('quantile', quantile);
      return params;
    };
    // One request first: with no metrics backend (the all-in-one default) it is the only one we send.
    const p95 = await this.metricFamily('/api/metrics/latencies', latency('0.95'), signal);
    if (p95 === undefined) return undefined;
    const [p50, p99, calls, errors] = await Promise.all([
      this.metricFamily('/api/metrics/latencies', latency('0.5'), signal),
      this.metricFamily('/api/metrics/latencies', latency('0.99'), signal),
      this.metricFamily('/api/metrics/calls', base, signal),
      this.metricFamily('/api/metrics/errors', base, signal),
    ]);
    return mergeOperationMetrics({ p50, p95, p99, calls, errors });
  }

  async health(signal?: AbortSignal): Promise<SourceHealth> {
    try {
      const services = await this.servicesVia(this.healthHttp, signal);
      return { reachable: true, detail: `Jaeger at ${this.baseUrl}: ${services.length} ${services.length === 1 ? 'service' : 'services'}` };
    } catch (e) {
      if (isSpanLensError(e) && e.kind === 'cancelled') throw e;
      return { reachable: false, detail: e instanceof Error ? e.message : String(e), ...healthFailure(e) };
    }
  }

  private async servicesVia(http: JaegerHttpClient, signal: AbortSignal | undefined): Promise<string[]> {
    const { candidate, response } = await this.firstPresent(
      [
        { capability: 'v3', path: '/api/v3/services' },
        { capability: 'v1', path: '/api/services' },
      ],
      signal,
      http,
    );
    const json = this.okJson(response);
    const list = this.readList(json, candidate.capability === 'v3' ? 'services' : 'data', response.path);
    return this.readStrings(list, response.path).sort((a, b) => a.localeCompare(b));
  }

  /** Undefined when the server has no metrics backend (501) or no metrics API; remembered. */
  private async metricFamily(path: string, params: URLSearchParams, signal: AbortSignal | undefined): Promise<MetricSeriesValue[] | undefined> {
    const response = await this.http.get(path, params, signal);
    if (response.status === 501 || isEndpointAbsent(response)) {
      this.note('metrics', false, isEndpointAbsent(response) ? response : undefined);
      return undefined;
    }
    this.note('metrics', true);
    const family = parseMetricFamily(this.okJson(response));
    if (!family) throw unexpectedShape(this.baseUrl, response.path, 'not a MetricFamily');
    return family;
  }

  /**
   * Requests the candidates in order, skipping endpoint groups known to be absent, and returns the first answer
   * that is not "no such endpoint". Statuses other than that are the caller's to judge.
   */
  private async firstPresent(
    candidates: readonly Candidate[],
    signal: AbortSignal | undefined,
    http: JaegerHttpClient = this.http,
  ): Promise<{ candidate: Candidate; response: JaegerHttpResponse }> {
    for (const candidate of candidates) {
      if (this.capabilities.get(candidate.capability) === false) continue;
      const response = await http.get(candidate.path, candidate.params, signal);
      if (isEndpointAbsent(response)) {
        this.note(candidate.capability, false, response);
        continue;
      }
      this.note(candidate.capability, true);
      return { candidate, response };
    }
    if (this.lastAbsent) throw notJaegerError(this.baseUrl, this.lastAbsent);
    throw new SpanLensError('not-jaeger', `${this.baseUrl} offers none of ${candidates.map((c) => c.path).join(', ')} — is this the Jaeger query URL (port 16686)?`, {
      url: this.baseUrl,
    });
  }

  private note(capability: JaegerCapability, present: boolean, absentResponse?: JaegerHttpResponse): void {
    this.capabilities.set(capability, present);
    if (absentResponse) this.lastAbsent = absentResponse;
  }

  /** The JSON of a 200 answer; any other status is an 'http' error with Jaeger's message. */
  private okJson(response: JaegerHttpResponse): unknown {
    if (response.status !== 200) {
      if (!looksLikeJson(response.text) && response.status >= 200 && response.status < 300) throw notJaegerError(this.baseUrl, response);
      throw httpError(this.baseUrl, response);
    }
    return parseJsonBody(this.baseUrl, response);
  }

  private parseTraces(response: JaegerHttpResponse, format: 'otlp' | 'jaeger'): Trace[] {
    const json = this.okJson(response);
    const origin = `${this.baseUrl}${response.path}`;
    try {
      return format === 'otlp' ? parseOtlpJson(json, origin) : parseJaegerJson(json, origin);
    } catch (e) {
      if (isSpanLensError(e) && e.kind === 'malformed-file') {
        throw new SpanLensError('malformed-response', `Jaeger at ${this.baseUrl} sent trace data for GET ${response.path} that Span Lens cannot read: ${e.message}`, {
          url: this.baseUrl,
          cause: e,
        });
      }
      throw e;
    }
  }

  private traceNotFound(id: string, response: JaegerHttpResponse): SpanLensError {
    if (response.status !== 404 && response.status !== 200) return httpError(this.baseUrl, response);
    return new SpanLensError(
      'not-found',
      `Trace ${id} was not found in Jaeger at ${this.baseUrl} (it may be older than the storage retention or not flushed yet)`,
      { url: this.baseUrl, status: response.status },
    );
  }

  private readList(json: unknown, field: string, path: string): unknown[] {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw unexpectedShape(this.baseUrl, path, 'not a JSON object');
    const value = (json as Record<string, unknown>)[field];
    // v1 answers `"data": null` and api/v3 leaves the field out (`{}`) when the list is empty.
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw unexpectedShape(this.baseUrl, path, `"${field}" is not a list`);
    return value as unknown[];
  }

  private readStrings(list: unknown[], path: string): string[] {
    return list.map((item) => {
      if (typeof item !== 'string') throw unexpectedShape(this.baseUrl, path, 'a list entry is not a string');
      return item;
    });
  }

  private readOperation(item: unknown, path: string): OperationInfo {
    const { name, spanKind } = (item ?? {}) as { name?: unknown; spanKind?: unknown };
    if (typeof name !== 'string') throw unexpectedShape(this.baseUrl, path, 'an operation has no name');
    return { name, spanKind: typeof spanKind === 'string' ? spanKind : '' };
  }
}

/** Traces fetched to filter by error ourselves (see `search`). */
const ERROR_SEARCH_LIMIT = 1000;

/** Whether a span is one the query is about: its service, operation and duration range (Jaeger's per-span rule). */
function spanFitsQuery(span: Span, query: TraceQuery): boolean {
  if (span.service !== query.service) return false;
  if (query.operation && span.name !== query.operation) return false;
  if (query.minDurationUs !== undefined && span.durationUs < query.minDurationUs) return false;
  if (query.maxDurationUs !== undefined && span.durationUs > query.maxDurationUs) return false;
  return true;
}

/** api/v3's empty result: 404 with `{"error":{"httpCode":404,"message":"No traces found"}}`. */
function isNoTracesFound(response: JaegerHttpResponse): boolean {
  return response.status === 404 && looksLikeJson(response.text) && /no traces found/i.test(jaegerErrorMessage(response.text));
}

function newestFirst(traces: Trace[]): Trace[] {
  const start = (t: Trace): number => t.spans[0]?.startTimeUs ?? 0;
  return [...traces].sort((a, b) => start(b) - start(a));
}
