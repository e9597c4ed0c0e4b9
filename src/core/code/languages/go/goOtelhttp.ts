// What otelhttp (go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp) names the server span of a
// handler it wraps, read from its source at v0.72.0:
// - handler.go `NewMiddleware` (which `NewHandler(h, operation, opts...)` calls): without
//   `WithSpanNameFormatter` the name is `h.semconv.SpanName(r)`, i.e. internal/semconv/server.go
//   `HTTPServer.SpanName`: `METHOD /route` when `r.Pattern` is set (Go 1.22 ServeMux patterns, route from
//   internal/semconv/util.go `httpRoute`: the pattern from its first `/`), else `METHOD` alone (unknown methods
//   become `HTTP`). The operation string is not part of the default name since v0.69.0; up to v0.68.0
//   `defaultHandlerFormatter` returned the operation itself, so `operation` is the name older versions record.
// - With `WithSpanNameFormatter(f)` the name is `f(operation, r)`, computed when the span starts and again after
//   the handler ran when `r.Pattern` is set (handler.go `serveHTTP`).
// - `WithRouteTag(route, h)` only added the `http.route` attribute (it never renamed the span) and was removed
//   in v0.65.0.
import type { SpanNamePart } from '../../instrumented/spanNameFromParts';
import type { SpanNameMatcher } from '../../instrumented/types';
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import type { GoFile } from './goFile';
import { resolveFunctionRef } from './goFunctions';
import { nameParts, type NameEnvironment } from './goNames';
import { meaningfulSpanName } from './goSpanNames';
import { argumentsOf, calleeOf, operandName, unparen } from './goSyntax';

export const otelhttpImport = 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp';

/** The method-only names of v0.69+ when no route is known: `GET`, `POST`, … and `HTTP` for other methods. */
export const methodOnlyServerSpanName: SpanNameMatcher = {
  kind: 'pattern',
  regex: '^(?:GET|HEAD|POST|PUT|PATCH|DELETE|CONNECT|OPTIONS|TRACE|HTTP)$',
  display: '{METHOD}',
};

export function isOtelhttp(file: GoFile, callee: { operand: SyntaxNode | undefined } | undefined): boolean {
  return callee !== undefined && file.isPackage(callee.operand ? operandName({ name: '', operand: callee.operand }) : undefined, (p) => p === otelhttpImport, 'otelhttp');
}

/** One otelhttp wrapping: its operation expression and options. */
export interface OtelhttpWrap {
  readonly call: SyntaxNode;
  readonly operation: SyntaxNode | undefined;
  readonly options: readonly SyntaxNode[];
}

/** What a handler expression is made of: the function at its core and the otelhttp wrappers around it. */
export interface HandlerChain {
  readonly fn: SyntaxNode | undefined;
  readonly wraps: readonly OtelhttpWrap[];
  /** `otelhttp.WithRouteTag(route, h)`: the route expression. */
  readonly routeTag: SyntaxNode | undefined;
  /** Every otelhttp call node met on the way (so the standalone rules skip them). */
  readonly consumed: readonly number[];
}

/** `otelhttp.NewMiddleware(op, opts...)` when `node` is that call (or a variable holding it). */
function middlewareCall(node: SyntaxNode, file: GoFile): SyntaxNode | undefined {
  let n = unparen(node);
  if (n.type === 'identifier') {
    const value = file.bindingOf(n.text, n)?.value;
    if (!value) return undefined;
    n = unparen(value);
  }
  return n.type === 'call_expression' && calleeOf(n)?.name === 'NewMiddleware' && isOtelhttp(file, calleeOf(n)) ? n : undefined;
}

export function handlerChain(expr: SyntaxNode, file: GoFile): HandlerChain {
  const wraps: OtelhttpWrap[] = [];
  const consumed: number[] = [];
  let routeTag: SyntaxNode | undefined;
  let e: SyntaxNode | undefined = unparen(expr);
  for (let depth = 0; e && depth < 8; depth++) {
    if (e.type === 'identifier') {
      const binding = file.bindingOf(e.text, e);
      if (!binding?.value || unparen(binding.value).type === 'func_literal') break;
      e = unparen(binding.value);
      continue;
    }
    if (e.type !== 'call_expression') break;
    const callee = calleeOf(e);
    const args = argumentsOf(e);
    const fnNode = e.childForFieldName('function');
    const mw = fnNode ? middlewareCall(fnNode, file) : undefined;
    if (mw) {
      const [op, ...options] = argumentsOf(mw);
      wraps.push({ call: mw, operation: op, options });
      consumed.push(mw.id);
      e = args[0] ? unparen(args[0]) : undefined;
    } else if (callee?.name === 'NewHandler' && isOtelhttp(file, callee)) {
      wraps.push({ call: e, operation: args[1], options: args.slice(2) });
      consumed.push(e.id);
      e = args[0] ? unparen(args[0]) : undefined;
    } else if (callee?.name === 'WithRouteTag' && isOtelhttp(file, callee)) {
      routeTag ??= args[0];
      consumed.push(e.id);
      e = args[1] ? unparen(args[1]) : undefined;
    } else if (callee?.name === 'HandlerFunc' || (callee && args.length > 0 && resolveFunctionRef(e, file) === undefined)) {
      // A conversion or a middleware `auth(h)`: the handler is the last argument.
      e = unparen(args[args.length - 1]!);
    } else break;
  }
  return { fn: e ? resolveFunctionRef(e, file) : undefined, wraps, routeTag, consumed };
}

/** The function given to `otelhttp.WithSpanNameFormatter(f)` among the options, if any. */
function formatterOf(options: readonly SyntaxNode[], file: GoFile): SyntaxNode | undefined {
  for (const o of options) {
    const u = unparen(o);
    if (u.type !== 'call_expression' || calleeOf(u)?.name !== 'WithSpanNameFormatter') continue;
    const [f] = argumentsOf(u);
    return f ? resolveFunctionRef(f, file) : undefined;
  }
  return undefined;
}

export interface RequestFacts {
  /** `GET`, when the route fixes the method. */
  readonly method?: string;
  /** The ServeMux pattern as registered (`GET /users/{id}`), when known. */
  readonly pattern?: string;
}

/**
 * The span name a formatter function gives: its single `return` expression evaluated with the operation (first
 * parameter) and what is known of the request (second parameter: `r.Method`, `r.Pattern`); undefined when the
 * wrap has no formatter, and 'unknown' when it has one we cannot evaluate.
 */
export function formattedSpanName(wrap: OtelhttpWrap, file: GoFile, facts: RequestFacts): SpanNameMatcher | 'unknown' | undefined {
  const formatter = formatterOf(wrap.options, file);
  if (!formatter) return wrap.options.some((o) => /WithSpanNameFormatter/.test(o.text)) ? 'unknown' : undefined;
  const params = formatter.childForFieldName('parameters')?.namedChildren.filter((p) => p?.type === 'parameter_declaration') ?? [];
  const names = params.flatMap((p) => (p ? p.childrenForFieldName('name').map((n) => n?.text) : []));
  const returns = formatter.childForFieldName('body')?.descendantsOfType('return_statement') ?? [];
  const expr = returns.length === 1 ? returns[0]?.namedChild(0)?.namedChild(0) : undefined;
  if (!expr) return 'unknown';
  const env = new Map<string, SpanNamePart[]>();
  const [opName, reqName] = names;
  if (opName && opName !== '_') env.set(opName, wrap.operation ? nameParts(wrap.operation, file) : [{ known: false, display: 'operation' }]);
  if (reqName && reqName !== '_') {
    if (facts.method) env.set(`${reqName}.Method`, [{ known: true, text: facts.method }]);
    if (facts.pattern !== undefined) env.set(`${reqName}.Pattern`, [{ known: true, text: facts.pattern }]);
  }
  return meaningfulSpanName(nameParts(expr, file, env as NameEnvironment)) ?? 'unknown';
}
