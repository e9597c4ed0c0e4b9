// Finds the functions of one file that produce spans, and which span names they produce.
//
// Speed: this runs on every CodeLens refresh, so it parses with the compiler's own `createSourceFile` (no ts-morph
// Project, no wrapper nodes) and makes one recursive walk that only collects candidate nodes; the (rare) candidates
// are examined afterwards. The parse dominates; see scripts/bench/lenses.ts.
//
// Rules (details in the functions below):
// - `x.startActiveSpan(name, …)` / `x.startSpan(name, …)` on any receiver: the enclosing named function gets the lens.
// - Span names: literals; consts, `as const` objects and enums of the same file; templates and `+` concatenations
//   become patterns for the unknown parts. A name the file cannot tell us (a parameter, an import) gives no lens:
//   a wildcard would attach every span of the service to the function.
// - Method decorators (`@Span('name')`, `@Span()` → `ClassName.method`, as nestjs-otel names it), class decorators
//   (`@Traceable()` → every method), wrappers (`withSpan('name', fn)`).
// - Route handlers (see routes.ts for the span names OpenTelemetry gives them).
import { ts } from 'ts-morph';
import type { Range } from '../../model/textRange';
import { FileConstants, innermostInScope, propertyNameText, unwrapExpression } from './fileConstants';
import {
  anonymousTarget,
  classNameOf,
  declaredTarget,
  holderTarget,
  isFunctionLikeNode,
  type FunctionLikeNode,
  type FunctionTarget,
} from './functionTargets';
import {
  decoratorsOf,
  httpMethodNames,
  joinRoutePaths,
  recognizeNestController,
  recognizeRouteCall,
  routeSpanNames,
  type RouteContext,
} from './routes';
import { spanNameMatcherKey } from './spanNameMatcher';
import {
  defaultClassDecorators,
  defaultSpanDecorators,
  defaultWrappers,
  type FinderOptions,
  type FunctionLocation,
  type InstrumentationVia,
  type InstrumentedFunction,
  type RouteFramework,
  type RouteInfo,
  type SpanKindName,
  type SpanNameMatcher,
} from './types';

// The `ts` export of ts-morph's bundled compiler defines every member as a getter, so `ts.SyntaxKind.X` in a
// per-node switch costs a function call per case. The walk reads these copies instead (measured: ~30% of the walk).
const forEachChild = ts.forEachChild;
const Kind = {
  CallExpression: ts.SyntaxKind.CallExpression,
  VariableDeclaration: ts.SyntaxKind.VariableDeclaration,
  FunctionDeclaration: ts.SyntaxKind.FunctionDeclaration,
  EnumDeclaration: ts.SyntaxKind.EnumDeclaration,
  ClassDeclaration: ts.SyntaxKind.ClassDeclaration,
  ClassExpression: ts.SyntaxKind.ClassExpression,
  PropertyDeclaration: ts.SyntaxKind.PropertyDeclaration,
  BinaryExpression: ts.SyntaxKind.BinaryExpression,
  ImportDeclaration: ts.SyntaxKind.ImportDeclaration,
  EqualsToken: ts.SyntaxKind.EqualsToken,
  Identifier: ts.SyntaxKind.Identifier,
  PropertyAccessExpression: ts.SyntaxKind.PropertyAccessExpression,
} as const;

const spanKindByName: Readonly<Record<string, SpanKindName>> = {
  INTERNAL: 'internal',
  SERVER: 'server',
  CLIENT: 'client',
  PRODUCER: 'producer',
  CONSUMER: 'consumer',
};
const spanKindByNumber: readonly SpanKindName[] = ['internal', 'server', 'client', 'producer', 'consumer'];
/**
 * Calls that start a span named by their first argument: OpenTelemetry's `tracer.startActiveSpan/startSpan`, and
 * Sentry's `startSpan/startSpanManual/startInactiveSpan({ name })` (Sentry 8+ records OpenTelemetry spans).
 */
const spanStarters = new Set(['startActiveSpan', 'startSpan', 'startSpanManual', 'startInactiveSpan']);
const webFrameworkModules = new Set(['express', 'fastify', 'koa', '@koa/router', 'koa-router', 'restify', 'polka', 'router']);

/** Parses `text` and returns its instrumented functions, in source order. */
export function findInstrumentedFunctions(text: string, fileName: string, options: FinderOptions = {}): InstrumentedFunction[] {
  return findInstrumentedFunctionsIn(parseSource(text, fileName), options);
}

/** Every named function of the file (declarations, methods, function-valued variables and properties). */
export function listFunctions(text: string, fileName: string): FunctionLocation[] {
  const sf = parseSource(text, fileName);
  const out: FunctionLocation[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionLikeNode(node)) {
      const t = declaredTarget(node);
      if (t) out.push(toLocation(sf, t));
    }
    forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

export function parseSource(text: string, fileName: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
}

function toRange(sf: ts.SourceFile, start: number, end: number): Range {
  const s = sf.getLineAndCharacterOfPosition(start);
  const e = sf.getLineAndCharacterOfPosition(end);
  return { start: { line: s.line, character: s.character }, end: { line: e.line, character: e.character } };
}

function toLocation(sf: ts.SourceFile, t: FunctionTarget): FunctionLocation {
  const start = t.node.getStart(sf);
  const range = toRange(sf, start, t.node.end);
  let nameRange: Range;
  if (t.nameNode) {
    nameRange = toRange(sf, t.nameNode.getStart(sf), t.nameNode.end);
  } else {
    const lineEnd = sf.text.indexOf('\n', start);
    nameRange = toRange(sf, start, lineEnd < 0 || lineEnd > t.node.end ? t.node.end : lineEnd);
  }
  return { functionName: t.name, range, nameRange };
}

function calleeName(callee: ts.Expression): string | undefined {
  if (callee.kind === Kind.Identifier) return (callee as ts.Identifier).text;
  if (callee.kind === Kind.PropertyAccessExpression) {
    const name = (callee as ts.PropertyAccessExpression).name;
    return name.kind === Kind.Identifier ? name.text : undefined;
  }
  return undefined;
}

/** Everything the walk collects; examined after the walk so lookups see the whole file. */
interface Collected {
  readonly constants: FileConstants;
  readonly spanCalls: ts.CallExpression[];
  readonly wrapperCalls: ts.CallExpression[];
  readonly routeCalls: ts.CallExpression[];
  readonly mountCalls: ts.CallExpression[];
  readonly classes: ts.ClassLikeDeclaration[];
  /** `tracer`, `this.tracer` → the `getTracer(...)` call assigned to it. */
  readonly tracerBindings: Map<string, ts.CallExpression>;
  readonly functionsByName: Map<string, Array<{ fn: FunctionLikeNode; scope: ts.Node }>>;
  readonly imports: Set<string>;
}

function collect(sf: ts.SourceFile, wrappers: ReadonlySet<string>): Collected {
  const c: Collected = {
    constants: new FileConstants(sf),
    spanCalls: [],
    wrapperCalls: [],
    routeCalls: [],
    mountCalls: [],
    classes: [],
    tracerBindings: new Map(),
    functionsByName: new Map(),
    imports: new Set(),
  };
  const addFunction = (name: string, fn: FunctionLikeNode, scope: ts.Node): void => {
    const list = c.functionsByName.get(name);
    if (list) list.push({ fn, scope });
    else c.functionsByName.set(name, [{ fn, scope }]);
  };
  const visit = (node: ts.Node): void => {
    switch (node.kind) {
      case Kind.CallExpression: {
        const call = node as ts.CallExpression;
        const callee = unwrapExpression(call.expression);
        const name = calleeName(callee);
        if (name === undefined) break;
        const onMember = callee.kind === Kind.PropertyAccessExpression;
        if (spanStarters.has(name) && call.arguments.length > 0 && (onMember || isNamedOptions(call.arguments[0]!))) c.spanCalls.push(call);
        else if (wrappers.has(name) && call.arguments.length >= 2) c.wrapperCalls.push(call);
        else if (onMember && (httpMethodNames.has(name) || name === 'route') && call.arguments.length > 0) c.routeCalls.push(call);
        else if (onMember && (name === 'use' || name === 'register' || name === 'prefix')) c.mountCalls.push(call);
        else if (name === 'require' && !onMember) {
          const arg = call.arguments[0];
          if (arg && ts.isStringLiteral(arg)) c.imports.add(arg.text);
        }
        break;
      }
      case Kind.VariableDeclaration: {
        const decl = node as ts.VariableDeclaration;
        c.constants.addVariable(decl);
        if (decl.initializer && ts.isIdentifier(decl.name)) {
          const init = unwrapExpression(decl.initializer);
          if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) addFunction(decl.name.text, init, decl.parent.parent.parent);
          else if (isGetTracerCall(init)) c.tracerBindings.set(decl.name.text, init);
        }
        break;
      }
      case Kind.FunctionDeclaration: {
        const fn = node as ts.FunctionDeclaration;
        if (fn.name) addFunction(fn.name.text, fn, fn.parent);
        break;
      }
      case Kind.EnumDeclaration:
        c.constants.addEnum(node as ts.EnumDeclaration);
        break;
      case Kind.ClassDeclaration:
      case Kind.ClassExpression:
        c.classes.push(node as ts.ClassLikeDeclaration);
        break;
      case Kind.PropertyDeclaration: {
        const prop = node as ts.PropertyDeclaration;
        const name = propertyNameText(prop.name);
        if (name && prop.initializer) {
          const init = unwrapExpression(prop.initializer);
          if (isGetTracerCall(init)) c.tracerBindings.set(`this.${name}`, init);
        }
        break;
      }
      case Kind.BinaryExpression: {
        const bin = node as ts.BinaryExpression;
        if (bin.operatorToken.kind === Kind.EqualsToken) {
          const right = unwrapExpression(bin.right);
          if (isGetTracerCall(right)) c.tracerBindings.set(bin.left.getText(sf).replace(/\s+/g, ''), right);
        }
        break;
      }
      case Kind.ImportDeclaration: {
        const spec = (node as ts.ImportDeclaration).moduleSpecifier;
        if (ts.isStringLiteral(spec)) c.imports.add(spec.text);
        break;
      }
      default:
        break;
    }
    forEachChild(node, visit);
  };
  visit(sf);
  return c;
}

function isGetTracerCall(e: ts.Expression): e is ts.CallExpression {
  if (!ts.isCallExpression(e)) return false;
  const callee = unwrapExpression(e.expression);
  return calleeName(callee) === 'getTracer';
}

/** Finder over an already parsed file (the host may share the parse with other features). */
export function findInstrumentedFunctionsIn(sf: ts.SourceFile, options: FinderOptions = {}): InstrumentedFunction[] {
  const decorators = new Set(options.decorators ?? defaultSpanDecorators);
  const classDecorators = new Set(options.classDecorators ?? defaultClassDecorators);
  const wrappers = new Set(options.wrappers ?? defaultWrappers);
  const c = collect(sf, wrappers);
  const { constants } = c;
  const out: InstrumentedFunction[] = [];
  const seen = new Set<string>();
  const emit = (
    target: FunctionTarget,
    spanName: SpanNameMatcher,
    via: InstrumentationVia,
    extra: { alternatives?: SpanNameMatcher[]; tracerName?: string | undefined; spanKind?: SpanKindName | undefined; route?: RouteInfo } = {},
  ): void => {
    const key = `${target.node.pos}:${target.name}:${spanNameMatcherKey(spanName)}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({
      ...toLocation(sf, target),
      spanName,
      alternativeSpanNames: extra.alternatives ?? [],
      via,
      ...(extra.tracerName !== undefined ? { tracerName: extra.tracerName } : {}),
      ...(extra.spanKind !== undefined ? { spanKind: extra.spanKind } : {}),
      ...(extra.route !== undefined ? { route: extra.route } : {}),
    });
  };

  const resolveFunctionRef = (expr: ts.Expression): FunctionLikeNode | undefined => {
    const e = unwrapExpression(expr);
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e;
    if (ts.isIdentifier(e)) {
      const list = c.functionsByName.get(e.text);
      return list ? innermostInScope(list, e, (x) => x.scope)?.fn : undefined;
    }
    if (ts.isPropertyAccessExpression(e)) {
      const member = constants.objectMember(e);
      if (!member) return undefined;
      if (ts.isMethodDeclaration(member)) return member;
      return resolveFunctionRef(member);
    }
    return undefined;
  };

  // Functions whose lens target is decided by the construct around them (route handler, wrapped function).
  const assignedTargets = new Map<ts.Node, FunctionTarget>();

  if (options.routes !== false) findRoutes(sf, c, resolveFunctionRef, assignedTargets, emit);
  for (const cls of c.classes) findDecorated(cls, constants, decorators, classDecorators, emit);
  const spanBodies = new Set<ts.Node>();
  for (const call of c.spanCalls) for (const a of call.arguments) spanBodies.add(unwrapExpression(a));

  const enclosingTarget = (call: ts.CallExpression): FunctionTarget => {
    let anonymous: FunctionLikeNode | undefined;
    for (let n: ts.Node | undefined = call.parent; n && !ts.isSourceFile(n); n = n.parent) {
      if (!isFunctionLikeNode(n)) continue;
      const assigned = assignedTargets.get(n);
      if (assigned) return assigned;
      const declared = declaredTarget(n);
      if (declared) return declared;
      if (!spanBodies.has(n)) anonymous ??= n;
    }
    if (anonymous) return anonymousTarget(anonymous);
    // A span started at the top level of a module: anchor on that statement.
    let statement: ts.Node = call;
    while (statement.parent && !ts.isSourceFile(statement.parent)) statement = statement.parent;
    return { node: statement, name: 'top level', nameNode: undefined };
  };

  for (const call of c.wrapperCalls) {
    const first = call.arguments[0]!;
    const fnArg = call.arguments[call.arguments.length - 1]!;
    const nameExpr = spanNameArgument(first);
    const spanName = nameExpr ? constants.spanName(nameExpr) : undefined;
    if (!spanName) continue;
    const fn = resolveFunctionRef(fnArg);
    const inline = fn !== undefined && fn === unwrapExpression(fnArg);
    // `traced('name', handleMessage)`: the span covers handleMessage's body, so the lens goes there.
    let target = fn && !inline ? declaredTarget(fn) : undefined;
    target ??= holderTarget(call);
    if (!target) {
      const enclosing = enclosingFunction(call);
      target = enclosing ? (assignedTargets.get(enclosing) ?? declaredTarget(enclosing)) : undefined;
    }
    if (!target && fn) target = anonymousTarget(fn);
    if (!target) continue;
    if (inline && fn) assignedTargets.set(fn, target);
    emit(target, spanName, 'wrapper', { spanKind: spanKindOption(first) });
  }

  for (const call of c.spanCalls) {
    const first = call.arguments[0]!;
    const nameExpr = spanNameArgument(first);
    // A name chosen by a conditional of literals is a set of names, each with its own lens.
    const spanNames = nameExpr ? constants.spanNames(nameExpr) : [];
    if (spanNames.length === 0) continue;
    const callee = unwrapExpression(call.expression);
    const via = calleeName(callee) === 'startActiveSpan' ? 'startActiveSpan' : 'startSpan';
    // OTel: (name, options?, …); Sentry: ({ name, op, … }, callback).
    const options = ts.isObjectLiteralExpression(unwrapExpression(first)) ? first : call.arguments[1];
    const target = enclosingTarget(call);
    const tracerName = ts.isPropertyAccessExpression(callee) ? tracerNameOf(callee.expression, c, sf) : undefined;
    const spanKind = options ? spanKindOption(options) : undefined;
    for (const spanName of spanNames) emit(target, spanName, via, { tracerName, spanKind });
  }

  return out.sort((a, b) => a.nameRange.start.line - b.nameRange.start.line || a.nameRange.start.character - b.nameRange.start.character);
}

function enclosingFunction(node: ts.Node): FunctionLikeNode | undefined {
  for (let n = node.parent; n && !ts.isSourceFile(n); n = n.parent) if (isFunctionLikeNode(n)) return n;
  return undefined;
}

/** A bare `startSpan({ name: … }, cb)` call (Sentry's imported function) names its span in an options object. */
function isNamedOptions(arg: ts.Expression): boolean {
  const u = unwrapExpression(arg);
  return ts.isObjectLiteralExpression(u) && u.properties.some((p) => ts.isPropertyAssignment(p) && propertyNameText(p.name) === 'name');
}

/** `'name'` or `{ name: 'name', … }` (the options form some wrappers take). */
function spanNameArgument(arg: ts.Expression): ts.Expression | undefined {
  const u = unwrapExpression(arg);
  if (ts.isObjectLiteralExpression(u)) {
    for (const p of u.properties) if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === 'name') return p.initializer;
    return undefined;
  }
  if (ts.isArrowFunction(u) || ts.isFunctionExpression(u)) return undefined;
  return u;
}

/** `{ kind: SpanKind.CLIENT }` (or `kind: 2`) in a span options object. */
function spanKindOption(arg: ts.Expression): SpanKindName | undefined {
  const u = unwrapExpression(arg);
  if (!ts.isObjectLiteralExpression(u)) return undefined;
  for (const p of u.properties) {
    if (!ts.isPropertyAssignment(p) || propertyNameText(p.name) !== 'kind') continue;
    const v = unwrapExpression(p.initializer);
    if (ts.isPropertyAccessExpression(v) && ts.isIdentifier(v.name)) return spanKindByName[v.name.text.toUpperCase()];
    if (ts.isNumericLiteral(v)) return spanKindByNumber[Number(v.text)];
  }
  return undefined;
}

function tracerNameOf(receiver: ts.Expression, c: Collected, sf: ts.SourceFile): string | undefined {
  const r = unwrapExpression(receiver);
  const call = isGetTracerCall(r) ? r : c.tracerBindings.get(r.getText(sf).replace(/\s+/g, ''));
  const arg = call?.arguments[0];
  return arg ? c.constants.staticString(arg) : undefined;
}

type Emit = (
  target: FunctionTarget,
  spanName: SpanNameMatcher,
  via: InstrumentationVia,
  extra?: { alternatives?: SpanNameMatcher[]; tracerName?: string | undefined; spanKind?: SpanKindName | undefined; route?: RouteInfo },
) => void;

function findDecorated(cls: ts.ClassLikeDeclaration, constants: FileConstants, decorators: ReadonlySet<string>, classDecorators: ReadonlySet<string>, emit: Emit): void {
  const className = classNameOf(cls);
  const tracesAll = decoratorsOf(cls).some((d) => classDecorators.has(d.name));
  for (const member of cls.members) {
    if (!ts.isMethodDeclaration(member) || !member.body) continue;
    const target = declaredTarget(member);
    if (!target) continue;
    const methodName = propertyNameText(member.name) ?? member.name.getText(cls.getSourceFile());
    const defaultName: SpanNameMatcher = { kind: 'exact', name: `${className}.${methodName}` };
    let decorated = false;
    for (const d of decoratorsOf(member)) {
      if (!decorators.has(d.name)) continue;
      decorated = true;
      const arg = d.args[0];
      let spanName: SpanNameMatcher | undefined = defaultName;
      let spanKind: SpanKindName | undefined;
      if (arg) {
        const u = unwrapExpression(arg);
        if (ts.isObjectLiteralExpression(u)) {
          spanKind = spanKindOption(u);
          const nameExpr = spanNameArgument(u);
          spanName = nameExpr ? constants.spanName(nameExpr) : defaultName;
        } else {
          spanName = constants.spanName(u);
          const second = d.args[1];
          if (second) spanKind = spanKindOption(second);
        }
      }
      if (spanName) emit(target, spanName, 'decorator', { spanKind });
    }
    // A class-level decorator traces the remaining methods under their default names.
    if (tracesAll && !decorated) emit(target, defaultName, 'decorator');
  }
}

function frameworkOf(imports: ReadonlySet<string>): RouteFramework {
  if (imports.has('fastify')) return 'fastify';
  if (imports.has('koa') || imports.has('@koa/router') || imports.has('koa-router')) return 'koa';
  return 'express';
}

/** An application object (`express()`, `fastify()`, `new Koa()`): its routes have no mount prefix. */
function isApplicationInit(init: ts.Expression | undefined): boolean {
  if (!init) return false;
  const e = unwrapExpression(init);
  if (!ts.isCallExpression(e) && !ts.isNewExpression(e)) return false;
  const name = calleeName(unwrapExpression(e.expression))?.toLowerCase();
  return name === 'express' || name === 'fastify' || name === 'koa' || name === 'polka';
}

/** A Koa router's own prefix: `new Router({ prefix: '/users' })`. */
function ownPrefixOf(init: ts.Expression | undefined, constants: FileConstants): string | undefined {
  if (!init) return undefined;
  const e = unwrapExpression(init);
  if (!ts.isCallExpression(e) && !ts.isNewExpression(e)) return undefined;
  const arg = e.arguments?.[0];
  const obj = arg ? unwrapExpression(arg) : undefined;
  if (!obj || !ts.isObjectLiteralExpression(obj)) return undefined;
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === 'prefix') return constants.staticString(p.initializer);
  }
  return undefined;
}

function findRoutes(
  sf: ts.SourceFile,
  c: Collected,
  resolveFunctionRef: (e: ts.Expression) => FunctionLikeNode | undefined,
  assignedTargets: Map<ts.Node, FunctionTarget>,
  emit: Emit,
): void {
  const { constants } = c;
  const framework = frameworkOf(c.imports);
  const importsWebFramework = [...c.imports].some((m) => webFrameworkModules.has(m));

  // Mounts: parent.use('/p', child) / parent.use('/p', child.routes()); child.prefix('/p');
  // app.register(plugin, { prefix: '/p' }).
  const mounts = new Map<string, { parent: string | undefined; path: string }>();
  const ownPrefixes = new Map<string, string>();
  const pluginPrefixes = new Map<ts.Node, string>();
  for (const call of c.mountCalls) {
    const callee = unwrapExpression(call.expression) as ts.PropertyAccessExpression;
    const receiver = unwrapExpression(callee.expression);
    const parent = ts.isIdentifier(receiver) ? receiver.text : undefined;
    const method = (callee.name as ts.Identifier).text;
    const [first, ...rest] = call.arguments;
    if (!first) continue;
    if (method === 'prefix' && parent) {
      const p = constants.staticString(first);
      if (p !== undefined) ownPrefixes.set(parent, p);
    } else if (method === 'use') {
      const path = constants.staticString(first);
      if (path === undefined || !path.startsWith('/')) continue;
      for (const a of rest) {
        let child = unwrapExpression(a);
        // koa: parent.use('/p', child.routes())
        if (ts.isCallExpression(child) && ts.isPropertyAccessExpression(child.expression)) child = unwrapExpression(child.expression.expression);
        if (ts.isIdentifier(child)) mounts.set(child.text, { parent, path });
        // A router factory: parent.use('/p', auth, makeRouter(deps)) mounts the router the factory returns.
        else if (ts.isCallExpression(child)) {
          const factory = resolveFunctionRef(child.expression);
          for (const name of factory ? returnedIdentifiers(factory) : []) mounts.set(name, { parent, path });
        }
      }
    } else if (method === 'register') {
      const opts = rest[0] ? unwrapExpression(rest[0]) : undefined;
      if (!opts || !ts.isObjectLiteralExpression(opts)) continue;
      const prefixProp = opts.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyNameText(p.name) === 'prefix');
      const prefix = prefixProp ? constants.staticString(prefixProp.initializer) : undefined;
      const plugin = resolveFunctionRef(first);
      if (prefix !== undefined && plugin) pluginPrefixes.set(plugin, prefix);
    }
  }
  const mountPrefix = (name: string, at: ts.Node, depth: number): string | undefined => {
    if (depth > 6) return undefined;
    const init = constants.constInitializer(name, at);
    const own = ownPrefixes.get(name) ?? ownPrefixOf(init, constants);
    const mount = mounts.get(name);
    if (mount) {
      const parentPrefix = mount.parent !== undefined ? (mountPrefix(mount.parent, at, depth + 1) ?? '') : '';
      return joinRoutePaths(joinRoutePaths(parentPrefix, mount.path), own ?? '');
    }
    if (own !== undefined) return own;
    return isApplicationInit(init) ? '' : undefined;
  };

  const ctx: RouteContext = {
    constants,
    framework,
    importsWebFramework,
    isFunctionReference: (e) => resolveFunctionRef(e) !== undefined,
    prefixFor(receiver, call) {
      let plugin: string | undefined;
      for (let n: ts.Node | undefined = call.parent; n && !ts.isSourceFile(n); n = n.parent) {
        const p = pluginPrefixes.get(n);
        if (p !== undefined) plugin = joinRoutePaths(p, plugin ?? '');
      }
      const r = unwrapExpression(receiver);
      const mounted = ts.isIdentifier(r) ? mountPrefix(r.text, r, 0) : undefined;
      if (plugin === undefined) return mounted;
      return mounted === undefined ? plugin : joinRoutePaths(plugin, mounted);
    },
  };

  for (const call of c.routeCalls) {
    for (const reg of recognizeRouteCall(call, ctx)) {
      const handlerFn = reg.handlerMethod ?? (reg.handler ? resolveHandler(reg.handler, resolveFunctionRef) : undefined);
      const label = `handler for ${reg.route.method === 'ALL' ? '*' : reg.route.method} ${reg.route.path}`;
      let target: FunctionTarget | undefined;
      let handlerName: string | undefined;
      if (handlerFn) {
        const inline = isInside(handlerFn, call);
        const declared = declaredTarget(handlerFn);
        if (inline && (ts.isArrowFunction(handlerFn) || ts.isFunctionExpression(handlerFn))) {
          handlerName = ts.isFunctionExpression(handlerFn) ? handlerFn.name?.text : undefined;
          target = handlerName ? { node: handlerFn, name: handlerName, nameNode: handlerFn.name } : { node: handlerFn, name: label, nameNode: undefined };
          if (!assignedTargets.has(handlerFn)) assignedTargets.set(handlerFn, target);
        } else if (inline && ts.isMethodDeclaration(handlerFn)) {
          target = { node: handlerFn, name: label, nameNode: handlerFn.name };
        } else {
          target = declared ?? { node: handlerFn, name: label, nameNode: undefined };
          handlerName = declared?.name;
        }
      } else {
        const statement = ts.isExpressionStatement(call.parent) ? call.parent : call;
        target = { node: statement, name: label, nameNode: undefined };
        const h = reg.handler ? unwrapExpression(reg.handler) : undefined;
        if (h && ts.isIdentifier(h)) handlerName = h.text;
      }
      const names = routeSpanNames(reg.route, {
        prefixKnown: reg.prefixKnown,
        ...(reg.routeName !== undefined ? { routeName: reg.routeName } : {}),
        ...(handlerName !== undefined ? { handlerName } : {}),
      });
      emit(target, names.primary, 'route', { alternatives: names.alternatives, spanKind: 'server', route: reg.route });
    }
  }

  for (const cls of c.classes) {
    const className = classNameOf(cls);
    for (const nest of recognizeNestController(cls, constants)) {
      const target = declaredTarget(nest.method);
      if (!target) continue;
      const methodName = propertyNameText(nest.method.name) ?? nest.method.name.getText(sf);
      // Nest's global prefix (app.setGlobalPrefix) lives elsewhere: treat the prefix as unknown.
      const names = routeSpanNames(nest.route, { prefixKnown: false, nestController: className, nestMethod: methodName });
      emit(target, names.primary, 'route', { alternatives: names.alternatives, spanKind: 'server', route: nest.route });
    }
  }
}

/** Names a function returns (`return router;`, or an arrow's expression body), its nested functions left out. */
function returnedIdentifiers(fn: FunctionLikeNode): string[] {
  const out: string[] = [];
  const body = fn.body;
  if (!body) return out;
  if (!ts.isBlock(body)) {
    const e = unwrapExpression(body);
    if (ts.isIdentifier(e)) out.push(e.text);
    return out;
  }
  const visit = (node: ts.Node): void => {
    if (isFunctionLikeNode(node) || ts.isClassLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression) {
      const e = unwrapExpression(node.expression);
      if (ts.isIdentifier(e)) out.push(e.text);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return out;
}

function isInside(node: ts.Node, container: ts.Node): boolean {
  return node.pos >= container.pos && node.end <= container.end && node.getSourceFile() === container.getSourceFile();
}

/** The function a route's handler argument stands for: inline, referenced, or wrapped (`asyncHandler(fn)`). */
function resolveHandler(expr: ts.Expression, resolveFunctionRef: (e: ts.Expression) => FunctionLikeNode | undefined): FunctionLikeNode | undefined {
  const e = unwrapExpression(expr);
  if (ts.isCallExpression(e)) {
    const last = e.arguments[e.arguments.length - 1];
    return last ? resolveHandler(last, resolveFunctionRef) : undefined;
  }
  return resolveFunctionRef(e);
}
