// net/http routes: `mux.HandleFunc("GET /users/{id}", h)`, `http.Handle("/x", otelhttp.NewHandler(h, "op"))`,
// gorilla/mux `r.HandleFunc("/x", h).Methods("GET")`, and otelhttp wrappers outside a route (`NewHandler`,
// `NewMiddleware(op)(h)`, `WithRouteTag`). Server span names are as otelhttp v0.72.0 gives them (goOtelhttp.ts):
// `METHOD /route` from the Go 1.22 pattern (any method when the pattern names none), the raw path of a request as
// another form some setups record, and the operation string that otelhttp up to v0.68.0 used.
import { bracePlaceholders, httpServerSpanNames } from '../../instrumented/routeTemplates';
import type { RouteInfo, SpanNameMatcher } from '../../instrumented/types';
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import type { GoEmit } from './goEmit';
import type { GoFile } from './goFile';
import { functionTargetOf, runtimeNameOf, type GoFunctionTarget } from './goFunctions';
import { spanNameOf, staticString } from './goNames';
import { formattedSpanName, handlerChain, isOtelhttp, methodOnlyServerSpanName, otelhttpImport, type HandlerChain, type OtelhttpWrap } from './goOtelhttp';
import { argumentsOf, calleeOf, compactText, unparen } from './goSyntax';

/** `[METHOD ][HOST]/PATH` (net/http ServeMux patterns, Go 1.22). */
const servemuxPattern = /^(?:([A-Z]+)\s+)?([^\s/]*)(\/\S*)$/;

function isHttpImport(p: string): boolean {
  return p === 'net/http' || p === otelhttpImport || /gorilla\/mux$/.test(p);
}

/** `r.HandleFunc("/x", h).Methods("GET")` (gorilla/mux): the first method. */
function gorillaMethod(call: SyntaxNode, file: GoFile): string | undefined {
  const sel = call.parent;
  const outer = sel?.type === 'selector_expression' ? sel.parent : undefined;
  if (!outer || outer.type !== 'call_expression' || calleeOf(outer)?.name !== 'Methods') return undefined;
  const [first] = argumentsOf(outer);
  const m = first ? staticString(first, file) : undefined;
  return m && /^[A-Za-z]+$/.test(m) ? m.toUpperCase() : undefined;
}

/** The lens target of a route's handler: an inline literal is named after the route, a named function keeps its name. */
function handlerTarget(fn: SyntaxNode, label: string, file: GoFile, assigned: Map<number, GoFunctionTarget>): GoFunctionTarget {
  const known = assigned.get(fn.id) ?? functionTargetOf(fn, file);
  if (known) return known;
  const target = { node: fn, nameNode: undefined, name: label, qualifiedName: runtimeNameOf(fn, file) };
  assigned.set(fn.id, target);
  return target;
}

/** Primary and alternative names of a route, formatter first when an otelhttp wrapper has one. */
function routeNames(method: string, route: string, pattern: string | undefined, chain: HandlerChain, outerWraps: readonly OtelhttpWrap[], file: GoFile): { primary: SpanNameMatcher; alternatives: SpanNameMatcher[] } | undefined {
  const semconv = httpServerSpanNames(method, route, bracePlaceholders);
  const alternatives: SpanNameMatcher[] = semconv.rawPath ? [semconv.rawPath] : [];
  let primary: SpanNameMatcher = semconv.primary;
  const facts = { ...(method !== 'ALL' ? { method } : {}), ...(pattern !== undefined ? { pattern } : {}) };
  // The wrapper nearest the handler names the span it starts; an outer wrapper around the whole mux names its own.
  for (const wrap of [...chain.wraps, ...outerWraps]) {
    const formatted = formattedSpanName(wrap, file, facts);
    if (formatted === 'unknown') return undefined;
    if (formatted) {
      alternatives.unshift(primary);
      primary = formatted;
      break;
    }
  }
  for (const wrap of chain.wraps) {
    const op = wrap.operation ? spanNameOf(wrap.operation, file) : undefined;
    if (op && op.kind === 'exact') alternatives.push(op);
  }
  return { primary, alternatives };
}

export function findHttpRoutes(file: GoFile, assigned: Map<number, GoFunctionTarget>, emit: GoEmit): void {
  const consumed = new Set<number>();
  const importsHttp = file.importsPath(isHttpImport);
  // `otelhttp.NewHandler(mux, "op", …)`: wrappers of a whole mux, by the mux's source text (through
  // `handler := http.Handler(mux)` conversions and middlewares).
  const muxWraps = new Map<string, OtelhttpWrap[]>();
  for (const call of file.calls('NewHandler')) {
    const callee = calleeOf(call);
    const args = argumentsOf(call);
    if (!isOtelhttp(file, callee) || !args[0]) continue;
    for (const key of wrappedNames(args[0], file)) {
      const list = muxWraps.get(key) ?? [];
      list.push({ call, operation: args[1], options: args.slice(2) });
      muxWraps.set(key, list);
    }
  }
  // A file that uses otelhttp shows which muxes it instruments; elsewhere the wrapping is out of sight.
  const onlyWrapped = file.importsPath((p) => p === otelhttpImport);

  for (const call of [...file.calls('HandleFunc'), ...file.calls('Handle')]) {
    const callee = calleeOf(call);
    const args = argumentsOf(call);
    if (!callee?.operand || args.length < 2) continue;
    const patternText = staticString(args[0]!, file);
    const m = patternText !== undefined ? servemuxPattern.exec(patternText) : null;
    if (!m || patternText === undefined) continue;
    if (!importsHttp && m[1] === undefined) continue;
    const chain = handlerChain(args[args.length - 1]!, file);
    for (const id of chain.consumed) consumed.add(id);
    if (!chain.fn) continue;
    const outerWraps = muxWraps.get(receiverKey(unparen(callee.operand), file)) ?? [];
    if (onlyWrapped && chain.wraps.length === 0 && outerWraps.length === 0 && !isPackageLevelMux(callee.operand, file)) continue;
    const method = m[1] ?? gorillaMethod(call, file) ?? 'ALL';
    const route = m[3]!;
    const names = routeNames(method, route, patternText, chain, outerWraps, file);
    if (!names) continue;
    const routeInfo: RouteInfo = { framework: 'net/http', method, path: route };
    const target = handlerTarget(chain.fn, `handler for ${method === 'ALL' ? '*' : method} ${route}`, file, assigned);
    emit(target, names.primary, 'route', { alternatives: names.alternatives, spanKind: 'server', route: routeInfo });
  }

  findStandaloneWrappers(file, consumed, assigned, emit);
}

/** The names an expression wrapped by otelhttp stands for: `mux`, and `mux` again behind `h := http.Handler(mux)`. */
function wrappedNames(expr: SyntaxNode, file: GoFile, depth = 0): string[] {
  const e = unparen(expr);
  const out = [receiverKey(e, file)];
  if (depth > 5) return out;
  if (e.type === 'identifier') {
    const value = file.bindingOf(e.text, e)?.value;
    if (value) out.push(...wrappedNames(value, file, depth + 1));
  } else if (e.type === 'call_expression') {
    const args = argumentsOf(e);
    if (args.length > 0) out.push(...wrappedNames(args[args.length - 1]!, file, depth + 1));
  }
  return out;
}

/** A receiver's identity: its text, and for a variable where it was declared (two `mux` variables are two muxes). */
function receiverKey(e: SyntaxNode, file: GoFile): string {
  if (e.type !== 'identifier') return compactText(e);
  const b = file.bindingOf(e.text, e);
  return b ? `${e.text}@${declarationStart(e.text, e, file)}` : e.text;
}

/** Where the variable a use refers to was first declared in its function (`:=`/`var`), so reassignments keep the key. */
function declarationStart(name: string, use: SyntaxNode, file: GoFile): number {
  return file.declarationOf(name, use) ?? -1;
}

/** `http.HandleFunc` registers on http.DefaultServeMux, which `ListenAndServe(addr, otelhttp.NewHandler(http.DefaultServeMux, …))` wraps. */
function isPackageLevelMux(operand: SyntaxNode, file: GoFile): boolean {
  return operand.type === 'identifier' && file.isPackage(operand.text, (p) => p === 'net/http', 'http') && [...file.calls('NewHandler')].some((c) => /DefaultServeMux/.test(argumentsOf(c)[0]?.text ?? ''));
}

/** otelhttp wrappers that are not a route's handler here: their span covers the wrapped function. */
function findStandaloneWrappers(file: GoFile, consumed: ReadonlySet<number>, assigned: Map<number, GoFunctionTarget>, emit: GoEmit): void {
  const starts: SyntaxNode[] = [];
  for (const call of file.calls('NewHandler')) if (isOtelhttp(file, calleeOf(call))) starts.push(call);
  for (const call of file.calls('WithRouteTag')) if (isOtelhttp(file, calleeOf(call))) starts.push(call);
  // `otelhttp.NewMiddleware(op)(h)`: the outer call is the one that wraps h.
  for (const call of file.calls('NewMiddleware')) {
    const outer = call.parent;
    if (outer?.type === 'call_expression' && outer.childForFieldName('function')?.id === call.id && isOtelhttp(file, calleeOf(call))) starts.push(outer);
  }
  const handled = new Set<number>(consumed);
  for (const start of starts.sort((a, b) => a.startIndex - b.startIndex)) {
    if (handled.has(start.id)) continue;
    const chain = handlerChain(start, file);
    for (const id of chain.consumed) handled.add(id);
    // A mux (or anything that is not a function of this file) gets no lens: its routes have their own.
    if (!chain.fn) continue;
    const route = chain.routeTag ? staticString(chain.routeTag, file) : undefined;
    let primary: SpanNameMatcher = methodOnlyServerSpanName;
    const alternatives: SpanNameMatcher[] = [];
    let routeInfo: RouteInfo | undefined;
    if (route !== undefined && route.startsWith('/')) {
      const semconv = httpServerSpanNames('ALL', route, bracePlaceholders);
      primary = semconv.primary;
      if (semconv.rawPath) alternatives.push(semconv.rawPath);
      routeInfo = { framework: 'net/http', method: 'ALL', path: route };
    }
    let unknownFormatter = false;
    for (const wrap of chain.wraps) {
      const formatted = formattedSpanName(wrap, file, {});
      if (formatted === 'unknown') unknownFormatter = true;
      else if (formatted) {
        alternatives.unshift(primary);
        primary = formatted;
        break;
      }
    }
    if (unknownFormatter) continue;
    for (const wrap of chain.wraps) {
      const op = wrap.operation ? spanNameOf(wrap.operation, file) : undefined;
      if (op && op.kind === 'exact') alternatives.push(op);
    }
    const label = route !== undefined ? `handler for * ${route}` : 'otelhttp handler';
    emit(handlerTarget(chain.fn, label, file, assigned), primary, 'route', {
      alternatives,
      spanKind: 'server',
      ...(routeInfo ? { route: routeInfo } : {}),
    });
  }
}
