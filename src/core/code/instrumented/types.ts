// Result types of the instrumented-function finder. This module has no runtime imports, so the host, the CLI and
// the latency provider can use these types without loading the TypeScript compiler.
import type { Range } from '../../model/textRange';

/** Which span name(s) a function produces: one exact name, or a family of names (a template or concatenation). */
export type SpanNameMatcher =
  | { readonly kind: 'exact'; readonly name: string }
  /** `regex` is a RegExp source anchored with ^…$; `display` is what to show a person, e.g. `orders.{id}`. */
  | { readonly kind: 'pattern'; readonly regex: string; readonly display: string };

/** How the finder knew the function is traced. */
export type InstrumentationVia = 'startActiveSpan' | 'startSpan' | 'decorator' | 'wrapper' | 'route' | 'code-attributes';

export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** A function in a file: what to call it and where it is. */
export interface FunctionLocation {
  /** E.g. `OrderService.create`, `createOrder`, `handler for GET /users/:id`. */
  readonly functionName: string;
  /** The whole function (or the declaration holding it), decorators included. */
  readonly range: Range;
  /** Where to anchor a lens: the declaration's name where it has one, else the function's first token. */
  readonly nameRange: Range;
  /**
   * The name OpenTelemetry's `code.function.name` gives it, as far as the file tells: `com.shop.OrderService.create`
   * (Java: package from the file), `orders.(*Service).Create` (Go: package name), `OrderService.create`. Absent
   * when it is `functionName`.
   */
  readonly qualifiedName?: string;
}

export type RouteFramework =
  | 'express'
  | 'fastify'
  | 'koa'
  | 'nest'
  | 'flask'
  | 'fastapi'
  | 'django'
  | 'net/http'
  | 'gin'
  | 'grpc'
  | 'spring'
  | 'jax-rs'
  | 'jdk-httpserver';

export interface RouteInfo {
  readonly framework: RouteFramework;
  /** Upper-case HTTP method, or `ALL`. */
  readonly method: string;
  /** The full route template as the framework matches it, mount prefixes from the same file included. */
  readonly path: string;
  /** An array route's paths, each with the mount prefix (`path` is then what the instrumentation records). */
  readonly arrayPaths?: readonly string[];
}

export interface InstrumentedFunction extends FunctionLocation {
  /** The span name this function most likely produces; look this up first. */
  readonly spanName: SpanNameMatcher;
  /**
   * Other names the same work is recorded under by other instrumentations, most likely first (e.g. for a route:
   * the raw-path form `GET /users/42`, the framework's own handler span). Use them, in order, only when the
   * primary name has no data: they are different spans, so adding them up would count the same call twice.
   */
  readonly alternativeSpanNames: readonly SpanNameMatcher[];
  readonly via: InstrumentationVia;
  /** From `trace.getTracer('name')` when the tracer the span is started on can be followed. */
  readonly tracerName?: string;
  /** From a `{ kind: SpanKind.X }` span option, or 'server' for route handlers. */
  readonly spanKind?: SpanKindName;
  readonly route?: RouteInfo;
}

export interface FinderOptions {
  /** Method decorators that start a span named by their argument or `ClassName.method` (default {@link defaultSpanDecorators}). */
  readonly decorators?: readonly string[];
  /** Class decorators that trace every method as `ClassName.method` (default {@link defaultClassDecorators}). */
  readonly classDecorators?: readonly string[];
  /** Functions called as `wrapper('span name', fn)` (default {@link defaultWrappers}). */
  readonly wrappers?: readonly string[];
  /** Find Express/Fastify/Koa/NestJS route handlers (default true). */
  readonly routes?: boolean;
}

export const defaultSpanDecorators: readonly string[] = ['Span', 'Trace', 'WithSpan', 'Traced', 'Instrument', 'OtelSpan', 'OTelSpan'];
export const defaultClassDecorators: readonly string[] = ['Traceable'];
export const defaultWrappers: readonly string[] = ['withSpan', 'traced', 'withTracing', 'instrument', 'withActiveSpan'];
