// span-not-ended and exception-not-recorded for Go. A span from tracer.Start is ended by `defer span.End()` or by
// `span.End()` on every way out of the function; an `if err != nil { return …err… }` after the start reports the
// error to the caller but not to the trace unless it calls span.RecordError and span.SetStatus.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import type { RawFinding } from '../../../lint/ruleTypes';
import { type GoLintContext, usePackage } from './goLintContext';
import { lineEndOf } from '../../../lint/textRegions';
import { enclosingFunctionOf, identifiersNamed, indentOf, lineAt, methodCall, ownDescendants } from './goLintSyntax';
import type { GoSpanStart } from './goSpanStarts';

/** `span.End()` calls of the function itself (not in a nested literal) after the start. */
function ownEnds(start: GoSpanStart, span: string): SyntaxNode[] {
  return ownDescendants(start.fn, 'call_expression').filter((c) => c.startIndex > start.statement.endIndex && methodCall(c)?.method === 'End' && methodCall(c)!.operand.text === span);
}

/** True when the span leaves the function's hands: returned, passed to a call, stored, or ended in a closure. */
function escapes(start: GoSpanStart, span: string): boolean {
  const body = start.fn.childForFieldName('body');
  if (!body) return true;
  for (const use of identifiersNamed(body, span)) {
    if (use.startIndex < start.statement.endIndex) continue;
    const parent = use.parent;
    if (!parent) continue;
    if (parent.type === 'selector_expression' && parent.childForFieldName('operand')?.id === use.id) {
      // span.End() inside a func literal (a goroutine, a callback): ended somewhere this rule cannot follow.
      const call = parent.parent;
      if (call && methodCall(call)?.method === 'End' && enclosingFunctionOf(call)?.id !== start.fn.id) return true;
      continue;
    }
    return true;
  }
  return false;
}

/** A `defer span.End()` (or a deferred literal that ends it) of the function itself. */
function deferredEnd(start: GoSpanStart, span: string): boolean {
  return ownDescendants(start.fn, 'defer_statement').some((d) => d.startIndex > start.statement.startIndex && new RegExp(`\\b${span}\\s*\\.\\s*End\\s*\\(`).test(d.text));
}

/** True when an End of `ends` runs before `node` on every path to it: one is an earlier statement of a list around it. */
function endedBefore(node: SyntaxNode, ends: readonly SyntaxNode[], stop: SyntaxNode): boolean {
  const endStatements = new Set(ends.map((e) => (e.parent?.type === 'expression_statement' ? e.parent.id : e.id)));
  for (let n: SyntaxNode | null = node; n && n.id !== stop.id; n = n.parent) {
    const list = n.parent;
    if (list?.type !== 'statement_list' && list?.type !== 'block') continue;
    for (let prev = n.previousNamedSibling; prev; prev = prev.previousNamedSibling) if (endStatements.has(prev.id)) return true;
  }
  return false;
}

/** True when the start sits in a loop of its function: a deferred End would run only when the function returns. */
function inLoop(start: GoSpanStart): boolean {
  for (let n = start.statement.parent; n && n.id !== start.fn.id; n = n.parent) if (n.type === 'for_statement') return true;
  return false;
}

function hasResults(fn: SyntaxNode): boolean {
  return fn.childForFieldName('result') !== null;
}

export function goSpanNotEnded(lc: GoLintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const start of lc.starts) {
    const span = start.spanVar;
    if (!span || !start.fn.childForFieldName('body')) continue;
    if (deferredEnd(start, span) || escapes(start, span)) continue;
    const ends = ownEnds(start, span);
    const startLine = lineAt(lc.text, start.call.startIndex);
    let message: string | undefined;
    if (ends.length === 0) message = `Span '${span}' started at line ${startLine} is never ended, so it is never exported. Add 'defer ${span}.End()' after the start.`;
    else {
      const open = ownDescendants(start.fn, 'return_statement').find((r) => r.startIndex > start.statement.endIndex && !endedBefore(r, ends, start.fn));
      if (open) message = `Span '${span}' started at line ${startLine} is not ended when the function returns at line ${lineAt(lc.text, open.startIndex)}. Use 'defer ${span}.End()' after the start.`;
      else if (!hasResults(start.fn) && !endedBefore(start.fn.childForFieldName('body')!.lastNamedChild ?? start.statement, ends, start.fn) && !endsAtTail(start, ends)) {
        message = `Span '${span}' started at line ${startLine} is not ended on every path to the end of the function. Use 'defer ${span}.End()' after the start.`;
      }
    }
    if (!message) continue;
    const loop = inLoop(start);
    const at = lineEndOf(lc.text, start.statement.endIndex);
    const edits: OffsetEdit[] = [{ start: at, end: at, newText: `\n${indentOf(lc.text, start.statement.startIndex)}defer ${span}.End()` }];
    out.push({
      rule: 'span-not-ended',
      start: start.call.startIndex,
      end: start.call.endIndex,
      message: loop ? `${message.replace(/ Use 'defer.*$| Add 'defer.*$/, '')} It starts in a loop: end it at the end of each iteration, or move the loop body into a function with 'defer ${span}.End()'.` : message,
      fixes: loop ? [] : [{ id: 'end-span', title: `Add 'defer ${span}.End()'`, kind: 'quickfix', safe: true, edits: () => edits }],
    });
  }
  return out;
}

/** An End as the last statement of the start's own list covers the fall-through path. */
function endsAtTail(start: GoSpanStart, ends: readonly SyntaxNode[]): boolean {
  const list = start.statement.parent;
  const last = list?.lastNamedChild;
  return !!last && ends.some((e) => e.parent?.id === last.id || e.id === last.id);
}

/**
 * Names Go code gives error values (`err`, `readErr`, `errClose`, `e`): without types, the name is what tells an
 * `if err != nil` from an `if item != nil` (recording `item` would not compile).
 */
const errorName = /^(err|e|error)$|Err$|^err[A-Z0-9_]/;

/** `err != nil` / `nil != err`: the checked error variable. */
function checkedError(condition: SyntaxNode | null): string | undefined {
  if (condition?.type !== 'binary_expression' || condition.childForFieldName('operator')?.text !== '!=') return undefined;
  const l = condition.childForFieldName('left');
  const r = condition.childForFieldName('right');
  const id = l?.type === 'identifier' && r?.type === 'nil' ? l.text : r?.type === 'identifier' && l?.type === 'nil' ? r.text : undefined;
  return id !== undefined && errorName.test(id) ? id : undefined;
}

export interface ErrorReturn {
  readonly ifStatement: SyntaxNode;
  readonly block: SyntaxNode;
  readonly ret: SyntaxNode;
  readonly err: string;
}

/** The `if err != nil { … return …err… }` blocks of `fn` after `after` (its own, not a nested literal's). */
export function errorReturns(fn: SyntaxNode, after: number): ErrorReturn[] {
  const out: ErrorReturn[] = [];
  for (const ifs of ownDescendants(fn, 'if_statement')) {
    if (ifs.startIndex < after) continue;
    const err = checkedError(ifs.childForFieldName('condition'));
    const block = ifs.childForFieldName('consequence');
    if (!err || !block) continue;
    const ret = ownDescendants(block, 'return_statement').find((r) => identifiersNamed(r, err).length > 0);
    if (ret) out.push({ ifStatement: ifs, block, ret, err });
  }
  return out;
}

/** Edits recording `err` on `span` at the top of the if block (before its first statement). */
export function recordErrorEdits(lc: GoLintContext, block: SyntaxNode, span: string, err: string, codesName?: string): OffsetEdit[] {
  // With a name given, the caller imports the package itself (with its other imports).
  const codes = codesName !== undefined ? { name: codesName, edits: [] } : usePackage(lc, 'codes');
  const first = block.namedChildren.find((c) => c !== null && c.type !== 'comment');
  const stmt = first?.type === 'statement_list' ? first.namedChildren.find((c) => c !== null && c.type !== 'comment') ?? first : first;
  if (!stmt) return [];
  const onBraceLine = !lc.text.slice(block.startIndex, stmt.startIndex).includes('\n');
  const indent = onBraceLine ? '' : indentOf(lc.text, stmt.startIndex);
  const sep = onBraceLine ? '; ' : `\n${indent}`;
  const lines = `${span}.RecordError(${err})${sep}${span}.SetStatus(${codes.name}.Error, ${err}.Error())${sep}`;
  return [...codes.edits, { start: stmt.startIndex, end: stmt.startIndex, newText: lines }];
}

export function goExceptionNotRecorded(lc: GoLintContext): RawFinding[] {
  const out: RawFinding[] = [];
  const seen = new Set<number>();
  for (const start of lc.starts) {
    const span = start.spanVar;
    if (!span) continue;
    for (const e of errorReturns(start.fn, start.statement.endIndex)) {
      if (seen.has(e.ret.id) || identifiersNamed(e.block, span).length > 0) continue;
      // Another span started between (a child span) owns this error.
      if (lc.starts.some((s) => s !== start && s.fn.id === start.fn.id && s.statement.startIndex > start.statement.startIndex && s.statement.startIndex < e.ifStatement.startIndex)) continue;
      seen.add(e.ret.id);
      out.push({
        rule: 'exception-not-recorded',
        start: e.ret.startIndex,
        end: e.ret.endIndex,
        message: `The error '${e.err}' is returned without being recorded on span '${span}': the trace shows the operation as successful. Call ${span}.RecordError(${e.err}) and ${span}.SetStatus(codes.Error, …) first.`,
        fixes: [{ id: 'record-exception', title: `Record '${e.err}' on '${span}' and set the error status`, kind: 'quickfix', safe: true, edits: () => recordErrorEdits(lc, e.block, span, e.err) }],
      });
    }
  }
  return out;
}
