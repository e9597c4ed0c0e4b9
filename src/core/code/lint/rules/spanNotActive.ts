// span-not-active: `startSpan` does not make the span current, so spans started by the work it measures (awaited
// calls, other instrumented functions) attach to the outer span instead of this one.
import { ts } from 'ts-morph';
import { allFunctions, enclosingFunction, functionDisplayName, isAsyncFunction, isInstrumented, isSpanStartCall } from '../../fixes/functionShapes';
import { reindentEdits, sliceWithEdits } from '../../fixes/reindent';
import { lineIndentAt, semi } from '../../fixes/sourceContext';
import type { OffsetEdit } from '../../fixes/textEdits';
import { type RawFinding, type Rule, type RuleContext, lineOf } from '../ruleTypes';
import { type SpanStartSite, statementListOf } from '../spanSites';
import { spanCallRange } from './spanNotEnded';

/** Names of functions in this file that start spans: plain names and method names (for `this.x()` calls). */
function instrumentedNames(sf: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  for (const fn of allFunctions(sf)) {
    if (!isInstrumented(fn)) continue;
    if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name)) out.add(fn.name.text);
    else {
      const name = functionDisplayName(fn);
      out.add(name.split('.').pop()!);
    }
  }
  return out;
}

function makesActive(scope: ts.Node, spanVar: string): boolean {
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && /^(setSpan|with)$/.test(n.expression.name.text)) {
      if (n.expression.name.text === 'setSpan' && n.arguments.some((a) => ts.isIdentifier(a) && a.text === spanVar)) found = true;
      if (n.expression.name.text === 'with' && /context$/i.test(n.expression.expression.getText())) found = true;
    }
    ts.forEachChild(n, walk);
  };
  walk(scope);
  return found;
}

/** The first piece of work after the start whose spans would want this span as their parent. */
function childWork(statements: readonly ts.Statement[], instrumented: ReadonlySet<string>, self: ts.CallExpression): { at: ts.Node; what: string } | undefined {
  let found: { at: ts.Node; what: string } | undefined;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (ts.isAwaitExpression(n)) {
      found = { at: n, what: 'the await' };
      return;
    }
    if (ts.isCallExpression(n) && n !== self) {
      const explicitParent = isSpanStartCall(n) && n.arguments.length >= ((n.expression as ts.PropertyAccessExpression).name.text === 'startSpan' ? 3 : 4);
      if (isSpanStartCall(n) && !explicitParent) {
        found = { at: n, what: 'the span started' };
        return;
      }
      const callee = n.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword ? callee.name.text : undefined;
      if (name !== undefined && instrumented.has(name)) {
        found = { at: n, what: `the call to ${name}()` };
        return;
      }
    }
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    ts.forEachChild(n, walk);
  };
  for (const s of statements) walk(s);
  return found;
}

function makeActiveEdits(rc: RuleContext, site: SpanStartSite): OffsetEdit[] | undefined {
  const ctx = rc.ctx;
  const sf = ctx.sourceFile;
  const text = ctx.text;
  const decl = site.declaration;
  const fn = enclosingFunction(site.call);
  if (!decl || !fn || !fn.body || !ts.isBlock(fn.body)) return undefined;
  if (ts.isConstructorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) return undefined;
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.asteriskToken) return undefined;
  const declList = decl.parent;
  if (!ts.isVariableDeclarationList(declList) || declList.declarations.length !== 1) return undefined;
  const stmt = declList.parent;
  if (!ts.isVariableStatement(stmt)) return undefined;
  const where = statementListOf(stmt);
  if (!where || where.list !== fn.body.statements) return undefined;
  const rest = where.list.slice(where.index + 1);
  if (rest.length === 0) return undefined;
  const callee = site.call.expression as ts.PropertyAccessExpression;
  const args = site.call.arguments.map((a) => a.getText(sf));
  if (args.length === 3 && (args[1] === 'undefined' || args[1] === '')) args[1] = '{}';
  const u = ctx.indentUnit;
  const nl = ctx.newline;
  const indent = lineIndentAt(text, stmt.getStart(sf));
  let lineEnd = text.indexOf('\n', stmt.end);
  if (lineEnd === -1) lineEnd = text.length;
  const trailing = text.slice(stmt.end, lineEnd).replace(/\r$/, '').trim();
  const regionStart = lineEnd + 1;
  const last = rest[rest.length - 1]!;
  let lastLineEnd = text.indexOf('\n', last.end);
  if (lastLineEnd === -1) lastLineEnd = text.length;
  const tail = text.slice(last.end, lastLineEnd).replace(/\r$/, '');
  const regionEnd = /^\s*(\/\/.*)?$/.test(tail) ? last.end + tail.length : last.end;
  if (regionStart > rest[0]!.getStart(sf)) return undefined;
  const annotation = ctx.isTypeScript && fn.type && !ts.isTypePredicateNode(fn.type) ? `: ${fn.type.getText(sf)}` : '';
  const head = `return ${callee.expression.getText(sf)}.startActiveSpan(${args.join(', ')}, ${isAsyncFunction(fn) ? 'async ' : ''}(${site.spanVar})${annotation} => {${trailing ? ` ${trailing}` : ''}`;
  const body = sliceWithEdits(text, regionStart, regionEnd, reindentEdits(sf, regionStart - 1, regionEnd, u));
  return [{ start: stmt.getStart(sf), end: regionEnd, newText: `${head}${nl}${body}${nl}${indent}})${semi(ctx)}` }];
}

export const spanNotActive: Rule = (rc) => {
  const sf = rc.ctx.sourceFile;
  const out: RawFinding[] = [];
  let instrumented: Set<string> | undefined;
  for (const site of rc.sites.spanStarts) {
    if (site.method !== 'startSpan' || !site.declaration || !site.spanVar) continue;
    const fn = enclosingFunction(site.call);
    if (!fn || !fn.body) continue;
    if (makesActive(fn.body, site.spanVar)) continue;
    const stmt = site.declaration.parent.parent;
    if (!ts.isVariableStatement(stmt)) continue;
    const where = statementListOf(stmt);
    if (!where) continue;
    instrumented ??= instrumentedNames(sf);
    const work = childWork(where.list.slice(where.index + 1), instrumented, site.call);
    if (!work) continue;
    const range = spanCallRange(site, sf);
    const label = site.name && (ts.isStringLiteral(site.name) || ts.isNoSubstitutionTemplateLiteral(site.name)) ? site.name.text : site.spanVar;
    out.push({
      rule: 'span-not-active',
      start: range.start,
      end: range.end,
      message: `Span '${label}' is started with startSpan but never made active, so ${work.what} at line ${lineOf(rc, work.at.getStart(sf))} will not be its child. Use startActiveSpan, or run the work inside context.with(trace.setSpan(context.active(), ${site.spanVar}), …).`,
      fixes: [{ id: 'make-active', title: `Make '${label}' the active span (startActiveSpan)`, kind: 'quickfix', safe: false, edits: () => makeActiveEdits(rc, site) }],
    });
  }
  return out;
};
