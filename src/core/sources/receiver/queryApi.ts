import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Trace } from '../../model/trace';
import { toJaegerJsonTrace } from '../../model/jaegerJson';
import { toOtlpTracesData } from '../../model/otlpJson';
import { microsToNanos } from '../../model/nanoTime';
import { describeError, isSpanLensError } from '../../errors';
import type { TraceQuery, TraceSource } from '../traceSource';
import { closeServer, listen } from './listen';
import { type LocalRequestGuard, createLocalRequestGuard } from './localRequestGuard';
import { type Parsed, parseGoDurationUs, parseGoInt, parseRfc3339Us, parseStringMap, parseTraceIdParam } from './queryParams';

/**
 * A subset of Jaeger's query HTTP API served from any TraceSource, so `spanlens receive` can be read by the other
 * CLI commands (and by Jaeger clients) as if it were Jaeger: v1 `/api/services`, `/api/services/{s}/operations`,
 * `/api/operations`, `/api/traces`, `/api/traces/{id}`; api/v3 `/api/v3/services`, `/api/v3/operations`,
 * `/api/v3/traces`, `/api/v3/traces/{id}`, `/api/v3/trace-summaries`; `/api/metrics/*` answers 501 like an
 * all-in-one without a metrics backend. Shapes, defaults and error texts follow /work/shared/JAEGER-API.md.
 */
export interface JaegerQueryApiOptions {
  /** Clock for default search windows, Unix ms. */
  readonly now?: () => number;
  /** Who may read (see localRequestGuard.ts). Default: requests addressed to loopback from programs or loopback pages. */
  readonly guard?: LocalRequestGuard;
}

interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const V1_DEFAULT_LIMIT = 100;
const V1_DEFAULT_LOOKBACK_US = 48 * 3600 * 1e6;
const V3_DEFAULT_NUM_TRACES = 100;
const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';

export function createJaegerQueryHandler(source: TraceSource, options: JaegerQueryApiOptions = {}): Handler {
  const now = options.now ?? Date.now;
  const guard = options.guard ?? createLocalRequestGuard('127.0.0.1', 'the Span Lens query API');
  return (req, res) => {
    const verdict = guard(req.headers);
    if (!verdict.allowed) {
      const isV3 = (req.url ?? '').startsWith('/api/v3/');
      send(res, isV3 ? v3Error(403, verdict.message) : v1Error(403, verdict.message));
      return;
    }
    if (verdict.corsOrigin !== undefined) {
      // Pages served from this machine (a Jaeger UI on a localhost dev server, say) may read the answers.
      res.setHeader('Access-Control-Allow-Origin', verdict.corsOrigin);
      res.setHeader('Vary', 'Origin');
    }
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    route(req, source, now, controller.signal).then(
      (reply) => send(res, reply),
      (e: unknown) => send(res, { status: 500, contentType: TEXT_TYPE, body: `internal error: ${describeError(e)}` }),
    );
  };
}

export interface QueryApiServer {
  /** e.g. http://127.0.0.1:16687 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface QueryApiServerOptions extends JaegerQueryApiOptions {
  readonly source: TraceSource;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** How users choose another port, for the port-in-use message. */
  readonly portHint?: string;
}

/** Serves the query API on host:port (default host 127.0.0.1). */
export async function startJaegerQueryServer(options: QueryApiServerOptions): Promise<QueryApiServer> {
  const host = options.host ?? '127.0.0.1';
  const guard = options.guard ?? createLocalRequestGuard(host, 'the Span Lens query API');
  const server = http.createServer(createJaegerQueryHandler(options.source, { ...options, guard }));
  server.keepAliveTimeout = 5_000;
  await listen(server, { host, port: options.port, what: 'The query API', portHint: options.portHint ?? '--query-port' });
  const port = (server.address() as AddressInfo).port;
  return { url: `http://${host}:${port}`, port, close: () => closeServer(server) };
}

async function route(req: http.IncomingMessage, source: TraceSource, now: () => number, signal: AbortSignal): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  const p = url.searchParams;
  const isV3 = path.startsWith('/api/v3/');
  if (!path.startsWith('/api/')) return notFoundPage();
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return isV3 ? v3Error(405, `method ${req.method ?? ''} not allowed`) : v1Error(405, `method ${req.method ?? ''} not allowed`);
  }
  try {
    if (isV3) return await routeV3(path, p, source, signal);
    return await routeV1(path, p, source, now, signal);
  } catch (e) {
    const status = !isSpanLensError(e) ? 500 : e.kind === 'not-found' ? 404 : e.kind === 'bad-input' ? 400 : 500;
    if (isV3) return status === 404 ? noTracesFound() : v3Error(status, describeError(e));
    return v1Error(status, status === 404 ? 'trace not found' : describeError(e));
  }
}

// ---- v1 -----------------------------------------------------------------------------------------------------------

async function routeV1(path: string, p: URLSearchParams, source: TraceSource, now: () => number, signal: AbortSignal): Promise<Reply> {
  if (path === '/api/services') {
    const services = await source.services(signal);
    return v1Data(services, services.length);
  }
  const opsMatch = /^\/api\/services\/([^/]+)\/operations$/.exec(path);
  if (opsMatch) {
    const names = [...new Set((await source.operations(decodeURIComponent(opsMatch[1]!), signal)).map((o) => o.name))].sort();
    return v1Data(names.length ? names : null, names.length);
  }
  if (path === '/api/operations') {
    const service = p.get('service');
    if (!service) return v1Error(400, "parameter 'service' is required");
    const kind = p.get('spanKind') ?? '';
    const ops = (await source.operations(service, signal)).filter((o) => !kind || o.spanKind === kind);
    return v1Data(ops, ops.length);
  }
  if (path === '/api/traces') return v1Search(p, source, now, signal);
  const traceMatch = /^\/api\/traces\/([^/]+)$/.exec(path);
  if (traceMatch) {
    const id = parseTraceIdParam(decodeURIComponent(traceMatch[1]!));
    if (!id.ok) return v1Error(400, `cannot parse traceID param: ${id.error}`);
    const trace = await source.getTrace(id.value, signal);
    return v1Data([toJaegerJsonTrace(trace)], 1);
  }
  if (/^\/api\/metrics\/[^/]+$/.test(path)) return v1Error(501, 'trace metrics are currently disabled - no metrics backend configured');
  return notFoundPage();
}

async function v1Search(p: URLSearchParams, source: TraceSource, now: () => number, signal: AbortSignal): Promise<Reply> {
  const traceIds = p.getAll('traceID');
  if (traceIds.length > 0) {
    const found: Trace[] = [];
    const errors: { msg: string; traceID: string }[] = [];
    for (const raw of traceIds) {
      const id = parseTraceIdParam(raw);
      if (!id.ok) return v1Error(400, `cannot parse traceID param: ${id.error}`);
      try {
        found.push(await source.getTrace(id.value, signal));
      } catch (e) {
        if (!isSpanLensError(e) || e.kind !== 'not-found') throw e;
        errors.push({ msg: 'trace not found', traceID: raw });
      }
    }
    return json(200, { data: found.map(toJaegerJsonTrace), total: found.length, limit: 0, offset: 0, errors: errors.length ? errors : null });
  }
  const service = p.get('service');
  if (!service) return v1Error(400, "parameter 'service' is required");
  const intParam = (name: string): Parsed<number | undefined> => {
    const v = p.get(name);
    if (v === null || v === '') return { ok: true, value: undefined };
    const parsed = parseGoInt(v);
    return parsed.ok ? parsed : { ok: false, error: `unable to parse param '${name}': ${parsed.error}` };
  };
  const durationParam = (name: string): Parsed<number | undefined> => {
    const v = p.get(name);
    if (v === null || v === '') return { ok: true, value: undefined };
    const parsed = parseGoDurationUs(v);
    return parsed.ok ? parsed : { ok: false, error: `unable to parse param '${name}': ${parsed.error}` };
  };
  const start = intParam('start');
  const end = intParam('end');
  const limit = intParam('limit');
  const minDuration = durationParam('minDuration');
  const maxDuration = durationParam('maxDuration');
  for (const r of [start, end, limit, minDuration, maxDuration]) if (!r.ok) return v1Error(400, r.error);
  const value = <T>(r: Parsed<T>): T => (r as { value: T }).value;
  const minUs = value(minDuration);
  const maxUs = value(maxDuration);
  if (minUs !== undefined && maxUs !== undefined && maxUs < minUs) return v1Error(400, "'maxDuration' should be greater than 'minDuration'");
  const tags: Record<string, string> = {};
  for (const tag of p.getAll('tag')) {
    const colon = tag.indexOf(':');
    if (colon < 0) return v1Error(400, `malformed 'tag' parameter, expecting key:value, received: ${tag}`);
    tags[tag.slice(0, colon)] = tag.slice(colon + 1);
  }
  const tagsJson = p.get('tags');
  if (tagsJson) {
    const parsed = parseStringMap(tagsJson);
    if (!parsed.ok) return v1Error(400, `malformed 'tags' parameter, cannot unmarshal JSON: ${parsed.error}`);
    Object.assign(tags, parsed.value);
  }
  const endUs = value(end) ?? now() * 1000;
  const query: TraceQuery = {
    service,
    ...(p.get('operation') ? { operation: p.get('operation')! } : {}),
    ...(Object.keys(tags).length ? { tags } : {}),
    ...(minUs !== undefined ? { minDurationUs: minUs } : {}),
    ...(maxUs !== undefined ? { maxDurationUs: maxUs } : {}),
    startUs: value(start) ?? endUs - V1_DEFAULT_LOOKBACK_US,
    endUs,
    limit: value(limit) || V1_DEFAULT_LIMIT,
  };
  const traces = await source.search(query, signal);
  return v1Data(traces.map(toJaegerJsonTrace), traces.length);
}

function v1Data(data: unknown, total: number): Reply {
  return json(200, { data, total, limit: 0, offset: 0, errors: null });
}

function v1Error(status: number, msg: string): Reply {
  return {
    status,
    contentType: TEXT_TYPE,
    body: `${JSON.stringify({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: status, msg }] })}\n`,
  };
}

// ---- api/v3 -------------------------------------------------------------------------------------------------------

async function routeV3(path: string, p: URLSearchParams, source: TraceSource, signal: AbortSignal): Promise<Reply> {
  if (path === '/api/v3/services') {
    const services = await source.services(signal);
    return json(200, services.length ? { services } : {});
  }
  if (path === '/api/v3/operations') {
    const service = p.get('service');
    if (!service) return v3Error(400, 'service name is required');
    const kind = p.get('span_kind') ?? p.get('spanKind') ?? '';
    const operations = (await source.operations(service, signal)).filter((o) => !kind || o.spanKind === kind);
    return json(200, operations.length ? { operations } : {});
  }
  if (path === '/api/v3/traces' || path === '/api/v3/trace-summaries') {
    const query = v3Query(p);
    if (!query.ok) return v3Error(400, query.error);
    const traces = await source.search(query.value, signal);
    if (path === '/api/v3/trace-summaries') return json(200, traces.length ? { summaries: traces.map(v3Summary) } : {});
    return traces.length ? json(200, { result: toOtlpTracesData(traces) }) : noTracesFound();
  }
  const traceMatch = /^\/api\/v3\/traces\/([^/]+)$/.exec(path);
  if (traceMatch) {
    const id = parseTraceIdParam(decodeURIComponent(traceMatch[1]!));
    if (!id.ok) return v3Error(400, `malformed parameter trace_id: ${id.error}`);
    const trace = await source.getTrace(id.value, signal);
    return json(200, { result: toOtlpTracesData([trace]) });
  }
  return notFoundPage();
}

/** The api/v3 search parameters; snake_case as on every v2 release, camelCase as v2.19+ also accepts. */
function v3Query(p: URLSearchParams): Parsed<TraceQuery> {
  const get = (snake: string, camel: string): string | null => p.get(`query.${snake}`) ?? p.get(`query.${camel}`);
  const minText = get('start_time_min', 'startTimeMin');
  const maxText = get('start_time_max', 'startTimeMax');
  if (!minText || !maxText) return { ok: false, error: 'query.start_time_min and query.start_time_max are required' };
  const startUs = parseRfc3339Us(minText);
  if (!startUs.ok) return { ok: false, error: `malformed parameter query.start_time_min: ${startUs.error}` };
  const endUs = parseRfc3339Us(maxText);
  if (!endUs.ok) return { ok: false, error: `malformed parameter query.start_time_max: ${endUs.error}` };
  const duration = (snake: string, camel: string): Parsed<number | undefined> => {
    const text = get(snake, camel);
    if (!text) return { ok: true, value: undefined };
    const parsed = parseGoDurationUs(text);
    return parsed.ok ? parsed : { ok: false, error: `malformed parameter query.${snake}: ${parsed.error}` };
  };
  const minDuration = duration('duration_min', 'durationMin');
  if (!minDuration.ok) return minDuration;
  const maxDuration = duration('duration_max', 'durationMax');
  if (!maxDuration.ok) return maxDuration;
  let limit = V3_DEFAULT_NUM_TRACES;
  const limitText = get('num_traces', 'numTraces') ?? get('search_depth', 'searchDepth');
  if (limitText) {
    const parsed = parseGoInt(limitText);
    if (!parsed.ok) return { ok: false, error: `malformed parameter query.num_traces: ${parsed.error}` };
    if (parsed.value > 0) limit = parsed.value;
  }
  let tags: Record<string, string> | undefined;
  const attributes = get('attributes', 'attributes');
  if (attributes) {
    const parsed = parseStringMap(attributes);
    if (!parsed.ok) return { ok: false, error: `malformed parameter query.attributes: ${parsed.error}` };
    if (Object.keys(parsed.value).length) tags = parsed.value;
  }
  const operation = get('operation_name', 'operationName');
  return {
    ok: true,
    value: {
      service: get('service_name', 'serviceName') ?? '',
      ...(operation ? { operation } : {}),
      ...(tags ? { tags } : {}),
      ...(minDuration.value !== undefined ? { minDurationUs: minDuration.value } : {}),
      ...(maxDuration.value !== undefined ? { maxDurationUs: maxDuration.value } : {}),
      startUs: startUs.value,
      endUs: endUs.value,
      limit,
    },
  };
}

/** One row of `/api/v3/trace-summaries`, computed from the full trace. */
function v3Summary(trace: Trace): object {
  let minStart = Infinity;
  let maxEnd = -Infinity;
  let errors = 0;
  let orphans = 0;
  const services = new Map<string, { name: string; spanCount: number; errorSpanCount: number }>();
  for (const s of trace.spans) {
    minStart = Math.min(minStart, s.startTimeUs);
    maxEnd = Math.max(maxEnd, s.startTimeUs + s.durationUs);
    if (s.error) errors++;
    if (s.orphan) orphans++;
    let entry = services.get(s.service);
    if (!entry) services.set(s.service, (entry = { name: s.service, spanCount: 0, errorSpanCount: 0 }));
    entry.spanCount++;
    if (s.error) entry.errorSpanCount++;
  }
  const root = trace.spans.find((s) => s.parentSpanId === undefined) ?? trace.spans[0];
  return {
    traceId: trace.traceId,
    rootServiceName: root?.service ?? '',
    rootOperationName: root?.name ?? '',
    minStartTimeUnixNano: trace.spans.length ? microsToNanos(minStart).toString() : '0',
    maxEndTimeUnixNano: trace.spans.length ? microsToNanos(maxEnd).toString() : '0',
    spanCount: trace.spans.length,
    errorSpanCount: errors,
    orphanSpanCount: orphans,
    services: [...services.values()],
  };
}

function v3Error(status: number, message: string): Reply {
  return { status, contentType: TEXT_TYPE, body: `${JSON.stringify({ error: { httpCode: status, message } })}\n` };
}

function noTracesFound(): Reply {
  return v3Error(404, 'No traces found');
}

// ---- common -------------------------------------------------------------------------------------------------------

function notFoundPage(): Reply {
  return { status: 404, contentType: TEXT_TYPE, body: '404 page not found\n' };
}

function json(status: number, body: unknown): Reply {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(body) };
}

function send(res: http.ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const payload = Buffer.from(reply.body);
  res.statusCode = reply.status;
  res.setHeader('Content-Type', reply.contentType);
  res.setHeader('Content-Length', payload.length);
  res.end(res.req.method === 'HEAD' ? undefined : payload);
}
