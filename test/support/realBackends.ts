// What the tests against real backends get from scripts/run-real-backend-tests.mjs: the servers' URLs (environment),
// a way to stop and restart them, views of a real Jaeger that hide one API generation, and independent readings of
// its v1 JSON (plain fetch and JSON.parse, none of Span Lens's parsers) to compare Span Lens's answers with.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RealJaeger {
  readonly url: string;
  readonly otlpHttp: string;
  readonly otlpGrpc: string;
}

export function realJaeger(): RealJaeger | undefined {
  const url = process.env['SPANLENS_REAL_JAEGER_URL'];
  const otlpHttp = process.env['SPANLENS_REAL_JAEGER_OTLP_HTTP'];
  const otlpGrpc = process.env['SPANLENS_REAL_JAEGER_OTLP_GRPC'];
  return url && otlpHttp && otlpGrpc ? { url, otlpHttp, otlpGrpc } : undefined;
}

export function realZipkin(): string | undefined {
  return process.env['SPANLENS_REAL_ZIPKIN_URL'] || undefined;
}

/** Stops or restarts (empty, same ports) a backend the runner owns. */
export async function controlBackend(action: 'stop' | 'start', name: 'jaeger' | 'zipkin'): Promise<void> {
  const base = process.env['SPANLENS_REAL_CONTROL'];
  if (!base) throw new Error('SPANLENS_REAL_CONTROL is not set: run these tests through scripts/run-real-backend-tests.mjs');
  const response = await fetch(`${base}/${action}`, { method: 'POST', body: JSON.stringify({ name }), signal: AbortSignal.timeout(120_000) });
  if (!response.ok) throw new Error(`backend control ${action} ${name}: ${await response.text()}`);
}

/**
 * A loopback proxy in front of a real Jaeger that answers `404 page not found` (as Jaeger 2.16+ does for paths it does
 * not serve) for one API generation, so the client meets a server with only the other:
 * - `v1-only`: no /api/v3/* (a Jaeger 1.x query service);
 * - `v3-only`: no v1 JSON API at all (/api/services, /api/operations, /api/traces…).
 */
export async function startApiView(target: string, view: 'v1-only' | 'v3-only'): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const upstream = new URL(target);
  const requests: string[] = [];
  const hidden = (path: string): boolean => (view === 'v1-only' ? path.startsWith('/api/v3/') : path.startsWith('/api/') && !path.startsWith('/api/v3/'));
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(req.url ?? '/');
    if (hidden(path)) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
      return;
    }
    const forward = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One span as the v1 JSON API reports it, read here without Span Lens's parser. */
export interface RawSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly service: string;
  readonly name: string;
  readonly startUs: number;
  readonly durationUs: number;
  /** The span's tags and its process's (resource attributes). */
  readonly tags: ReadonlyMap<string, string>;
}

/** Every span of the traces `GET /api/traces?service=…` returns (limit 10000, the last `lookbackUs`). */
export async function rawV1Spans(jaegerUrl: string, service: string, lookbackUs = 3600e6): Promise<RawSpan[]> {
  const end = Date.now() * 1000;
  const params = new URLSearchParams({ service, start: String(Math.floor(end - lookbackUs)), end: String(end + 60e6), limit: '10000' });
  const response = await fetch(`${jaegerUrl}/api/traces?${params}`, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`GET /api/traces: HTTP ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as {
    data: Array<{
      traceID: string;
      processes: Record<string, { serviceName: string; tags: Array<{ key: string; value: unknown }> }>;
      spans: Array<{ spanID: string; operationName: string; startTime: number; duration: number; processID: string; tags: Array<{ key: string; value: unknown }> }>;
    }>;
  };
  return body.data.flatMap((t) =>
    t.spans.map((s) => ({
      traceId: t.traceID,
      spanId: s.spanID,
      service: t.processes[s.processID]?.serviceName ?? '',
      name: s.operationName,
      startUs: s.startTime,
      durationUs: s.duration,
      // Span tags over the process's (resource) tags, as Jaeger's search matches either.
      tags: new Map([...(t.processes[s.processID]?.tags ?? []), ...s.tags].map((tag) => [tag.key, String(tag.value)])),
    })),
  );
}

/** Linear interpolation between closest ranks (rank = q·(n−1)), written here again on purpose. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Polls until `condition` holds (for data a backend indexes asynchronously). */
export async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Durations in ms (to the ns) of the spans of `service` named `name`, read from api/v3's OTLP JSON without Span Lens
 * (v1 JSON truncates to whole µs, which shows in the figures of 40 µs spans).
 */
export async function rawV3Durations(jaegerUrl: string, service: string, name: string, lookbackUs = 3600e6): Promise<number[]> {
  const end = Date.now();
  const params = new URLSearchParams({
    'query.service_name': service,
    'query.operation_name': name,
    'query.start_time_min': new Date(end - lookbackUs / 1000).toISOString(),
    'query.start_time_max': new Date(end + 60_000).toISOString(),
    'query.num_traces': '10000',
  });
  const response = await fetch(`${jaegerUrl}/api/v3/traces?${params}`, { signal: AbortSignal.timeout(30_000) });
  if (response.status === 404) return [];
  const body = (await response.json()) as {
    result: {
      resourceSpans: Array<{
        resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
        scopeSpans: Array<{ spans: Array<{ spanId: string; name: string; startTimeUnixNano: string; endTimeUnixNano: string }> }>;
      }>;
    };
  };
  const durations = new Map<string, number>();
  for (const rs of body.result.resourceSpans) {
    if (rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue !== service) continue;
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        if (s.name === name) durations.set(s.spanId, Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6);
      }
    }
  }
  return [...durations.values()];
}

/** One span of a trace as api/v3 reports it (OTLP JSON, nanoseconds), read here without Span Lens's parser. */
export interface RawV3Span {
  readonly spanId: string;
  readonly service: string;
  readonly name: string;
  /** To the ns, in µs (fractional). */
  readonly durationUs: number;
}

/** Every span of one trace from `GET /api/v3/traces/{id}`. */
export async function rawV3Trace(jaegerUrl: string, traceId: string): Promise<RawV3Span[]> {
  const response = await fetch(`${jaegerUrl}/api/v3/traces/${traceId}`, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`GET /api/v3/traces/${traceId}: HTTP ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as {
    result: {
      resourceSpans: Array<{
        resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
        scopeSpans: Array<{ spans: Array<{ spanId: string; name: string; startTimeUnixNano: string; endTimeUnixNano: string }> }>;
      }>;
    };
  };
  return body.result.resourceSpans.flatMap((rs) => {
    const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
    return rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({
        // api/v3 JSON carries span ids as hex (Jaeger's OTLP JSON marshaller), as Span Lens shows them.
        spanId: s.spanId.toLowerCase(),
        service,
        name: s.name,
        durationUs: Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1000,
      })),
    );
  });
}

export interface RawZipkinSpan {
  readonly traceId: string;
  readonly id: string;
  readonly name: string;
  readonly service: string;
  readonly timestamp: number;
  readonly duration: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** Every span of `service`'s traces in the last hour, straight from Zipkin's JSON (each span once). */
export async function rawZipkinSpans(zipkin: string, service: string): Promise<RawZipkinSpan[]> {
  const params = new URLSearchParams({ serviceName: service, limit: '100000', lookback: '3600000', endTs: String(Date.now() + 60_000) });
  const traces = (await (await fetch(`${zipkin}/api/v2/traces?${params}`)).json()) as Array<Array<Record<string, unknown>>>;
  const byId = new Map<string, RawZipkinSpan>();
  for (const trace of traces) {
    for (const s of trace) {
      const span: RawZipkinSpan = {
        traceId: String(s['traceId']).padStart(32, '0'),
        id: String(s['id']),
        name: String(s['name'] ?? ''),
        service: String((s['localEndpoint'] as { serviceName?: string } | undefined)?.serviceName ?? ''),
        timestamp: Number(s['timestamp']),
        duration: Number(s['duration'] ?? 0),
        tags: (s['tags'] as Record<string, string> | undefined) ?? {},
      };
      byId.set(`${span.traceId}/${span.id}/${String(s['kind'])}`, span);
    }
  }
  return [...byId.values()];
}
