// Recognizes HTTP route registrations (Express, Fastify, Koa router, NestJS controllers) and says which span names
// OpenTelemetry's auto-instrumentation records for them.
//
// What the instrumentations name their spans (read from open-telemetry/opentelemetry-js-contrib):
// - HTTP server span (instrumentation-http): `METHOD` at first, renamed `METHOD /route` when a framework
//   instrumentation reports the matched route (express, fastify and koa all set it). This is the span that measures
//   the whole request, so it is the primary name.
// - Express layer span: `request handler - /route` (it ends when the handler returns synchronously, so its
//   duration is not the request's).
// - Fastify: `request handler - <handler function name>` (`anonymous` when unnamed).
// - Koa router: `router - /route`, or the route's own name for named routes (`router.get('name', '/p', h)`).
// - NestJS: `Controller.method` (request context span) and `method` (handler span).
// Zipkin-style tracers (Brave, Sleuth) name server spans `get /route` or with the raw path (`GET /users/42`).
import { ts } from 'ts-morph';
import type { FileConstants } from './fileConstants';
import { unwrapExpression } from './fileConstants';
import type { RouteFramework, RouteInfo, SpanNameMatcher } from './types';
import { escapeRegex } from './spanNameMatcher';

export const httpMethodNames: ReadonlySet<string> = new Set(['get', 'post', 'put', 'delete', 'del', 'patch', 'options', 'head', 'all']);
export const nestMethodDecorators: ReadonlySet<string> = new Set(['Get', 'Post', 'Put', 'Delete', 'Patch', 'Options', 'Head', 'All']);

/** Receivers that are HTTP clients, not servers: `axios.get('/x', config)` is a request, not a route. */
const clientReceivers = new Set(['axios', 'http', 'https', 'got', 'request', 'superagent', 'fetch', 'ky', 'client', 'httpclient', 'this.http', 'this.httpservice', 'this.client', '$http', 'api', 'agent']);

export interface RouteRegistration {
  readonly route: RouteInfo;
  /** The handler argument (function, reference, or a call wrapping one); undefined for Fastify-style objects resolved elsewhere. */
  readonly handler: ts.Expression | undefined;
  /** A method-shorthand handler in an options object: `{ handler(request, reply) { … } }`. */
  readonly handlerMethod?: ts.MethodDeclaration;
  /** Koa named route. */
  readonly routeName?: string;
  /** True when a mount prefix from this file was applied (or the receiver is the application itself). */
  readonly prefixKnown: boolean;
}

export interface RouteContext {
  readonly constants: FileConstants;
  readonly framework: RouteFramework;
  /** The file imports a web framework, so a route whose handler lives elsewhere is still a route. */
  readonly importsWebFramework: boolean;
  /** The mount prefix for routes registered on `receiver` at `call` (Express `use`, Koa `prefix`, Fastify `register`). */
  prefixFor(receiver: ts.Expression, call: ts.Node): string | undefined;
  /** The same-file function an identifier refers to. */
  isFunctionReference(expr: ts.Expression): boolean;
}

export function joinRoutePaths(prefix: string, path: string): string {
  const p = prefix.replace(/\/+$/, '');
  if (path === '' || path === '/') return p === '' ? '/' : p.startsWith('/') ? p : `/${p}`;
  const joined = `${p}/${path.replace(/^\/+/, '')}`;
  return joined.startsWith('/') ? joined : `/${joined}`;
}

function isFunctionValue(expr: ts.Expression, ctx: RouteContext): boolean {
  const e = unwrapExpression(expr);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return true;
  if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) return ctx.isFunctionReference(e);
  if (ts.isCallExpression(e)) {
    // `asyncHandler(async (req, res) => …)`
    const last = e.arguments[e.arguments.length - 1];
    return last !== undefined && isFunctionValue(last, ctx);
  }
  return false;
}

function hasParameters(expr: ts.Expression): boolean {
  const e = unwrapExpression(expr);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e.parameters.length > 0;
  if (ts.isCallExpression(e)) {
    const last = e.arguments[e.arguments.length - 1];
    return last !== undefined && hasParameters(last);
  }
  return true;
}

/** The handler among a route call's trailing arguments: the last one that is a function or names one. */
function pickHandler(args: readonly ts.Expression[], ctx: RouteContext): ts.Expression | undefined {
  for (let i = args.length - 1; i >= 0; i--) {
    const a = args[i]!;
    if (isFunctionValue(a, ctx)) return a;
    const u = unwrapExpression(a);
    if (ts.isObjectLiteralExpression(u)) {
      // Fastify: app.get('/p', { handler }) / app.get('/p', { schema }, handler)
      const h = objectProperty(u, 'handler');
      if (h) return h;
    }
  }
  return undefined;
}

function objectProperty(obj: ts.ObjectLiteralExpression, key: string): ts.Expression | undefined {
  for (const prop of obj.properties) {
    const name = prop.name && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name)) ? prop.name.text : undefined;
    if (name !== key) continue;
    if (ts.isPropertyAssignment(prop)) return prop.initializer;
    if (ts.isShorthandPropertyAssignment(prop)) return prop.name;
    if (ts.isMethodDeclaration(prop)) return undefined; // handled by the caller as a method
  }
  return undefined;
}

/** A method-shorthand handler in a Fastify route object: `{ handler(req, reply) { … } }`. */
export function objectMethod(obj: ts.ObjectLiteralExpression, key: string): ts.MethodDeclaration | undefined {
  for (const prop of obj.properties) {
    if (ts.isMethodDeclaration(prop) && ts.isIdentifier(prop.name) && prop.name.text === key) return prop;
  }
  return undefined;
}

function receiverKey(receiver: ts.Expression, sf: ts.SourceFile): string {
  return receiver.getText(sf).replace(/\s+/g, '').toLowerCase();
}

/**
 * Express's `app.get(['/a', '/b'], h)`: one route whose recorded template is the paths joined with commas, as
 * @opentelemetry/instrumentation-express builds it (getLayerPath joins array layer paths with ',').
 */
function arrayRoutePath(expr: ts.Expression, ctx: RouteContext): string | undefined {
  if (ctx.framework !== 'express') return undefined;
  const e = unwrapExpression(expr);
  if (!ts.isArrayLiteralExpression(e) || e.elements.length === 0) return undefined;
  const parts: string[] = [];
  for (const el of e.elements) {
    const t = ctx.constants.staticString(el);
    if (!isRoutePath(t)) return undefined;
    parts.push(t);
  }
  return parts.join(',');
}

function isRoutePath(text: string | undefined): text is string {
  return text !== undefined && (text.startsWith('/') || text === '*');
}

/**
 * Route registrations made by this call: `app.get('/p', h)`, `router.post('name', '/p', h)`,
 * `app.route('/p').get(h).post(h2)`, `fastify.route({ method, url, handler })`. Empty when it is none.
 */
export function recognizeRouteCall(call: ts.CallExpression, ctx: RouteContext): RouteRegistration[] {
  const callee = unwrapExpression(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.name)) return [];
  const sf = call.getSourceFile();
  const method = callee.name.text;
  const receiver = callee.expression;

  if (method === 'route' && call.arguments.length === 1) {
    const obj = unwrapExpression(call.arguments[0]!);
    if (ts.isObjectLiteralExpression(obj)) return recognizeRouteObject(call, obj, receiver, ctx);
    return [];
  }
  if (!httpMethodNames.has(method)) return [];

  let path: string | undefined;
  let routeName: string | undefined;
  let rest: readonly ts.Expression[];
  let mountReceiver: ts.Expression = receiver;
  const chained = routeChainPath(receiver, ctx);
  if (chained) {
    path = chained.path;
    mountReceiver = chained.receiver;
    rest = call.arguments;
  } else {
    const [first, second] = call.arguments;
    const firstText = first ? (ctx.constants.staticString(first) ?? arrayRoutePath(first, ctx)) : undefined;
    const secondText = second ? ctx.constants.staticString(second) : undefined;
    if (isRoutePath(firstText)) {
      path = firstText;
      rest = call.arguments.slice(1);
    } else if (firstText !== undefined && isRoutePath(secondText)) {
      routeName = firstText;
      path = secondText;
      rest = call.arguments.slice(2);
    } else {
      return [];
    }
  }
  if (rest.length === 0) return [];
  const handler = pickHandler(rest, ctx);
  const handlerMethod = handler ? undefined : handlerMethodIn(rest);
  const key = receiverKey(mountReceiver, sf);
  if (handlerMethod) {
    // Fastify: app.get('/p', { handler(request, reply) { … } }): an options object names its handler.
    if (!ctx.importsWebFramework && (handlerMethod.parameters.length === 0 || clientReceivers.has(key))) return [];
  } else if (handler) {
    // Without framework evidence, `cache.get('/k', () => compute())` must not become a route: require a handler
    // that takes arguments, as every request handler does.
    if (!ctx.importsWebFramework && (!hasParameters(handler) || clientReceivers.has(key))) return [];
  } else if (!ctx.importsWebFramework || clientReceivers.has(key) || !rest.some((a) => ts.isIdentifier(unwrapExpression(a)) || ts.isPropertyAccessExpression(unwrapExpression(a)))) {
    return [];
  }
  const prefix = ctx.prefixFor(mountReceiver, call);
  // Array routes: the recorded template is the prefix followed by the joined paths (layer paths concatenated).
  const elements = path.includes(',') && path.split(',').every(isRoutePath) ? path.split(',') : undefined;
  return [
    {
      route: {
        framework: ctx.framework,
        method: method === 'del' ? 'DELETE' : method.toUpperCase(),
        path: joinRoutePaths(prefix ?? '', path),
        ...(elements ? { arrayPaths: elements.map((e) => joinRoutePaths(prefix ?? '', e)) } : {}),
      },
      handler,
      ...(handlerMethod ? { handlerMethod } : {}),
      ...(routeName !== undefined ? { routeName } : {}),
      prefixKnown: prefix !== undefined,
    },
  ];
}

function handlerMethodIn(args: readonly ts.Expression[]): ts.MethodDeclaration | undefined {
  for (let i = args.length - 1; i >= 0; i--) {
    const u = unwrapExpression(args[i]!);
    if (ts.isObjectLiteralExpression(u)) {
      const m = objectMethod(u, 'handler');
      if (m) return m;
    }
  }
  return undefined;
}

/** For `app.route('/p').get(h)` (and `.get(h).post(h2)` chains): the path and the receiver of `.route`. */
function routeChainPath(receiver: ts.Expression, ctx: RouteContext): { path: string; receiver: ts.Expression } | undefined {
  let r: ts.Expression = unwrapExpression(receiver);
  for (let i = 0; i < 12 && ts.isCallExpression(r); i++) {
    const c = unwrapExpression(r.expression);
    if (!ts.isPropertyAccessExpression(c) || !ts.isIdentifier(c.name)) return undefined;
    if (c.name.text === 'route') {
      const arg = r.arguments[0];
      const path = arg && r.arguments.length === 1 ? ctx.constants.staticString(arg) : undefined;
      return isRoutePath(path) ? { path, receiver: c.expression } : undefined;
    }
    if (!httpMethodNames.has(c.name.text)) return undefined;
    r = unwrapExpression(c.expression);
  }
  return undefined;
}

function recognizeRouteObject(call: ts.CallExpression, obj: ts.ObjectLiteralExpression, receiver: ts.Expression, ctx: RouteContext): RouteRegistration[] {
  const urlExpr = objectProperty(obj, 'url') ?? objectProperty(obj, 'path');
  const methodExpr = objectProperty(obj, 'method');
  const url = urlExpr ? ctx.constants.staticString(urlExpr) : undefined;
  if (!isRoutePath(url) || !methodExpr) return [];
  const methods: string[] = [];
  const m = unwrapExpression(methodExpr);
  if (ts.isArrayLiteralExpression(m)) {
    for (const el of m.elements) {
      const t = ctx.constants.staticString(el);
      if (t) methods.push(t);
    }
  } else {
    const t = ctx.constants.staticString(m);
    if (t) methods.push(t);
  }
  const handler = objectProperty(obj, 'handler');
  const handlerMethod = handler ? undefined : objectMethod(obj, 'handler');
  if (methods.length === 0 || (!handler && !handlerMethod)) return [];
  const prefix = ctx.prefixFor(receiver, call);
  const framework: RouteFramework = ctx.framework === 'express' ? 'fastify' : ctx.framework;
  return methods.map((method) => ({
    route: { framework, method: method === '*' ? 'ALL' : method.toUpperCase(), path: joinRoutePaths(prefix ?? '', url) },
    handler,
    ...(handlerMethod ? { handlerMethod } : {}),
    prefixKnown: prefix !== undefined,
  }));
}

/** Path pieces of a route template: `:id`, `:id(\\d+)`, `:id?`, `{id}`, `*`. */
const paramToken = /:[A-Za-z_$][\w$]*(?:\([^)]*\))?\??|\{[^}/]+\}|\*/g;

/** A regex over raw request paths for a route template, or undefined when the template has no parameters. */
function rawPathRegex(path: string): { regex: string; display: string } | undefined {
  paramToken.lastIndex = 0;
  if (!paramToken.test(path)) return undefined;
  paramToken.lastIndex = 0;
  let regex = '';
  let display = '';
  let last = 0;
  for (const m of path.matchAll(paramToken)) {
    const lit = path.slice(last, m.index);
    regex += escapeRegex(lit);
    display += lit;
    regex += m[0] === '*' ? '.*' : '[^/]+';
    display += m[0] === '*' ? '*' : `{${m[0].replace(/^:/, '').replace(/[(?].*$/, '').replace(/[{}]/g, '')}}`;
    last = m.index + m[0].length;
  }
  regex += escapeRegex(path.slice(last));
  display += path.slice(last);
  return { regex, display };
}

export interface RouteSpanNameHints {
  readonly routeName?: string;
  /** The handler function's own name (Fastify names its span after it). */
  readonly handlerName?: string;
  readonly nestController?: string;
  readonly nestMethod?: string;
  readonly prefixKnown: boolean;
}

/** The primary span name for a route (the HTTP server span) and the alternatives, most likely first. */
export function routeSpanNames(route: RouteInfo, hints: RouteSpanNameHints): { primary: SpanNameMatcher; alternatives: SpanNameMatcher[] } {
  const methodRegex = route.method === 'ALL' ? '[A-Za-z]+' : `(?:${route.method}|${route.method.toLowerCase()})`;
  const primary: SpanNameMatcher =
    route.method === 'ALL'
      ? { kind: 'pattern', regex: `^[A-Z]+ ${escapeRegex(route.path)}$`, display: `* ${route.path}` }
      : { kind: 'exact', name: `${route.method} ${route.path}` };
  const alternatives: SpanNameMatcher[] = [];
  const arrayParts = route.arrayPaths;
  // An array route: without the express instrumentation the server span carries one of the paths it matched.
  for (const part of arrayParts ?? []) {
    const partRaw = rawPathRegex(part);
    alternatives.push(partRaw ? { kind: 'pattern', regex: `^${methodRegex} ${partRaw.regex}$`, display: `${route.method} ${partRaw.display}` } : { kind: 'exact', name: `${route.method} ${part}` });
  }
  const raw = arrayParts ? undefined : rawPathRegex(route.path);
  if (arrayParts) {
    // Covered above, element by element.
  } else if (raw) {
    alternatives.push({ kind: 'pattern', regex: `^${methodRegex} ${raw.regex}$`, display: `${route.method} ${raw.display}` });
  } else if (route.method !== 'ALL') {
    alternatives.push({ kind: 'exact', name: `${route.method.toLowerCase()} ${route.path}` });
  }
  switch (route.framework) {
    case 'express':
      alternatives.push({ kind: 'exact', name: `request handler - ${route.path}` });
      break;
    case 'koa':
      alternatives.push({ kind: 'exact', name: hints.routeName ?? `router - ${route.path}` });
      break;
    case 'fastify':
      if (hints.handlerName) alternatives.push({ kind: 'exact', name: `request handler - ${hints.handlerName}` });
      break;
    case 'nest':
      if (hints.nestController && hints.nestMethod) alternatives.push({ kind: 'exact', name: `${hints.nestController}.${hints.nestMethod}` });
      if (hints.nestMethod) alternatives.push({ kind: 'exact', name: hints.nestMethod });
      break;
  }
  if (!hints.prefixKnown && route.path !== '/' && route.path !== '*') {
    // Mounted from another file (`app.use('/api', router)`): the recorded route has a prefix we cannot see.
    const suffix = raw ? raw.regex : escapeRegex(route.path);
    alternatives.push({ kind: 'pattern', regex: `^${methodRegex} /.+${suffix}$`, display: `${route.method} …${route.path}` });
  }
  return { primary, alternatives };
}

function decoratorCall(d: ts.Decorator): { name: string; args: readonly ts.Expression[] } | undefined {
  const e = d.expression;
  const nameOf = (x: ts.Expression): string | undefined =>
    ts.isIdentifier(x) ? x.text : ts.isPropertyAccessExpression(x) && ts.isIdentifier(x.name) ? x.name.text : undefined;
  if (ts.isCallExpression(e)) {
    const name = nameOf(e.expression);
    return name ? { name, args: e.arguments } : undefined;
  }
  const name = nameOf(e);
  return name ? { name, args: [] } : undefined;
}

export function decoratorsOf(node: ts.Node): Array<{ name: string; args: readonly ts.Expression[]; node: ts.Decorator }> {
  if (!ts.canHaveDecorators(node)) return [];
  const out: Array<{ name: string; args: readonly ts.Expression[]; node: ts.Decorator }> = [];
  for (const d of ts.getDecorators(node) ?? []) {
    const c = decoratorCall(d);
    if (c) out.push({ ...c, node: d });
  }
  return out;
}

/**
 * A path argument of a Nest decorator: `'users'`, `['users', 'people']` (first), `{ path: 'users' }` (controllers
 * only); '' when absent.
 */
function nestPath(args: readonly ts.Expression[], constants: FileConstants, allowOptions: boolean): string | undefined {
  const a = args[0];
  if (!a) return '';
  const u = unwrapExpression(a);
  if (ts.isArrayLiteralExpression(u)) {
    const first = u.elements[0];
    return first ? constants.staticString(first) : '';
  }
  if (ts.isObjectLiteralExpression(u)) {
    if (!allowOptions) return undefined;
    const p = objectProperty(u, 'path');
    return p ? constants.staticString(p) : '';
  }
  return constants.staticString(u);
}

export interface NestRoute {
  readonly method: ts.MethodDeclaration;
  readonly route: RouteInfo;
}

/** Routes of a NestJS `@Controller('prefix')` class: one per `@Get(':id')`-style decorated method. */
export function recognizeNestController(cls: ts.ClassLikeDeclaration, constants: FileConstants): NestRoute[] {
  const controller = decoratorsOf(cls).find((d) => d.name === 'Controller');
  if (!controller) return [];
  const prefix = nestPath(controller.args, constants, true);
  if (prefix === undefined) return [];
  const out: NestRoute[] = [];
  for (const member of cls.members) {
    if (!ts.isMethodDeclaration(member)) continue;
    for (const d of decoratorsOf(member)) {
      if (!nestMethodDecorators.has(d.name)) continue;
      const path = nestPath(d.args, constants, false);
      if (path === undefined) continue;
      out.push({ method: member, route: { framework: 'nest', method: d.name.toUpperCase(), path: joinRoutePaths(prefix, path) } });
    }
  }
  return out;
}
