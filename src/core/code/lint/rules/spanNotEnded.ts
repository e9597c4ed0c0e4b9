// span-not-ended: a started span must be ended on every path. A small control-flow walk over the statements that
// follow the start: returns, throws and awaits (which may reject) before `span.end()` leave the span open unless
// the end sits in a finally block.
import { ts } from 'ts-morph';
import { isFunctionLike } from '../../fixes/functionShapes';
import { removeStatementEdit } from '../../fixes/objectEdits';
import { reindentEdits } from '../../fixes/reindent';
import { lineIndentAt, semi, type SourceContext } from '../../fixes/sourceContext';
import type { OffsetEdit } from '../../fixes/textEdits';
import { type InternalFix, lineOf, type RawFinding, type Rule, type RuleContext } from '../ruleTypes';
import { isMethodCallOn, type SpanStartSite, statementListOf } from '../spanSites';

type ProblemKind = 'return' | 'throw' | 'await' | 'end-of-scope' | 'never';

interface Problem {
  readonly kind: ProblemKind;
  readonly at: number;
}

interface Flow {
  readonly ended: boolean;
  readonly reachable: boolean;
}

function unwrapExpr(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAwaitExpression(x) || ts.isVoidExpression(x)) x = x.expression;
  return x;
}

/** Walks statements tracking whether `span.end()` has definitely run. */
class EndFlow {
  readonly problems: Problem[] = [];
  /** >0 inside a try whose catch receives the exceptions (a throw/await there is not an exit). */
  private caught = 0;
  /** >0 inside a try whose finally ends the span (every exit there is fine). */
  private finallyEnds = 0;

  constructor(
    private readonly spanVar: string,
    private readonly sf: ts.SourceFile,
  ) {}

  isEndStatement(s: ts.Statement): boolean {
    return ts.isExpressionStatement(s) && isMethodCallOn(unwrapExpr(s.expression), this.spanVar, 'end');
  }

  private report(kind: ProblemKind, at: number): void {
    if (this.finallyEnds > 0) return;
    this.problems.push({ kind, at });
  }

  private ownAwait(node: ts.Node | undefined): ts.Node | undefined {
    if (!node) return undefined;
    let found: ts.Node | undefined;
    const walk = (n: ts.Node): void => {
      if (found) return;
      if (ts.isAwaitExpression(n)) {
        found = n;
        return;
      }
      if (ts.isForOfStatement(n) && n.awaitModifier) {
        found = n;
        return;
      }
      if (isFunctionLike(n) || ts.isClassLike(n)) return;
      ts.forEachChild(n, walk);
    };
    walk(node);
    return found;
  }

  private checkAwait(node: ts.Node | undefined, ended: boolean): void {
    if (ended || this.caught > 0) return;
    const a = this.ownAwait(node);
    if (a) this.report('await', a.getStart(this.sf));
  }

  list(statements: readonly ts.Statement[], ended: boolean): Flow {
    let state: Flow = { ended, reachable: true };
    for (const s of statements) {
      if (!state.reachable) break;
      state = this.statement(s, state.ended);
    }
    return state;
  }

  private merge(a: Flow, b: Flow): Flow {
    return { ended: (a.reachable ? a.ended : true) && (b.reachable ? b.ended : true), reachable: a.reachable || b.reachable };
  }

  statement(s: ts.Statement, ended: boolean): Flow {
    if (this.isEndStatement(s)) return { ended: true, reachable: true };
    if (ts.isBlock(s)) return this.list(s.statements, ended);
    if (ts.isReturnStatement(s)) {
      const endsInReturn = s.expression !== undefined && this.containsOwnEnd(s.expression);
      if (!ended && !endsInReturn) this.report('return', s.getStart(this.sf));
      return { ended: true, reachable: false };
    }
    if (ts.isThrowStatement(s)) {
      if (!ended && this.caught === 0) this.report('throw', s.getStart(this.sf));
      return { ended, reachable: false };
    }
    if (ts.isIfStatement(s)) {
      this.checkAwait(s.expression, ended);
      const a = this.statement(s.thenStatement, ended);
      const b = s.elseStatement ? this.statement(s.elseStatement, ended) : { ended, reachable: true };
      return this.merge(a, b);
    }
    if (ts.isTryStatement(s)) return this.tryStatement(s, ended);
    if (ts.isDoStatement(s)) {
      const body = this.statement(s.statement, ended);
      this.checkAwait(s.expression, body.ended);
      return { ended: body.reachable ? body.ended : ended, reachable: true };
    }
    if (ts.isWhileStatement(s) || ts.isForStatement(s) || ts.isForOfStatement(s) || ts.isForInStatement(s)) {
      if (ts.isWhileStatement(s)) this.checkAwait(s.expression, ended);
      else if (ts.isForStatement(s)) {
        this.checkAwait(s.initializer, ended);
        this.checkAwait(s.condition, ended);
      } else {
        if (ts.isForOfStatement(s) && s.awaitModifier && !ended && this.caught === 0) this.report('await', s.getStart(this.sf));
        this.checkAwait(s.expression, ended);
      }
      this.statement(s.statement, ended);
      return { ended, reachable: true };
    }
    if (ts.isSwitchStatement(s)) {
      this.checkAwait(s.expression, ended);
      let all = true;
      let hasDefault = false;
      for (const clause of s.caseBlock.clauses) {
        if (ts.isDefaultClause(clause)) hasDefault = true;
        const f = this.list(clause.statements, ended);
        if (f.reachable && !f.ended && clause.statements.length > 0) all = false;
      }
      return { ended: ended || (all && hasDefault), reachable: true };
    }
    if (ts.isBreakStatement(s) || ts.isContinueStatement(s)) return { ended, reachable: false };
    if (ts.isLabeledStatement(s)) return this.statement(s.statement, ended);
    if (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) return { ended, reachable: true };
    this.checkAwait(s, ended);
    return { ended, reachable: true };
  }

  private tryStatement(s: ts.TryStatement, ended: boolean): Flow {
    const finallyEnds = s.finallyBlock !== undefined && s.finallyBlock.statements.some((x) => this.isEndStatement(x));
    if (finallyEnds) this.finallyEnds++;
    if (s.catchClause) this.caught++;
    const t = this.list(s.tryBlock.statements, ended);
    if (s.catchClause) this.caught--;
    // The catch may be entered before any end in the try ran.
    const c = s.catchClause ? this.list(s.catchClause.block.statements, ended) : { ended: true, reachable: false };
    if (finallyEnds) this.finallyEnds--;
    let merged = s.catchClause ? this.merge(t, c) : t;
    if (s.finallyBlock) {
      const f = this.list(s.finallyBlock.statements, merged.ended);
      merged = { ended: merged.ended || f.ended || finallyEnds, reachable: merged.reachable && f.reachable };
    }
    return merged;
  }

  containsOwnEnd(node: ts.Node): boolean {
    let found = false;
    const walk = (n: ts.Node): void => {
      if (found) return;
      if (isMethodCallOn(n, this.spanVar, 'end')) {
        found = true;
        return;
      }
      if (isFunctionLike(n) || ts.isClassLike(n)) return;
      ts.forEachChild(n, walk);
    };
    walk(node);
    return found;
  }
}

/** How the span variable is used in `scope`: ended in nested functions, handed elsewhere, ended at all. */
function usage(scope: ts.Node, spanVar: string): { endedInNested: boolean; escapes: boolean; endedAnywhere: boolean } {
  let endedInNested = false;
  let escapes = false;
  let endedAnywhere = false;
  const walk = (n: ts.Node, nested: boolean): void => {
    if (isMethodCallOn(n, spanVar, 'end')) {
      endedAnywhere = true;
      if (nested) endedInNested = true;
    }
    if (ts.isIdentifier(n) && n.text === spanVar) {
      const p = n.parent;
      const isReceiver = ts.isPropertyAccessExpression(p) && p.expression === n;
      const isDeclName = (ts.isVariableDeclaration(p) || ts.isParameter(p)) && p.name === n;
      const inSetSpan = ts.isCallExpression(p) && ts.isPropertyAccessExpression(p.expression) && /^(setSpan|setSpanContext)$/.test(p.expression.name.text);
      if (!isReceiver && !isDeclName && !inSetSpan) escapes = true;
    }
    const childNested = nested || (n !== scope && (isFunctionLike(n) || ts.isClassLike(n)));
    ts.forEachChild(n, (c) => walk(c, childNested));
  };
  walk(scope, false);
  return { endedInNested, escapes, endedAnywhere };
}

function spanLabel(site: SpanStartSite, sf: ts.SourceFile): string {
  const n = site.name;
  if (!n) return 'span';
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
  const t = n.getText(sf);
  return t.length > 40 ? `${t.slice(0, 37)}…` : t;
}

/** [start, end) of the part of a span start call to underline: `startSpan('name'`. */
export function spanCallRange(site: SpanStartSite, sf: ts.SourceFile): { start: number; end: number } {
  const callee = site.call.expression as ts.PropertyAccessExpression;
  const start = callee.name.getStart(sf);
  const nameEnd = site.name?.end ?? callee.end;
  const sameLine = sf.getLineAndCharacterOfPosition(start).line === sf.getLineAndCharacterOfPosition(nameEnd).line;
  return { start, end: sameLine ? nameEnd : callee.end };
}

/** The statements a start governs: those after `const span = …startSpan()`, or the callback's body. */
function governedStatements(site: SpanStartSite): { statements: readonly ts.Statement[]; scope: ts.Node } | undefined {
  if (site.method === 'startSpan') {
    const decl = site.declaration;
    if (!decl) return undefined;
    const list = decl.parent;
    if (!ts.isVariableDeclarationList(list) || !ts.isVariableStatement(list.parent)) return undefined;
    const where = statementListOf(list.parent);
    if (!where) return undefined;
    return { statements: where.list.slice(where.index + 1), scope: list.parent.parent };
  }
  const cb = site.callback;
  if (!cb || !ts.isBlock(cb.body)) return undefined;
  return { statements: cb.body.statements, scope: cb.body };
}

function message(kind: ProblemKind, label: string, spanVar: string, line: number): string {
  switch (kind) {
    case 'never':
      return `Span '${label}' is never ended, so it is never exported. Call ${spanVar}.end() in a finally block.`;
    case 'return':
      return `Span '${label}' is not ended on every path: the return at line ${line} leaves it open. End it in a finally block.`;
    case 'throw':
      return `Span '${label}' is not ended on every path: the throw at line ${line} leaves it open. End it in a finally block.`;
    case 'await':
      return `Span '${label}' is not ended if the await at line ${line} rejects. End it in a finally block.`;
    case 'end-of-scope':
      return `Span '${label}' is not ended when the code reaches line ${line} without calling ${spanVar}.end(). End it in a finally block.`;
  }
}

/** Wraps statements [first, last] in `try { … } finally { span.end(); }`, dropping the now-redundant plain ends. */
export function tryFinallyEdits(ctx: SourceContext, governed: readonly ts.Statement[], spanVar: string, endStatements: readonly ts.Statement[]): OffsetEdit[] {
  const sf = ctx.sourceFile;
  const text = ctx.text;
  // A plain end as the last statement (`…; span.end();` in a void function) is removed, not wrapped: the try closes
  // before it, or the closing `} finally {` would be inserted inside its removal (overlapping edits).
  let count = governed.length;
  while (count > 1 && endStatements.includes(governed[count - 1]!)) count--;
  const statements = governed.slice(0, count);
  const first = statements[0]!;
  const last = statements[statements.length - 1]!;
  const u = ctx.indentUnit;
  const nl = ctx.newline;
  const indent = lineIndentAt(text, first.getStart(sf));
  // Start at the line of the first statement's leading comments so they move inside the try too.
  const leadStart = first.getFullStart();
  const firstNl = text.indexOf('\n', leadStart);
  const regionStartsOnOwnLine = firstNl !== -1 && firstNl < first.getStart(sf) && text.slice(leadStart, firstNl).trim() === '';
  const regionStart = regionStartsOnOwnLine ? firstNl + 1 : first.getStart(sf);
  let lineEnd = text.indexOf('\n', last.end);
  if (lineEnd === -1) lineEnd = text.length;
  const tail = text.slice(last.end, lineEnd).replace(/\r$/, '');
  const tailIsComment = tail.replace(/\/\*.*?\*\//g, '').replace(/\/\/.*$/, '').trim() === '';
  const regionEnd = tailIsComment ? last.end + tail.length : last.end;
  const removals = endStatements.map((s) => removeStatementEdit(ctx, s));
  const reindents = reindentEdits(sf, regionStart - 1, regionEnd, u).filter((e) => !removals.some((r) => e.start >= r.start && e.start < r.end));
  const open: OffsetEdit = regionStartsOnOwnLine
    ? { start: regionStart, end: regionStart, newText: `${indent}try {${nl}` }
    : { start: regionStart, end: regionStart, newText: `${nl}${indent}try {${nl}${indent}${u}` };
  const close: OffsetEdit = { start: regionEnd, end: regionEnd, newText: `${nl}${indent}} finally {${nl}${indent}${u}${spanVar}.end()${semi(ctx)}${nl}${indent}}` };
  return [open, ...reindents, ...removals, close];
}

function endSpanFix(rc: RuleContext, site: SpanStartSite, flow: EndFlow): InternalFix {
  return {
    id: 'end-span',
    title: `End span '${spanLabel(site, rc.ctx.sourceFile)}' in a finally block`,
    kind: 'quickfix',
    safe: true,
    edits: () => {
      const ctx = rc.ctx;
      const spanVar = site.spanVar ?? 'span';
      const paramEdits: OffsetEdit[] = [];
      const cbNoParam = site.callback && site.callback.parameters.length === 0 ? site.callback : undefined;
      if (cbNoParam) {
        // `() => …` cannot end the span it is given: take it as a parameter.
        const sf = ctx.sourceFile;
        const open = ts.isArrowFunction(cbNoParam) && !ctx.text.slice(cbNoParam.getStart(sf), cbNoParam.equalsGreaterThanToken.getStart(sf)).includes('(')
          ? undefined
          : ctx.text.indexOf('(', ts.isFunctionExpression(cbNoParam) && cbNoParam.name ? cbNoParam.name.end : cbNoParam.getStart(sf));
        if (open === undefined || open < 0) return undefined;
        paramEdits.push({ start: open + 1, end: open + 1, newText: spanVar });
      }
      const withParams = (edits: OffsetEdit[] | undefined): OffsetEdit[] | undefined => (edits ? [...paramEdits, ...edits] : undefined);
      const governed = governedStatements(site);
      if (governed && governed.statements.length > 0) {
        const ends: ts.Statement[] = [];
        const walk = (n: ts.Node): void => {
          if (ts.isExpressionStatement(n) && flow.isEndStatement(n) && statementListOf(n)) ends.push(n);
          if (isFunctionLike(n) || ts.isClassLike(n)) return;
          ts.forEachChild(n, walk);
        };
        for (const s of governed.statements) walk(s);
        return withParams(tryFinallyEdits(ctx, governed.statements, spanVar, ends));
      }
      if (governed && site.declaration) {
        const stmt = site.declaration.parent.parent as ts.VariableStatement;
        const indent = lineIndentAt(ctx.text, stmt.getStart(ctx.sourceFile));
        return [{ start: stmt.end, end: stmt.end, newText: `${ctx.newline}${indent}${spanVar}.end()${semi(ctx)}` }];
      }
      const cb = site.callback;
      if (cb && !ts.isBlock(cb.body)) {
        const body = cb.body;
        const base = lineIndentAt(ctx.text, cb.getStart(ctx.sourceFile));
        const u = ctx.indentUnit;
        const nl = ctx.newline;
        const bodyText = ctx.text.slice(body.getStart(ctx.sourceFile), body.end);
        const replacement = [
          '{',
          `${base}${u}try {`,
          `${base}${u}${u}return ${bodyText}${semi(ctx)}`,
          `${base}${u}} finally {`,
          `${base}${u}${u}${spanVar}.end()${semi(ctx)}`,
          `${base}${u}}`,
          `${base}}`,
        ].join(nl);
        return withParams([{ start: body.getStart(ctx.sourceFile), end: body.end, newText: replacement }]);
      }
      return undefined;
    },
  };
}

export const spanNotEnded: Rule = (rc) => {
  const sf = rc.ctx.sourceFile;
  const out: RawFinding[] = [];
  for (const site of rc.sites.spanStarts) {
    const spanVar = site.spanVar;
    if (site.callback && site.callback.parameters.length === 0) {
      const range = spanCallRange(site, sf);
      out.push({
        rule: 'span-not-ended',
        start: range.start,
        end: range.end,
        message: `Span '${spanLabel(site, sf)}' is never ended: the callback does not take the span, so nothing can call span.end(). Take it as a parameter and end it in a finally block.`,
        fixes: [endSpanFix(rc, site, new EndFlow('span', sf))],
      });
      continue;
    }
    if (site.method === 'startSpan' && ts.isExpressionStatement(site.call.parent)) {
      // `tracer.startSpan('x');` — the span is dropped on the floor: nothing can ever end it.
      const range = spanCallRange(site, sf);
      out.push({
        rule: 'span-not-ended',
        start: range.start,
        end: range.end,
        message: `Span '${spanLabel(site, sf)}' is started and dropped: nothing can end it, so it is never exported. Keep it in a variable and end it in a finally block, or use startActiveSpan.`,
        fixes: [],
      });
      continue;
    }
    if (!spanVar) continue;
    let scope: ts.Node;
    let statements: readonly ts.Statement[] | undefined;
    if (site.method === 'startActiveSpan') {
      if (!site.callback) continue;
      scope = site.callback.body;
      statements = ts.isBlock(site.callback.body) ? site.callback.body.statements : undefined;
    } else {
      const governed = governedStatements(site);
      if (!governed) continue;
      scope = governed.scope;
      statements = governed.statements;
    }
    const use = usage(scope, spanVar);
    if (use.escapes || use.endedInNested) continue;
    const flow = new EndFlow(spanVar, sf);
    let problem: Problem | undefined;
    if (!use.endedAnywhere) {
      problem = { kind: 'never', at: site.call.getStart(sf) };
    } else if (statements) {
      const result = flow.list(statements, false);
      problem = flow.problems[0];
      if (!problem && result.reachable && !result.ended) {
        const closeAt = statements.length > 0 ? statements[statements.length - 1]!.end : site.call.end;
        problem = { kind: 'end-of-scope', at: closeAt };
      }
    }
    if (!problem) continue;
    const range = spanCallRange(site, sf);
    out.push({
      rule: 'span-not-ended',
      start: range.start,
      end: range.end,
      message: message(problem.kind, spanLabel(site, sf), spanVar, lineOf(rc, problem.at)),
      fixes: [endSpanFix(rc, site, flow)],
    });
  }
  return out;
};
