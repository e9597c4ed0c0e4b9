// Export bodies for the receiver benchmark: real OpenTelemetry SDK spans serialised by the real exporters'
// serializers, 512 spans per request (the BatchSpanProcessor's default batch size). Not a section itself.
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

export const SPANS_PER_REQUEST = 512;
const SPANS_PER_TRACE = 8;

/** `requests` batches of 512 spans: traces of 8 spans (server root, client and internal children) with typical attributes. */
export function exportBatches(requests: number): ReadableSpan[][] {
  const batches: ReadableSpan[][] = [];
  const services = ['gateway', 'orders', 'inventory', 'payments'];
  for (let r = 0; r < requests; r++) {
    const exporter = new InMemorySpanExporter();
    const service = services[r % services.length]!;
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'host.name': 'bench-host', 'process.pid': 4242, 'telemetry.sdk.language': 'nodejs' }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('bench', '1.0.0');
    for (let t = 0; t < SPANS_PER_REQUEST / SPANS_PER_TRACE; t++) {
      const root = tracer.startSpan(`GET /api/orders/:id`, {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': 'GET',
          'http.route': '/api/orders/:id',
          'url.path': `/api/orders/${r * 1000 + t}`,
          'http.response.status_code': 200,
          'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) bench',
          'server.address': '127.0.0.1',
        },
      });
      const ctx = trace.setSpan(context.active(), root);
      for (let c = 1; c < SPANS_PER_TRACE; c++) {
        const child = tracer.startSpan(c % 2 ? 'SELECT orders' : 'inventory.reserve', {
          kind: c % 2 ? SpanKind.CLIENT : SpanKind.INTERNAL,
          attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT * FROM orders WHERE id = $1', 'order.item': c, 'order.total': 19.99 },
        }, ctx);
        if (c === 7 && t % 10 === 0) {
          child.recordException(new Error('connection reset'));
          child.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' });
        }
        child.end();
      }
      root.end();
    }
    batches.push(exporter.getFinishedSpans() as ReadableSpan[]);
  }
  return batches;
}

export function protobufBodies(batches: readonly ReadableSpan[][]): Buffer[] {
  return batches.map((b) => Buffer.from(ProtobufTraceSerializer.serializeRequest(b)!));
}

export function jsonBodies(batches: readonly ReadableSpan[][]): Buffer[] {
  return batches.map((b) => Buffer.from(JsonTraceSerializer.serializeRequest(b)!));
}
