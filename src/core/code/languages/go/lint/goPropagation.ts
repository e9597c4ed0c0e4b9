// missing-propagation for Go, in a file that traces: HTTP calls whose client has no otelhttp transport (nothing
// injects traceparent, so the callee starts a new trace) and servers whose handler is not wrapped by
// otelhttp.NewHandler (nothing extracts it). The fixes use otelhttp (which has no Get helpers or DefaultClient of its
// own any more): `http.DefaultClient` becomes a client with `otelhttp.NewTransport(http.DefaultTransport)`,
// `http.Client{…}` gets that transport, and the server's handler is wrapped. `http.Get(url)` gets the finding only:
// the fix is a request built with the context, which changes more than one expression. They are safe for `lint --fix` only when the file already imports otelhttp
// (otherwise go.mod may lack the module: go get it first).
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import type { RawFinding } from '../../../lint/ruleTypes';
import { callerContextAt } from './goContextRules';
import { ensureImport } from './goImportEdits';
import { type GoLintContext, localNameOf, usePackages } from './goLintContext';
import { callArguments, indentOf, methodCall } from './goLintSyntax';
import { lineEndOf } from '../../../lint/textRegions';
import { importsOtel } from './goSpanStarts';

const otelhttpPath = 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp';
const grpcPath = 'google.golang.org/grpc';
const otelgrpcPath = 'go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc';
const grpcClients = new Set(['NewClient', 'Dial', 'DialContext']);
const clientHelpers = new Set(['Get', 'Post', 'Head', 'PostForm']);

function finding(lc: GoLintContext, node: SyntaxNode, end: number, message: string, title: string, edits: (otelhttp: string) => OffsetEdit[], path = otelhttpPath): RawFinding {
  const imported = localNameOf(lc, path) !== undefined;
  const otelhttp = ensureImport(lc.root, lc.text, path, path.split('/').pop()!);
  return {
    rule: 'missing-propagation',
    start: node.startIndex,
    end,
    message,
    fixes: [{ id: 'propagate', title, kind: 'quickfix', safe: imported, edits: () => [...otelhttp.edits, ...edits(otelhttp.name)] }],
  };
}

/** `Key: value` of a keyed composite literal. */
function keyedValue(literal: SyntaxNode, key: string): SyntaxNode | undefined {
  for (const el of literal.childForFieldName('body')?.namedChildren ?? []) {
    if (el?.type !== 'keyed_element') continue;
    const [k, v] = el.namedChildren.filter((c): c is SyntaxNode => c !== null);
    if (k?.text === key && v) return v.type === 'literal_element' ? (v.namedChild(0) ?? v) : v;
  }
  return undefined;
}

/** Kafka clients: the message type, its header type, and how a header's key and value are written. */
const kafkaClients = [
  { path: 'github.com/segmentio/kafka-go', message: 'Message', header: 'Header', key: (k: string) => k, helper: 'kafkaTraceHeaders' },
  { path: 'github.com/IBM/sarama', message: 'ProducerMessage', header: 'RecordHeader', key: (k: string) => `[]byte(${k})`, helper: 'saramaTraceHeaders' },
] as const;

/**
 * Kafka: a message built without headers in a traced function (kafka-go's Message, sarama's ProducerMessage) carries
 * no trace context to its consumer. The fix sets `Headers: <helper>(ctx)`, a function added to the file once that
 * injects the context through the global propagator.
 */
function kafkaPropagation(lc: GoLintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const client of kafkaClients) {
    const pkg = localNameOf(lc, client.path);
    if (!pkg) continue;
    for (const literal of lc.root.descendantsOfType('composite_literal')) {
      if (!literal || literal.childForFieldName('type')?.text !== `${pkg}.${client.message}` || keyedValue(literal, 'Headers')) continue;
      const ctx = callerContextAt(lc, literal);
      if (!ctx) continue;
      const body = literal.childForFieldName('body')!;
      const elements = body.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== 'comment');
      if (elements.some((e) => e.type !== 'keyed_element')) continue;
      const last = elements.at(-1);
      const multiline = lc.text.slice(body.startIndex, body.endIndex).includes('\n');
      const field = `Headers: ${client.helper}(${ctx})`;
      const fieldEdit: OffsetEdit =
        multiline && last
          ? { start: lineEndOf(lc.text, last.endIndex), end: lineEndOf(lc.text, last.endIndex), newText: `\n\n${indentOf(lc.text, last.startIndex)}${field},` }
          : { start: body.startIndex + 1, end: body.startIndex + 1, newText: `${field}${elements.length > 0 ? ', ' : ''}` };
      const edits: OffsetEdit[] = [fieldEdit];
      if (!new RegExp(`\\bfunc ${client.helper}\\(`).test(lc.text)) {
        const imports = usePackages(lc, ['otel', 'propagation', 'context']);
        const [otel, propagation, context] = imports.names as [string, string, string];
        edits.push(...imports.edits, {
          start: lc.text.length,
          end: lc.text.length,
          newText: `${lc.text.endsWith('\n') ? '' : '\n'}\n// ${client.helper} returns the trace context of ctx as message headers, for the consumer to continue the trace.\nfunc ${client.helper}(ctx ${context}.Context) []${pkg}.${client.header} {\n\tcarrier := ${propagation}.MapCarrier{}\n\t${otel}.GetTextMapPropagator().Inject(ctx, carrier)\n\theaders := make([]${pkg}.${client.header}, 0, len(carrier))\n\tfor key, value := range carrier {\n\t\theaders = append(headers, ${pkg}.${client.header}{Key: ${client.key('key')}, Value: []byte(value)})\n\t}\n\treturn headers\n}\n`,
        });
      }
      out.push({
        rule: 'missing-propagation',
        start: literal.startIndex,
        end: literal.childForFieldName('type')!.endIndex,
        message: 'This Kafka message carries no trace context in its headers, so its consumer starts a new trace. Inject it into the headers with the global propagator.',
        fixes: [{ id: 'propagate', title: 'Put the trace context in the message headers', kind: 'quickfix', safe: true, edits: () => edits }],
      });
    }
  }
  return out;
}

export function goMissingPropagation(lc: GoLintContext): RawFinding[] {
  if (!importsOtel(lc.imports)) return [];
  const out: RawFinding[] = [...grpcPropagation(lc), ...kafkaPropagation(lc)];
  const http = localNameOf(lc, 'net/http');
  if (!http) return out;
  const transportSet = /\bNewTransport\s*\(/.test(lc.text);
  const handlerWrapped = /\bNewHandler\s*\(|\bWithRouteTag\s*\(/.test(lc.text);
  for (const call of lc.root.descendantsOfType('call_expression')) {
    const m = call ? methodCall(call) : undefined;
    if (!call || !m) continue;
    const fn = call.childForFieldName('function')!;
    if (!transportSet && m.operand.type === 'identifier' && m.operand.text === http && clientHelpers.has(m.method)) {
      const ctx = callerContextAt(lc, call);
      out.push({
        rule: 'missing-propagation',
        start: call.startIndex,
        end: fn.endIndex,
        message: `${http}.${m.method} sends the request with no trace context, so the service it calls starts a new trace. Build it with ${http}.NewRequestWithContext(${ctx ?? 'ctx'}, …) and send it with a client whose transport is otelhttp.NewTransport(${http}.DefaultTransport).`,
        fixes: [],
      });
    } else if (!transportSet && m.operand.type === 'selector_expression' && m.operand.text === `${http}.DefaultClient`) {
      const operand = m.operand;
      out.push(
        finding(lc, call, fn.endIndex, `${http}.DefaultClient has no otelhttp transport: its requests carry no trace context. Send them with a client whose transport is otelhttp.NewTransport.`, 'Send it with an otelhttp client', (o) => [
          { start: operand.startIndex, end: operand.endIndex, newText: `(&${http}.Client{Transport: ${o}.NewTransport(${http}.DefaultTransport)})` },
        ]),
      );
    } else if (!handlerWrapped && m.operand.type === 'identifier' && m.operand.text === http && (m.method === 'ListenAndServe' || m.method === 'ListenAndServeTLS')) {
      const args = callArguments(call);
      const handler = args.at(-1);
      if (!handler) continue;
      const wrapped = handler.type === 'nil' ? `${http}.DefaultServeMux` : handler.text;
      out.push(
        finding(lc, call, fn.endIndex, `The server's handler is not wrapped by otelhttp.NewHandler: incoming requests do not continue their callers' traces. Wrap it.`, 'Wrap the handler with otelhttp.NewHandler', (o) => [{ start: handler.startIndex, end: handler.endIndex, newText: `${o}.NewHandler(${wrapped}, "server")` }]),
      );
    }
  }
  for (const literal of lc.root.descendantsOfType('composite_literal')) {
    const type = literal?.childForFieldName('type')?.text;
    if (!literal || (type !== `${http}.Client` && type !== `${http}.Server`)) continue;
    const body = literal.childForFieldName('body')!;
    if (type === `${http}.Client` && !transportSet) {
      const transport = keyedValue(literal, 'Transport');
      const open = body.startIndex + 1;
      const elements = body.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== 'comment');
      const multiline = lc.text.slice(body.startIndex, body.endIndex).includes('\n');
      const last = elements.at(-1);
      // On its own line after a blank one: gofmt aligns the values of consecutive keyed lines, and a blank line
      // starts a new alignment section, so the fields already there keep their layout.
      const edits = (o: string): OffsetEdit[] =>
        transport
          ? [{ start: transport.startIndex, end: transport.endIndex, newText: `${o}.NewTransport(${transport.text})` }]
          : multiline && last
            ? [{ start: lineEndOf(lc.text, last.endIndex), end: lineEndOf(lc.text, last.endIndex), newText: `\n\n${indentOf(lc.text, last.startIndex)}Transport: ${o}.NewTransport(${http}.DefaultTransport),` }]
            : [{ start: open, end: open, newText: `Transport: ${o}.NewTransport(${http}.DefaultTransport)${elements.length > 0 ? ', ' : ''}` }];
      out.push(finding(lc, literal, literal.endIndex, 'This http.Client has no otelhttp transport: its requests carry no trace context, so the services it calls start new traces. Give it otelhttp.NewTransport.', 'Give the client an otelhttp transport', edits));
    } else if (type === `${http}.Server` && !handlerWrapped) {
      const handler = keyedValue(literal, 'Handler');
      if (!handler) continue;
      out.push(
        finding(lc, literal, literal.endIndex, `The server's handler is not wrapped by otelhttp.NewHandler: incoming requests do not continue their callers' traces. Wrap it.`, 'Wrap the handler with otelhttp.NewHandler', (o) => [{ start: handler.startIndex, end: handler.endIndex, newText: `${o}.NewHandler(${handler.text}, "server")` }]),
      );
    }
  }
  return out;
}

/**
 * gRPC: a client connection or a server without otelgrpc's stats handler carries no trace context in its metadata.
 * The fix adds `grpc.WithStatsHandler(otelgrpc.NewClientHandler())` / `grpc.StatsHandler(otelgrpc.NewServerHandler())`.
 */
function grpcPropagation(lc: GoLintContext): RawFinding[] {
  const grpc = localNameOf(lc, grpcPath);
  if (!grpc || /\botelgrpc\.New(Client|Server)Handler\b|\bUnaryClientInterceptor\b|\bUnaryServerInterceptor\b/.test(lc.text)) return [];
  const out: RawFinding[] = [];
  for (const call of lc.root.descendantsOfType('call_expression')) {
    const m = call ? methodCall(call) : undefined;
    if (!call || !m || m.operand.type !== 'identifier' || m.operand.text !== grpc) continue;
    const client = grpcClients.has(m.method);
    if (!client && m.method !== 'NewServer') continue;
    const args = callArguments(call);
    const last = args.at(-1);
    // `grpc.NewServer(opts...)`: the options come from elsewhere; no argument can follow a spread.
    if (last && lc.text.slice(last.endIndex, call.endIndex).includes('...')) continue;
    const at = last ? last.endIndex : call.childForFieldName('arguments')!.startIndex + 1;
    const option = (o: string): string => (client ? `${grpc}.WithStatsHandler(${o}.NewClientHandler())` : `${grpc}.StatsHandler(${o}.NewServerHandler())`);
    out.push(
      finding(
        lc,
        call,
        call.childForFieldName('function')!.endIndex,
        client
          ? "This gRPC connection has no otelgrpc stats handler: its calls carry no trace context in their metadata, so the server starts new traces. Add grpc.WithStatsHandler(otelgrpc.NewClientHandler())."
          : "This gRPC server has no otelgrpc stats handler: incoming calls do not continue their callers' traces. Add grpc.StatsHandler(otelgrpc.NewServerHandler()).",
        client ? 'Add the otelgrpc client handler' : 'Add the otelgrpc server handler',
        (o) => [{ start: at, end: at, newText: `${last ? ', ' : ''}${option(o)}` }],
        otelgrpcPath,
      ),
    );
  }
  return out;
}
