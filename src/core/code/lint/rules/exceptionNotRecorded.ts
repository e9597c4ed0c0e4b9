// exception-not-recorded: a catch inside a span that neither rethrows nor records the error makes the trace show a
// failed operation as a success.
import { ts } from 'ts-morph';
import { identifiersIn, isFunctionLike, isSpanCallback, uniqueName } from '../../fixes/functionShapes';
import { planImports } from '../../fixes/otelImports';
import { lineIndentAt, semi } from '../../fixes/sourceContext';
import type { OffsetEdit } from '../../fixes/textEdits';
import type { RawFinding, Rule, RuleContext } from '../ruleTypes';
import { isMethodCallOn, type SpanStartSite } from '../spanSites';

/** Where the spans of a file are visible: startActiveSpan callbacks, and `const s = startSpan()` per statement list. */
interface SpanScopes {
  readonly callbacks: ReadonlyMap<ts.Node, string>;
  /** Per statement list (block, file, case clause), its span declarations in source order. */
  readonly declarations: ReadonlyMap<ts.Node, ReadonlyArray<{ readonly statement: ts.Statement; readonly spanVar: string }>>;
}

// Built once per list of span starts (one lint run): building it per catch made the rule quadratic in big files.
const scopesCache = new WeakMap<readonly SpanStartSite[], SpanScopes>();

function spanScopes(starts: readonly SpanStartSite[]): SpanScopes {
  const cached = scopesCache.get(starts);
  if (cached) return cached;
  const callbacks = new Map<ts.Node, string>();
  const declarations = new Map<ts.Node, Array<{ statement: ts.Statement; spanVar: string }>>();
  for (const s of starts) {
    if (s.callback && s.spanVar) callbacks.set(s.callback, s.spanVar);
    if (s.declaration && s.spanVar) {
      const statement = s.declaration.parent.parent as ts.Statement;
      const list = declarations.get(statement.parent) ?? [];
      list.push({ statement, spanVar: s.spanVar });
      declarations.set(statement.parent, list);
    }
  }
  for (const list of declarations.values()) list.sort((a, b) => a.statement.pos - b.statement.pos);
  const scopes = { callbacks, declarations };
  scopesCache.set(starts, scopes);
  return scopes;
}

/** The span variable visible at `node`: a startActiveSpan callback's parameter or an earlier `const s = startSpan()`. */
export function spanInScope(node: ts.Node, starts: readonly SpanStartSite[]): string | undefined {
  const { callbacks, declarations } = spanScopes(starts);
  let child: ts.Node = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    const cbVar = callbacks.get(p);
    if (cbVar) return cbVar;
    if (ts.isBlock(p) || ts.isSourceFile(p) || ts.isCaseClause(p) || ts.isDefaultClause(p)) {
      const list = declarations.get(p);
      if (list) {
        // The nearest declaration before the statement holding `node`.
        for (let i = list.length - 1; i >= 0; i--) if (list[i]!.statement.pos < child.pos) return list[i]!.spanVar;
      }
    }
    if (isFunctionLike(p) && !isSpanCallback(p)) return undefined;
  }
  return undefined;
}

function catchHandles(block: ts.Block, spanVar: string): boolean {
  let handled = false;
  const walk = (n: ts.Node): void => {
    if (handled) return;
    if (ts.isThrowStatement(n)) handled = true;
    else if (isMethodCallOn(n, spanVar, 'recordException') || isMethodCallOn(n, spanVar, 'setStatus')) handled = true;
    // The span handed to a helper (`reportError(span, err)`): assume the helper records it.
    else if (ts.isCallExpression(n) && n.arguments.some((a) => ts.isIdentifier(a) && a.text === spanVar)) handled = true;
    if (handled || isFunctionLike(n) || ts.isClassLike(n)) return;
    ts.forEachChild(n, walk);
  };
  walk(block);
  return handled;
}

function recordExceptionEdits(rc: RuleContext, clause: ts.CatchClause, spanVar: string): OffsetEdit[] | undefined {
  const ctx = rc.ctx;
  const sf = ctx.sourceFile;
  const text = ctx.text;
  const edits: OffsetEdit[] = [];
  let errName: string;
  const decl = clause.variableDeclaration;
  if (decl) {
    if (!ts.isIdentifier(decl.name)) return undefined;
    errName = decl.name.text;
  } else {
    errName = uniqueName(['err', 'error', 'e'], identifiersIn(clause.block));
    // `catch {` → `catch (err) {`
    const catchKw = clause.getStart(sf) + 'catch'.length;
    edits.push({ start: catchKw, end: clause.block.getStart(sf), newText: ` (${errName}) ` });
  }
  const plan = planImports(ctx, { names: ['SpanStatusCode'], tracer: false, tracerName: rc.options.tracerName, useSite: clause.block });
  const block = clause.block;
  const firstStmt = block.statements[0];
  const u = ctx.indentUnit;
  const indent = firstStmt ? lineIndentAt(text, firstStmt.getStart(sf)) : lineIndentAt(text, clause.getStart(sf)) + u;
  const asError = ctx.isTypeScript ? ' as Error' : '';
  const lines = [
    `${spanVar}.recordException(${errName}${asError})${semi(ctx)}`,
    `${spanVar}.setStatus({ code: ${plan.refs.SpanStatusCode}.ERROR, message: ${errName} instanceof Error ? ${errName}.message : String(${errName}) })${semi(ctx)}`,
  ];
  const open = block.getStart(sf) + 1;
  const nl = ctx.newline;
  const onOneLine = !text.slice(open, block.end).includes('\n');
  if (onOneLine) {
    // `catch (e) { log(e); }` → one statement per line.
    const closeIndent = lineIndentAt(text, clause.getStart(sf));
    const inner = text.slice(open, block.end - 1).trim();
    const body = [...lines, ...(inner ? [inner] : [])].map((l) => `${closeIndent}${u}${l}`).join(nl);
    edits.push({ start: open, end: block.end - 1, newText: `${nl}${body}${nl}${closeIndent}` });
  } else {
    edits.push({ start: open, end: open, newText: lines.map((l) => `${nl}${indent}${l}`).join('') });
  }
  return [...plan.edits, ...edits];
}

export const exceptionNotRecorded: Rule = (rc) => {
  const sf = rc.ctx.sourceFile;
  const out: RawFinding[] = [];
  if (rc.sites.spanStarts.length === 0) return out;
  const visit = (node: ts.Node): void => {
    if (ts.isCatchClause(node)) {
      const spanVar = spanInScope(node, rc.sites.spanStarts);
      if (spanVar && !catchHandles(node.block, spanVar)) {
        const start = node.getStart(sf);
        out.push({
          rule: 'exception-not-recorded',
          start,
          end: node.block.getStart(sf),
          message: `This catch swallows the error without recording it on span '${spanVar}', so the trace shows the operation as successful. Record it with ${spanVar}.recordException() and an error status.`,
          fixes: [
            {
              id: 'record-exception',
              title: `Record the exception on '${spanVar}'`,
              kind: 'quickfix',
              safe: true,
              edits: () => recordExceptionEdits(rc, node, spanVar),
            },
          ],
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
};
