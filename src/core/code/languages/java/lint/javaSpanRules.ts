// span-not-ended and exception-not-recorded for Java. A span from `spanBuilder(…).startSpan()` must be ended in a
// `finally`; a Scope from `makeCurrent()` must be closed (try-with-resources); a catch inside a span that neither
// rethrows nor records leaves the span looking successful, and a try/finally that ends the span without any catch
// lets exceptions through unrecorded.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import type { RawFinding } from '../../../lint/ruleTypes';
import { type JavaLintContext, type JavaSpanStart, otelClasses, useClasses } from './javaLintContext';
import { identifiersNamed, indentEdits, indentOf, invocation, lineAt, lineEndOf, lineStartOf, ownDescendants } from './javaLintSyntax';

function callsOn(scope: SyntaxNode, variable: string, method: string): SyntaxNode[] {
  return ownDescendants(scope, 'method_invocation').filter((c) => {
    const i = invocation(c);
    return i?.name === method && i.object?.type === 'identifier' && i.object.text === variable;
  });
}

function inFinally(node: SyntaxNode, stop: SyntaxNode): boolean {
  for (let n = node.parent; n && n.id !== stop.id; n = n.parent) if (n.type === 'finally_clause') return true;
  return false;
}

/** True when the variable leaves the method's hands: returned, passed, stored, or used in a lambda or inner class. */
function handedOn(method: SyntaxNode, statement: SyntaxNode, variable: string): boolean {
  const own = new Set(ownDescendants(method, 'identifier').map((i) => i.id));
  for (const use of identifiersNamed(method, variable)) {
    if (use.startIndex <= statement.endIndex) continue;
    if (!own.has(use.id)) return true;
    const parent = use.parent;
    if (parent?.type === 'method_invocation' && parent.childForFieldName('object')?.id === use.id) continue;
    if (parent?.type === 'resource') continue;
    return true;
  }
  return false;
}

/**
 * Wraps the statements after `statement` (to the end of its block) in `open` … `close`; a trailing `<variable>.<method>();`
 * (last, or right before a final return) is taken out, since what the wrap adds does it at that point.
 */
export function wrapRest(lc: JavaLintContext, statement: SyntaxNode, open: (indent: string) => string, close: (indent: string) => string, trailing: { variable: string; method: string }, replaceStatement?: string): OffsetEdit[] {
  const indent = indentOf(lc.text, statement.startIndex);
  const rest: SyntaxNode[] = [];
  for (let s = statement.nextNamedSibling; s; s = s.nextNamedSibling) if (s.type !== 'line_comment' && s.type !== 'block_comment') rest.push(s);
  const isTrailing = (s: SyntaxNode | undefined): boolean => {
    const call = s?.type === 'expression_statement' ? s.namedChild(0) : undefined;
    const i = call ? invocation(call) : undefined;
    return !!i && i.name === trailing.method && i.object?.text === trailing.variable && i.args.length === 0;
  };
  const drop = isTrailing(rest.at(-1)) ? rest.at(-1) : rest.at(-1)?.type === 'return_statement' && isTrailing(rest.at(-2)) ? rest.at(-2) : undefined;
  const region = rest.filter((s) => s.id !== drop?.id);
  const edits: OffsetEdit[] = [];
  if (replaceStatement !== undefined) edits.push({ start: statement.startIndex, end: statement.endIndex, newText: replaceStatement });
  if (region.length === 0) {
    const at = lineEndOf(lc.text, statement.endIndex);
    if (drop) edits.push({ start: lineStartOf(lc.text, drop.startIndex) - 1, end: lineEndOf(lc.text, drop.endIndex), newText: '' });
    edits.push({ start: at, end: at, newText: replaceStatement !== undefined ? `\n${indent}}` : `\n${open(indent)}\n${close(indent)}` });
    return edits;
  }
  const start = lineStartOf(lc.text, region[0]!.startIndex);
  const end = lineEndOf(lc.text, region.at(-1)!.endIndex);
  if (replaceStatement === undefined) edits.push({ start, end: start, newText: `${open(indent)}\n` });
  if (drop) {
    const dropStart = lineStartOf(lc.text, drop.startIndex);
    const dropEnd = lineEndOf(lc.text, drop.endIndex) + 1;
    edits.push(...indentEdits(lc.text, start, dropStart - 1, lc.unit, lc.skipRows).filter((e) => e.start < dropStart));
    edits.push({ start: dropStart, end: dropEnd, newText: '' });
    edits.push(...indentEdits(lc.text, dropEnd, end, lc.unit, lc.skipRows).filter((e) => e.start >= dropEnd));
  } else edits.push(...indentEdits(lc.text, start, end, lc.unit, lc.skipRows));
  edits.push({ start: end, end, newText: `\n${close(indent)}` });
  return edits;
}

export function javaSpanNotEnded(lc: JavaLintContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const start of lc.starts) {
    const method = start.method;
    const body = method?.childForFieldName('body');
    if (!method || !body) continue;
    const ends = callsOn(body, start.spanVar, 'end').filter((e) => e.startIndex > start.statement.endIndex);
    if (ends.some((e) => inFinally(e, method)) || handedOn(method, start.statement, start.spanVar)) continue;
    const line = lineAt(lc.text, start.statement.startIndex);
    const span = start.spanVar;
    const message =
      ends.length === 0
        ? `Span '${span}' started at line ${line} is never ended, so it is never exported. End it in a finally block.`
        : `Span '${span}' started at line ${line} is ended outside a finally block: an exception thrown before ${span}.end() leaves it open. End it in a finally block.`;
    const edits = wrapRest(lc, start.statement, (i) => `${i}try {`, (i) => `${i}} finally {\n${i}${lc.unit}${span}.end();\n${i}}`, { variable: span, method: 'end' });
    out.push({ rule: 'span-not-ended', start: start.statement.startIndex, end: start.statement.endIndex, message, fixes: [{ id: 'end-span', title: `End '${span}' in a finally block`, kind: 'quickfix', safe: true, edits: () => edits }] });
  }
  for (const scope of lc.scopes) {
    const method = scope.statement.parent ? ownMethod(scope.statement) : undefined;
    if (!method) continue;
    const closes = callsOn(method, scope.scopeVar, 'close').filter((c) => c.startIndex > scope.statement.endIndex);
    if (closes.some((c) => inFinally(c, method)) || handedOn(method, scope.statement, scope.scopeVar)) continue;
    const declaration = lc.text.slice(scope.statement.startIndex, scope.statement.endIndex).replace(/;\s*$/, '');
    const edits = wrapRest(lc, scope.statement, () => '', (i) => `${i}}`, { variable: scope.scopeVar, method: 'close' }, `try (${declaration}) {`);
    out.push({
      rule: 'span-not-ended',
      start: scope.statement.startIndex,
      end: scope.statement.endIndex,
      message: `Scope '${scope.scopeVar}' from makeCurrent() is ${closes.length === 0 ? 'never closed' : 'closed outside a finally block'}: the span stays current on this thread after the work is done. Open it in a try-with-resources.`,
      fixes: [{ id: 'end-span', title: `Open '${scope.scopeVar}' in a try-with-resources`, kind: 'quickfix', safe: true, edits: () => edits }],
    });
  }
  return out;
}

function ownMethod(node: SyntaxNode): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'method_declaration' || n.type === 'constructor_declaration' || n.type === 'lambda_expression') return n;
    if (n.type === 'class_body') return undefined;
  }
  return undefined;
}

/** `span.recordException(e); span.setStatus(StatusCode.ERROR, e.getMessage());` at the top of a catch body. */
export function recordInCatch(lc: JavaLintContext, spanRef: string | undefined, catchClause: SyntaxNode, extraIndent = ''): OffsetEdit[] {
  const body = catchClause.childForFieldName('body');
  const e = catchClause.descendantsOfType('catch_formal_parameter')[0]?.childForFieldName('name')?.text;
  if (!body || !e) return [];
  const imports = useClasses(lc, spanRef ? [otelClasses.statusCode] : [otelClasses.statusCode, otelClasses.span]);
  const ref = spanRef ?? `${imports.names[1]}.current()`;
  const first = body.namedChildren.find((c) => c !== null && c.type !== 'line_comment' && c.type !== 'block_comment');
  const sameLine = !first || !lc.text.slice(body.startIndex, first.startIndex).includes('\n');
  const inner = first && !sameLine ? indentOf(lc.text, first.startIndex) + extraIndent : `${indentOf(lc.text, catchClause.startIndex)}${extraIndent}${lc.unit}`;
  const lines = [`${ref}.recordException(${e});`, `${ref}.setStatus(${imports.names[0]}.ERROR, ${e}.getMessage());`];
  const open = body.startIndex + 1;
  return [...imports.edits, { start: open, end: open, newText: lines.map((l) => `\n${inner}${l}`).join('') + (first ? '' : `\n${indentOf(lc.text, catchClause.startIndex)}${extraIndent}`) }];
}

/** Catch clauses in `scope` (its own) that neither rethrow nor record. */
export function swallowingCatches(scope: SyntaxNode, after = -1): SyntaxNode[] {
  return ownDescendants(scope, 'catch_clause').filter((c) => c.startIndex > after && ownDescendants(c, 'throw_statement').length === 0 && !/\b(recordException|setStatus)\s*\(/.test(c.text));
}

function spanOf(lc: JavaLintContext, node: SyntaxNode): JavaSpanStart | undefined {
  return lc.starts.filter((s) => s.method && s.method.startIndex <= node.startIndex && node.endIndex <= s.method.endIndex && s.statement.endIndex < node.startIndex).at(-1);
}

export function javaExceptionNotRecorded(lc: JavaLintContext): RawFinding[] {
  const out: RawFinding[] = [];
  const scopes: Array<{ scope: SyntaxNode; span: string | undefined; after: number }> = [
    ...lc.starts.filter((s) => s.method).map((s) => ({ scope: s.method!, span: s.spanVar as string | undefined, after: s.statement.endIndex })),
    ...lc.withSpanMethods.map((m) => ({ scope: m, span: undefined, after: -1 })),
  ];
  const seen = new Set<number>();
  for (const { scope, span, after } of scopes) {
    for (const c of swallowingCatches(scope, after)) {
      if (seen.has(c.id) || (span && spanOf(lc, c)?.spanVar !== span)) continue;
      seen.add(c.id);
      const header = c.child(0)!;
      out.push({
        rule: 'exception-not-recorded',
        start: header.startIndex,
        end: header.endIndex,
        message: `This catch swallows the exception inside span '${span ?? 'the @WithSpan span'}': the trace shows the operation as successful. Record it with recordException and set the error status.`,
        fixes: [{ id: 'record-exception', title: 'Record the exception on the span and set the error status', kind: 'quickfix', safe: true, edits: () => recordInCatch(lc, span, c) }],
      });
    }
  }
  // try { … } finally { span.end(); } with no catch: what the try throws ends the span without an error status.
  for (const start of lc.starts) {
    if (!start.method) continue;
    for (const t of ownDescendants(start.method, ['try_statement', 'try_with_resources_statement'])) {
      if (t.startIndex < start.statement.endIndex || t.namedChildren.some((c) => c?.type === 'catch_clause')) continue;
      const fin = t.namedChildren.find((c) => c?.type === 'finally_clause');
      if (!fin || !callsOn(fin, start.spanVar, 'end').length) continue;
      const span = start.spanVar;
      const thrown = identifiersNamed(t, 't').length === 0 ? 't' : 'thrown';
      const indent = indentOf(lc.text, t.startIndex);
      const status = useClasses(lc, [otelClasses.statusCode]);
      const catchText = ` catch (Throwable ${thrown}) {\n${indent}${lc.unit}${span}.recordException(${thrown});\n${indent}${lc.unit}${span}.setStatus(${status.names[0]}.ERROR, ${thrown}.getMessage());\n${indent}${lc.unit}throw ${thrown};\n${indent}}`;
      const body = t.childForFieldName('body')!;
      out.push({
        rule: 'exception-not-recorded',
        start: t.child(0)!.startIndex,
        end: t.child(0)!.endIndex,
        message: `An exception thrown in this try ends span '${span}' without recording it: the trace shows the operation as successful. Catch it, record it, set the error status and rethrow.`,
        fixes: [{ id: 'record-exception', title: 'Record what the try throws on the span and rethrow it', kind: 'quickfix', safe: true, edits: () => [...status.edits, { start: body.endIndex, end: body.endIndex, newText: catchText }] }],
      });
    }
  }
  return out;
}
