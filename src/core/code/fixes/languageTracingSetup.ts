// "Set up tracing" beyond Node: a tracing file per language with what a developer with a local Jaeger wants
// (OTLP over HTTP to localhost:4318, the service name in the resource, a parent-based ratio sampler, a batch
// processor, a shutdown that flushes) and the dependency edits, pinned to the versions the sample shop runs with
// (approved for this project). Python: tracing.py + requirements.txt; Go: tracing.go + go.mod requires; Java: the
// agent's configuration file (-Dotel.javaagent.configuration-file) and its command line.
import type { TextEdit } from '../../model/textRange';
import { goCommentText, goStringLiteral } from '../codegen/go';
import { pyCommentText, pyStringLiteral } from '../codegen/python';
import { rangeOfOffsets } from './textEdits';

export interface LanguageSetupOptions {
  readonly serviceName: string;
  /** Share of new traces kept, 0..1. */
  readonly samplerRatio: number;
  readonly usesB3: boolean;
  /** Go: the package the file belongs to. */
  readonly packageName?: string;
}

export const pythonTracingPackages: Readonly<Record<string, string>> = {
  'opentelemetry-api': '1.45.1',
  'opentelemetry-sdk': '1.45.1',
  'opentelemetry-exporter-otlp-proto-http': '1.45.1',
};
export const pythonB3Package: Readonly<Record<string, string>> = { 'opentelemetry-propagator-b3': '1.45.1' };

export const goTracingModules: Readonly<Record<string, string>> = {
  'go.opentelemetry.io/otel': 'v1.47.0',
  'go.opentelemetry.io/otel/sdk': 'v1.47.0',
  'go.opentelemetry.io/otel/trace': 'v1.47.0',
  'go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp': 'v1.47.0',
};

const ratioText = (r: number): string => (Number.isInteger(r) ? r.toFixed(1) : String(r));

export function generatePythonTracingSetup(o: LanguageSetupOptions): string {
  const b3 = o.usesB3;
  return [
    `# OpenTelemetry tracing for ${pyCommentText(o.serviceName)}: import this module first (before the web framework).`,
    '# Spans go over OTLP/HTTP to the collector or Jaeger at OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (default',
    '# http://localhost:4318/v1/traces); OTEL_SERVICE_NAME overrides the service name.',
    'import atexit',
    'import os',
    '',
    'from opentelemetry import trace',
    'from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter',
    ...(b3
      ? [
          'from opentelemetry.propagate import set_global_textmap',
          'from opentelemetry.propagators.b3 import B3MultiFormat',
          'from opentelemetry.propagators.composite import CompositePropagator',
          'from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator',
          'from opentelemetry.baggage.propagation import W3CBaggagePropagator',
        ]
      : []),
    'from opentelemetry.sdk.resources import Resource',
    'from opentelemetry.sdk.trace import TracerProvider',
    'from opentelemetry.sdk.trace.export import BatchSpanProcessor',
    'from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased',
    '',
    `resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", ${pyStringLiteral(o.serviceName)})})`,
    `provider = TracerProvider(resource=resource, sampler=ParentBased(TraceIdRatioBased(${ratioText(o.samplerRatio)})))`,
    'endpoint = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://localhost:4318/v1/traces")',
    'provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))',
    'trace.set_tracer_provider(provider)',
    ...(b3 ? ['set_global_textmap(CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator(), B3MultiFormat()]))'] : []),
    '# Flush what is buffered when the process exits.',
    'atexit.register(provider.shutdown)',
    '',
  ].join('\n');
}

/** Edits adding the missing pins to a requirements.txt (a package already listed, pinned or not, is left alone). */
export function requirementsEdits(text: string, usesB3: boolean): TextEdit[] {
  const listed = new Set(
    text
      .split(/\r?\n/)
      .map((l) => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(l.replace(/#.*$/, ''))?.[1]?.toLowerCase().replace(/_/g, '-'))
      .filter((n): n is string => n !== undefined),
  );
  const wanted = { ...pythonTracingPackages, ...(usesB3 ? pythonB3Package : {}) };
  const lines = Object.entries(wanted)
    .filter(([name]) => !listed.has(name))
    .map(([name, version]) => `${name}==${version}`);
  if (lines.length === 0) return [];
  const prefix = text === '' || text.endsWith('\n') ? '' : '\n';
  return [{ range: rangeOfOffsets(text, text.length, text.length), newText: `${prefix}${lines.join('\n')}\n` }];
}

export function generateGoTracingSetup(o: LanguageSetupOptions): string {
  const pkg = o.packageName ?? 'main';
  return [
    `package ${pkg}`,
    '',
    'import (',
    '\t"context"',
    '\t"os"',
    '',
    '\t"go.opentelemetry.io/otel"',
    '\t"go.opentelemetry.io/otel/attribute"',
    '\t"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"',
    '\t"go.opentelemetry.io/otel/propagation"',
    '\t"go.opentelemetry.io/otel/sdk/resource"',
    '\tsdktrace "go.opentelemetry.io/otel/sdk/trace"',
    ')',
    '',
    `// setupTracing sends spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318) as ${goCommentText(o.serviceName)}`,
    '// (OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win), keeping a share of new traces and following the',
    "// caller's decision for the others. Call it first in main and defer the function it returns: it flushes the",
    '// spans still buffered and stops the provider.',
    'func setupTracing(ctx context.Context) (func(context.Context) error, error) {',
    '\toptions := []otlptracehttp.Option{}',
    '\tif os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {',
    '\t\toptions = append(options, otlptracehttp.WithEndpointURL("http://localhost:4318/v1/traces"))',
    '\t}',
    '\texporter, err := otlptracehttp.New(ctx, options...)',
    '\tif err != nil {',
    '\t\treturn nil, err',
    '\t}',
    '\tres, err := resource.New(ctx,',
    '\t\tresource.WithTelemetrySDK(),',
    `\t\tresource.WithAttributes(attribute.String("service.name", ${goStringLiteral(o.serviceName)})),`,
    '\t\tresource.WithFromEnv(),',
    '\t)',
    '\tif err != nil {',
    '\t\treturn nil, err',
    '\t}',
    '\tprovider := sdktrace.NewTracerProvider(',
    '\t\tsdktrace.WithBatcher(exporter),',
    '\t\tsdktrace.WithResource(res),',
    `\t\tsdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(${ratioText(o.samplerRatio)}))),`,
    '\t)',
    '\totel.SetTracerProvider(provider)',
    '\totel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))',
    '\treturn provider.Shutdown, nil',
    '}',
    '',
  ].join('\n');
}

/** Edits adding `require` lines for the modules go.mod lacks (`go mod tidy` then fills in go.sum). */
export function goModEdits(text: string): TextEdit[] {
  const missing = Object.entries(goTracingModules).filter(([m]) => !new RegExp(`(^|\\s)${m.replace(/[.]/g, '\\.')}\\s+v`, 'm').test(text));
  if (missing.length === 0) return [];
  const lines = missing.map(([m, v]) => `\t${m} ${v}`);
  const block = /^require \($/m.exec(text);
  if (block) {
    const at = block.index + block[0].length;
    return [{ range: rangeOfOffsets(text, at, at), newText: `\n${lines.join('\n')}` }];
  }
  const prefix = text.endsWith('\n') ? '' : '\n';
  return [{ range: rangeOfOffsets(text, text.length, text.length), newText: `${prefix}\nrequire (\n${lines.join('\n')}\n)\n` }];
}

/** The Java agent's configuration file: the same settings as the other languages, as otel.* properties. */
export function generateJavaAgentConfig(o: LanguageSetupOptions): string {
  const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/[\n\r]/g, ' ').replace(/^\s/, '\\ ');
  return [
    '# OpenTelemetry Java agent configuration: java -javaagent:opentelemetry-javaagent.jar \\',
    '#   -Dotel.javaagent.configuration-file=<this file> -jar your-app.jar',
    '# System properties and OTEL_* environment variables override what is here.',
    `otel.service.name=${escape(o.serviceName)}`,
    'otel.traces.exporter=otlp',
    'otel.metrics.exporter=none',
    'otel.logs.exporter=none',
    'otel.exporter.otlp.protocol=http/protobuf',
    'otel.exporter.otlp.endpoint=http://localhost:4318',
    'otel.traces.sampler=parentbased_traceidratio',
    `otel.traces.sampler.arg=${ratioText(o.samplerRatio)}`,
    `otel.propagators=tracecontext,baggage${o.usesB3 ? ',b3multi' : ''}`,
    '',
  ].join('\n');
}

/** How to start the JVM with the agent and that file. */
export function javaAgentCommandLine(configFile: string): string {
  return `java -javaagent:opentelemetry-javaagent.jar -Dotel.javaagent.configuration-file=${configFile} -jar your-app.jar`;
}
