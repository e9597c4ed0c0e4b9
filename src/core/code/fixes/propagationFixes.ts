// Context propagation fixes: inject the current context into outgoing headers/metadata, extract it in incoming
// handlers (starting a SERVER/CONSUMER span as its child), and bind callbacks that run later to the current context.
// The code goes through the propagation API, so whichever propagator the app configured (W3C, B3, …) is used.
import { ts } from 'ts-morph';
import { declaredTargetName, forEachOwnNode, identifiersIn, isFunctionLike, isStartActiveSpanCall, spanNameFor, uniqueName } from './functionShapes';
import { addPropertyEdit, insertArgumentBeforeEdit } from './objectEdits';
import { type ApiName, planImports } from './otelImports';
import type { AsyncBoundarySite, IncomingSite, OutgoingSite } from './propagationSites';
import { hoistBefore } from './statementHoist';
import { lineIndentAt, quoted, semi, type SourceContext } from './sourceContext';
import type { OffsetEdit } from './textEdits';
import { wrapFunctionInSpan, type WrapOptions } from './wrapInSpan';

function unwrap(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isNonNullExpression(x)) x = x.expression;
  return x;
}

function findProp(obj: ts.ObjectLiteralExpression, key: string): ts.ObjectLiteralElementLike | undefined {
  return obj.properties.find((p) => p.name !== undefined && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === key);
}

type HeaderFlavor = 'fetch' | 'plain';

/** `{ ...existing, ...traceHeaders }`; fetch headers may be a Headers object or entry list, so normalise first. */
function mergedHeaders(existing: string, headersVar: string, flavor: HeaderFlavor): string {
  const spread = flavor === 'fetch' ? `Object.fromEntries(new Headers(${existing}))` : existing;
  return `{ ...${spread}, ...${headersVar} }`;
}

/** Edits putting `headersVar` into the `headers` of an options object literal. */
function headersIntoObject(ctx: SourceContext, obj: ts.ObjectLiteralExpression, headersVar: string, flavor: HeaderFlavor): OffsetEdit[] {
  const sf = ctx.sourceFile;
  const prop = findProp(obj, 'headers');
  if (!prop) return [addPropertyEdit(ctx, obj, `headers: ${headersVar}`)];
  if (ts.isPropertyAssignment(prop)) {
    const init = unwrap(prop.initializer);
    if (ts.isObjectLiteralExpression(init)) return [addPropertyEdit(ctx, init, `...${headersVar}`)];
    return [{ start: prop.initializer.getStart(sf), end: prop.initializer.end, newText: mergedHeaders(prop.initializer.getText(sf), headersVar, flavor) }];
  }
  if (ts.isShorthandPropertyAssignment(prop)) {
    return [{ start: prop.getStart(sf), end: prop.end, newText: `headers: ${mergedHeaders(prop.name.text, headersVar, flavor)}` }];
  }
  return [];
}

/** Edits merging the headers into the options argument at `index` (adding it, and `undefined` fillers, if absent). */
function headersIntoArgument(ctx: SourceContext, call: ts.CallExpression, index: number, headersVar: string, flavor: HeaderFlavor): OffsetEdit[] | undefined {
  const sf = ctx.sourceFile;
  const args = call.arguments;
  const arg = args[index];
  if (!arg) {
    const fillers = Array.from({ length: Math.max(0, index - args.length) }, () => 'undefined');
    const added = [...fillers, `{ headers: ${headersVar} }`].join(', ');
    const last = args[args.length - 1];
    if (last) return [{ start: last.end, end: last.end, newText: `, ${added}` }];
    return [{ start: call.end - 1, end: call.end - 1, newText: added }];
  }
  const u = unwrap(arg);
  if (ts.isObjectLiteralExpression(u)) return headersIntoObject(ctx, u, headersVar, flavor);
  if (ts.isIdentifier(u)) {
    const existing = `${u.text}?.headers`;
    return [{ start: arg.getStart(sf), end: arg.end, newText: `{ ...${u.text}, headers: ${mergedHeaders(existing, headersVar, flavor)} }` }];
  }
  return undefined;
}

function looksLikeUrl(e: ts.Expression, sf: ts.SourceFile): boolean {
  const u = unwrap(e);
  if (ts.isStringLiteralLike(u) || ts.isTemplateExpression(u)) return true;
  if (ts.isNewExpression(u) && ts.isIdentifier(u.expression) && u.expression.text === 'URL') return true;
  return /(url|uri|href|endpoint|link|address)$/i.test(u.getText(sf));
}

function httpHeaderEdits(ctx: SourceContext, call: ts.CallExpression, headersVar: string): OffsetEdit[] | undefined {
  const sf = ctx.sourceFile;
  const [a0, a1] = call.arguments;
  if (!a0) return undefined;
  if (ts.isObjectLiteralExpression(unwrap(a0))) return headersIntoObject(ctx, unwrap(a0) as ts.ObjectLiteralExpression, headersVar, 'plain');
  if (looksLikeUrl(a0, sf)) {
    if (a1 && ts.isObjectLiteralExpression(unwrap(a1))) return headersIntoObject(ctx, unwrap(a1) as ts.ObjectLiteralExpression, headersVar, 'plain');
    if (a1 && ts.isIdentifier(unwrap(a1)) && !/(cb|callback|handler|done)$/i.test(a1.getText(sf))) return headersIntoArgument(ctx, call, 1, headersVar, 'plain');
    // http.request(url, callback) → http.request(url, { headers }, callback)
    if (a1) return [insertArgumentBeforeEdit(ctx, a1, `{ headers: ${headersVar} }`)];
    return [{ start: a0.end, end: a0.end, newText: `, { headers: ${headersVar} }` }];
  }
  if (ts.isIdentifier(unwrap(a0)) && /(opt|options|config|params|request|req)s?$/i.test(a0.getText(sf))) return headersIntoArgument(ctx, call, 0, headersVar, 'plain');
  return undefined;
}

function kafkaHeaderEdits(ctx: SourceContext, call: ts.CallExpression, headersVar: string, taken: { has(name: string): boolean }): OffsetEdit[] | undefined {
  const sf = ctx.sourceFile;
  const record = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
  if (!record || !ts.isObjectLiteralExpression(record)) return undefined;
  const prop = findProp(record, 'messages');
  if (!prop) return undefined;
  const m = uniqueName(['message', 'msg', 'm'], taken);
  const mapped = (list: string): string => `${list}.map((${m}) => ({ ...${m}, headers: { ...${m}.headers, ...${headersVar} } }))`;
  if (ts.isShorthandPropertyAssignment(prop)) return [{ start: prop.getStart(sf), end: prop.end, newText: `messages: ${mapped(prop.name.text)}` }];
  if (!ts.isPropertyAssignment(prop)) return undefined;
  const init = unwrap(prop.initializer);
  if (ts.isArrayLiteralExpression(init)) {
    const edits: OffsetEdit[] = [];
    for (const el of init.elements) {
      const e = unwrap(el);
      if (ts.isObjectLiteralExpression(e)) edits.push(...headersIntoObject(ctx, e, headersVar, 'plain'));
      else if (ts.isIdentifier(e)) edits.push({ start: el.getStart(sf), end: el.end, newText: `{ ...${e.text}, headers: { ...${e.text}.headers, ...${headersVar} } }` });
      else return undefined;
    }
    return edits;
  }
  return [{ start: prop.initializer.getStart(sf), end: prop.initializer.end, newText: mapped(prop.initializer.getText(sf)) }];
}

function scopeOf(node: ts.Node): ts.Node {
  for (let p = node.parent; p; p = p.parent) if (isFunctionLike(p)) return p;
  return node.getSourceFile();
}

/**
 * Inject the active context into an outgoing request's headers (or gRPC metadata). `claimed`: names other fixes
 * of the same parse declare per scope (the new headers variable avoids them and is added).
 */
export function outgoingPropagationEdits(ctx: SourceContext, site: OutgoingSite, options: WrapOptions, claimed?: Map<ts.Node, Set<string>>): OffsetEdit[] | undefined {
  const sf = ctx.sourceFile;
  const sc = semi(ctx);
  const plan = planImports(ctx, { names: ['context', 'propagation'], tracer: false, tracerName: options.tracerName, useSite: site.node });
  const { context, propagation } = plan.refs;
  if (site.kind === 'grpc') {
    const decl = site.node.parent;
    const stmt = decl?.parent?.parent;
    if (!site.carrierVar || !stmt || !ts.isVariableStatement(stmt)) return undefined;
    const indent = lineIndentAt(ctx.text, stmt.getStart(sf));
    // gRPC metadata is not a plain object: it takes headers through set().
    const setter = '{ set: (carrier, key, value) => carrier.set(key, value) }';
    return [
      ...plan.edits,
      { start: stmt.end, end: stmt.end, newText: `${ctx.newline}${indent}${propagation}.inject(${context}.active(), ${site.carrierVar}, ${setter})${sc}` },
    ];
  }
  const call = site.node as ts.CallExpression;
  const scope = scopeOf(call);
  const inScope = identifiersIn(scope);
  const claimedHere = claimed?.get(scope);
  const taken = claimedHere ? { has: (n: string): boolean => inScope.has(n) || claimedHere.has(n) } : inScope;
  const headersVar = uniqueName(['traceHeaders', 'otelHeaders', 'propagationHeaders'], taken);
  let inner: OffsetEdit[] | undefined;
  switch (site.kind) {
    case 'fetch':
      inner = headersIntoArgument(ctx, call, 1, headersVar, 'fetch');
      break;
    case 'axios':
    case 'amqplib':
      inner = headersIntoArgument(ctx, call, site.optionsIndex ?? 1, headersVar, 'plain');
      break;
    case 'http':
      inner = httpHeaderEdits(ctx, call, headersVar);
      break;
    case 'kafkajs':
      inner = kafkaHeaderEdits(ctx, call, headersVar, taken);
      break;
  }
  if (!inner) return undefined;
  const pre = [
    // In JavaScript a JSDoc type does what the annotation does in TypeScript (a bare `{}` is not a headers object
    // to `checkJs`).
    ...(ctx.isTypeScript ? [] : ['/** @type {Record<string, string>} */']),
    `const ${headersVar}${ctx.isTypeScript ? ': Record<string, string>' : ''} = {}${sc}`,
    `${propagation}.inject(${context}.active(), ${headersVar})${sc}`,
  ];
  const hoisted = hoistBefore(ctx, call, pre, inner);
  if (!hoisted) return undefined;
  if (claimed) claimed.set(scope, (claimed.get(scope) ?? new Set()).add(headersVar));
  return [...plan.edits, ...hoisted];
}

function ownStartActiveSpan(fn: ts.Node): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  forEachOwnNode(fn, (n) => {
    if (!found && isStartActiveSpanCall(n)) found = n;
  });
  return found;
}

function extractsContext(fn: ts.Node): boolean {
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'extract') found = true;
    ts.forEachChild(n, walk);
  };
  walk(fn);
  return found;
}

/** Start the handler's span as a child of the context extracted from the incoming request/message. */
export function incomingPropagationEdits(ctx: SourceContext, site: IncomingSite, options: WrapOptions): OffsetEdit[] | undefined {
  const handler = site.handler;
  if (!handler.body || extractsContext(handler)) return undefined;
  const sf = ctx.sourceFile;
  const sc = semi(ctx);
  const p0 = handler.parameters[0];
  const taken = identifiersIn(handler);
  const extra: OffsetEdit[] = [];
  let carrier: string;
  let getter = '';
  if (site.kind === 'http-server') {
    if (!p0 || !ts.isIdentifier(p0.name)) return undefined;
    carrier = `${p0.name.text}.headers`;
  } else if (site.kind === 'amqplib-consumer') {
    if (!p0 || !ts.isIdentifier(p0.name)) return undefined;
    carrier = `${p0.name.text}?.properties.headers ?? {}`;
  } else {
    if (!p0) return undefined;
    let messageVar: string | undefined;
    if (ts.isIdentifier(p0.name)) messageVar = `${p0.name.text}.message`;
    else if (ts.isObjectBindingPattern(p0.name)) {
      for (const el of p0.name.elements) {
        const key = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : ts.isIdentifier(el.name) ? el.name.text : undefined;
        if (key === 'message' && ts.isIdentifier(el.name)) messageVar = el.name.text;
      }
      if (!messageVar) {
        if (taken.has('message')) return undefined;
        const els = p0.name.elements;
        const last = els[els.length - 1];
        extra.push(last ? { start: last.end, end: last.end, newText: ', message' } : { start: p0.name.getStart(sf) + 1, end: p0.name.getStart(sf) + 1, newText: ' message ' });
        messageVar = 'message';
      }
    }
    if (!messageVar) return undefined;
    // Spread: an index-signature carrier whatever the message type says about headers being optional.
    carrier = `{ ...${messageVar}.headers }`;
    // Kafka header values arrive as Buffers; propagators read strings.
    getter = ', { get: (carrier, key) => carrier[key]?.toString(), keys: (carrier) => Object.keys(carrier) }';
  }
  const kind = site.kind === 'http-server' ? 'SERVER' : 'CONSUMER';
  const ctxVar = uniqueName(['ctx', 'parentContext', 'extractedContext'], taken);
  const names: ApiName[] = ['context', 'propagation', 'SpanKind'];
  const preamble = (refs: Readonly<Record<ApiName, string>>): string[] => [`const ${ctxVar} = ${refs.propagation}.extract(${refs.context}.active(), ${carrier}${getter})${sc}`];
  const existing = ownStartActiveSpan(handler);
  if (existing) {
    // Already traced: give the existing span the extracted parent and the right kind.
    const plan = planImports(ctx, { names, tracer: false, tracerName: options.tracerName, useSite: existing });
    const args = existing.arguments;
    const fn = args[args.length - 1];
    if (!fn || args.length === 4 || args.length < 2) return undefined;
    const inner: OffsetEdit[] = [];
    if (args.length === 2) inner.push(insertArgumentBeforeEdit(ctx, fn, `{ kind: ${plan.refs.SpanKind}.${kind} }, ${ctxVar}`));
    else {
      const opts = unwrap(args[1]!);
      if (ts.isObjectLiteralExpression(opts) && !findProp(opts, 'kind')) inner.push(addPropertyEdit(ctx, opts, `kind: ${plan.refs.SpanKind}.${kind}`));
      inner.push(insertArgumentBeforeEdit(ctx, fn, ctxVar));
    }
    const hoisted = hoistBefore(ctx, existing, preamble(plan.refs), inner);
    return hoisted ? [...plan.edits, ...extra, ...hoisted] : undefined;
  }
  let spanName: string;
  let spanNameCode: string | undefined;
  if (site.kind !== 'http-server' && site.destination) spanName = `process ${site.destination}`;
  else spanName = spanNameFor(handler, ctx.fileName, options);
  if (site.kind === 'http-server' && declaredTargetName(handler) === undefined && p0 && ts.isIdentifier(p0.name)) {
    // An anonymous request handler serves every route: name the span by method, as the HTTP conventions do
    // when the route is unknown (low cardinality, unlike the URL).
    spanNameCode = `${p0.name.text}.method ?? ${quoted(ctx, 'HTTP')}`;
  }
  const wrapped = wrapFunctionInSpan(ctx, handler, options, {
    spanName,
    ...(spanNameCode ? { spanNameCode } : {}),
    names,
    spanOptions: (refs) => `{ kind: ${refs.SpanKind}.${kind} }`,
    parentContext: ctxVar,
    preamble,
  });
  return wrapped.ok ? [...extra, ...wrapped.edits] : undefined;
}

/** `setTimeout(cb)` → `setTimeout(context.bind(context.active(), cb))`. */
export function bindContextEdits(ctx: SourceContext, site: AsyncBoundarySite, options: WrapOptions): OffsetEdit[] | undefined {
  const sf = ctx.sourceFile;
  const cb = site.callback;
  const u = unwrap(cb);
  if (ts.isIdentifier(u)) {
    // A bound copy is a different function: `emitter.off('x', handler)` would no longer remove it.
    const name = u.text;
    const removed = new RegExp(`\\.(off|removeListener)\\(\\s*[^,]+,\\s*${name.replace(/[$]/g, '\\$')}\\s*\\)`).test(ctx.text);
    if (removed) return undefined;
  }
  const plan = planImports(ctx, { names: ['context'], tracer: false, tracerName: options.tracerName, useSite: site.call });
  const c = plan.refs.context;
  return [...plan.edits, { start: cb.getStart(sf), end: cb.end, newText: `${c}.bind(${c}.active(), ${cb.getText(sf)})` }];
}
