import type { Span, Trace } from '../../model/trace';
import type { OperationInfo, SourceHealth, TraceQuery, TraceSource, TraceSummary } from '../traceSource';
import { SpanLensError, isSpanLensError } from '../../errors';
import { healthFailure } from '../healthFailure';
import { isHexId, normalizeTraceId } from '../../model/ids';
import { parseZipkinJson } from '../../model/zipkinJson';
import { summarizeTrace } from '../../model/summary';
import { quoteForDisplay } from '../../text/quoteForDisplay';
import { JaegerHttpClient, type JaegerHttpOptions, type JaegerHttpResponse } from '../jaeger/jaegerHttp';
import { looksLikeJson } from '../jaeger/jaegerResponses';
import { checkQuery, errorFilter } from '../queryChecks';

export type ZipkinSourceOptions = Omit<JaegerHttpOptions, 'server'>;

/** How a user gets a local Zipkin, quoted when it cannot be reached. */
export const ZIPKIN_START_HINT =
  'Start it with `docker run --rm -p 9411:9411 openzipkin/zipkin` (or `java -jar zipkin.jar`) or set spanlens.jaeger.url / spanlens.source (CLI: --source or SPANLENS_SOURCE) to its address.';

/**
 * Traces from a Zipkin server's v2 API (`/api/v2/services`, `/spans`, `/traces`, `/trace/{id}`).
 *
 * Zipkin stores service and span names lowercased and lowercases the names in a query too, so `foldsNameCase` tells
 * consumers (the lens figures) to compare names without case. It has no span kinds per operation, no metrics API
 * and no trace summaries: operations come with an empty kind and summaries are computed from the traces.
 */
export class ZipkinSource implements TraceSource {
  readonly description: string;
  readonly baseUrl: string;
  readonly foldsNameCase = true;
  private readonly http: JaegerHttpClient;
  private readonly healthHttp: JaegerHttpClient;

  constructor(options: ZipkinSourceOptions) {
    const server = { name: 'Zipkin', startHint: ZIPKIN_START_HINT };
    this.http = new JaegerHttpClient({ ...options, baseUrl: zipkinBaseUrl(options.baseUrl), server });
    this.healthHttp = new JaegerHttpClient({ ...options, baseUrl: zipkinBaseUrl(options.baseUrl), server, timeoutMs: Math.min(options.timeoutMs, 5000), retries: 0 });
    this.baseUrl = this.http.displayUrl;
    this.description = `Zipkin ${this.baseUrl}`;
  }

  async services(signal?: AbortSignal): Promise<string[]> {
    return this.servicesVia(this.http, signal);
  }

  async operations(service: string, signal?: AbortSignal): Promise<OperationInfo[]> {
    const response = await this.http.get('/api/v2/spans', new URLSearchParams({ serviceName: service }), signal);
    return this.readStrings(this.okJson(response), response.path)
      .sort((a, b) => a.localeCompare(b))
      .map((name) => ({ name, spanKind: '' }));
  }

  async search(query: TraceQuery, signal?: AbortSignal): Promise<Trace[]> {
    checkQuery(query);
    const wantErrors = errorFilter(query);
    const params = searchParams(query, wantErrors);
    const response = await this.http.get('/api/v2/traces', params, signal);
    const json = this.okJson(response);
    if (!Array.isArray(json)) throw this.unexpected(response.path, 'not a list of traces');
    // Each entry is one trace's span list; parsing them together lets 64-bit ids join their 128-bit traces.
    const spans: unknown[] = [];
    for (const entry of json) {
      if (!Array.isArray(entry)) throw this.unexpected(response.path, 'a trace is not a list of spans');
      for (const span of entry as unknown[]) spans.push(span);
    }
    const traces = this.parse(spans, response.path);
    // Zipkin 3.6.1 does not hold the duration bounds to the span the query names (a maxDuration search for
    // orders.create returned traces whose orders.create was longer: measured in test/real/zipkinSource.test.ts), and
    // `error=false` has no annotationQuery form: keep the traces where one span fits all of the query, as Jaeger does.
    const needsFilter = wantErrors === false || query.minDurationUs !== undefined || query.maxDurationUs !== undefined;
    const kept = needsFilter ? traces.filter((t) => t.spans.some((s) => spanFitsQuery(s, query) && (wantErrors !== false || !s.error))) : traces;
    return newestFirst(kept).slice(0, query.limit);
  }

  async searchSummaries(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    return (await this.search(query, signal)).map(summarizeTrace);
  }

  async getTrace(traceId: string, signal?: AbortSignal): Promise<Trace> {
    const raw = traceId.trim();
    if (!isHexId(raw)) throw new SpanLensError('bad-input', `"${quoteForDisplay(traceId, 80)}" is not a trace id: expected 1 to 32 hexadecimal digits.`);
    const id = normalizeTraceId(raw);
    // Zipkin wants lower hex without padding beyond the 64-bit form it stored (a 32-digit id of a 64-bit trace works too).
    const response = await this.http.get(`/api/v2/trace/${id.replace(/^0{16}/, '')}`, undefined, signal);
    if (response.status === 404) {
      throw new SpanLensError('not-found', `Trace ${id} was not found in Zipkin at ${this.baseUrl} (it may be older than the storage retention or not flushed yet)`, {
        url: this.baseUrl,
        status: 404,
      });
    }
    const traces = this.parse(this.okJson(response), response.path);
    const match = traces.find((t) => t.traceId === id) ?? (traces.length === 1 ? traces[0] : undefined);
    if (!match) throw new SpanLensError('not-found', `Trace ${id} was not found in Zipkin at ${this.baseUrl}.`, { url: this.baseUrl });
    return match;
  }

  async health(signal?: AbortSignal): Promise<SourceHealth> {
    try {
      const services = await this.servicesVia(this.healthHttp, signal);
      return { reachable: true, detail: `Zipkin at ${this.baseUrl}: ${services.length} ${services.length === 1 ? 'service' : 'services'}` };
    } catch (e) {
      if (isSpanLensError(e) && e.kind === 'cancelled') throw e;
      return { reachable: false, detail: e instanceof Error ? e.message : String(e), ...healthFailure(e) };
    }
  }

  private async servicesVia(http: JaegerHttpClient, signal: AbortSignal | undefined): Promise<string[]> {
    const response = await http.get('/api/v2/services', undefined, signal);
    return this.readStrings(this.okJson(response), response.path).sort((a, b) => a.localeCompare(b));
  }

  /** The JSON of a 2xx answer; Zipkin's errors are plain text (e.g. `limit <= 0`), quoted in the message. */
  private okJson(response: JaegerHttpResponse): unknown {
    if (response.status < 200 || response.status >= 300) {
      const hint =
        response.status === 401 || response.status === 403
          ? ' Check the credentials (token or headers) Span Lens sends.'
          : response.status >= 500
            ? ' This is a problem inside Zipkin or its storage; check its logs.'
            : '';
      return fail(
        new SpanLensError(
          'http',
          `Zipkin at ${this.baseUrl} answered HTTP ${response.status} to GET ${response.path}: ${oneLine(response.text) || '(no message)'}.${hint}`,
          { url: this.baseUrl, status: response.status },
        ),
      );
    }
    if (!looksLikeJson(response.text)) {
      return fail(
        new SpanLensError('not-jaeger', `${this.baseUrl} answered GET ${response.path} with ${/^\s*</.test(response.text) ? 'HTML' : 'plain text'}, not Zipkin's JSON API — is this the Zipkin URL (port 9411)?`, {
          url: this.baseUrl,
          status: response.status,
        }),
      );
    }
    try {
      return JSON.parse(response.text) as unknown;
    } catch (e) {
      return fail(
        new SpanLensError('malformed-response', `Zipkin at ${this.baseUrl} sent invalid JSON for GET ${response.path} (${response.text.length} characters received). Try again.`, {
          url: this.baseUrl,
          cause: e,
        }),
      );
    }
  }

  private parse(json: unknown, path: string): Trace[] {
    try {
      return parseZipkinJson(json, `${this.baseUrl}${path}`);
    } catch (e) {
      if (isSpanLensError(e)) throw new SpanLensError('malformed-response', `Zipkin at ${this.baseUrl} sent spans Span Lens cannot read: ${e.message}`, { url: this.baseUrl, cause: e });
      throw e;
    }
  }

  private readStrings(json: unknown, path: string): string[] {
    if (!Array.isArray(json)) throw this.unexpected(path, 'not a JSON list');
    return json.map((item) => {
      if (typeof item !== 'string') throw this.unexpected(path, 'a list entry is not a string');
      return item;
    });
  }

  private unexpected(path: string, what: string): SpanLensError {
    return new SpanLensError('malformed-response', `Zipkin at ${this.baseUrl} sent an unexpected answer to GET ${path}: ${what}.`, { url: this.baseUrl });
  }
}

/**
 * The server root from what a user may paste: the UI's address (`…/zipkin/`, `…/zipkin/traces/…`) or the API's
 * (`…/api/v2`) both mean the server they are served from.
 */
export function zipkinBaseUrl(raw: string): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text; // JaegerHttpClient reports the bad URL.
  }
  url.pathname = url.pathname.replace(/\/(zipkin(\/.*)?|api\/v2(\/.*)?)$/i, '') || '/';
  // Query parameters (a proxy's key, say) and credentials stay; only a trailing slash goes.
  return url.toString().replace(/\/+(?=\?|$)/, '');
}

/** Whether a URL is more likely Zipkin than Jaeger before it answered: its path says so, or Zipkin's port 9411 (Jaeger's
 * Zipkin *receiver* listens there too, but that is no query API). */
export function looksLikeZipkinUrl(raw: string): boolean {
  if (pathSaysZipkin(raw)) return true;
  try {
    return new URL(raw.trim()).port === '9411';
  } catch {
    return false;
  }
}

/** Whether a URL's path says Zipkin (its UI or API path), so no detection is needed. */
export function pathSaysZipkin(raw: string): boolean {
  try {
    return /\/(zipkin(\/.*)?|api\/v2(\/.*)?)$/i.test(new URL(raw.trim()).pathname);
  } catch {
    return false;
  }
}

/** `/api/v2/traces` parameters: times in ms (endTs, lookback), durations in µs, tags as an annotationQuery. */
export function searchParams(query: TraceQuery, wantErrors: boolean | undefined): URLSearchParams {
  const params = new URLSearchParams({ serviceName: query.service });
  if (query.operation) params.set('spanName', query.operation);
  const terms: string[] = [];
  for (const [key, value] of Object.entries(query.tags ?? {})) {
    if (key === 'error') {
      if (wantErrors === true) terms.push('error');
      else if (wantErrors === undefined) terms.push(`error=${value}`);
      continue;
    }
    // annotationQuery separates terms with " and "; a value holding that text cannot be expressed, so it is sent
    // as is and Zipkin may find nothing, never the wrong traces.
    terms.push(value === '' ? key : `${key}=${value}`);
  }
  if (terms.length > 0) params.set('annotationQuery', terms.join(' and '));
  // Zipkin refuses non-positive durations ("minDuration <= 0").
  if (query.minDurationUs !== undefined && query.minDurationUs > 0) params.set('minDuration', String(Math.floor(query.minDurationUs)));
  if (query.maxDurationUs !== undefined && query.maxDurationUs > 0) {
    // Zipkin 3 refuses a maximum alone ("maxDuration is only valid with minDuration"): 1 µs is the smallest minimum.
    if (!params.has('minDuration')) params.set('minDuration', '1');
    params.set('maxDuration', String(Math.ceil(query.maxDurationUs)));
  }
  const endMs = Math.ceil(query.endUs / 1000);
  params.set('endTs', String(endMs));
  params.set('lookback', String(Math.max(1, endMs - Math.floor(query.startUs / 1000))));
  params.set('limit', String(query.limit));
  return params;
}

function spanFitsQuery(span: Span, query: TraceQuery): boolean {
  if (span.service.toLowerCase() !== query.service.toLowerCase()) return false;
  if (query.operation && span.name.toLowerCase() !== query.operation.toLowerCase()) return false;
  if (query.minDurationUs !== undefined && span.durationUs < query.minDurationUs) return false;
  if (query.maxDurationUs !== undefined && query.maxDurationUs > 0 && span.durationUs > query.maxDurationUs) return false;
  return true;
}

function newestFirst(traces: Trace[]): Trace[] {
  const start = (t: Trace): number => t.spans.reduce((min, s) => Math.min(min, s.startTimeUs), Infinity);
  return [...traces].sort((a, b) => start(b) - start(a));
}

function oneLine(text: string): string {
  return quoteForDisplay(text.replace(/[ \t\r\n]+/g, ' ').trim(), 200);
}

function fail(error: SpanLensError): never {
  throw error;
}
