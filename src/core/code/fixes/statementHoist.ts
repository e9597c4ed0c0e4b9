// Puts new statements right before the statement that holds an expression, giving the code a block to live in
// when there is none (an arrow's expression body, a brace-less if/loop body).
import { ts } from 'ts-morph';
import { isFunctionLike } from './functionShapes';
import { sliceWithEdits } from './reindent';
import { lineIndentAt, semi, type SourceContext } from './sourceContext';
import type { OffsetEdit } from './textEdits';

function isStatementList(node: ts.Node): boolean {
  return ts.isBlock(node) || ts.isSourceFile(node) || ts.isModuleBlock(node) || ts.isCaseClause(node) || ts.isDefaultClause(node);
}

/**
 * Edits inserting `lines` (statements without indentation) before the statement holding `node`, plus `inner`
 * (edits inside that statement), or undefined when the expression is somewhere statements cannot go first
 * (a parameter default, a class field initialiser).
 */
export function hoistBefore(ctx: SourceContext, node: ts.Node, lines: readonly string[], inner: readonly OffsetEdit[]): OffsetEdit[] | undefined {
  const sf = ctx.sourceFile;
  const text = ctx.text;
  const nl = ctx.newline;
  const u = ctx.indentUnit;
  let child: ts.Node = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    if (ts.isArrowFunction(p) && p.body === child && !ts.isBlock(child)) {
      // `(x) => call(x)` → `(x) => { …; return call(x); }`
      const base = lineIndentAt(text, p.getStart(sf));
      const bodyText = sliceWithEdits(text, child.getStart(sf), child.end, inner);
      const out = [...lines.map((l) => `${base}${u}${l}`), `${base}${u}return ${bodyText}${semi(ctx)}`];
      return [{ start: child.getStart(sf), end: child.end, newText: `{${nl}${out.join(nl)}${nl}${base}}` }];
    }
    if (isFunctionLike(p) || ts.isClassLike(p) || ts.isParameter(p) || ts.isPropertyDeclaration(p)) return undefined;
    if (ts.isStatement(child) || ts.isVariableStatement(child)) {
      if (isStatementList(p)) {
        const start = (child as ts.Statement).getStart(sf);
        const indent = lineIndentAt(text, start);
        const lineStart = text.lastIndexOf('\n', start - 1) + 1;
        const onOwnLine = text.slice(lineStart, start).trim() === '';
        const insert = onOwnLine ? lines.map((l) => `${indent}${l}${nl}`).join('') : lines.map((l) => `${l} `).join('');
        return [{ start: onOwnLine ? lineStart : start, end: onOwnLine ? lineStart : start, newText: insert }, ...inner];
      }
      if (ts.isIfStatement(p) || ts.isIterationStatement(p, false) || ts.isLabeledStatement(p)) {
        const start = child.getStart(sf);
        const base = lineIndentAt(text, p.getStart(sf));
        const stmtText = sliceWithEdits(text, start, child.end, inner);
        const out = [...lines.map((l) => `${base}${u}${l}`), `${base}${u}${stmtText}`];
        return [{ start, end: child.end, newText: `{${nl}${out.join(nl)}${nl}${base}}` }];
      }
    }
  }
  return undefined;
}
