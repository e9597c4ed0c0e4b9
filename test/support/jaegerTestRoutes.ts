import type { Trace } from '../../src/core/model/trace';
import { toJaegerJsonTrace } from '../../src/core/model/jaegerJson';
import { toOtlpTracesData } from '../../src/core/model/otlpJson';
import { JaegerTestStore, StoreError, traceEndUs, traceStartUs, type StoreQuery } from './jaegerTestStore';
import {
  goAtoi,
  goDurationUs,
  goParseBoolParam,
  goParseInt,
  parseRfc3339Us,
  parseTraceIdParam,
  usToNanosString,
  v1TraceIdString,
  type Parsed,
} from './jaegerTestParams';
import { INDEX_HTML, METHOD_NOT_ALLOWED, PAGE_NOT_FOUND, jsonReply, v1Envelope, v1Error, v3Error, type Reply } from './jaegerTestReplies';
import { metricsReply, type MetricKind, type MetricsMode } from './jaegerTestMetrics';

/**
 * Which Jaeger the test server imitates:
 * - `v1`: a Jaeger 1.x query service: v1 JSON API only, index.html for unknown paths;
 * - `v2.12`: what the real Jaeger 2.12.0 answers (checked against it by test/real/jaegerContract.test.ts): like v2.15,
 *   plus api/v3 answers as text/plain, `{"operations":[]}` for no operations, its 501 wording for SPM, index.html
 *   for a wrong method, no `span.kind`/`span.status`/`scope.*` search keys, and an `error` tag that, read as a
 *   boolean from a string, matches only spans with status OK;
 * - `v2.15`: api/v3 without trace-summaries, index.html (200) for unknown paths;
 * - `v2.18`: like v2.15 but Go's `404 page not found` for unknown paths; snake_case v3 params only;
 * - `v2.20`: everything (trace-summaries, `query.attributes`, camelCase v3 params, new error texts);
 * - `main`: v2.20 without the v1 search API (`/api/services`, `/api/operations`, `/api/traces` search).
 */
export type JaegerTestVersion = 'v1' | 'v2.12' | 'v2.15' | 'v2.18' | 'v2.20' | 'main';

export interface VersionFeatures {
  readonly v1Search: boolean;
  readonly v3: boolean;
  /** trace-summaries, query.attributes, camelCase params, "must be before", default search depth (v2.19+). */
  readonly v219: boolean;
  readonly indexHtmlForUnknown: boolean;
  /** Jaeger 2.12's own quirks (see JaegerTestVersion). */
  readonly v212: boolean;
}

export function versionFeatures(version: JaegerTestVersion): VersionFeatures {
  return {
    v1Search: version !== 'main',
    v3: version !== 'v1',
    v219: version === 'v2.20' || version === 'main',
    indexHtmlForUnknown: version === 'v1' || version === 'v2.12' || version === 'v2.15',
    v212: version === 'v2.12',
  };
}

export interface RouteContext {
  readonly store: JaegerTestStore;
  readonly features: VersionFeatures;
  readonly metrics: MetricsMode;
  readonly nowUs: () => number;
}

const DEFAULT_V1_LOOKBACK_US = 48 * 3600e6;
const DEFAULT_DEPENDENCIES_LOOKBACK_MS = 24 * 3600e3;

/** Answers one request; `path` is relative to the base path and still percent-encoded. */
export function route(ctx: RouteContext, method: string, path: string, params: URLSearchParams): Reply {
  const f = ctx.features;
  const segments = path.split('/').slice(1);
  const unknown = f.indexHtmlForUnknown ? INDEX_HTML : PAGE_NOT_FOUND;
  // 2.12 routes by method too, so another method falls through to the UI's catch-all.
  const wrongMethod = f.v212 ? INDEX_HTML : METHOD_NOT_ALLOWED;
  const get = (handler: () => Reply): Reply => {
    if (method !== 'GET' && method !== 'HEAD') return wrongMethod;
    const reply = handler();
    // 2.12's api/v3 handlers write JSON with a text/plain content type.
    return f.v212 && segments[1] === 'v3' && reply.contentType === 'application/json' ? { ...reply, contentType: 'text/plain; charset=utf-8' } : reply;
  };
  if (segments[0] !== 'api') return unknown;
  const rest = segments.slice(1);
  const [a, b, c] = rest;
  if (a === 'v3') {
    if (!f.v3) return unknown;
    if (rest.length === 2 && b === 'services') return get(() => v3Services(ctx));
    if (rest.length === 2 && b === 'operations') return get(() => v3Operations(ctx, params));
    if (rest.length === 2 && b === 'traces') return get(() => v3FindTraces(ctx, params));
    if (rest.length === 3 && b === 'traces') return get(() => v3GetTrace(ctx, decodeURIComponent(c!), params));
    if (rest.length === 2 && b === 'trace-summaries' && f.v219) return get(() => v3Summaries(ctx, params));
    return unknown;
  }
  if (rest.length === 2 && a === 'traces') return get(() => v1GetTrace(ctx, decodeURIComponent(b!), params));
  if (rest.length === 1 && a === 'dependencies') return get(() => v1Dependencies(ctx, params));
  if (rest.length === 2 && a === 'metrics' && (b === 'latencies' || b === 'calls' || b === 'errors')) {
    return get(() => metricsReply(b as MetricKind, params, ctx.metrics, ctx.store, Math.floor(ctx.nowUs() / 1000), f.v212));
  }
  if (f.v1Search) {
    // Go marshals the nil slice of an empty store as null.
    if (rest.length === 1 && a === 'services') return get(() => jsonReply(v1Envelope(ctx.store.services().length ? ctx.store.services() : null, ctx.store.services().length)));
    if (rest.length === 3 && a === 'services' && c === 'operations') return get(() => v1LegacyOperations(ctx, decodeURIComponent(b!)));
    if (rest.length === 1 && a === 'operations') return get(() => v1Operations(ctx, params));
    if (rest.length === 1 && a === 'traces') return get(() => v1Search(ctx, params));
  }
  return unknown;
}

// ---- v1 JSON API ----

function v1LegacyOperations(ctx: RouteContext, service: string): Reply {
  const names = [...new Set(ctx.store.operations(service).map((o) => o.name))].sort();
  // Go marshals the nil slice of a service without operations as null.
  return jsonReply(v1Envelope(names.length ? names : null, names.length));
}

function v1Operations(ctx: RouteContext, params: URLSearchParams): Reply {
  const service = params.get('service') ?? '';
  if (service === '') return v1Error(400, "parameter 'service' is required");
  const ops = ctx.store.operations(service, params.get('spanKind') ?? '');
  return jsonReply(v1Envelope(ops, ops.length));
}

function v1Time(params: URLSearchParams, name: string, fallbackUs: number): Parsed<number> {
  const text = params.get(name) ?? '';
  if (text === '') return { ok: true, value: fallbackUs };
  const parsed = goParseInt(text);
  return parsed.ok ? parsed : { ok: false, error: `unable to parse param '${name}': ${parsed.error}` };
}

function parseV1Tags(simple: string[], json: string[]): Parsed<Map<string, string>> {
  const tags = new Map<string, string>();
  for (const tag of simple) {
    const parts = tag.split(':');
    if (parts.length <= 1) return { ok: false, error: `malformed 'tag' parameter, expecting key:value, received: ${tag}` };
    tags.set(parts[0]!, parts.slice(1).join(':'));
  }
  for (const text of json) {
    const map = parseStringMap(text);
    if (!map.ok) return { ok: false, error: `malformed 'tags' parameter, cannot unmarshal JSON: ${map.error}` };
    for (const [k, v] of map.value) tags.set(k, v);
  }
  return { ok: true, value: tags };
}

function v1Search(ctx: RouteContext, params: URLSearchParams): Reply {
  const now = ctx.nowUs();
  const start = v1Time(params, 'start', now - DEFAULT_V1_LOOKBACK_US);
  if (!start.ok) return v1Error(400, start.error);
  const end = v1Time(params, 'end', now);
  if (!end.ok) return v1Error(400, end.error);
  const tags = parseV1Tags(params.getAll('tag'), params.getAll('tags'));
  if (!tags.ok) return v1Error(400, tags.error);
  let limit = 100;
  const limitText = params.get('limit') ?? '';
  if (limitText !== '') {
    const parsed = goParseInt(limitText, 32);
    if (!parsed.ok) return v1Error(400, parsed.error);
    limit = parsed.value;
  }
  const durations: number[] = [];
  for (const name of ['minDuration', 'maxDuration']) {
    const text = params.get(name) ?? '';
    if (text === '') {
      durations.push(0);
      continue;
    }
    const parsed = goDurationUs(text);
    if (!parsed.ok) return v1Error(400, `unable to parse param '${name}': ${parsed.error}`);
    durations.push(parsed.value);
  }
  const [minDuration, maxDuration] = durations as [number, number];
  const traceIds: string[] = [];
  for (const text of params.getAll('traceID')) {
    const id = parseTraceIdParam(text);
    if (!id.ok) return v1Error(400, `cannot parse traceID param: ${id.error}`);
    traceIds.push(id.value);
  }
  const raw = params.get('raw') ?? '';
  if (raw !== '') {
    const parsed = goParseBoolParam(raw);
    if (!parsed.ok) return v1Error(400, `unable to parse param 'raw': ${parsed.error}`);
  }
  const service = params.get('service') ?? '';
  if (traceIds.length === 0 && service === '') return v1Error(400, "parameter 'service' is required");
  if (minDuration !== 0 && maxDuration !== 0 && maxDuration < minDuration) return v1Error(400, "'maxDuration' should be greater than 'minDuration'");

  if (traceIds.length > 0) {
    const found: Trace[] = [];
    const errors: Array<{ msg: string; traceID: string }> = [];
    for (const id of new Set(traceIds)) {
      const trace = ctx.store.get(id);
      if (trace) found.push(trace);
      else errors.push({ msg: 'trace not found', traceID: v1TraceIdString(id) });
    }
    return jsonReply(v1Envelope(found.map(v1TraceJson), 0, errors.length ? errors : null));
  }
  const query: StoreQuery = {
    service,
    operation: params.get('operation') ?? '',
    startMinUs: start.value,
    startMaxUs: end.value,
    durationMinUs: minDuration,
    durationMaxUs: maxDuration,
    attributes: tags.value,
    depth: limit,
    legacyKeys: ctx.features.v212,
  };
  try {
    return jsonReply(v1Envelope(ctx.store.find(query).map(v1TraceJson)));
  } catch (e) {
    if (e instanceof StoreError) return v1Error(500, e.message);
    throw e;
  }
}

function v1GetTrace(ctx: RouteContext, idText: string, params: URLSearchParams): Reply {
  const id = parseTraceIdParam(idText);
  if (!id.ok) return v1Error(400, id.error);
  for (const name of ['start', 'end']) {
    const text = params.get(name) ?? '';
    if (text !== '') {
      const parsed = goParseInt(text);
      if (!parsed.ok) return v1Error(400, `unable to parse param '${name}': ${parsed.error}`);
    }
  }
  const raw = params.get('raw') ?? '';
  if (raw !== '' && !goParseBoolParam(raw).ok) return v1Error(400, `unable to parse param 'raw': strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`);
  const trace = ctx.store.get(id.value);
  if (!trace) return v1Error(404, 'trace not found');
  return jsonReply(v1Envelope([v1TraceJson(trace)]));
}

function v1Dependencies(ctx: RouteContext, params: URLSearchParams): Reply {
  const nowMs = Math.floor(ctx.nowUs() / 1000);
  const endText = params.get('endTs') ?? '';
  const end = endText === '' ? ({ ok: true, value: nowMs } as const) : goParseInt(endText);
  if (!end.ok) return v1Error(400, `unable to parse param 'endTs': ${end.error}`);
  const lookbackText = params.get('lookback') ?? '';
  const lookback = lookbackText === '' ? ({ ok: true, value: DEFAULT_DEPENDENCIES_LOOKBACK_MS } as const) : goParseInt(lookbackText);
  if (!lookback.ok) return v1Error(400, `unable to parse param 'lookback': ${lookback.error}`);
  const service = params.get('service') ?? '';
  const links = ctx.store
    .dependencies((end.value - lookback.value) * 1000, end.value * 1000)
    .filter((l) => service === '' || l.parent === service || l.child === service);
  return jsonReply(v1Envelope(links));
}

// ---- api/v3 ----

function v3Services(ctx: RouteContext): Reply {
  const services = ctx.store.services();
  return jsonReply(services.length ? { services } : {});
}

function v3Operations(ctx: RouteContext, params: URLSearchParams): Reply {
  const kind = ctx.features.v219 ? params.get('spanKind') || params.get('span_kind') || '' : params.get('span_kind') ?? '';
  const operations = ctx.store.operations(params.get('service') ?? '', kind).map((o) => ({ name: o.name, spanKind: o.spanKind || 'internal' }));
  return jsonReply(operations.length || ctx.features.v212 ? { operations } : {});
}

interface V3Query {
  readonly query: StoreQuery;
}

/** parseFindTracesQuery of the imitated version: the v2.19+ one or the older inline parser. */
function parseV3Query(ctx: RouteContext, params: URLSearchParams): Parsed<V3Query> {
  const modern = ctx.features.v219;
  // v2.19+ prefers the canonical camelCase name and falls back to the snake_case alias; older releases know only snake_case.
  const param = (camel: string, snake: string): { value: string; name: string } => {
    if (modern) {
      const v = params.get(camel) ?? '';
      if (v !== '') return { value: v, name: camel };
    }
    return { value: params.get(snake) ?? '', name: snake };
  };
  const bad = (name: string, error: string): Parsed<V3Query> => ({ ok: false, error: `malformed parameter ${name}: ${error}` });
  let attributes = new Map<string, string>();
  if (modern && (params.get('query.attributes') ?? '') !== '') {
    const map = parseStringMap(params.get('query.attributes')!);
    if (!map.ok) return bad('query.attributes', map.error);
    attributes = map.value;
  }
  const min = param('query.startTimeMin', 'query.start_time_min');
  const max = param('query.startTimeMax', 'query.start_time_max');
  if (min.value === '' || max.value === '') {
    return {
      ok: false,
      error: modern ? 'query.startTimeMin and query.startTimeMax are required' : 'query.start_time_min and query.start_time_max are required',
    };
  }
  const minUs = parseRfc3339Us(min.value);
  if (!minUs.ok) return bad(min.name, minUs.error);
  const maxUs = parseRfc3339Us(max.value);
  if (!maxUs.ok) return bad(max.name, maxUs.error);
  if (modern && !(minUs.value < maxUs.value)) return { ok: false, error: 'query.startTimeMin must be before query.startTimeMax' };
  let depth = modern ? 100 : 0; // before v2.19 a missing depth stays 0, which memory storage rejects with a 500
  let depthParam = modern ? param('query.searchDepth', 'query.search_depth') : { value: '', name: '' };
  if (depthParam.value === '') depthParam = { value: params.get('query.num_traces') ?? '', name: 'query.num_traces' };
  if (depthParam.value !== '') {
    const n = goAtoi(depthParam.value);
    if (!n.ok) return bad(depthParam.name, n.error);
    depth = n.value;
  }
  const durations: number[] = [];
  for (const [camel, snake] of [
    ['query.durationMin', 'query.duration_min'],
    ['query.durationMax', 'query.duration_max'],
  ] as const) {
    const d = param(camel, snake);
    if (d.value === '') {
      durations.push(0);
      continue;
    }
    const parsed = goDurationUs(d.value);
    if (!parsed.ok) return bad(d.name, parsed.error);
    durations.push(parsed.value);
  }
  const raw = param('query.rawTraces', 'query.raw_traces');
  if (raw.value !== '') {
    const parsed = goParseBoolParam(raw.value);
    if (!parsed.ok) return bad(raw.name, parsed.error);
  }
  return {
    ok: true,
    value: {
      query: {
        service: param('query.serviceName', 'query.service_name').value,
        operation: param('query.operationName', 'query.operation_name').value,
        startMinUs: minUs.value,
        startMaxUs: maxUs.value,
        durationMinUs: durations[0]!,
        durationMaxUs: durations[1]!,
        attributes,
        depth,
        legacyKeys: ctx.features.v212,
      },
    },
  };
}

const NO_TRACES_FOUND = (): Reply => v3Error(404, 'No traces found');

/** The traces an api/v3 search matches, or the error reply (400 bad query, 500 from storage). */
function v3Search(ctx: RouteContext, params: URLSearchParams): { traces: Trace[] } | { reply: Reply } {
  const parsed = parseV3Query(ctx, params);
  if (!parsed.ok) return { reply: v3Error(400, parsed.error) };
  try {
    return { traces: ctx.store.find(parsed.value.query) };
  } catch (e) {
    if (e instanceof StoreError) return { reply: v3Error(500, e.message) };
    throw e;
  }
}

function v3FindTraces(ctx: RouteContext, params: URLSearchParams): Reply {
  const found = v3Search(ctx, params);
  if ('reply' in found) return found.reply;
  const { traces } = found;
  if (traces.length === 0) return NO_TRACES_FOUND();
  return jsonReply({ result: otlpJson(traces) });
}

function v3Summaries(ctx: RouteContext, params: URLSearchParams): Reply {
  const found = v3Search(ctx, params);
  if ('reply' in found) return found.reply;
  const { traces } = found;
  return jsonReply(traces.length ? { summaries: traces.map(summaryJson) } : {});
}

/** A TraceSummary as jsonpb writes it: proto field order, zero counts and empty strings left out. */
function summaryJson(trace: Trace): Record<string, unknown> {
  const ids = new Set(trace.spans.map((s) => s.spanId));
  const root = trace.spans.find((s) => s.parentSpanId === undefined) ?? trace.spans.find((s) => !ids.has(s.parentSpanId ?? ''));
  const services = new Map<string, { spanCount: number; errorSpanCount: number }>();
  let errors = 0;
  let orphans = 0;
  for (const s of trace.spans) {
    const entry = services.get(s.service) ?? { spanCount: 0, errorSpanCount: 0 };
    entry.spanCount++;
    if (s.error) {
      entry.errorSpanCount++;
      errors++;
    }
    if (s.parentSpanId !== undefined && !ids.has(s.parentSpanId)) orphans++;
    services.set(s.service, entry);
  }
  const omitZero = (o: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0 && v !== '' && v !== undefined));
  return omitZero({
    traceId: trace.traceId,
    rootServiceName: root?.service ?? '',
    rootOperationName: root?.name ?? '',
    minStartTimeUnixNano: usToNanosString(traceStartUs(trace)),
    maxEndTimeUnixNano: usToNanosString(traceEndUs(trace)),
    spanCount: trace.spans.length,
    errorSpanCount: errors,
    orphanSpanCount: orphans,
    services: [...services.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, c]) => omitZero({ name, ...c })),
  });
}

function v3GetTrace(ctx: RouteContext, idText: string, params: URLSearchParams): Reply {
  const id = parseTraceIdParam(idText);
  if (!id.ok) return v3Error(400, `malformed parameter trace_id: ${id.error}`);
  const names = ctx.features.v219
    ? [
        ['startTime', 'start_time'],
        ['endTime', 'end_time'],
      ]
    : [
        ['start_time', 'start_time'],
        ['end_time', 'end_time'],
      ];
  for (const [camel, snake] of names as Array<[string, string]>) {
    const useCamel = (params.get(camel) ?? '') !== '';
    const text = useCamel ? params.get(camel)! : (params.get(snake) ?? '');
    if (text === '') continue;
    const parsed = parseRfc3339Us(text);
    if (!parsed.ok) return v3Error(400, `malformed parameter ${useCamel ? camel : snake}: ${parsed.error}`);
  }
  const trace = ctx.store.get(id.value);
  if (!trace) return NO_TRACES_FOUND();
  return jsonReply({ result: otlpJson([trace]) });
}

/**
 * A trace as Jaeger's v1 JSON writes it: start times and durations in whole µs (truncated from ns), tags and log
 * fields sorted by key (its SortTagsAndLogFields adjuster), no `flags` (OTLP spans arrive without Jaeger flags).
 */
function v1TraceJson(trace: Trace): unknown {
  const json = toJaegerJsonTrace(trace) as unknown as { spans: Array<Record<string, unknown>> };
  const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  for (const span of json.spans) {
    span['startTime'] = Math.trunc(span['startTime'] as number);
    span['duration'] = Math.trunc(span['duration'] as number);
    delete span['flags'];
    (span['tags'] as Array<{ key: string }>).sort(byKey);
    for (const log of span['logs'] as Array<{ timestamp: number; fields: Array<{ key: string }> }>) {
      log.timestamp = Math.trunc(log.timestamp);
      log.fields.sort(byKey);
    }
  }
  return json;
}

/** OTLP JSON as Jaeger's jsonpb writes it: empty lists (attributes, events, links) are left out. */
function otlpJson(traces: readonly Trace[]): unknown {
  const data = toOtlpTracesData(traces) as unknown as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
  for (const rs of data.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        for (const key of ['attributes', 'events', 'links']) if (Array.isArray(span[key]) && (span[key] as unknown[]).length === 0) delete span[key];
      }
    }
  }
  return data;
}

/** json.Unmarshal into map[string]string, with a message close to Go's. */
function parseStringMap(text: string): Parsed<Map<string, string>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: goJsonSyntaxError(text) };
  }
  if (value === null) return { ok: true, value: new Map() };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: `json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type map[string]string` };
  }
  const map = new Map<string, string>();
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') return { ok: false, error: `json: cannot unmarshal ${typeof v} into Go value of type string` };
    map.set(k, v);
  }
  return { ok: true, value: map };
}

/**
 * encoding/json's message for the first error in a text that is not JSON, for the common cases (a bare word, a
 * truncated value): `invalid character 'o' in literal null (expecting 'u')`, `unexpected end of JSON input`.
 */
function goJsonSyntaxError(text: string): string {
  const t = text.trimStart();
  if (t === '') return 'unexpected end of JSON input';
  const literals: Record<string, string> = { n: 'null', t: 'true', f: 'false' };
  const literal = literals[t[0]!];
  if (literal) {
    for (let i = 1; i < literal.length; i++) {
      if (i >= t.length) return 'unexpected end of JSON input';
      if (t[i] !== literal[i]) return `invalid character '${t[i]}' in literal ${literal} (expecting '${literal[i]}')`;
    }
  }
  if (!'{["-0123456789'.includes(t[0]!)) return `invalid character '${t[0]}' looking for beginning of value`;
  return 'unexpected end of JSON input';
}
