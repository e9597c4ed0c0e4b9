// missing-propagation for Java: in a file that traces by hand, a java.net.http request built without the trace
// context (`HttpRequest.newBuilder(…)…build()`), a Kafka ProducerRecord or a gRPC channel sent without it, while
// nothing else injects it: not the Java agent (a dependency or
// download of the build, or @WithSpan in the file, which only the agent honours) and no propagator call of the file's
// own. The fix injects through the global propagator into the builder, with a small helper added to the class once.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import type { RawFinding } from '../../../lint/ruleTypes';
import { type JavaLintContext, useClasses } from './javaLintContext';
import { classOf, indentOf, invocation } from './javaLintSyntax';

const helperName = 'withTraceContext';

/** `HttpRequest.newBuilder(…)` at the bottom of the chain that `build()` ends. */
function builderRoot(build: SyntaxNode): SyntaxNode | undefined {
  for (let n: SyntaxNode | undefined = build.childForFieldName('object') ?? undefined; n?.type === 'method_invocation'; n = n.childForFieldName('object') ?? undefined) {
    const i = invocation(n);
    if (i?.name === 'newBuilder' && i.object?.text.replace(/^java\.net\.http\./, '') === 'HttpRequest') return n;
  }
  return undefined;
}

/**
 * Kafka: a `ProducerRecord` sent without the trace context in its headers (the consumer's span then starts a new
 * trace). The fix injects into `record.headers()` before the send; a record built inside the send call gets the
 * finding only.
 */
function kafkaPropagation(lc: JavaLintContext, deps: ReadonlySet<string>): RawFinding[] {
  if (!/\bProducerRecord\b/.test(lc.text) || [...deps].some((d) => /^opentelemetry-kafka-clients/.test(d))) return [];
  const out: RawFinding[] = [];
  for (const send of lc.root.descendantsOfType('method_invocation')) {
    const i = send ? invocation(send) : undefined;
    if (!send || i?.name !== 'send' || !i.object || i.args.length === 0) continue;
    const record = i.args[0]!;
    const statement = send.parent?.type === 'expression_statement' || send.parent?.type === 'local_variable_declaration' ? send.parent : send.parent?.parent?.type === 'local_variable_declaration' ? send.parent.parent : undefined;
    const isRecordVar = record.type === 'identifier' && new RegExp(`\\bProducerRecord\\b[^;]*\\b${record.text}\\s*=`).test(lc.text);
    const inline = record.type === 'object_creation_expression' && /^new\s+ProducerRecord\b/.test(record.text);
    if (!isRecordVar && !inline) continue;
    if (isRecordVar && new RegExp(`inject\\([^;]*\\b${record.text}\\.headers\\(\\)`).test(lc.text)) continue;
    let edits: OffsetEdit[] | undefined;
    if (isRecordVar && statement && statement.parent?.type === 'block') {
      const classes = useClasses(lc, ['io.opentelemetry.api.GlobalOpenTelemetry', 'io.opentelemetry.context.Context', 'java.nio.charset.StandardCharsets']);
      const [global, context, charsets] = classes.names as [string, string, string];
      const indent = indentOf(lc.text, statement.startIndex);
      edits = [
        ...classes.edits,
        {
          start: statement.startIndex,
          end: statement.startIndex,
          newText: `${global}.getPropagators().getTextMapPropagator().inject(${context}.current(), ${record.text}.headers(), (carrier, key, value) -> carrier.add(key, value.getBytes(${charsets}.UTF_8)));\n${indent}`,
        },
      ];
    }
    out.push({
      rule: 'missing-propagation',
      start: send.startIndex,
      end: send.endIndex,
      message: 'This Kafka record is sent without the trace context in its headers, so the consumer starts a new trace. Inject it into record.headers() with the global propagator (or run the app with the OpenTelemetry Java agent).',
      fixes: edits ? [{ id: 'propagate', title: 'Inject the trace context into the record headers', kind: 'quickfix', safe: true, edits: () => edits! }] : [],
    });
  }
  return out;
}

/** Request types a server handler gets, and how their headers are read. */
const serverCarriers: Readonly<Record<string, { keys: (c: string) => string; get: (c: string, k: string) => string }>> = {
  HttpExchange: { keys: (c) => `${c}.getRequestHeaders().keySet()`, get: (c, k) => `${c}.getRequestHeaders().getFirst(${k})` },
  HttpServletRequest: { keys: (c) => `java.util.Collections.list(${c}.getHeaderNames())`, get: (c, k) => `${c}.getHeader(${k})` },
};

/** The handler's request parameter around `node` (a method's or a lambda's): its name and type. */
function requestParameter(node: SyntaxNode): { name: string; type: string } | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type !== 'method_declaration' && n.type !== 'lambda_expression') continue;
    const params = n.childForFieldName('parameters');
    // `server.createContext("/x", exchange -> { … })`: the lambda's one untyped parameter is the HttpExchange.
    const call = n.parent?.parent;
    if (n.type === 'lambda_expression' && params?.type === 'identifier' && call?.type === 'method_invocation' && invocation(call)?.name === 'createContext') return { name: params.text, type: 'HttpExchange' };
    for (const p of params?.namedChildren ?? []) {
      if (p?.type !== 'formal_parameter') continue;
      const type = p.childForFieldName('type')?.text.split('.').pop();
      const name = p.childForFieldName('name')?.text;
      if (type && name && serverCarriers[type]) return { name, type };
    }
    if (n.type === 'method_declaration') return undefined;
  }
  return undefined;
}

/**
 * Incoming: a span started in an HTTP handler (JDK HttpServer's HttpExchange, a servlet's request) with no parent from
 * the request's headers is the root of a new trace. The fix sets the parent from the global propagator's extract,
 * through a header getter added to the class once.
 */
function serverExtract(lc: JavaLintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const start of lc.starts) {
    if (/\.set(No)?Parent\s*\(/.test(start.statement.text)) continue;
    const request = requestParameter(start.statement);
    const cls = request ? classOf(start.statement) : undefined;
    if (!request || !cls) continue;
    const carrier = serverCarriers[request.type]!;
    const getterName = `${request.type.replace(/^Http/, '').toUpperCase()}_HEADERS`;
    const classes = useClasses(lc, ['io.opentelemetry.api.GlobalOpenTelemetry', 'io.opentelemetry.context.Context', 'io.opentelemetry.context.propagation.TextMapGetter']);
    const [global, context, getter] = classes.names as [string, string, string];
    const edits: OffsetEdit[] = [
      ...classes.edits,
      { start: start.builder.endIndex, end: start.builder.endIndex, newText: `.setParent(${global}.getPropagators().getTextMapPropagator().extract(${context}.current(), ${request.name}, ${getterName}))` },
    ];
    if (!new RegExp(`\\b${getterName}\\s*=`).test(cls.text)) {
      const body = cls.childForFieldName('body')!;
      const first = body.namedChildren.find((c) => c !== null);
      const member = first ? indentOf(lc.text, first.startIndex) : '    ';
      const i1 = `${member}${lc.unit}`;
      const i2 = `${i1}${lc.unit}`;
      const open = body.startIndex + 1;
      edits.push({
        start: open,
        end: open,
        newText: `\n${member}/** Reads the trace context (traceparent, …) from a request's headers. */\n${member}private static final ${getter}<${request.type}> ${getterName} = new ${getter}<>() {\n${i1}@Override\n${i1}public Iterable<String> keys(${request.type} carrier) {\n${i2}return ${carrier.keys('carrier')};\n${i1}}\n\n${i1}@Override\n${i1}public String get(${request.type} carrier, String key) {\n${i2}return carrier == null ? null : ${carrier.get('carrier', 'key')};\n${i1}}\n${member}};\n`,
      });
    }
    out.push({
      rule: 'missing-propagation',
      start: start.statement.startIndex,
      end: start.statement.endIndex,
      message: "This handler starts its span without the caller's trace context, so every request begins a new trace. Set the parent from the request headers with the global propagator's extract (or run the app with the OpenTelemetry Java agent).",
      fixes: [{ id: 'propagate', title: "Continue the caller's trace from the request headers", kind: 'quickfix', safe: true, edits: () => edits }],
    });
  }
  return out;
}

/**
 * gRPC: a channel built with ManagedChannelBuilder and no interceptor sends calls whose metadata carries no trace
 * context. The fix adds `.intercept(TRACE_CONTEXT)` before `build()`, with a ClientInterceptor added to the class once
 * that injects the current context into the call's Metadata through the global propagator.
 */
function grpcPropagation(lc: JavaLintContext, deps: ReadonlySet<string>): RawFinding[] {
  if (!/\bManagedChannelBuilder\b/.test(lc.text) || [...deps].some((d) => /^opentelemetry-grpc/.test(d))) return [];
  const out: RawFinding[] = [];
  for (const build of lc.root.descendantsOfType('method_invocation')) {
    if (!build || invocation(build)?.name !== 'build') continue;
    let root: SyntaxNode | undefined;
    let intercepted = false;
    for (let n: SyntaxNode | undefined = build.childForFieldName('object') ?? undefined; n?.type === 'method_invocation'; n = n.childForFieldName('object') ?? undefined) {
      const i = invocation(n);
      if (i?.name === 'intercept') intercepted = true;
      if ((i?.name === 'forTarget' || i?.name === 'forAddress') && i.object?.text.endsWith('ManagedChannelBuilder')) root = n;
    }
    const cls = root ? classOf(build) : undefined;
    if (!root || intercepted || !cls) continue;
    const classes = useClasses(lc, [
      'io.opentelemetry.api.GlobalOpenTelemetry',
      'io.opentelemetry.context.Context',
      'io.grpc.CallOptions',
      'io.grpc.Channel',
      'io.grpc.ClientCall',
      'io.grpc.ClientInterceptor',
      'io.grpc.ForwardingClientCall',
      'io.grpc.Metadata',
      'io.grpc.MethodDescriptor',
    ]);
    const [global, context, callOptions, channel, clientCall, clientInterceptor, forwarding, metadata, methodDescriptor] = classes.names as [string, string, string, string, string, string, string, string, string];
    const target = build.childForFieldName('object')!;
    const edits: OffsetEdit[] = [...classes.edits, { start: target.endIndex, end: target.endIndex, newText: '.intercept(TRACE_CONTEXT)' }];
    if (!/\bTRACE_CONTEXT\s*=/.test(cls.text)) {
      const body = cls.childForFieldName('body')!;
      const first = body.namedChildren.find((c) => c !== null);
      const m = first ? indentOf(lc.text, first.startIndex) : '    ';
      const [a, b, c, d] = [1, 2, 3, 4].map((k) => m + lc.unit.repeat(k)) as [string, string, string, string];
      const open = body.startIndex + 1;
      edits.push({
        start: open,
        end: open,
        newText:
          `\n${m}/** Puts the current trace context into every call's metadata, for the server to continue the trace. */\n` +
          `${m}private static final ${clientInterceptor} TRACE_CONTEXT = new ${clientInterceptor}() {\n` +
          `${a}@Override\n${a}public <ReqT, RespT> ${clientCall}<ReqT, RespT> interceptCall(${methodDescriptor}<ReqT, RespT> method, ${callOptions} options, ${channel} next) {\n` +
          `${b}return new ${forwarding}.SimpleForwardingClientCall<ReqT, RespT>(next.newCall(method, options)) {\n` +
          `${c}@Override\n${c}public void start(Listener<RespT> listener, ${metadata} headers) {\n` +
          `${d}${global}.getPropagators().getTextMapPropagator().inject(${context}.current(), headers, (carrier, key, value) -> carrier.put(${metadata}.Key.of(key, ${metadata}.ASCII_STRING_MARSHALLER), value));\n` +
          `${d}super.start(listener, headers);\n${c}}\n${b}};\n${a}}\n${m}};\n`,
      });
    }
    out.push({
      rule: 'missing-propagation',
      start: build.startIndex,
      end: build.endIndex,
      message: 'This gRPC channel has no interceptor that injects the trace context: the server starts new traces for its calls. Intercept it with one that injects through the global propagator (or use the Java agent or opentelemetry-grpc).',
      fixes: [{ id: 'propagate', title: 'Intercept the channel to inject the trace context', kind: 'quickfix', safe: true, edits: () => edits }],
    });
  }
  return out;
}

export function javaMissingPropagation(lc: JavaLintContext): RawFinding[] {
  const deps = new Set(lc.options.project.dependencies ?? []);
  // A TextMapSetter of the file's own: it injects by hand already. (The fixes' own code uses none: a request already
  // passed through withTraceContext has no newBuilder at the bottom of its chain, a record is checked by name.)
  if (lc.starts.length === 0 || deps.has('opentelemetry-javaagent') || lc.withSpanMethods.length > 0 || /\bTextMapSetter\b/.test(lc.text)) return [];
  const out: RawFinding[] = [...kafkaPropagation(lc, deps), ...serverExtract(lc), ...grpcPropagation(lc, deps)];
  for (const build of lc.root.descendantsOfType('method_invocation')) {
    if (!build || invocation(build)?.name !== 'build' || !builderRoot(build)) continue;
    const cls = classOf(build);
    const target = build.childForFieldName('object');
    if (!cls || !target) continue;
    const classes = useClasses(lc, ['io.opentelemetry.api.GlobalOpenTelemetry', 'io.opentelemetry.context.Context', 'java.net.http.HttpRequest']);
    const [global, context, httpRequest] = classes.names as [string, string, string];
    const edits: OffsetEdit[] = [...classes.edits, { start: target.startIndex, end: target.startIndex, newText: `${helperName}(` }, { start: target.endIndex, end: target.endIndex, newText: ')' }];
    // Every fix brings the helper while the class has none: two of them in one `lint --fix` round touch the same
    // place, so the second waits for the next round, which sees the helper.
    if (!new RegExp(`\\b${helperName}\\s*\\(\\s*${httpRequest.replace(/\./g, '\\.')}\\.Builder\\b`).test(cls.text)) {
      const body = cls.childForFieldName('body')!;
      const first = body.namedChildren.find((c) => c !== null);
      const member = first ? indentOf(lc.text, first.startIndex) : '    ';
      const inner = `${member}${lc.unit}`;
      const close = body.endIndex - 1;
      edits.push({
        start: close,
        end: close,
        newText: `\n${member}/** Puts the current trace context (traceparent, and what else the propagators write) on the request. */\n${member}private static ${httpRequest}.Builder ${helperName}(${httpRequest}.Builder builder) {\n${inner}${global}.getPropagators().getTextMapPropagator().inject(${context}.current(), builder, ${httpRequest}.Builder::header);\n${inner}return builder;\n${member}}\n${indentOf(lc.text, cls.startIndex)}`,
      });
    }
    out.push({
      rule: 'missing-propagation',
      start: build.startIndex,
      end: build.endIndex,
      message: 'This HTTP request does not carry the trace context, so the service it calls starts a new trace. Inject it with the global propagator (or run the app with the OpenTelemetry Java agent).',
      fixes: [{ id: 'propagate', title: 'Inject the trace context into this request', kind: 'quickfix', safe: true, edits: () => edits }],
    });
  }
  return out;
}
