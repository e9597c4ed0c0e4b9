// Manual spans: `tracer.spanBuilder(name)…startSpan()` on any receiver (a Tracer field, a local, a
// `GlobalOpenTelemetry.getTracer("x")` call). The function around the call gets the lens; the span kind comes from
// `.setSpanKind(SpanKind.X)` in the same chain, the tracer name from the `getTracer` / `tracerBuilder` call the
// receiver was made by, when the file shows it.
import { spanNameFromParts, type SpanNamePart } from '../../instrumented/spanNameFromParts';
import type { SpanKindName } from '../../instrumented/types';
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import { namedChildrenOf } from '../../treeSitter/syntaxNodes';
import { argumentsOf, unwrapExpression } from './javaSyntax';
import type { JavaFileContext } from './javaContext';
import { spanSiteTarget } from './javaFunctions';
import { classBodyOf, enclosingType } from './javaTypes';
import { parentOf, typeOf } from './javaAncestors';

export const spanKindByName: Readonly<Record<string, SpanKindName>> = {
  INTERNAL: 'internal',
  SERVER: 'server',
  CLIENT: 'client',
  PRODUCER: 'producer',
  CONSUMER: 'consumer',
};

/** `SpanKind.SERVER` or a statically imported `SERVER`. */
export function spanKindOf(expr: SyntaxNode | undefined): SpanKindName | undefined {
  if (!expr) return undefined;
  const e = unwrapExpression(expr);
  const last = typeOf(e) === 'field_access' ? e.childForFieldName('field')?.text : typeOf(e) === 'identifier' ? e.text : undefined;
  return last ? spanKindByName[last] : undefined;
}

const anchor = /\b(spanBuilder)\s*\(/g;

/**
 * A Tracer of the file's own that renames spans: `public SpanBuilder spanBuilder(String name) { return
 * delegate.spanBuilder(prefix + name); }` (a decorator, as google-cloud-storage has). Its name parts, with the
 * parameter's place marked, apply to the file's other spanBuilder calls, which go through it.
 */
interface RenamingTracer {
  readonly declaration: SyntaxNode;
  readonly parts: readonly SpanNamePart[];
  readonly parameter: string;
}

function renamingTracer(ids: readonly SyntaxNode[], ctx: JavaFileContext): RenamingTracer | undefined {
  for (const id of ids) {
    const decl = parentOf(id);
    if (decl?.type !== 'method_declaration' || decl.childForFieldName('name')?.id !== id.id) continue;
    const params = decl.childForFieldName('parameters');
    const param = params ? namedChildrenOf(params).filter((c) => typeOf(c) === 'formal_parameter') : [];
    const parameter = param.length === 1 ? param[0]!.childForFieldName('name')?.text : undefined;
    if (!parameter) continue;
    for (const inner of ids) {
      const call = parentOf(inner);
      if (call?.type !== 'method_invocation' || inner.startIndex < decl.startIndex || inner.endIndex > decl.endIndex) continue;
      const arg = argumentsOf(call)[0];
      if (!arg || unwrapExpression(arg).text === parameter) continue;
      return { declaration: decl, parts: ctx.names.parts(arg, 0), parameter };
    }
  }
  return undefined;
}

function renamed(parts: readonly SpanNamePart[], by: RenamingTracer): SpanNamePart[] {
  return by.parts.flatMap((p) => (!p.known && p.display === by.parameter ? [...parts] : [p]));
}

export function findSpanBuilders(ctx: JavaFileContext): void {
  const ids = ctx.anchors(anchor);
  const renamer = renamingTracer(ids, ctx);
  for (const id of ids) {
    const call = parentOf(id);
    if (call?.type !== 'method_invocation' || call.childForFieldName('name')?.id !== id.id) continue;
    const receiver = call.childForFieldName('object');
    const nameArg = argumentsOf(call)[0];
    // An unqualified `spanBuilder(x)` is a helper of the file's own, which may change the name.
    if (!receiver || !nameArg) continue;
    const inRenamer = renamer && call.startIndex >= renamer.declaration.startIndex && call.endIndex <= renamer.declaration.endIndex;
    if (inRenamer) continue;
    const parts = ctx.names.parts(nameArg, 0);
    const spanName = spanNameFromParts(renamer ? renamed(parts, renamer) : parts);
    if (!spanName) continue;
    const target = spanSiteTarget(call, ctx.types);
    if (!target) continue;
    ctx.emit(target, spanName, 'startSpan', { spanKind: chainedSpanKind(call), tracerName: tracerNameOf(receiver, ctx) });
  }
}

/** `.setSpanKind(SpanKind.CLIENT)` further along the builder chain. */
function chainedSpanKind(builderCall: SyntaxNode): SpanKindName | undefined {
  let kind: SpanKindName | undefined;
  let n: SyntaxNode = builderCall;
  for (let i = 0; i < 30; i++) {
    const parent = parentOf(n);
    if (parent?.type !== 'method_invocation' || parent.childForFieldName('object')?.id !== n.id) break;
    if (parent.childForFieldName('name')?.text === 'setSpanKind') kind = spanKindOf(argumentsOf(parent)[0]) ?? kind;
    n = parent;
  }
  return kind;
}

/** The tracer name of `GlobalOpenTelemetry.getTracer("x")`, `otel.tracerBuilder("x")….build()`, `provider.get("x")`. */
function tracerNameOfCall(expr: SyntaxNode, ctx: JavaFileContext): string | undefined {
  let e = unwrapExpression(expr);
  for (let i = 0; i < 8 && typeOf(e) === 'method_invocation'; i++) {
    const name = e.childForFieldName('name')?.text;
    const first = argumentsOf(e)[0];
    if ((name === 'getTracer' || name === 'tracerBuilder') && first) return ctx.names.staticString(first);
    if (name === 'get' && first && /getTracerProvider|TracerProvider/i.test(e.childForFieldName('object')?.text ?? '')) return ctx.names.staticString(first);
    const object = e.childForFieldName('object');
    if (!object || !/^(?:build|setInstrumentationVersion|setSchemaUrl)$/.test(name ?? '')) return undefined;
    e = unwrapExpression(object);
  }
  return undefined;
}

function tracerNameOf(receiver: SyntaxNode, ctx: JavaFileContext): string | undefined {
  const r = unwrapExpression(receiver);
  if (typeOf(r) === 'method_invocation') return tracerNameOfCall(r, ctx);
  const init = ctx.names.constantValue(r) ?? assignedInClass(r, ctx);
  return init ? tracerNameOfCall(init, ctx) : undefined;
}

/** `this.tracer = otel.getTracer("x");` in a constructor of the class around `ref`. */
function assignedInClass(ref: SyntaxNode, ctx: JavaFileContext): SyntaxNode | undefined {
  const field = typeOf(ref) === 'identifier' ? ref.text : typeOf(ref) === 'field_access' && ref.childForFieldName('object')?.type === 'this' ? ref.childForFieldName('field')?.text : undefined;
  const type = enclosingType(ref);
  const body = type ? classBodyOf(type) : undefined;
  if (!field || !body) return undefined;
  for (const id of ctx.anchorsIn(body, new RegExp(`(?<![\\w$])(${field})\\s*=(?!=)`, 'g'))) {
    const parent = parentOf(id);
    if (parent?.type === 'variable_declarator' && parent.childForFieldName('name')?.id === id.id) {
      const value = parent.childForFieldName('value');
      if (value && tracerNameOfCall(value, ctx) !== undefined) return value;
      continue;
    }
    let left: SyntaxNode = id;
    if (parent?.type === 'field_access' && parent.childForFieldName('field')?.id === id.id) left = parent;
    const assignment = parentOf(left);
    if (assignment?.type === 'assignment_expression' && assignment.childForFieldName('left')?.id === left.id) {
      const right = assignment.childForFieldName('right');
      if (right && tracerNameOfCall(right, ctx) !== undefined) return right;
    }
  }
  return undefined;
}
