// missing-propagation for Python. Outgoing: in a file that traces, an outgoing `requests.get(…)` / `httpx.post(…)` (the
// module-level helpers and `request(method, url)`) that carries no injected context, while neither the file nor the
// project installs the client's instrumentation (which injects by itself). The fix injects into the call's headers:
// `inject(headers)` before it when it passes a headers variable, else a new headers dict passed as `headers=`.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import type { RawFinding } from '../../../lint/ruleTypes';
import { handlerExtract } from './pyIncomingPropagation';
import { ensureFromImport } from './pyImports';
import type { PyLintContext } from './pyLintContext';
import { argsOf, identifiersNamed, indentOf, lineStartOf, methodCall } from './pyLintSyntax';

const clients: Readonly<Record<string, { instrumentation: string; instrumentor: string }>> = {
  requests: { instrumentation: 'opentelemetry-instrumentation-requests', instrumentor: 'RequestsInstrumentor' },
  httpx: { instrumentation: 'opentelemetry-instrumentation-httpx', instrumentor: 'HTTPXClientInstrumentor' },
};
const verbs = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'stream']);

/** The statement directly in a block (or the module) that holds `node`: where a line can go before it. */
function statementOf(node: SyntaxNode): SyntaxNode | undefined {
  for (let n: SyntaxNode | null = node; n?.parent; n = n.parent) if (n.parent.type === 'block' || n.parent.type === 'module') return n;
  return undefined;
}

function injectedBefore(call: SyntaxNode, headers: SyntaxNode | undefined): boolean {
  if (!headers || headers.type !== 'identifier') return false;
  const scope = call.parent ? (statementOf(call)?.parent ?? call.parent) : call;
  return scope.descendantsOfType('call').some((c) => c !== null && c.startIndex < call.startIndex && /(^|\.)inject$/.test(c.childForFieldName('function')?.text ?? '') && c.text.includes(headers.text));
}

/** Headers built from a carrier that `inject(carrier)` filled earlier in the block (what the fixes write, or the code's own). */
function carrierInjected(lc: PyLintContext, statement: SyntaxNode | undefined, call: SyntaxNode, headers: SyntaxNode): boolean {
  const injected = [...lc.text.slice(statement?.parent?.startIndex ?? 0, call.startIndex).matchAll(/\binject\(\s*(\w+)/g)].map((x) => x[1]!);
  return injected.some((n) => new RegExp(`\\b${n}\\b`).test(headers.text));
}

function injectEdits(lc: PyLintContext, call: SyntaxNode, headers: SyntaxNode | undefined): OffsetEdit[] | undefined {
  const statement = statementOf(call);
  // Only before a statement that starts its line (not after `if x: …` on one line).
  if (!statement || !/^[ \t]*$/.test(lc.text.slice(lineStartOf(lc.text, statement.startIndex), statement.startIndex))) return undefined;
  const inject = ensureFromImport(lc.root, lc.text, 'opentelemetry.propagate', 'inject');
  const indent = indentOf(lc.text, statement.startIndex);
  const at = statement.startIndex;
  if (headers?.type === 'identifier') return [...inject.edits, { start: at, end: at, newText: `${inject.name}(${headers.text})\n${indent}` }];
  if (headers) return undefined;
  const scope = statement.parent ?? lc.root;
  const name = identifiersNamed(scope, 'headers').length === 0 ? 'headers' : 'trace_headers';
  const list = call.childForFieldName('arguments')!;
  const last = list.namedChildren.filter((c) => c !== null && c.type !== 'comment').at(-1);
  const argEdit = last ? { start: last.endIndex, end: last.endIndex, newText: `, headers=${name}` } : { start: list.startIndex + 1, end: list.startIndex + 1, newText: `headers=${name}` };
  return [...inject.edits, { start: at, end: at, newText: `${name} = {}\n${indent}${inject.name}(${name})\n${indent}` }, argEdit];
}

/** Kafka producers: kafka-python's `KafkaProducer.send(topic, …)` and confluent-kafka's `Producer.produce(topic, …)`. */
const kafkaClients = [
  { module: /^\s*from kafka import [^\n]*\bKafkaProducer\b|^\s*import kafka\b/m, constructor: /\bKafkaProducer\s*\(/, method: 'send', instrumentation: 'opentelemetry-instrumentation-kafka-python', instrumentor: 'KafkaInstrumentor' },
  { module: /^\s*from confluent_kafka import [^\n]*\bProducer\b|^\s*import confluent_kafka\b/m, constructor: /\bProducer\s*\(/, method: 'produce', instrumentation: 'opentelemetry-instrumentation-confluent-kafka', instrumentor: 'ConfluentKafkaInstrumentor' },
] as const;

/**
 * A Kafka message produced without the trace context in its headers: the consumer starts a new trace. The fix
 * injects into a dict and passes it as the headers list both clients take (`[(key, bytes)]`).
 */
function kafkaInject(lc: PyLintContext, deps: ReadonlySet<string>): RawFinding[] {
  const out: RawFinding[] = [];
  for (const client of kafkaClients) {
    if (!client.module.test(lc.text) || !client.constructor.test(lc.text) || deps.has(client.instrumentation) || lc.text.includes(client.instrumentor)) continue;
    // Names bound to the producer: `producer = KafkaProducer(…)`, `self.producer = Producer(…)`.
    const producers = new Set<string>();
    for (const a of lc.root.descendantsOfType('assignment')) {
      const right = a?.childForFieldName('right');
      if (right?.type === 'call' && client.constructor.test(right.childForFieldName('function')?.text + '(')) producers.add(a!.childForFieldName('left')!.text.replace(/^self\./, ''));
    }
    for (const call of lc.root.descendantsOfType('call')) {
      const m = call ? methodCall(call) : undefined;
      if (!call || !m || m.method !== client.method || !producers.has(m.object.text.replace(/^self\./, ''))) continue;
      const args = argsOf(call);
      if (args.positional.length === 0) continue;
      const statement = statementOf(call);
      const headers = args.keywords.get('headers');
      if (headers && carrierInjected(lc, statement, call, headers)) continue;
      const hasHeaders = headers !== undefined;
      let edits: OffsetEdit[] | undefined;
      if (!hasHeaders && statement && /^[ \t]*$/.test(lc.text.slice(lineStartOf(lc.text, statement.startIndex), statement.startIndex))) {
        const inject = ensureFromImport(lc.root, lc.text, 'opentelemetry.propagate', 'inject');
        const name = identifiersNamed(statement.parent ?? lc.root, 'trace_carrier').length === 0 ? 'trace_carrier' : 'kafka_trace_carrier';
        const indent = indentOf(lc.text, statement.startIndex);
        const last = args.list!.namedChildren.filter((c) => c !== null && c.type !== 'comment').at(-1)!;
        edits = [
          ...inject.edits,
          { start: statement.startIndex, end: statement.startIndex, newText: `${name} = {}\n${indent}${inject.name}(${name})\n${indent}` },
          { start: last.endIndex, end: last.endIndex, newText: `, headers=[(key, value.encode("utf-8")) for key, value in ${name}.items()]` },
        ];
      }
      out.push({
        rule: 'missing-propagation',
        start: call.startIndex,
        end: call.childForFieldName('function')!.endIndex,
        message: `This Kafka message is produced without the trace context in its headers, so its consumer starts a new trace. Inject it into the headers, or install ${client.instrumentation}.`,
        fixes: edits ? [{ id: 'propagate', title: 'Inject the trace context into the message headers', kind: 'quickfix', safe: true, edits: () => edits! }] : [],
      });
    }
  }
  return out;
}

/**
 * gRPC: a channel or a server of the grpc package without OpenTelemetry's interceptors carries no trace context in
 * its metadata. The fixes use opentelemetry-instrumentation-grpc (`grpc.intercept_channel(channel,
 * client_interceptor())`, `interceptors=[server_interceptor()]`); they are offered, not applied by `lint --fix`, since
 * the project must add that package.
 */
function grpcInterceptors(lc: PyLintContext, deps: ReadonlySet<string>): RawFinding[] {
  if (!/^\s*import grpc\b/m.test(lc.text) || deps.has('opentelemetry-instrumentation-grpc')) return [];
  const instrumented = { client: /\bGrpcInstrumentorClient\b|\bclient_interceptor\s*\(/.test(lc.text), server: /\bGrpcInstrumentorServer\b|\bserver_interceptor\s*\(/.test(lc.text) };
  const out: RawFinding[] = [];
  for (const call of lc.root.descendantsOfType('call')) {
    const m = call ? methodCall(call) : undefined;
    if (!call || !m || m.object.text !== 'grpc') continue;
    const client = m.method === 'insecure_channel' || m.method === 'secure_channel';
    if (!client && m.method !== 'server') continue;
    if (client ? instrumented.client : instrumented.server) continue;
    if (client && call.parent?.type === 'argument_list' && call.parent.parent && methodCall(call.parent.parent)?.method === 'intercept_channel') continue;
    const name = client ? 'client_interceptor' : 'server_interceptor';
    const imp = ensureFromImport(lc.root, lc.text, 'opentelemetry.instrumentation.grpc', name);
    const args = argsOf(call);
    let edits: OffsetEdit[] | undefined;
    if (client) edits = [...imp.edits, { start: call.startIndex, end: call.startIndex, newText: 'grpc.intercept_channel(' }, { start: call.endIndex, end: call.endIndex, newText: `, ${imp.name}())` }];
    else {
      const existing = args.keywords.get('interceptors');
      const last = args.list!.namedChildren.filter((c) => c !== null && c.type !== 'comment').at(-1);
      if (!existing) edits = [...imp.edits, last ? { start: last.endIndex, end: last.endIndex, newText: `, interceptors=[${imp.name}()]` } : { start: args.list!.startIndex + 1, end: args.list!.startIndex + 1, newText: `interceptors=[${imp.name}()]` }];
      else if (existing.type === 'list') edits = [...imp.edits, { start: existing.startIndex + 1, end: existing.startIndex + 1, newText: `${imp.name}(), ` }];
    }
    out.push({
      rule: 'missing-propagation',
      start: call.startIndex,
      end: call.childForFieldName('function')!.endIndex,
      message: client
        ? 'This gRPC channel has no OpenTelemetry interceptor: its calls carry no trace context, so the server starts new traces. Intercept it with client_interceptor() from opentelemetry-instrumentation-grpc.'
        : "This gRPC server has no OpenTelemetry interceptor: incoming calls do not continue their callers' traces. Add server_interceptor() from opentelemetry-instrumentation-grpc.",
      fixes: edits ? [{ id: 'propagate', title: client ? 'Intercept the channel with client_interceptor()' : 'Add server_interceptor() to the server', kind: 'quickfix', safe: false, edits: () => edits! }] : [],
    });
  }
  return out;
}

/**
 * urllib: `urlopen(url)` / `urlopen(Request(url, …))` (as `urllib.request.urlopen` or imported) sends no trace
 * context. The fix injects into the Request's headers (a new `Request(url, headers=…)` around a bare URL).
 */
function urllibInject(lc: PyLintContext, deps: ReadonlySet<string>): RawFinding[] {
  if (!/\burllib\.request\b/.test(lc.text) || deps.has('opentelemetry-instrumentation-urllib') || lc.text.includes('URLLibInstrumentor')) return [];
  const out: RawFinding[] = [];
  for (const call of lc.root.descendantsOfType('call')) {
    const fn = call?.childForFieldName('function')?.text;
    if (!call || (fn !== 'urllib.request.urlopen' && fn !== 'urlopen')) continue;
    const arg = argsOf(call).positional[0];
    if (!arg) continue;
    const statement = statementOf(call);
    const request = arg.type === 'call' && /(^|\.)Request$/.test(arg.childForFieldName('function')?.text ?? '') ? arg : undefined;
    const headers = request ? argsOf(request).keywords.get('headers') : undefined;
    if (headers && carrierInjected(lc, statement, call, headers)) continue;
    let edits: OffsetEdit[] | undefined;
    if (statement && /^[ \t]*$/.test(lc.text.slice(lineStartOf(lc.text, statement.startIndex), statement.startIndex)) && (!headers || headers.type === 'identifier')) {
      const inject = ensureFromImport(lc.root, lc.text, 'opentelemetry.propagate', 'inject');
      const indent = indentOf(lc.text, statement.startIndex);
      if (headers) edits = [...inject.edits, { start: statement.startIndex, end: statement.startIndex, newText: `${inject.name}(${headers.text})\n${indent}` }];
      else {
        const name = identifiersNamed(statement.parent ?? lc.root, 'trace_headers').length === 0 ? 'trace_headers' : 'urllib_trace_headers';
        const lines = { start: statement.startIndex, end: statement.startIndex, newText: `${name} = {}\n${indent}${inject.name}(${name})\n${indent}` };
        if (request) {
          const last = request.childForFieldName('arguments')!.namedChildren.filter((c) => c !== null && c.type !== 'comment').at(-1)!;
          edits = [...inject.edits, lines, { start: last.endIndex, end: last.endIndex, newText: `, headers=${name}` }];
        } else {
          const requestClass = fn === 'urllib.request.urlopen' ? 'urllib.request.Request' : ensureFromImport(lc.root, lc.text, 'urllib.request', 'Request').name;
          const importEdits = fn === 'urllib.request.urlopen' ? [] : ensureFromImport(lc.root, lc.text, 'urllib.request', 'Request').edits;
          edits = [...inject.edits, ...importEdits, lines, { start: arg.startIndex, end: arg.startIndex, newText: `${requestClass}(` }, { start: arg.endIndex, end: arg.endIndex, newText: `, headers=${name})` }];
        }
      }
    }
    out.push({
      rule: 'missing-propagation',
      start: call.startIndex,
      end: call.childForFieldName('function')!.endIndex,
      message: 'This urllib request does not carry the trace context, so the receiving service starts a new trace. Inject it into the Request headers with opentelemetry.propagate.inject, or install opentelemetry-instrumentation-urllib.',
      fixes: edits ? [{ id: 'propagate', title: 'Inject trace context into this urllib request', kind: 'quickfix', safe: true, edits: () => edits! }] : [],
    });
  }
  return out;
}

export function pyMissingPropagation(lc: PyLintContext): RawFinding[] {
  if (lc.starts.length === 0 && !/\bopentelemetry\b/.test(lc.text)) return [];
  const deps = new Set((lc.options.project.dependencies ?? []).map((d) => d.toLowerCase()));
  // Auto-instrumentation (opentelemetry-instrument with the distro) instruments every installed client.
  if (deps.has('opentelemetry-distro') || deps.has('opentelemetry-instrumentation')) return [];
  const out: RawFinding[] = [...handlerExtract(lc, deps), ...kafkaInject(lc, deps), ...grpcInterceptors(lc, deps), ...urllibInject(lc, deps)];
  for (const call of lc.root.descendantsOfType('call')) {
    const m = call ? methodCall(call) : undefined;
    if (!call || !m || m.object.type !== 'identifier' || !verbs.has(m.method)) continue;
    const client = clients[m.object.text];
    if (!client || deps.has(client.instrumentation) || lc.text.includes(client.instrumentor)) continue;
    const headers = argsOf(call).keywords.get('headers');
    if (injectedBefore(call, headers)) continue;
    const edits = injectEdits(lc, call, headers);
    out.push({
      rule: 'missing-propagation',
      start: call.startIndex,
      end: call.childForFieldName('function')!.endIndex,
      message: `This ${m.object.text} request does not carry the trace context, so the receiving service starts a new trace. Inject it with opentelemetry.propagate.inject(headers), or install ${client.instrumentation}.`,
      fixes: edits ? [{ id: 'propagate', title: `Inject trace context into this ${m.object.text} request`, kind: 'quickfix', safe: true, edits: () => edits }] : [],
    });
  }
  return out;
}
