// "Wrap in span": moves a function's body into `tracer.startActiveSpan(name, (span) => { try … catch … finally })`,
// keeping every statement and comment, `this`, the return type and the file's formatting.
import { ts } from 'ts-morph';
import type { FunctionLikeNode } from '../instrumented/functionTargets';
import {
  forEachOwnNode,
  identifiersIn,
  isAsyncFunction,
  isWrappable,
  type SpanNameOptions,
  spanNameFor,
  uniqueName,
  wrapBlocker,
  type WrappableFunction,
} from './functionShapes';
import { type ApiName, planImports } from './otelImports';
import { reindentEdits, sliceWithEdits } from './reindent';
import { lineIndentAt, quoted, semi, type SourceContext } from './sourceContext';
import type { OffsetEdit } from './textEdits';

export interface WrapOptions extends SpanNameOptions {
  /** Name passed to `trace.getTracer(…)` when the file has no tracer yet (the package name, normally). */
  readonly tracerName: string;
}

/** Extra pieces for handlers that start a span from propagated context (SERVER/CONSUMER spans). */
export interface WrapExtras {
  readonly spanName?: string;
  /** Code computing the span name at run time (used as is), e.g. `req.method ?? 'HTTP'`; wins over spanName. */
  readonly spanNameCode?: string;
  /** API names the extra code refers to. */
  readonly names?: readonly ApiName[];
  /** The span options object, e.g. `{ kind: SpanKind.SERVER }`, given the names' references. */
  readonly spanOptions?: (refs: Readonly<Record<ApiName, string>>) => string;
  /** The variable holding the parent context, declared by `preamble`. */
  readonly parentContext?: string;
  /** Statements placed before the span starts (e.g. extracting the parent context). */
  readonly preamble?: (refs: Readonly<Record<ApiName, string>>) => readonly string[];
}

export type WrapResult = { readonly ok: true; readonly edits: OffsetEdit[]; readonly spanName: string } | { readonly ok: false; readonly reason: string };

function unwrapParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** Own return expressions of a function (not those of nested functions). */
function ownReturnExpressions(fn: WrappableFunction): ts.Expression[] {
  const body = fn.body;
  if (!body) return [];
  if (!ts.isBlock(body)) return [body];
  const out: ts.Expression[] = [];
  forEachOwnNode(body, (n) => {
    if (ts.isReturnStatement(n) && n.expression) out.push(n.expression);
  });
  return out;
}

function isPromiseTypeText(text: string): boolean {
  return /^\s*Promise\s*</.test(text);
}

/** A sync function that hands back a promise: the span must end when the promise settles, not at return. */
function returnsPromise(fn: WrappableFunction, sf: ts.SourceFile): boolean {
  if (fn.type) return isPromiseTypeText(fn.type.getText(sf));
  return ownReturnExpressions(fn).some((e) => {
    const u = unwrapParens(e);
    if (ts.isNewExpression(u) && ts.isIdentifier(u.expression) && u.expression.text === 'Promise') return true;
    return ts.isCallExpression(u) && ts.isPropertyAccessExpression(u.expression) && ['then', 'catch', 'finally'].includes(u.expression.name.text);
  });
}

/** Values that can never be a promise: awaiting them is noise. */
function isPlainValue(e: ts.Expression): boolean {
  const u = unwrapParens(e);
  switch (u.kind) {
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NumericLiteral:
    case ts.SyntaxKind.BigIntLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
    case ts.SyntaxKind.TemplateExpression:
    case ts.SyntaxKind.RegularExpressionLiteral:
    case ts.SyntaxKind.TrueKeyword:
    case ts.SyntaxKind.FalseKeyword:
    case ts.SyntaxKind.NullKeyword:
    case ts.SyntaxKind.ObjectLiteralExpression:
    case ts.SyntaxKind.ArrayLiteralExpression:
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.FunctionExpression:
    case ts.SyntaxKind.ClassExpression:
    case ts.SyntaxKind.AwaitExpression:
    case ts.SyntaxKind.VoidExpression:
    case ts.SyntaxKind.TypeOfExpression:
    case ts.SyntaxKind.PrefixUnaryExpression:
      return true;
    case ts.SyntaxKind.Identifier:
      return (u as ts.Identifier).text === 'undefined';
    default:
      return false;
  }
}

/** `await x` binds tighter than most operators: parenthesise anything that is not a primary/member/call. */
function needsParens(e: ts.Expression): boolean {
  switch (e.kind) {
    case ts.SyntaxKind.Identifier:
    case ts.SyntaxKind.PropertyAccessExpression:
    case ts.SyntaxKind.ElementAccessExpression:
    case ts.SyntaxKind.CallExpression:
    case ts.SyntaxKind.NewExpression:
    case ts.SyntaxKind.ParenthesizedExpression:
    case ts.SyntaxKind.TaggedTemplateExpression:
    case ts.SyntaxKind.NonNullExpression:
    case ts.SyntaxKind.ThisKeyword:
    case ts.SyntaxKind.SuperKeyword:
      return false;
    default:
      return true;
  }
}

/** Locals of `fn` initialised from an `await`: they already hold settled values. */
function awaitedLocals(fn: WrappableFunction): Set<string> {
  const out = new Set<string>();
  if (!fn.body) return out;
  forEachOwnNode(fn.body, (n) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && ts.isAwaitExpression(unwrapParens(n.initializer))) out.add(n.name.text);
  });
  return out;
}

/** True when `e` certainly is not a promise: a settled local (or a property of one), or a cast to a non-promise type. */
function isSettled(e: ts.Expression, settled: ReadonlySet<string>, sf: ts.SourceFile): boolean {
  const u = unwrapParens(e);
  if ((ts.isAsExpression(u) || ts.isSatisfiesExpression(u) || ts.isTypeAssertionExpression(u)) && !/Promise|Thenable/.test(u.type.getText(sf))) return true;
  let root: ts.Expression = u;
  while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root) || ts.isNonNullExpression(root)) root = root.expression;
  return ts.isIdentifier(root) && settled.has(root.text);
}

/** Edits turning `return p` into `return await p`, so the span covers the promise and sees its rejection. */
function returnAwaitEdits(fn: WrappableFunction, sf: ts.SourceFile): OffsetEdit[] {
  const edits: OffsetEdit[] = [];
  const settled = awaitedLocals(fn);
  for (const e of ownReturnExpressions(fn)) {
    if (isPlainValue(e) || isSettled(e, settled, sf)) continue;
    const start = e.getStart(sf);
    if (needsParens(e)) {
      edits.push({ start, end: start, newText: 'await (' }, { start: e.end, end: e.end, newText: ')' });
    } else {
      edits.push({ start, end: start, newText: 'await ' });
    }
  }
  return edits;
}

function splitLines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function trimBlankEdges(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === '') a++;
  while (b > a && lines[b - 1]!.trim() === '') b--;
  return lines.slice(a, b);
}

/**
 * The return type a function expression gets from a type written around it, as text for the span callback: inside
 * the callback the body no longer sees that contextual type, and generic calls or literals in its returns would
 * infer differently. Two shapes: an arrow returned by a function with a declared return type (handler and operator
 * factories: `function auth(): Handler { return (req, res) => … }`), and any function expression typed by a
 * function type literal. A named type on a variable or property is left alone: it is often an overloaded interface
 * implemented loosely with `any` parameters, whose ReturnType would be the wrong overload.
 */
function contextualReturnType(fn: WrappableFunction, sf: ts.SourceFile): string | undefined {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  if (fn.parameters.some((p) => p.type?.kind === ts.SyntaxKind.AnyKeyword)) return undefined;
  let child: ts.Node = fn;
  let p = fn.parent;
  while (p && ts.isParenthesizedExpression(p)) {
    child = p;
    p = p.parent;
  }
  let written: ts.TypeNode | undefined;
  let fromReturn = false;
  if (p && ts.isReturnStatement(p)) {
    for (let q: ts.Node | undefined = p.parent; q; q = q.parent) {
      if (ts.isFunctionLike(q)) {
        written = (q as ts.SignatureDeclaration).type;
        fromReturn = true;
        break;
      }
    }
  } else if (p && ts.isArrowFunction(p) && p.body === child) {
    written = p.type;
    fromReturn = true;
  } else if (p && (ts.isVariableDeclaration(p) || ts.isPropertyDeclaration(p)) && p.initializer === child) written = p.type;
  if (!written) return undefined;
  if (ts.isFunctionTypeNode(written)) return ts.isTypePredicateNode(written.type) ? undefined : written.type.getText(sf);
  if (fromReturn && ts.isTypeReferenceNode(written) && !/^(Function|Object|CallableFunction)$/.test(written.typeName.getText(sf))) {
    return `ReturnType<${written.getText(sf)}>`;
  }
  return undefined;
}

/** Computes the edits that wrap `fn` in a span, or why it cannot be done. */
export function wrapFunctionInSpan(ctx: SourceContext, fn: FunctionLikeNode, options: WrapOptions, extras: WrapExtras = {}): WrapResult {
  const blocker = wrapBlocker(fn, ctx.isTypeScript);
  if (blocker) return { ok: false, reason: blocker };
  if (!isWrappable(fn) || !fn.body) return { ok: false, reason: 'this kind of function cannot be wrapped' };
  const sf = ctx.sourceFile;
  const text = ctx.text;
  // Names declared around the body (parameters, enclosing locals) must not hide what the generated code uses.
  const plan = planImports(ctx, { names: ['SpanStatusCode', ...(extras.names ?? [])], tracer: true, tracerName: options.tracerName, useSite: fn.body });
  const taken = identifiersIn(fn);
  const spanVar = uniqueName(['span', 'activeSpan', 'otelSpan'], taken);
  const errVar = 'err';
  const spanName = extras.spanName ?? spanNameFor(fn, ctx.fileName, options);
  const isAsync = isAsyncFunction(fn);
  const asyncCallback = isAsync || returnsPromise(fn, sf);
  let annotation = '';
  if (ctx.isTypeScript && fn.type && !ts.isTypePredicateNode(fn.type)) {
    const typeText = fn.type.getText(sf);
    if (!asyncCallback || isPromiseTypeText(typeText)) annotation = `: ${typeText}`;
  } else if (ctx.isTypeScript && !fn.type && !asyncCallback) {
    const contextual = contextualReturnType(fn, sf);
    if (contextual) annotation = `: ${contextual}`;
  }
  const sc = semi(ctx);
  const u = ctx.indentUnit;
  const nl = ctx.newline;
  const refs = plan.refs;
  const optionsText = extras.spanOptions?.(refs) ?? (extras.parentContext ? '{}' : undefined);
  const args = [extras.spanNameCode ?? quoted(ctx, spanName), optionsText, extras.parentContext].filter((a): a is string => a !== undefined);
  const head = `${plan.tracer}.startActiveSpan(${args.join(', ')}, ${asyncCallback ? 'async ' : ''}(${spanVar})${annotation} => {`;
  const catchLines = [
    `${spanVar}.recordException(${errVar}${ctx.isTypeScript ? ' as Error' : ''})${sc}`,
    `${spanVar}.setStatus({ code: ${refs.SpanStatusCode}.ERROR, message: ${errVar} instanceof Error ? ${errVar}.message : String(${errVar}) })${sc}`,
    `throw ${errVar}${sc}`,
  ];
  const awaitEdits = asyncCallback ? returnAwaitEdits(fn, sf) : [];
  const preamble = extras.preamble?.(refs) ?? [];

  // `tail(ind)` closes the try, the callback and the call, with `ind` the indentation of the call's line.
  const tryBlock = (ind: string, bodyLines: readonly string[]): string[] => [
    `${ind}${u}try {`,
    ...bodyLines,
    `${ind}${u}} catch (${errVar}) {`,
    ...catchLines.map((l) => `${ind}${u}${u}${l}`),
    `${ind}${u}} finally {`,
    `${ind}${u}${u}${spanVar}.end()${sc}`,
    `${ind}${u}}`,
  ];

  const body = fn.body;
  let edit: OffsetEdit;
  if (ts.isBlock(body)) {
    const open = body.getStart(sf) + 1;
    const close = body.end - 1;
    const closeLineStart = text.lastIndexOf('\n', close - 1) + 1;
    const closeOnOwnLine = text.slice(closeLineStart, close).trim() === '' && closeLineStart > open;
    const base = closeOnOwnLine ? lineIndentAt(text, close) : lineIndentAt(text, body.getStart(sf));
    const ind1 = base + u;
    const ind3 = ind1 + u + u;
    const inner = sliceWithEdits(text, open, close, [...reindentEdits(sf, open, close, u + u), ...awaitEdits]);
    const lines = splitLines(inner);
    const first = lines[0]!.trim();
    const bodyLines = trimBlankEdges([first === '' ? '' : ind3 + first, ...lines.slice(1)]);
    const out = [
      ...preamble.map((p) => ind1 + p),
      `${ind1}${ts.isSetAccessorDeclaration(fn) ? '' : 'return '}${head}`,
      ...tryBlock(ind1, bodyLines),
      `${ind1}})${sc}`,
    ];
    edit = { start: open, end: close, newText: nl + out.join(nl) + nl + base };
  } else {
    if (!ts.isArrowFunction(fn)) return { ok: false, reason: 'unexpected function shape' };
    const arrowEnd = fn.equalsGreaterThanToken.end;
    const exprStart = body.getStart(sf);
    const base = lineIndentAt(text, fn.getStart(sf));
    // A preamble needs statements, so the arrow gets a block body and everything moves one level deeper.
    const callIndent = preamble.length > 0 ? base + u : base;
    const returnIndent = callIndent + u + u;
    const bodyOnNextLine = text.slice(arrowEnd, exprStart).includes('\n');
    const levels = (preamble.length > 0 ? 3 : 2) - (bodyOnNextLine ? 1 : 0);
    const leading = text.slice(arrowEnd, exprStart).trim();
    const leadingLines = leading === '' ? [] : splitLines(leading).map((l) => returnIndent + l.trim());
    const exprText = sliceWithEdits(text, exprStart, body.end, [...reindentEdits(sf, exprStart, body.end, u.repeat(levels)), ...awaitEdits]);
    const exprLines = splitLines(exprText);
    const bodyLines = [...leadingLines, `${returnIndent}return ${exprLines[0]!}`, ...exprLines.slice(1)];
    bodyLines[bodyLines.length - 1] += sc;
    if (preamble.length > 0) {
      const inner = [...preamble.map((p) => callIndent + p), `${callIndent}return ${head}`, ...tryBlock(callIndent, bodyLines), `${callIndent}})${sc}`];
      edit = { start: arrowEnd, end: body.end, newText: ` {${nl}${inner.join(nl)}${nl}${base}}` };
    } else {
      const out = [` ${head}`, ...tryBlock(base, bodyLines), `${base}})`];
      edit = { start: arrowEnd, end: body.end, newText: out.join(nl) };
    }
  }
  return { ok: true, edits: [...plan.edits, edit], spanName };
}
