// Finds the tracing constructs the rules look at: span starts, the variable holding each span, and every place an
// attribute key/value is written (setAttribute, setAttributes, span options, events).
import { ts } from 'ts-morph';
import { isFunctionLike, isSpanStartCall, ownerFunction } from '../fixes/functionShapes';
import { semconvConstantKey } from './semconvConstants';

export type SpanCallback = ts.ArrowFunction | ts.FunctionExpression;

export interface SpanStartSite {
  readonly call: ts.CallExpression;
  readonly method: 'startSpan' | 'startActiveSpan';
  readonly name: ts.Expression | undefined;
  readonly options: ts.Expression | undefined;
  readonly parentContext: ts.Expression | undefined;
  /** startActiveSpan's callback. */
  readonly callback: SpanCallback | undefined;
  /** The name the span is known by: the callback's parameter, or the `const` a startSpan result is stored in. */
  readonly spanVar: string | undefined;
  /** `const span = tracer.startSpan(…)`. */
  readonly declaration: ts.VariableDeclaration | undefined;
}

export interface AttributeSite {
  readonly key: string;
  /** The node holding the key text (a string literal or a property name). */
  readonly keyNode: ts.Node;
  readonly value: ts.Expression;
  /** `span.setAttribute(k, v)` call, or the property of an attributes object literal. */
  readonly holder: { readonly kind: 'call'; readonly call: ts.CallExpression } | { readonly kind: 'property'; readonly property: ts.ObjectLiteralElementLike; readonly object: ts.ObjectLiteralExpression };
}

export interface FileSites {
  readonly spanStarts: SpanStartSite[];
  readonly attributes: AttributeSite[];
  /** Imports something from `@opentelemetry/*`. */
  readonly usesOtel: boolean;
  /**
   * The non-OpenTelemetry tracing module the file uses instead (`k6/x/otel`, `dd-trace`, `@sentry/node`, …), when
   * it does not import the OpenTelemetry API: its spans are not OTel spans, so no OTel finding or fix applies.
   */
  readonly foreignTracer?: string;
}

/** Tracing modules with APIs of their own: a `tracer.startSpan` there is not OpenTelemetry's. */
const foreignTracingModules = /^(?:k6(?:\/.*)?|dd-trace(?:\/.*)?|elastic-apm-node(?:\/.*)?|@elastic\/apm-rum(?:\/.*)?|@sentry\/.+|newrelic|@newrelic\/.+|@datadog\/.+|@google-cloud\/trace-agent|zipkin(?:-.+)?|jaeger-client|opentracing|@honeycombio\/beeline|honeycomb-beeline|@appsignal\/.+|@splunk\/otel-web-[a-z-]+|signalfx-tracing)$/;

/** The first foreign tracing module the file imports, when it imports nothing of the OpenTelemetry API. */
export function foreignTracerOf(sf: ts.SourceFile): string | undefined {
  const modules: string[] = [];
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier)) modules.push(s.moduleSpecifier.text);
  }
  for (const m of sf.text.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) modules.push(m[1]!);
  if (modules.some((m) => m === '@opentelemetry/api' || m.startsWith('@opentelemetry/api/'))) return undefined;
  return modules.find((m) => foreignTracingModules.test(m));
}

function unwrap(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isNonNullExpression(x) || ts.isSatisfiesExpression(x)) x = x.expression;
  return x;
}

export function isFunctionExpressionLike(e: ts.Node | undefined): e is SpanCallback {
  return e !== undefined && (ts.isArrowFunction(e) || ts.isFunctionExpression(e));
}

function importsOtel(sf: ts.SourceFile): boolean {
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text.startsWith('@opentelemetry/')) return true;
  }
  return /require\(\s*['"]@opentelemetry\//.test(sf.text);
}

function looksLikeTracer(receiver: ts.Expression, sf: ts.SourceFile): boolean {
  const r = unwrap(receiver);
  if (ts.isCallExpression(r) && ts.isPropertyAccessExpression(r.expression) && r.expression.name.text === 'getTracer') return true;
  return /tracer$/i.test(r.getText(sf).replace(/\s+/g, ''));
}

/** The static text of a string literal or no-substitution template, else undefined. */
export function literalText(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return undefined;
}

/** An attribute key: a literal, or a semantic-convention constant (`SemanticAttributes.HTTP_STATUS_CODE`, `ATTR_…`). */
export function attributeKeyText(node: ts.Node | undefined): string | undefined {
  const literal = literalText(node);
  if (literal !== undefined || !node) return literal;
  if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) return semconvConstantKey(node.getText());
  return undefined;
}

/** The text of an object literal property name that is a plain name or string, else undefined. */
export function propertyKey(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) return literalText(name.expression);
  return undefined;
}

export function findProperty(obj: ts.ObjectLiteralExpression, key: string): ts.ObjectLiteralElementLike | undefined {
  return obj.properties.find((p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) || ts.isMethodDeclaration(p)) && p.name !== undefined && propertyKey(p.name) === key);
}

function spanStartSite(call: ts.CallExpression): SpanStartSite {
  const method = (call.expression as ts.PropertyAccessExpression).name.text === 'startActiveSpan' ? 'startActiveSpan' : 'startSpan';
  const args = call.arguments;
  let callback: SpanCallback | undefined;
  let options: ts.Expression | undefined;
  let parentContext: ts.Expression | undefined;
  let spanVar: string | undefined;
  let declaration: ts.VariableDeclaration | undefined;
  if (method === 'startActiveSpan') {
    const last = args.length >= 2 ? args[args.length - 1] : undefined;
    const lastFn = last ? unwrap(last) : undefined;
    if (isFunctionExpressionLike(lastFn)) callback = lastFn;
    if (args.length >= 3) options = args[1];
    if (args.length >= 4) parentContext = args[2];
    const p0 = callback?.parameters[0];
    if (p0 && ts.isIdentifier(p0.name)) spanVar = p0.name.text;
  } else {
    options = args[1];
    parentContext = args[2];
    let child: ts.Node = call;
    let p = call.parent;
    while (p && (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p))) {
      child = p;
      p = p.parent;
    }
    if (p && ts.isVariableDeclaration(p) && p.initializer === child && ts.isIdentifier(p.name)) {
      declaration = p;
      spanVar = p.name.text;
    }
  }
  return { call, method, name: args[0], options, parentContext, callback, spanVar, declaration };
}

/** Receivers that hold spans: span variables of the file, `trace.getActiveSpan()`, or names ending in "span". */
function isSpanReceiver(receiver: ts.Expression, spanVars: ReadonlySet<string>, sf: ts.SourceFile): boolean {
  const r = unwrap(receiver);
  if (ts.isIdentifier(r) && spanVars.has(r.text)) return true;
  if (ts.isCallExpression(r) && ts.isPropertyAccessExpression(r.expression) && ['getActiveSpan', 'getSpan'].includes(r.expression.name.text)) return true;
  return /span$/i.test(r.getText(sf).replace(/[\s?!]+/g, ''));
}

function attributesOfObject(obj: ts.ObjectLiteralExpression, out: AttributeSite[]): void {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p)) {
      const key = ts.isComputedPropertyName(p.name) ? attributeKeyText(p.name.expression) : propertyKey(p.name);
      if (key !== undefined) out.push({ key, keyNode: ts.isComputedPropertyName(p.name) ? p.name.expression : p.name, value: p.initializer, holder: { kind: 'property', property: p, object: obj } });
    } else if (ts.isShorthandPropertyAssignment(p)) {
      out.push({ key: p.name.text, keyNode: p.name, value: p.name, holder: { kind: 'property', property: p, object: obj } });
    }
  }
}

export function collectSites(sf: ts.SourceFile): FileSites {
  const usesOtel = importsOtel(sf);
  const foreignTracer = foreignTracerOf(sf);
  if (foreignTracer) return { spanStarts: [], attributes: [], usesOtel, foreignTracer };
  const starts: SpanStartSite[] = [];
  const spanVars = new Set<string>();
  const calls: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      calls.push(node);
      if (isSpanStartCall(node)) {
        const receiver = (node.expression as ts.PropertyAccessExpression).expression;
        const first = node.arguments[0];
        const objectFirst = first !== undefined && ts.isObjectLiteralExpression(unwrap(first));
        if (!objectFirst && first !== undefined && (usesOtel || looksLikeTracer(receiver, sf))) {
          const site = spanStartSite(node);
          starts.push(site);
          if (site.spanVar) spanVars.add(site.spanVar);
        }
      }
    }
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      const init = unwrap(node.initializer);
      if (ts.isCallExpression(init) && ts.isPropertyAccessExpression(init.expression) && ['getActiveSpan', 'getSpan'].includes(init.expression.name.text)) {
        spanVars.add(node.name.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const attributes: AttributeSite[] = [];
  for (const call of calls) {
    const callee = call.expression;
    if (ts.isPropertyAccessExpression(callee) && isSpanReceiver(callee.expression, spanVars, sf)) {
      const method = callee.name.text;
      if (method === 'setAttribute' && call.arguments.length >= 2) {
        const key = attributeKeyText(call.arguments[0]);
        if (key !== undefined) attributes.push({ key, keyNode: call.arguments[0]!, value: call.arguments[1]!, holder: { kind: 'call', call } });
      } else if (method === 'setAttributes' && call.arguments[0] && ts.isObjectLiteralExpression(unwrap(call.arguments[0]))) {
        attributesOfObject(unwrap(call.arguments[0]) as ts.ObjectLiteralExpression, attributes);
      } else if (method === 'addEvent' && call.arguments[1] && ts.isObjectLiteralExpression(unwrap(call.arguments[1]))) {
        attributesOfObject(unwrap(call.arguments[1]) as ts.ObjectLiteralExpression, attributes);
      }
    }
  }
  for (const site of starts) {
    const opts = site.options ? unwrap(site.options) : undefined;
    if (opts && ts.isObjectLiteralExpression(opts)) {
      const attrs = findProperty(opts, 'attributes');
      if (attrs && ts.isPropertyAssignment(attrs) && ts.isObjectLiteralExpression(unwrap(attrs.initializer))) {
        attributesOfObject(unwrap(attrs.initializer) as ts.ObjectLiteralExpression, attributes);
      }
    }
  }
  return { spanStarts: starts, attributes, usesOtel };
}

/** The statement list (block, file, case clause) that directly holds `statement`, and its index there. */
export function statementListOf(statement: ts.Statement): { list: ts.NodeArray<ts.Statement>; index: number } | undefined {
  const p = statement.parent;
  let list: ts.NodeArray<ts.Statement> | undefined;
  if (ts.isBlock(p) || ts.isSourceFile(p) || ts.isModuleBlock(p) || ts.isCaseClause(p) || ts.isDefaultClause(p)) list = p.statements;
  if (!list) return undefined;
  const index = list.indexOf(statement);
  return index >= 0 ? { list, index } : undefined;
}

/** `x.method(…)` where x is the identifier `name`. */
export function isMethodCallOn(node: ts.Node, name: string, method?: string): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  if (!ts.isPropertyAccessExpression(callee)) return false;
  if (method !== undefined && callee.name.text !== method) return false;
  const recv = unwrap(callee.expression);
  return ts.isIdentifier(recv) && recv.text === name;
}

/** Nodes of `root` in the same function as `root` (not inside nested functions/classes). */
export function ownNodes(root: ts.Node): ts.Node[] {
  const out: ts.Node[] = [];
  const walk = (node: ts.Node): void => {
    out.push(node);
    if (node !== root && (isFunctionLike(node) || ts.isClassLike(node))) return;
    ts.forEachChild(node, walk);
  };
  walk(root);
  return out;
}

export { ownerFunction };
