// The contract server learns from the real one: the real Jaeger 2.12.0 and our test server imitating it
// (test/support/jaegerTestServer.ts, version 'v2.12') hold the same traces and are asked the same requests; status,
// content type and body must agree (bodies compared where Jaeger sets no order: lists as sets, spans by id).
import * as assert from 'node:assert/strict';
import type { Trace } from '../../src/core/model/trace';
import { JaegerSource } from '../../src/core/sources/jaeger/jaegerSource';
import { startJaegerTestServer, type JaegerTestServer } from '../support/jaegerTestServer';
import { realJaeger } from '../support/realBackends';
import { runShop } from '../support/sampleShop';

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: unknown;
}

const sortKeys = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])) : v;
const bySerialized = (a: unknown, b: unknown): number => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);

/** A v1 trace with process ids replaced by the processes themselves, spans by id (ids are assigned per answer). */
function v1Trace(t: { traceID: string; spans: Array<Record<string, unknown>>; processes: Record<string, { tags: unknown[] }>; warnings: unknown }): unknown {
  // Span warnings are left out: Jaeger's clock-skew adjuster adds "clock skew adjustment disabled; not applying
  // calculated delta of …" by its own host model, which the test server does not imitate (see the report).
  const spans = t.spans
    .map((s): Record<string, unknown> => ({ ...s, warnings: undefined, processID: undefined, process: t.processes[s['processID'] as string] }))
    .sort((a, b) => String(a['spanID']).localeCompare(String(b['spanID'])));
  return { traceID: t.traceID, warnings: t.warnings, spans };
}

/** api/v3 OTLP JSON flattened to (resource, scope, span) rows by span id: grouping into blocks is Jaeger's business. */
function v3Spans(result: { resourceSpans: Array<{ resource: { attributes: unknown[] }; scopeSpans: Array<{ scope: unknown; spans: Array<{ spanId: string }> }> }> }): unknown {
  const rows = result.resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ resource: [...rs.resource.attributes].sort(bySerialized), scope: ss.scope, span }))),
  );
  return rows.sort((a, b) => a.span.spanId.localeCompare(b.span.spanId));
}

/** The parts of an answer Jaeger fixes; what it leaves unordered is put in one order. */
function normalize(path: string, text: string): unknown {
  if (/^\s*</.test(text)) return '(html page)';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text;
  }
  const o = json as Record<string, unknown>;
  if (path.startsWith('/api/v3/traces') && o['result']) return { result: v3Spans(o['result'] as never) };
  if (Array.isArray(o['services'])) return { ...o, services: [...(o['services'] as string[])].sort() };
  if (Array.isArray(o['operations'])) return { ...o, operations: [...(o['operations'] as unknown[])].sort(bySerialized) };
  if (Array.isArray(o['data'])) {
    const data = o['data'] as unknown[];
    const isTraces = data.length > 0 && typeof data[0] === 'object' && data[0] !== null && 'spans' in (data[0] as object);
    return { ...o, data: isTraces ? data.map((t) => v1Trace(t as never)).sort(bySerialized) : [...data].sort(bySerialized) };
  }
  return json;
}

/**
 * Equal, but for times a µs apart: Span Lens's model keeps times as float µs (0.25 µs resolution today), so event
 * times that Jaeger holds to the ns come back from the test server rounded (ns strings within 1000, µs within 1).
 */
function alike(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1;
  if (typeof a === 'string' && typeof b === 'string' && /^\d{16,}$/.test(a) && /^\d{16,}$/.test(b)) return Math.abs(Number(BigInt(a) - BigInt(b))) <= 1000;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => alike((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/** Where two JSON values first differ, for the failure message. */
function firstDifference(a: unknown, b: unknown, at: string): string {
  if (alike(a, b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}.${key}`);
      if (d) return d;
    }
  }
  return `${at}: test server ${JSON.stringify(a)?.slice(0, 200)} vs real ${JSON.stringify(b)?.slice(0, 200)}`;
}

async function ask(base: string, path: string, method = 'GET'): Promise<Answer> {
  const response = await fetch(base + path, { method, signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body: sortKeys(normalize(path, text)) };
}

describe('real Jaeger 2.12 and the contract test server answer alike', function () {
  this.timeout(180_000);
  const jaeger = realJaeger();
  let server: JaegerTestServer;
  let traceId: string;
  let failingTraceId: string;
  const t0 = new Date(Date.now() - 3600e3).toISOString();
  const t1 = new Date(Date.now() + 600e3).toISOString();
  const v3Window = `query.start_time_min=${t0}&query.start_time_max=${t1}`;
  const v1Window = `start=${(Date.now() - 3600e3) * 1000}&end=${(Date.now() + 600e3) * 1000}`;

  before(async function () {
    if (!jaeger) this.skip();
    await runShop({ protocol: 'http/protobuf', endpoint: jaeger.otlpHttp, requests: 10, resource: { 'spanlens.feed': 'contract' } });
    await new Promise((r) => setTimeout(r, 1500));
    // Whatever the real server holds (this feed and the other suites'), read with Span Lens, served by the test server.
    const source = new JaegerSource({ baseUrl: jaeger.url, timeoutMs: 30_000 });
    const traces = new Map<string, Trace>();
    for (const service of await source.services()) {
      for (const t of await source.search({ service, startUs: 0, endUs: Date.now() * 1000 + 600e6, limit: 10_000 })) traces.set(t.traceId, t);
    }
    // Span Lens's own findings (clock skew between services) are in the model's warnings; Jaeger's answers have none.
    const asStored = [...traces.values()].map((t) => ({ ...t, spans: t.spans.map((sp) => ({ ...sp, warnings: [] })) }));
    server = await startJaegerTestServer({ version: 'v2.12', fixtures: false, traces: asStored });
    const orders = [...traces.values()].filter((t) => t.spans.some((s) => s.name === 'orders.publish'));
    traceId = orders[0]!.traceId;
    failingTraceId = [...traces.values()].find((t) => t.spans.some((s) => s.error))!.traceId;
  });

  after(async () => {
    await server?.close();
  });

  /** Each request with the difference between the servers that it once showed (the test server has been fixed). */
  const probes: Array<{ what: string; path: () => string; method?: string }> = [
    { what: 'service list (unordered; the client sorts)', path: () => '/api/v3/services' },
    { what: 'v1 service list', path: () => '/api/services' },
    { what: 'operations (api/v3 answers text/plain)', path: () => '/api/v3/operations?service=orders' },
    { what: 'no operations: {"operations":[]} on 2.12, not {}', path: () => '/api/v3/operations?service=no-such-service' },
    { what: 'operations of a span kind', path: () => '/api/v3/operations?service=orders&span_kind=server' },
    { what: 'v1 operations', path: () => '/api/operations?service=orders' },
    { what: 'v1 legacy operations', path: () => '/api/services/orders/operations' },
    { what: 'v1 legacy operations of an unknown service: data null', path: () => '/api/services/no-such-service/operations' },
    { what: 'trace by id, v1: whole µs, tags sorted by key, no flags', path: () => `/api/traces/${traceId}` },
    { what: 'a failing trace, v1 (error tags, exception logs)', path: () => `/api/traces/${failingTraceId}` },
    { what: 'trace by id, api/v3: empty attribute/event/link lists left out', path: () => `/api/v3/traces/${traceId}` },
    { what: 'a failing trace, api/v3', path: () => `/api/v3/traces/${failingTraceId}` },
    { what: 'unknown trace, v1: 404', path: () => '/api/traces/0123456789abcdef' },
    { what: 'unknown trace, api/v3: 404 No traces found', path: () => '/api/v3/traces/0123456789abcdef' },
    { what: 'malformed trace id, v1', path: () => '/api/traces/zz' },
    { what: 'malformed trace id, api/v3', path: () => '/api/v3/traces/zz' },
    { what: 'search by operation, v1', path: () => `/api/traces?service=orders&operation=orders.validate&limit=1000&${v1Window}` },
    { what: 'search by operation, api/v3', path: () => `/api/v3/traces?query.service_name=orders&query.operation_name=orders.validate&${v3Window}&query.num_traces=1000` },
    { what: 'search by duration, api/v3', path: () => `/api/v3/traces?query.service_name=inventory&query.duration_min=3ms&${v3Window}&query.num_traces=1000` },
    { what: 'error=true matches nothing on 2.12', path: () => `/api/traces?service=orders&tag=error:true&limit=1000&${v1Window}` },
    { what: 'span.kind is no search key on 2.12', path: () => `/api/traces?service=orders&tag=span.kind:server&limit=1000&${v1Window}` },
    { what: 'service.name is a resource attribute one can search', path: () => `/api/traces?service=gateway&tag=service.name:gateway&limit=1000&${v1Window}` },
    { what: 'resource attribute search', path: () => `/api/traces?service=gateway&tag=spanlens.feed:contract&limit=1000&${v1Window}` },
    { what: 'search without num_traces: 500', path: () => `/api/v3/traces?query.service_name=orders&${v3Window}` },
    { what: 'search past max_traces: 500', path: () => `/api/traces?service=orders&limit=200000` },
    { what: 'search without a window: 400', path: () => '/api/v3/traces?query.service_name=orders' },
    { what: 'bad time: 400 with Go\'s parse error', path: () => `/api/v3/traces?query.service_name=orders&query.start_time_min=x&query.start_time_max=${t1}&query.num_traces=1` },
    { what: 'nothing found, api/v3: 404', path: () => `/api/v3/traces?query.service_name=no-such-service&${v3Window}&query.num_traces=1` },
    { what: 'nothing found, v1: 200 empty data', path: () => '/api/traces?service=no-such-service' },
    { what: 'v1 search without service: 400', path: () => '/api/traces' },
    { what: 'max below min: 400', path: () => '/api/traces?service=orders&minDuration=2s&maxDuration=1s' },
    { what: 'malformed tag: 400', path: () => '/api/traces?service=orders&tag=x' },
    { what: "malformed tags JSON: 400 with Go's JSON error", path: () => '/api/traces?service=orders&tags=notjson' },
    { what: 'trace-summaries absent before 2.19: the UI page', path: () => `/api/v3/trace-summaries?query.service_name=orders&${v3Window}&query.num_traces=2` },
    { what: 'unknown path: the UI page', path: () => '/api/no-such-endpoint' },
    { what: 'wrong method: the UI page, not 405', path: () => '/api/services', method: 'POST' },
    { what: 'SPM without a metrics backend: 501 with 2.12\'s wording', path: () => '/api/metrics/latencies?service=orders&quantile=0.95' },
    { what: 'SPM parameter check before the 501', path: () => '/api/metrics/latencies?service=orders' },
  ];

  for (const probe of probes) {
    it(probe.what, async () => {
      const path = probe.path();
      const [real, imitation] = await Promise.all([ask(jaeger!.url, path, probe.method), ask(server.url, path, probe.method)]);
      assert.ok(alike(imitation, real), `${probe.method ?? 'GET'} ${path}: ${firstDifference(imitation, real, '')}`);
    });
  }
});
