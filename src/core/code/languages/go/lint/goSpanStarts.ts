// The span starts the Go lint looks at: `ctx, span := tracer.Start(ctx, "name", opts…)` (or `=`, or `_, span`) on a
// receiver that is a tracer (`tracer`, `s.tracer`, `otel.Tracer("x")`, a variable bound to one) and a first argument
// that is a context. The file need not import the API: a package's tracer is often declared in another of its files.
// Other `.Start(ctx, …)` calls (servers, timers) are not spans.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import { callArguments, enclosingFunctionOf, methodCall, parametersOf, statementOf } from './goLintSyntax';

export interface GoSpanStart {
  readonly call: SyntaxNode;
  /** The assignment or declaration statement. */
  readonly statement: SyntaxNode;
  /** The span variable (`span`), or undefined for `_`/no assignment. */
  readonly spanVar: string | undefined;
  /** The context variable the statement assigns (`ctx`), if any. */
  readonly ctxVar: string | undefined;
  readonly contextArg: SyntaxNode;
  readonly nameArg: SyntaxNode;
  readonly options: readonly SyntaxNode[];
  /** The function the span is started in. */
  readonly fn: SyntaxNode;
}

/** True when the file imports the OpenTelemetry Go API (any go.opentelemetry.io/otel package). */
export function importsOtel(imports: ReadonlyMap<string, string>): boolean {
  for (const p of imports.values()) if (p === 'go.opentelemetry.io/otel' || p.startsWith('go.opentelemetry.io/otel/')) return true;
  return false;
}

/** A receiver that names a tracer: its text mentions one (`tracer`, `t.tracer`, `otel.Tracer("x")`, `Tracer()`). */
function isTracerReceiver(operand: SyntaxNode, tracerVars: ReadonlySet<string>): boolean {
  if (/tracer/i.test(operand.text)) return true;
  return operand.type === 'identifier' && tracerVars.has(operand.text);
}

/** Variables bound to a tracer: `t := otel.Tracer("x")`, `var tr = provider.Tracer("x")`. */
function tracerVariables(root: SyntaxNode): Set<string> {
  const out = new Set<string>();
  for (const call of root.descendantsOfType('call_expression')) {
    if (!call || methodCall(call)?.method !== 'Tracer') continue;
    const holder = call.parent?.parent;
    const left = holder?.childForFieldName('left') ?? holder?.childForFieldName('name');
    if (left?.type === 'identifier') out.add(left.text);
    else if (left?.type === 'expression_list' && left.namedChildCount === 1 && left.namedChild(0)?.type === 'identifier') out.add(left.namedChild(0)!.text);
  }
  return out;
}

/** `ctx`, `parentCtx`, `r.Context()`, `context.Background()`, `trace.ContextWithSpan(…)`: something that is a context. */
function looksLikeContext(expr: SyntaxNode, fn: SyntaxNode): boolean {
  if (expr.type === 'identifier' && /\bContext$/.test(parametersOf(fn).get(expr.text) ?? '')) return true;
  if (expr.type === 'identifier' || expr.type === 'selector_expression') return /ctx|context/i.test(expr.text);
  if (expr.type === 'call_expression') return /(^|\.)(Context|Background|TODO|ContextWith\w*|With\w+)\s*\(/.test(expr.text.split('(')[0] + '(') || /context\./.test(expr.text.slice(0, 9));
  return false;
}

export function findGoSpanStarts(root: SyntaxNode, imports: ReadonlyMap<string, string>): GoSpanStart[] {
  const otel = importsOtel(imports);
  if (!otel && !/tracer/i.test(root.text)) return [];
  const tracerVars = otel ? tracerVariables(root) : new Set<string>();
  const out: GoSpanStart[] = [];
  for (const call of root.descendantsOfType('call_expression')) {
    if (!call) continue;
    const m = methodCall(call);
    if (m?.method !== 'Start' || !isTracerReceiver(m.operand, tracerVars)) continue;
    const args = callArguments(call);
    const fn = enclosingFunctionOf(call);
    const statement = statementOf(call);
    if (!fn || !statement || args.length < 2 || !looksLikeContext(args[0]!, fn)) continue;
    let spanVar: string | undefined;
    let ctxVar: string | undefined;
    const right = call.parent?.type === 'expression_list' ? call.parent : undefined;
    const assign = right?.parent;
    if (assign && (assign.type === 'short_var_declaration' || assign.type === 'assignment_statement') && assign.childForFieldName('right')?.id === right!.id) {
      const left = (assign.childForFieldName('left')?.namedChildren ?? []).filter((n): n is SyntaxNode => n !== null);
      if (left.length === 2) {
        ctxVar = left[0]!.type === 'identifier' && left[0]!.text !== '_' ? left[0]!.text : undefined;
        spanVar = left[1]!.type === 'identifier' && left[1]!.text !== '_' ? left[1]!.text : undefined;
      }
    }
    out.push({ call, statement, spanVar, ctxVar, contextArg: args[0]!, nameArg: args[1]!, options: args.slice(2), fn });
  }
  return out;
}
