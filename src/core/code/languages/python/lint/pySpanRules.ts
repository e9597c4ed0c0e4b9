// span-not-ended and exception-not-recorded for Python. `with tracer.start_as_current_span(…)` ends its span and
// records an exception that escapes it; a span from `tracer.start_span(…)` must be ended by the code (in a
// `finally`, or by `with trace.use_span(span, end_on_exit=True)`), and an `except` inside a span that swallows the
// exception leaves the span looking successful unless it records it.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import type { RawFinding } from '../../../lint/ruleTypes';
import { ensureFromImports } from './pyImports';
import type { PyLintContext } from './pyLintContext';
import { identifiersNamed, indentEdits, indentOf, lineAt, lineEndOf, lineStartOf, methodCall, ownDescendants, plainString } from './pyLintSyntax';
import type { PySpanStart } from './pySpans';

function callsOn(node: SyntaxNode, span: string, method: string): SyntaxNode[] {
  return ownDescendants(node, 'call').filter((c) => {
    const m = methodCall(c);
    return m?.method === method && m.object.type === 'identifier' && m.object.text === span;
  });
}

/** True when the code hands the span on (returns, yields, stores or passes it) or ends it by a context manager. */
function handedOn(start: PySpanStart, span: string): boolean {
  const scope = start.fn?.childForFieldName('body') ?? start.body;
  if (!scope) return true;
  for (const use of identifiersNamed(scope, span)) {
    if (use.startIndex <= start.holder.endIndex) continue;
    const parent = use.parent;
    if (parent?.type === 'attribute' && parent.childForFieldName('object')?.id === use.id) continue;
    return true;
  }
  return false;
}

function inFinally(node: SyntaxNode, stop: SyntaxNode | undefined): boolean {
  for (let n = node.parent; n && n.id !== stop?.id; n = n.parent) if (n.type === 'finally_clause') return true;
  return false;
}

/** True when an end of `ends` runs before `node` on every path: it is an earlier statement of a block around it. */
function endedBefore(node: SyntaxNode, ends: readonly SyntaxNode[], stop: SyntaxNode): boolean {
  const statements = new Set(ends.map((e) => e.parent?.id));
  for (let n: SyntaxNode | null = node; n && n.id !== stop.id; n = n.parent) {
    if (n.parent?.type !== 'block' && n.parent?.type !== 'module') continue;
    for (let prev = n.previousNamedSibling; prev; prev = prev.previousNamedSibling) if (statements.has(prev.id)) return true;
  }
  return false;
}

/** try/finally around the statements after the start, to the end of its block; a trailing `span.end()` moves in. */
function tryFinallyEdits(lc: PyLintContext, start: PySpanStart, span: string): OffsetEdit[] {
  const statement = start.holder;
  const indent = indentOf(lc.text, statement.startIndex);
  const after: SyntaxNode[] = [];
  for (let s = statement.nextNamedSibling; s; s = s.nextNamedSibling) after.push(s);
  const code = after.filter((s) => s.type !== 'comment');
  if (code.length === 0) {
    const at = lineEndOf(lc.text, statement.endIndex);
    return [{ start: at, end: at, newText: `\n${indent}${span}.end()` }];
  }
  const isEnd = (s: SyntaxNode | undefined): boolean => s?.type === 'expression_statement' && callsOn(s, span, 'end').some((c) => c.parent?.id === s.id);
  let last = code.at(-1)!;
  let trailingEnd = isEnd(last) && code.length > 1;
  let region = trailingEnd ? code.slice(0, -1) : code;
  // `span.end()` right before the final return: the finally ends it at that very point, so it moves there too.
  const beforeReturn = code.at(-2);
  if (!trailingEnd && last.type === 'return_statement' && isEnd(beforeReturn) && code.length > 2) {
    const endStatement = beforeReturn!;
    region = code.filter((s) => s.id !== endStatement.id);
    const lineStart = lineStartOf(lc.text, endStatement.startIndex);
    const regionStart = lineStartOf(lc.text, region[0]!.startIndex);
    const regionEnd = lineEndOf(lc.text, last.endIndex);
    const edits: OffsetEdit[] = [{ start: regionStart, end: regionStart, newText: `${indent}try:\n` }];
    edits.push(...indentEdits(lc.text, regionStart, lineStart - 1, lc.unit, lc.stringRows));
    edits.push({ start: lineStart, end: lineEndOf(lc.text, endStatement.endIndex) + 1, newText: '' });
    edits.push(...indentEdits(lc.text, lineEndOf(lc.text, endStatement.endIndex) + 1, regionEnd, lc.unit, lc.stringRows));
    edits.push({ start: regionEnd, end: regionEnd, newText: `\n${indent}finally:\n${indent}${lc.unit}${lc.text.slice(endStatement.startIndex, endStatement.endIndex)}` });
    return edits;
  }
  last = code.at(-1)!;
  trailingEnd = isEnd(last) && code.length > 1;
  region = trailingEnd ? code.slice(0, -1) : code;
  const regionStart = lineStartOf(lc.text, region[0]!.startIndex);
  const regionEnd = lineEndOf(lc.text, region.at(-1)!.endIndex);
  const edits: OffsetEdit[] = [{ start: regionStart, end: regionStart, newText: `${indent}try:\n` }];
  edits.push(...indentEdits(lc.text, regionStart, regionEnd, lc.unit, lc.stringRows));
  if (trailingEnd) {
    // The `span.end()` line becomes the finally clause (its comments, if any, stay on their lines).
    const lineStart = lineStartOf(lc.text, last.startIndex);
    edits.push({ start: lineStart, end: lineEndOf(lc.text, last.endIndex), newText: `${indent}finally:\n${indent}${lc.unit}${lc.text.slice(last.startIndex, last.endIndex)}` });
  } else edits.push({ start: regionEnd, end: regionEnd, newText: `\n${indent}finally:\n${indent}${lc.unit}${span}.end()` });
  return edits;
}

export function pySpanNotEnded(lc: PyLintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const start of lc.starts) {
    const span = start.spanVar;
    if (start.form !== 'assigned' || !span || !start.body) continue;
    const scope = start.fn ?? lc.root;
    const ends = callsOn(start.fn?.childForFieldName('body') ?? start.body, span, 'end').filter((c) => c.startIndex > start.holder.endIndex);
    if (ends.some((e) => inFinally(e, start.fn))) continue;
    if (handedOn(start, span)) continue;
    const line = lineAt(lc.text, start.call.startIndex);
    let message: string | undefined;
    if (ends.length === 0) message = `Span '${span}' started at line ${line} is never ended, so it is never exported. End it in a finally block (or start it with 'with tracer.start_as_current_span(…)').`;
    else {
      const exits = ownDescendants(start.fn?.childForFieldName('body') ?? start.body, ['return_statement', 'raise_statement']).filter((r) => r.startIndex > start.holder.endIndex);
      const open = exits.find((r) => !endedBefore(r, ends, scope));
      if (open) message = `Span '${span}' started at line ${line} is not ended when the function ${open.type === 'raise_statement' ? 'raises' : 'returns'} at line ${lineAt(lc.text, open.startIndex)}. End it in a finally block.`;
    }
    if (!message) continue;
    const edits = tryFinallyEdits(lc, start, span);
    out.push({
      rule: 'span-not-ended',
      start: start.call.startIndex,
      end: start.call.endIndex,
      message,
      fixes: [{ id: 'end-span', title: `End '${span}' in a finally block`, kind: 'quickfix', safe: true, edits: () => edits }],
    });
  }
  return out;
}

/** What an `except` clause catches into: its `as` name, or the edit that names it. */
function exceptionName(lc: PyLintContext, clause: SyntaxNode): { name: string; edits: OffsetEdit[] } {
  const value = clause.namedChildren.find((c) => c !== null && c.type !== 'block' && c.type !== 'comment');
  if (value?.type === 'as_pattern') {
    const alias = value.childForFieldName('alias')?.text;
    if (alias) return { name: alias, edits: [] };
  }
  const name = identifiersNamed(clause, 'exc').length === 0 ? 'exc' : 'caught_exc';
  if (value) return { name, edits: [{ start: value.endIndex, end: value.endIndex, newText: ` as ${name}` }] };
  // A bare `except:` catches everything: BaseException keeps that.
  const keyword = clause.child(0)!;
  return { name, edits: [{ start: keyword.endIndex, end: keyword.endIndex, newText: ` BaseException as ${name}` }] };
}

/** How the fix refers to the span inside the with body: its `as` name, one it adds, or the current span. */
function spanReference(lc: PyLintContext, start: PySpanStart): SpanReference {
  if (start.spanVar) return { ref: start.spanVar, edits: [], needsTrace: false };
  if (start.form === 'with') {
    const scope = start.fn ?? lc.root;
    const name = identifiersNamed(scope, 'span').length === 0 ? 'span' : 'current_span';
    return { ref: name, edits: [{ start: start.call.endIndex, end: start.call.endIndex, newText: ` as ${name}` }], needsTrace: false };
  }
  return { ref: 'trace.get_current_span()', edits: [], needsTrace: true };
}

export function pyExceptionNotRecorded(lc: PyLintContext): RawFinding[] {
  const out: RawFinding[] = [];
  const seen = new Set<number>();
  for (const start of lc.starts) {
    if (start.form === 'assigned' || !start.body) continue;
    for (const { clause, block } of swallowingExcepts(start.body)) {
      if (seen.has(clause.id)) continue;
      // The innermost span around the clause owns it.
      const inner = lc.starts.find((s) => s !== start && s.form !== 'assigned' && s.body && s.body.startIndex > start.body!.startIndex && s.body.startIndex <= clause.startIndex && clause.endIndex <= s.body.endIndex);
      if (inner) continue;
      seen.add(clause.id);
      const header = clause.child(0)!;
      out.push({
        rule: 'exception-not-recorded',
        start: header.startIndex,
        end: header.endIndex,
        message: `This except swallows the exception inside span ${spanLabel(start)}: the trace shows the operation as successful. Record it with record_exception and set the error status.`,
        fixes: [{ id: 'record-exception', title: 'Record the exception on the span and set the error status', kind: 'quickfix', safe: true, edits: () => recordEdits(lc, spanReference(lc, start), clause, block) }],
      });
    }
  }
  return out;
}

function spanLabel(start: PySpanStart): string {
  const name = plainString(start.nameArg);
  return name !== undefined ? `'${name}'` : start.nameArg ? start.nameArg.text : `'${start.spanVar ?? 'span'}'`;
}

/** The `except` clauses in `scope` (its own, not a nested def's) that neither re-raise nor record the exception. */
export function swallowingExcepts(scope: SyntaxNode): Array<{ clause: SyntaxNode; block: SyntaxNode }> {
  const out: Array<{ clause: SyntaxNode; block: SyntaxNode }> = [];
  for (const clause of ownDescendants(scope, 'except_clause')) {
    const block = clause.namedChildren.find((c) => c?.type === 'block');
    if (!block || ownDescendants(clause, 'raise_statement').length > 0) continue;
    if (/\b(record_exception|set_status)\s*\(/.test(clause.text)) continue;
    out.push({ clause, block });
  }
  return out;
}

export interface SpanReference {
  readonly ref: string;
  readonly edits: OffsetEdit[];
  readonly needsTrace: boolean;
}

/**
 * Records the exception of `clause` on the span and sets the error status, at the top of its block. `extraIndent`:
 * what a fix re-indenting the same lines adds (the wrap puts the clause one level deeper).
 */
export function recordEdits(lc: PyLintContext, span: SpanReference, clause: SyntaxNode, block: SyntaxNode, extraIndent = ''): OffsetEdit[] {
  const exc = exceptionName(lc, clause);
  const imports = ensureFromImports(lc.root, lc.text, [
    ['opentelemetry.trace', 'Status'],
    ['opentelemetry.trace', 'StatusCode'],
    ...(span.needsTrace ? ([['opentelemetry', 'trace']] as const) : []),
  ]);
  const [status, statusCode] = imports.names as [string, string];
  const first = block.namedChildren.find((c) => c !== null && c.type !== 'comment') ?? block;
  const sameLine = !lc.text.slice(clause.startIndex, first.startIndex).includes('\n');
  const indent = sameLine ? '' : `${indentOf(lc.text, first.startIndex)}${extraIndent}`;
  const sep = sameLine ? '; ' : `\n${indent}`;
  const lines = `${span.ref}.record_exception(${exc.name})${sep}${span.ref}.set_status(${status}(${statusCode}.ERROR, str(${exc.name})))${sep}`;
  return [...imports.edits, ...span.edits, ...exc.edits, { start: first.startIndex, end: first.startIndex, newText: lines }];
}
