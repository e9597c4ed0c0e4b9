// Generates a tracing bootstrap file (NodeSDK → OTLP/HTTP → a local Jaeger) and the package.json edits for the
// packages it needs. The versions below were type-checked together with the generated file (see the unit test);
// they are the newest line that still supports Node 18/20 (0.300+/3.x require Node 22.15).
import { ts } from 'ts-morph';
import type { TextEdit } from '../../model/textRange';
import { SpanLensError } from '../../errors';
import { jsonStringLiteral } from '../codegen/json';
import { tsCommentText, tsNumberLiteral, tsStringLiteral } from '../codegen/typescript';
import { addPropertyEdit } from './objectEdits';
import type { SourceContext } from './sourceContext';
import { toTextEdits } from './textEdits';

export interface TracingSetupOptions {
  readonly language: 'ts' | 'js';
  readonly moduleStyle: 'esm' | 'cjs';
  readonly serviceName: string;
  /** Fraction of new traces to keep, 0…1 (parent-based: a sampled parent keeps its children). */
  readonly samplerRatio: number;
  /** Also propagate B3 headers (the project depends on @opentelemetry/propagator-b3 or talks to Zipkin-era services). */
  readonly usesB3: boolean;
  /** OTLP/HTTP traces endpoint; default Jaeger's `http://localhost:4318/v1/traces`. */
  readonly endpoint?: string;
}

export interface GeneratedFile {
  readonly fileName: string;
  readonly text: string;
}

/** Packages the generated file imports, with the versions it was checked against. */
export const tracingPackageVersions: Readonly<Record<string, string>> = {
  '@opentelemetry/api': '1.9.1',
  '@opentelemetry/sdk-node': '0.223.0',
  '@opentelemetry/exporter-trace-otlp-http': '0.223.0',
  '@opentelemetry/resources': '2.12.0',
  '@opentelemetry/sdk-trace-base': '2.12.0',
  '@opentelemetry/semantic-conventions': '1.45.0',
};

export const b3PackageVersions: Readonly<Record<string, string>> = {
  '@opentelemetry/core': '2.12.0',
  '@opentelemetry/propagator-b3': '2.12.0',
};

export const defaultOtlpTracesEndpoint = 'http://localhost:4318/v1/traces';

export function generateTracingSetup(options: TracingSetupOptions): GeneratedFile {
  // The options may come from a command's arguments: a ratio must be a number, not just compare like one.
  if (typeof options.samplerRatio !== 'number' || !(options.samplerRatio >= 0 && options.samplerRatio <= 1)) {
    throw new SpanLensError('bad-input', `The sampler ratio must be between 0 and 1 (got ${options.samplerRatio}).`);
  }
  const typed = options.language === 'ts';
  const esm = options.moduleStyle === 'esm';
  const fileName = typed ? 'tracing.ts' : esm ? 'tracing.mjs' : 'tracing.js';
  const imports: Array<[string, string[]]> = [
    ['@opentelemetry/sdk-node', ['NodeSDK']],
    ['@opentelemetry/exporter-trace-otlp-http', ['OTLPTraceExporter']],
    ['@opentelemetry/resources', ['resourceFromAttributes']],
    ['@opentelemetry/sdk-trace-base', ['BatchSpanProcessor', 'ParentBasedSampler', 'TraceIdRatioBasedSampler']],
    ['@opentelemetry/semantic-conventions', ['ATTR_SERVICE_NAME']],
  ];
  if (options.usesB3) {
    imports.push(['@opentelemetry/core', ['CompositePropagator', 'W3CBaggagePropagator', 'W3CTraceContextPropagator']]);
    imports.push(['@opentelemetry/propagator-b3', ['B3Propagator']]);
  }
  const importLines = imports.map(([module, names]) =>
    esm ? `import { ${names.join(', ')} } from ${tsStringLiteral(module)};` : `const { ${names.join(', ')} } = require(${tsStringLiteral(module)});`,
  );
  const loadHint = esm
    ? `//   node --import ./${fileName.replace(/\.ts$/, '.js')} app.js`
    : `//   node --require ./${fileName.replace(/\.ts$/, '.js')} app.js`;
  const lines = [
    // The service name comes from package.json or a setting: in the comment it is escaped like everywhere else.
    `// OpenTelemetry tracing for ${tsCommentText(options.serviceName)}: spans go over OTLP/HTTP to a collector or Jaeger.`,
    '// Load this file before anything else so instrumented modules are patched when they are first required:',
    loadHint,
    ...importLines,
    '',
    'const exporter = new OTLPTraceExporter({',
    `  url: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? ${tsStringLiteral(options.endpoint ?? defaultOtlpTracesEndpoint)},`,
    '});',
    '',
    `${esm ? 'export ' : ''}const sdk = new NodeSDK({`,
    `  resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: process.env.OTEL_SERVICE_NAME ?? ${tsStringLiteral(options.serviceName)} }),`,
    '  // Keep this share of new traces; a request that arrives sampled (or not) keeps its caller\'s decision.',
    `  sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(${tsNumberLiteral(options.samplerRatio)}) }),`,
    '  spanProcessors: [new BatchSpanProcessor(exporter)],',
    ...(options.usesB3
      ? [
          '  // W3C trace context for OpenTelemetry services, B3 for the ones that still speak Zipkin headers.',
          '  textMapPropagator: new CompositePropagator({',
          '    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator(), new B3Propagator()],',
          '  }),',
        ]
      : []),
    '});',
    '',
    'sdk.start();',
    '',
    '// Flush buffered spans before the process goes away.',
    'let shuttingDown = false;',
    `async function shutdown()${typed ? ': Promise<void>' : ''} {`,
    '  if (shuttingDown) return;',
    '  shuttingDown = true;',
    '  try {',
    '    await sdk.shutdown();',
    '  } catch (err) {',
    "    console.error('tracing: shutdown failed', err);",
    '  }',
    '}',
    "process.once('SIGTERM', () => {",
    '  void shutdown().finally(() => process.exit(0));',
    '});',
    "process.once('beforeExit', () => {",
    '  void shutdown();',
    '});',
    ...(esm ? [] : ['', 'module.exports = { sdk };']),
    '',
  ];
  return { fileName, text: lines.join('\n') };
}

/** Edits adding the packages the generated setup needs to `dependencies` (packages already listed are kept). */
export function packageJsonEdits(pkgJsonText: string, options: { readonly usesB3?: boolean } = {}): TextEdit[] {
  const sf = ts.parseJsonText('package.json', pkgJsonText);
  const root = sf.statements[0]?.expression;
  if (!root || !ts.isObjectLiteralExpression(root)) throw new SpanLensError('malformed-file', 'package.json does not hold a JSON object; fix the file and try again.');
  const wanted: Record<string, string> = { ...tracingPackageVersions, ...(options.usesB3 ? b3PackageVersions : {}) };
  const present = new Set<string>();
  let deps: ts.ObjectLiteralExpression | undefined;
  for (const p of root.properties) {
    if (!ts.isPropertyAssignment(p) || !ts.isStringLiteral(p.name)) continue;
    if (!['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].includes(p.name.text)) continue;
    if (!ts.isObjectLiteralExpression(p.initializer)) continue;
    if (p.name.text === 'dependencies') deps = p.initializer;
    for (const d of p.initializer.properties) if (d.name && ts.isStringLiteral(d.name)) present.add(d.name.text);
  }
  const missing = Object.keys(wanted).filter((n) => !present.has(n)).sort();
  if (missing.length === 0) return [];
  const indent = /\n([ \t]+)"/.exec(pkgJsonText)?.[1] ?? '  ';
  const ctx: SourceContext = {
    fileName: 'package.json',
    text: pkgJsonText,
    sourceFile: sf,
    isTypeScript: false,
    moduleStyle: 'cjs',
    indentUnit: indent,
    quote: '"',
    semicolons: false,
    newline: pkgJsonText.includes('\r\n') ? '\r\n' : '\n',
  };
  const entries = missing.map((n) => `${jsonStringLiteral(n)}: ${jsonStringLiteral(wanted[n]!)}`);
  let edits;
  if (deps) {
    edits = entries.map((e) => addPropertyEdit(ctx, deps!, e));
    // Several insertions at one place: merge them so they keep their order.
    const first = edits[0]!;
    const joined = edits.map((e) => e.newText).join('');
    edits = [{ start: first.start, end: first.end, newText: deps.properties.length === 0 ? `${ctx.newline}${indent}${indent}${entries.join(`,${ctx.newline}${indent}${indent}`)}${ctx.newline}${indent}` : joined }];
  } else {
    const nl = ctx.newline;
    const block = `"dependencies": {${nl}${entries.map((e) => `${indent}${indent}${e}`).join(`,${nl}`)}${nl}${indent}}`;
    edits = [addPropertyEdit(ctx, root, block)];
  }
  return toTextEdits(pkgJsonText, edits);
}
