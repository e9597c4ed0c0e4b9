import * as http from 'node:http';
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

/**
 * Real OpenTelemetry SDK spans and the bytes the real OTLP exporters send for them (the exporters' own
 * serializers), for the receiver tests.
 */
export interface SdkTraceSpec {
  readonly service?: string;
  /** Number of traces; each has one SERVER root with `children` CLIENT children. */
  readonly traces: number;
  readonly children?: number;
  readonly rootName?: string;
  readonly childName?: string;
  /** Mark every child as failed (status ERROR with an exception event). */
  readonly failChildren?: boolean;
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

export function makeSdkSpans(spec: SdkTraceSpec): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': spec.service ?? 'shop', 'host.name': 'test-host' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('receiver-tests', '1.0.0');
  for (let t = 0; t < spec.traces; t++) {
    const root = tracer.startSpan(spec.rootName ?? 'GET /orders', { kind: SpanKind.SERVER, attributes: { 'http.route': '/orders', n: t, ...spec.attributes } });
    const ctx = trace.setSpan(context.active(), root);
    for (let c = 0; c < (spec.children ?? 0); c++) {
      const child = tracer.startSpan(spec.childName ?? 'inventory.check', { kind: SpanKind.CLIENT, attributes: { item: c } }, ctx);
      if (spec.failChildren) {
        child.recordException(new Error(`item ${c} is out of stock`));
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'out of stock' });
      }
      child.end();
    }
    root.end();
  }
  return exporter.getFinishedSpans();
}

export function protobufBody(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
}

export function jsonBody(spans: ReadableSpan[]): Buffer {
  return Buffer.from(JsonTraceSerializer.serializeRequest(spans)!);
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface PostOptions {
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly method?: string;
  readonly path?: string;
  /** Send without Content-Length (chunked). */
  readonly chunked?: boolean;
  readonly agent?: http.Agent;
  /** Extra request headers, e.g. a foreign Host or an Origin. */
  readonly headers?: http.OutgoingHttpHeaders;
}

/** One HTTP request to the receiver; resolves with the full answer. */
export function post(baseUrl: string, body: Buffer | string, options: PostOptions = {}): Promise<HttpAnswer> {
  const url = new URL(options.path ?? '/v1/traces', baseUrl);
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const headers: http.OutgoingHttpHeaders = { ...options.headers };
  if (options.contentType !== undefined) headers['Content-Type'] = options.contentType;
  if (options.contentEncoding) headers['Content-Encoding'] = options.contentEncoding;
  if (!options.chunked) headers['Content-Length'] = payload.length;
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'POST', headers, timeout: 15_000, ...(options.agent ? { agent: options.agent } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    if (options.chunked) {
      // Several writes so the server sees a streamed body.
      const step = Math.max(1, Math.ceil(payload.length / 4));
      for (let i = 0; i < payload.length; i += step) req.write(payload.subarray(i, i + step));
      req.end();
    } else {
      req.end(payload);
    }
  });
}

export async function getJson(url: string, headers?: http.OutgoingHttpHeaders): Promise<{ status: number; contentType: string; json: unknown; text: string; headers: http.IncomingHttpHeaders }> {
  const answer = await post(url, '', { method: 'GET', path: new URL(url).pathname + new URL(url).search, ...(headers ? { headers } : {}) });
  const text = answer.body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: answer.status, contentType: String(answer.headers['content-type'] ?? ''), json, text, headers: answer.headers };
}
