// Which functions a span can be wrapped around, what to call the span, and whether a function is already traced.
import { ts } from 'ts-morph';
import { anonymousTarget, declaredTarget, type FunctionLikeNode, isFunctionLikeNode } from '../instrumented/functionTargets';

export type WrappableFunction =
  | ts.FunctionDeclaration
  | ts.MethodDeclaration
  | ts.ArrowFunction
  | ts.FunctionExpression
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

export const spanStartMethods: ReadonlySet<string> = new Set(['startSpan', 'startActiveSpan']);

export function isFunctionLike(node: ts.Node): node is FunctionLikeNode {
  return isFunctionLikeNode(node);
}

/** `x.startSpan(…)` / `x.startActiveSpan(…)`. */
export function isSpanStartCall(node: ts.Node): node is ts.CallExpression {
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && spanStartMethods.has(node.expression.name.text);
}

export function isStartActiveSpanCall(node: ts.Node): node is ts.CallExpression {
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'startActiveSpan';
}

/** The function is the callback of `startActiveSpan(…, fn)` (or `context.with(…, fn)`): part of a span wrapper. */
export function isSpanCallback(fn: ts.Node): boolean {
  let child: ts.Node = fn;
  let p = fn.parent;
  while (p && ts.isParenthesizedExpression(p)) {
    child = p;
    p = p.parent;
  }
  if (!p || !ts.isCallExpression(p) || !p.arguments.some((a) => a === child)) return false;
  const callee = p.expression;
  if (!ts.isPropertyAccessExpression(callee)) return false;
  if (spanStartMethods.has(callee.name.text)) return true;
  return callee.name.text === 'with' && /context$/i.test(callee.expression.getText());
}

/** The nearest enclosing function, treating span-wrapper callbacks as part of the function they wrap. */
export function enclosingFunction(node: ts.Node): FunctionLikeNode | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (isFunctionLike(p) && !isSpanCallback(p)) return p;
  }
  return undefined;
}

/** The nearest enclosing function-like node, callbacks included. */
export function ownerFunction(node: ts.Node): ts.Node | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (isFunctionLike(p) || ts.isClassStaticBlockDeclaration(p)) return p;
    if (ts.isSourceFile(p)) return undefined;
  }
  return undefined;
}

/** Calls `visit` for every node of `root` that is not inside a nested function or class. */
export function forEachOwnNode(root: ts.Node, visit: (node: ts.Node) => void): void {
  const walk = (node: ts.Node): void => {
    visit(node);
    if (node !== root && (isFunctionLike(node) || ts.isClassLike(node))) return;
    ts.forEachChild(node, walk);
  };
  ts.forEachChild(root, walk);
}

/** True when the function body itself starts a span (a span wrapper, or startSpan/startActiveSpan in its own code). */
export function isInstrumented(fn: FunctionLikeNode): boolean {
  const body = fn.body;
  if (!body) return false;
  let found = false;
  const walk = (node: ts.Node): void => {
    if (found) return;
    if (isSpanStartCall(node)) {
      found = true;
      return;
    }
    if (isFunctionLike(node) && !isSpanCallback(node)) return;
    if (ts.isClassLike(node)) return;
    ts.forEachChild(node, walk);
  };
  walk(body);
  return found;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}

export function isAsyncFunction(fn: ts.Node): boolean {
  return hasModifier(fn, ts.SyntaxKind.AsyncKeyword);
}

/** A callback passed straight to a call (or as a property of an object passed to one), with no written return type. */
function typedOnlyByCallSite(fn: FunctionLikeNode): boolean {
  if ((!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) || fn.type) return false;
  let child: ts.Node = fn;
  let p = fn.parent;
  while (p && ts.isParenthesizedExpression(p)) {
    child = p;
    p = p.parent;
  }
  if (p && ts.isPropertyAssignment(p) && ts.isObjectLiteralExpression(p.parent)) {
    child = p.parent;
    p = p.parent.parent;
  }
  return p !== undefined && (ts.isCallExpression(p) || ts.isNewExpression(p)) && (p.arguments ?? []).some((a) => a === child);
}

/** An own return value holds an array literal (a tuple only the contextual type makes a tuple). */
function returnsArrayLiteral(fn: FunctionLikeNode): boolean {
  const body = fn.body;
  if (!body) return false;
  const exprs: ts.Node[] = [];
  if (!ts.isBlock(body)) exprs.push(body);
  else forEachOwnNode(body, (n) => void (ts.isReturnStatement(n) && n.expression && exprs.push(n.expression)));
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || isFunctionLike(n)) return;
    if (ts.isArrayLiteralExpression(n)) found = true;
    else ts.forEachChild(n, visit);
  };
  for (const e of exprs) visit(e);
  return found;
}

/**
 * Why a span cannot be wrapped around `fn`, or undefined when it can. With `isTypeScript`, also refuses a callback
 * whose array-literal return is typed (as a tuple) only by the call it is passed to: inside the span callback that
 * type is gone and the code would stop compiling.
 */
export function wrapBlocker(fn: FunctionLikeNode, isTypeScript = false): string | undefined {
  if (ts.isConstructorDeclaration(fn)) return 'constructors cannot be wrapped: super() and field initialisers must stay in the constructor body';
  if (!fn.body) return 'the function has no body (an overload or abstract/declared member)';
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn)) && fn.asteriskToken) {
    return 'generators are not wrapped: a span around a generator would end at the first yield, not when iteration finishes; start a span in the code that iterates it instead';
  }
  if (isSpanCallback(fn)) return 'this function is already the callback of a span';
  if (isInstrumented(fn)) return 'the function already starts a span';
  if (isTypeScript && typedOnlyByCallSite(fn) && returnsArrayLiteral(fn)) {
    return 'its array return value gets its (tuple) type from the call it is passed to, which a span callback would hide; write its return type first';
  }
  return undefined;
}

export function isWrappable(fn: ts.Node): fn is WrappableFunction {
  return (
    ts.isFunctionDeclaration(fn) ||
    ts.isMethodDeclaration(fn) ||
    ts.isArrowFunction(fn) ||
    ts.isFunctionExpression(fn) ||
    ts.isGetAccessorDeclaration(fn) ||
    ts.isSetAccessorDeclaration(fn)
  );
}

/** The name a function has by declaration (undefined for an anonymous callback). */
export function declaredTargetName(fn: FunctionLikeNode): string | undefined {
  return declaredTarget(fn)?.name;
}

/** The display name of a function: `Class.method`, `name`, `obj.method`, or `callee callback`. */
export function functionDisplayName(fn: FunctionLikeNode): string {
  return (declaredTarget(fn) ?? anonymousTarget(fn)).name;
}

export interface SpanNameOptions {
  /**
   * Template for new span names: `{name}` (the function's display name, e.g. `OrderService.create`), `{class}`,
   * `{function}`, `{file}` (base name without extension). Default `{name}`.
   */
  readonly spanNameTemplate?: string;
}

const routeMethods = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'all']);

/** `app.get('/orders/:id', handler)` → `GET /orders/:id` (the HTTP semantic-convention name for a route). */
function routeName(fn: FunctionLikeNode): string | undefined {
  let child: ts.Node = fn;
  let p = fn.parent;
  while (p && ts.isParenthesizedExpression(p)) {
    child = p;
    p = p.parent;
  }
  if (!p || !ts.isCallExpression(p) || p.arguments[p.arguments.length - 1] !== child) return undefined;
  const callee = p.expression;
  const path = p.arguments[0];
  if (!ts.isPropertyAccessExpression(callee) || !routeMethods.has(callee.name.text) || !path || !ts.isStringLiteralLike(path) || !path.text.startsWith('/')) return undefined;
  const method = callee.name.text === 'del' ? 'DELETE' : callee.name.text.toUpperCase();
  return `${method === 'ALL' ? 'HTTP' : method} ${path.text}`;
}

export function spanNameFor(fn: FunctionLikeNode, fileName: string, options: SpanNameOptions = {}): string {
  const route = declaredTargetName(fn) === undefined ? routeName(fn) : undefined;
  if (route && options.spanNameTemplate === undefined) return route;
  const name = route ?? functionDisplayName(fn);
  const template = options.spanNameTemplate ?? '{name}';
  const dot = name.lastIndexOf('.');
  const cls = dot > 0 && !name.endsWith(' callback') ? name.slice(0, dot) : '';
  const func = dot > 0 && !name.endsWith(' callback') ? name.slice(dot + 1) : name;
  const file = (fileName.split(/[\\/]/).pop() ?? fileName).replace(/\.[^.]+$/, '');
  const out = template
    .replace(/\{name\}/g, name)
    .replace(/\{class\}/g, cls)
    .replace(/\{function\}/g, func)
    .replace(/\{file\}/g, file)
    .replace(/^\.+|\.+$/g, '');
  return out === '' ? name : out;
}

/** The innermost function-like node containing `offset` (its whole extent, header included). */
export function innermostFunctionAt(sf: ts.SourceFile, offset: number): FunctionLikeNode | undefined {
  let found: FunctionLikeNode | undefined;
  const visit = (node: ts.Node): void => {
    if (offset < node.getStart(sf) || offset > node.end) return;
    if (isFunctionLike(node)) found = node;
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Every function-like node of the file, outermost first. */
export function allFunctions(sf: ts.SourceFile): FunctionLikeNode[] {
  const out: FunctionLikeNode[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionLike(node)) out.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

// Per node of a parse (nodes never change): `lint --fix` asks for the same scope once per fix in it.
const identifierCache = new WeakMap<ts.Node, ReadonlySet<string>>();

/** Identifiers used anywhere inside `node` (to pick names that shadow nothing). */
export function identifiersIn(node: ts.Node): ReadonlySet<string> {
  const cached = identifierCache.get(node);
  if (cached) return cached;
  const names = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) names.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  identifierCache.set(node, names);
  return names;
}

export function uniqueName(preferred: readonly string[], taken: { has(name: string): boolean }): string {
  for (const p of preferred) if (!taken.has(p)) return p;
  const base = preferred[0] ?? 'value';
  for (let i = 2; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
}
