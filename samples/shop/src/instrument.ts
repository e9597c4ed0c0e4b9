/**
 * OpenTelemetry setup for one shop service. Every service imports this module FIRST: the SDK must patch `http`
 * and `express` before anything else requires them.
 *
 * Exports traces over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318, where Jaeger, an
 * OpenTelemetry Collector or Span Lens' built-in receiver listens), protobuf unless
 * OTEL_EXPORTER_OTLP_PROTOCOL=http/json; OTLP/gRPC with OTEL_EXPORTER_OTLP_PROTOCOL=grpc (endpoint default
 * http://localhost:4317); Zipkin v2 JSON with OTEL_TRACES_EXPORTER=zipkin (OTEL_EXPORTER_ZIPKIN_ENDPOINT, default
 * http://localhost:9411/api/v2/spans). The service name comes from OTEL_SERVICE_NAME.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';

const serviceName = process.env['OTEL_SERVICE_NAME'] ?? 'shop';
/** The release every span carries as `service.version` (see lib/config.ts: SHOP_VERSION). */
const serviceVersion = process.env['SHOP_VERSION'] ?? '1.0.0';

/**
 * Counts the spans this process ended, by name. Tests compare these counts with what a receiver got: with
 * SHOP_SPAN_COUNTS_DIR set, the counts are written to <dir>/<service>.json on shutdown, after the final flush.
 */
class SpanCounter implements SpanProcessor {
  readonly counts = new Map<string, number>();
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & 1) === 0) return; // not sampled: never exported
    this.counts.set(span.name, (this.counts.get(span.name) ?? 0) + 1);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

const counter = new SpanCounter();
/** The exporter the standard OTEL_* variables ask for (each exporter reads its own endpoint variable). */
function chooseExporter(): SpanExporter {
  if (process.env['OTEL_TRACES_EXPORTER'] === 'zipkin') return new ZipkinExporter();
  switch (process.env['OTEL_EXPORTER_OTLP_PROTOCOL']) {
    case 'grpc':
      return new OtlpGrpcExporter();
    case 'http/json':
      return new OtlpJsonExporter();
    default:
      return new OtlpProtoExporter();
  }
}

const exporter = chooseExporter();

const sdk = new NodeSDK({
  serviceName,
  resource: resourceFromAttributes({ 'service.version': serviceVersion }),
  spanProcessors: [new BatchSpanProcessor(exporter), counter],
  // Traces only: no metrics or logs are sent to the trace receiver.
  metricReaders: [],
  logRecordProcessors: [],
  instrumentations: [
    new HttpInstrumentation({
      // Readiness probes are not part of the shop's behaviour.
      ignoreIncomingRequestHook: (req) => (req.url ?? '').startsWith('/health'),
    }),
    // Route handlers only: one span per matched route, not one per middleware.
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
  ],
});
sdk.start();

let shutdownPromise: Promise<void> | undefined;

/** Flushes every pending span to the exporter and stops the SDK; safe to call more than once. */
export function shutdownTelemetry(): Promise<void> {
  shutdownPromise ??= sdk
    .shutdown()
    .catch((e: unknown) => console.error(`[${serviceName}] telemetry shutdown failed: ${String(e)}`))
    .then(() => writeCounts());
  return shutdownPromise;
}

function writeCounts(): void {
  const dir = process.env['SHOP_SPAN_COUNTS_DIR'];
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${serviceName}.json`);
  fs.writeFileSync(file, JSON.stringify({ service: serviceName, counts: Object.fromEntries(counter.counts) }, null, 2));
}
