// Manual spans: `ctx, span := tracer.Start(ctx, "name", opts...)` on any tracer (a variable, a struct field,
// `otel.Tracer("x")`, `otel.GetTracerProvider().Tracer("x")`, `trace.SpanFromContext(ctx).TracerProvider().Tracer(…)`).
//
// `Start(ctx, x)` is a common method name (servers, jobs, timers), so a call counts as a span start only when the
// receiver is a tracer by what the file says (a `.Tracer(…)` call, a variable or field assigned one, a name
// containing "tracer") or when the second value it returns is ended with `.End()` in the same function.
import type { SpanKindName } from '../../instrumented/types';
import type { SpanNamePart } from '../../instrumented/spanNameFromParts';
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import type { GoEmit } from './goEmit';
import { callAt, type GoFile } from './goFile';
import { enclosingTarget, type GoFunctionTarget } from './goFunctions';
import { nameParts, spanNameOf, staticString } from './goNames';
import { meaningfulSpanName } from './goSpanNames';
import { argumentsOf, assignedName, calleeOf, lastName, unparen } from './goSyntax';

const spanKinds: Readonly<Record<string, SpanKindName>> = {
  SpanKindInternal: 'internal',
  SpanKindServer: 'server',
  SpanKindClient: 'client',
  SpanKindProducer: 'producer',
  SpanKindConsumer: 'consumer',
};

/** Tracer names assigned in the file, by variable name and by field name (`.tracer`). */
export function tracerBindings(file: GoFile): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const call of file.calls('Tracer')) {
    const assigned = assignedName(call);
    if (!assigned) continue;
    const [nameArg] = argumentsOf(call);
    out.set(assigned.field ? `.${assigned.name}` : assigned.name, nameArg ? staticString(nameArg, file) : undefined);
  }
  return out;
}

/** `otel.Tracer("x")`-like calls directly: their name argument. */
function tracerCallName(node: SyntaxNode, file: GoFile): { isTracer: boolean; name?: string | undefined } {
  const n = unparen(node);
  if (n.type !== 'call_expression' || calleeOf(n)?.name !== 'Tracer') return { isTracer: false };
  const [arg] = argumentsOf(n);
  return { isTracer: true, name: arg ? staticString(arg, file) : undefined };
}

function tracerOf(receiver: SyntaxNode, file: GoFile, bindings: ReadonlyMap<string, string | undefined>): { isTracer: boolean; name?: string | undefined } {
  const direct = tracerCallName(receiver, file);
  if (direct.isTracer) return direct;
  const r = unparen(receiver);
  if (r.type === 'identifier') {
    const value = file.bindingOf(r.text, r)?.value;
    if (value) {
      const viaValue = tracerCallName(value, file);
      if (viaValue.isTracer) return viaValue;
    }
    if (bindings.has(r.text)) return { isTracer: true, name: bindings.get(r.text) };
  } else if (r.type === 'selector_expression') {
    const field = r.childForFieldName('field')?.text;
    if (field && bindings.has(`.${field}`)) return { isTracer: true, name: bindings.get(`.${field}`) };
  }
  return { isTracer: /tracer/i.test(lastName(r) ?? '') };
}

/** The span variable of `ctx, span := x.Start(…)` is ended (`span.End()`) in the function holding the call. */
function spanIsEnded(call: SyntaxNode, file: GoFile): boolean {
  const parent = call.parent;
  const statement = parent?.type === 'expression_list' ? parent.parent : undefined;
  if (!statement || (statement.type !== 'short_var_declaration' && statement.type !== 'assignment_statement' && statement.type !== 'var_spec')) return false;
  const left = statement.childForFieldName('left') ?? statement;
  const names = left.namedChildren.filter((n) => n?.type === 'identifier');
  const spanVar = names.length === 2 ? names[1]?.text : undefined;
  if (!spanVar || spanVar === '_' || spanVar === 'err') return false;
  const scope = file.enclosingFunction(call) ?? statement;
  return new RegExp(`\\b${spanVar}\\.End\\(`).test(scope.text);
}

/** `trace.WithSpanKind(trace.SpanKindServer)` among the options, or inside an `opts` slice built in the function. */
export function spanKindOf(options: readonly SyntaxNode[], file: GoFile): SpanKindName | undefined {
  for (const opt of options) {
    const o = unparen(opt.type === 'variadic_argument' ? (opt.namedChild(0) ?? opt) : opt);
    const found = spanKindIn(o);
    if (found) return found;
    if (o.type === 'identifier') {
      const value = file.bindingOf(o.text, o)?.value;
      const viaValue = value ? spanKindIn(value) : undefined;
      if (viaValue) return viaValue;
    }
  }
  return undefined;
}

function spanKindIn(node: SyntaxNode): SpanKindName | undefined {
  const calls = node.type === 'call_expression' ? [node] : node.descendantsOfType('call_expression');
  for (const c of calls) {
    if (!c || calleeOf(c)?.name !== 'WithSpanKind') continue;
    const [arg] = argumentsOf(c);
    const kind = arg ? spanKinds[lastName(arg) ?? ''] : undefined;
    if (kind) return kind;
  }
  return undefined;
}

/**
 * A function that starts a span named from one of its parameters and hands the span back
 * (`func startTrace(ctx context.Context, name string) (context.Context, trace.Span) { return tracer.Start(ctx, "mysql."+name) }`):
 * the span measures its callers' work, so the lens goes on each caller in the file, named from its argument.
 */
interface SpanHelper {
  readonly params: readonly string[];
  readonly nameExpr: SyntaxNode;
  readonly tracerName: string | undefined;
  readonly spanKind: SpanKindName | undefined;
}

function parameterNames(fn: SyntaxNode): string[] {
  const out: string[] = [];
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p) continue;
    const names = p.childrenForFieldName('name').filter((n): n is SyntaxNode => n !== null);
    if (names.length === 0) out.push('_');
    for (const n of names) out.push(n.text);
  }
  return out;
}

function helperOf(call: SyntaxNode, nameExpr: SyntaxNode, file: GoFile): { fn: SyntaxNode; params: string[] } | undefined {
  const fn = file.enclosingFunction(call);
  if (!fn || fn.type === 'func_literal' || !/\bSpan\b/.test(fn.childForFieldName('result')?.text ?? '')) return undefined;
  const params = parameterNames(fn);
  const used = nameExpr.type === 'identifier' ? [nameExpr] : nameExpr.descendantsOfType('identifier');
  return used.some((id) => id !== null && params.includes(id.text)) ? { fn, params } : undefined;
}

export function findSpanStarts(file: GoFile, assigned: ReadonlyMap<number, GoFunctionTarget>, emit: GoEmit): void {
  const calls = file.calls('Start');
  if (calls.length === 0) return;
  const bindings = tracerBindings(file);
  const helpers = new Map<string, SpanHelper>();
  for (const call of calls) {
    const callee = calleeOf(call);
    const args = argumentsOf(call);
    if (!callee?.operand || args.length < 2) continue;
    const tracer = tracerOf(callee.operand, file, bindings);
    if (!tracer.isTracer && !spanIsEnded(call, file)) continue;
    const nameExpr = args[1]!;
    const spanKind = spanKindOf(args.slice(2), file);
    const helper = helperOf(call, nameExpr, file);
    const helperName = helper?.fn.childForFieldName('name')?.text;
    if (helper && helperName) {
      helpers.set(helperName, { params: helper.params, nameExpr, tracerName: tracer.name, spanKind });
      continue;
    }
    const spanName = spanNameOf(nameExpr, file);
    if (!spanName) continue;
    emit(enclosingTarget(call, file, assigned), spanName, 'startSpan', { tracerName: tracer.name, spanKind });
  }
  if (helpers.size > 0) findHelperCalls(file, helpers, assigned, emit);
}

function findHelperCalls(file: GoFile, helpers: ReadonlyMap<string, SpanHelper>, assigned: ReadonlyMap<number, GoFunctionTarget>, emit: GoEmit): void {
  const names = [...helpers.keys()].map((n) => n.replace(/[^\w]/g, '')).join('|');
  // `helper(` or `x.helper(`, confirmed by the tree (see callAt): no walk of the whole file.
  for (const m of file.text.matchAll(new RegExp(`\\b(${names})\\s*\\(`, 'g'))) {
    const call = callAt(file.tree.rootNode, m.index, m.index + m[0].length - 1);
    if (!call) continue;
    const helper = helpers.get(calleeOf(call)?.name ?? '');
    if (!helper) continue;
    const args = argumentsOf(call);
    const env = new Map<string, SpanNamePart[]>();
    helper.params.forEach((p, i) => {
      const arg = args[i];
      if (arg && p !== '_') env.set(p, nameParts(arg, file));
    });
    const spanName = meaningfulSpanName(nameParts(helper.nameExpr, file, env));
    if (!spanName) continue;
    emit(enclosingTarget(call, file, assigned), spanName, 'startSpan', { tracerName: helper.tracerName, spanKind: helper.spanKind });
  }
}
