// The Go "wrap in span" refactoring: `ctx, span := tracer.Start(ctx, "pkg.Func")` + `defer span.End()` at the top of
// the function, from the caller's context (a ctx parameter, an HTTP handler's request, else context.Background()),
// and the returned error recorded with the error status in every `if err != nil { return …err }` of the function.
// The tracer is the file's package-level one when it has one, else `otel.Tracer("<package>")`.
import { goStringLiteral } from '../../../codegen/go';
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import type { LanguageRefactoring } from '../../../lint/languageLint';
import { type GoLintContext, localNameOf, usePackages } from './goLintContext';
import { callerContextOf, identifiersNamed, indentOf, methodCall } from './goLintSyntax';
import { goFunctionLabel } from './goNameRules';
import { errorReturns, recordErrorEdits } from './goSpanRules';

/** A package-level `var tracer = otel.Tracer(…)` (or `…Provider().Tracer(…)`): its name. */
function packageTracer(lc: GoLintContext): string | undefined {
  for (const decl of lc.root.namedChildren) {
    if (decl?.type !== 'var_declaration') continue;
    for (const spec of decl.descendantsOfType('var_spec')) {
      const value = spec?.childForFieldName('value')?.namedChild(0);
      const name = spec?.childForFieldName('name')?.text;
      if (name && value && methodCall(value)?.method === 'Tracer') return name;
    }
  }
  return undefined;
}

function freeName(fn: SyntaxNode, candidates: readonly string[]): string {
  return candidates.find((c) => identifiersNamed(fn, c).length === 0) ?? `${candidates[0]}${fn.startIndex}`;
}

function wrapEdits(lc: GoLintContext, fn: SyntaxNode): { edits: OffsetEdit[] } | { reason: string } {
  const body = fn.childForFieldName('body');
  if (!body) return { reason: 'the function has no body' };
  if (lc.starts.some((s) => s.fn.id === fn.id)) return { reason: 'the function already starts a span' };
  const label = goFunctionLabel(fn);
  if (!label) return { reason: 'the function has no name' };
  const edits: OffsetEdit[] = [];
  const caller = callerContextOf(fn, localNameOf(lc, 'context'), localNameOf(lc, 'net/http'));
  // Every `if err != nil { return …err… }`, the same places exception-not-recorded looks at: the error goes back
  // to the caller, as a result or inside one (`Item{Err: err}`).
  const recorded = errorReturns(fn, body.startIndex);
  let tracer = packageTracer(lc);
  // Every package the new code names, imported in one step (one group, sorted, as gofmt keeps them).
  const needed: Array<'otel' | 'context' | 'codes'> = [...(tracer ? [] : ['otel' as const]), ...(caller ? [] : ['context' as const]), ...(recorded.length > 0 ? ['codes' as const] : [])];
  const imports = usePackages(lc, needed);
  edits.push(...imports.edits);
  const nameOf = (p: 'otel' | 'context' | 'codes'): string => imports.names[needed.indexOf(p)]!;
  if (!tracer) tracer = `${nameOf('otel')}.Tracer(${goStringLiteral(lc.options.tracerName !== 'app' ? lc.options.tracerName : lc.packageName)})`;
  const span = freeName(fn, ['span', 'otelSpan', 'traceSpan']);
  const first = body.namedChildren.find((c) => c !== null && c.type !== 'comment');
  const firstStatement = first?.type === 'statement_list' ? first.namedChildren.find((c) => c !== null) ?? undefined : first ?? undefined;
  const indent = firstStatement ? indentOf(lc.text, firstStatement.startIndex) : `${indentOf(lc.text, fn.startIndex)}\t`;
  const lines: string[] = [];
  if (caller && !caller.endsWith('.Context()')) lines.push(`${caller}, ${span} := ${tracer}.Start(${caller}, ${goStringLiteral(`${lc.packageName}.${label}`)})`);
  else if (caller) {
    // An HTTP handler: the span's context goes on with the request, so the handler's calls are its children.
    const request = caller.slice(0, -'.Context()'.length);
    const ctx = freeName(fn, ['ctx', 'spanCtx']);
    lines.push(`${ctx}, ${span} := ${tracer}.Start(${caller}, ${goStringLiteral(`${lc.packageName}.${label}`)})`, `${request} = ${request}.WithContext(${ctx})`);
  } else {
    lines.push(`_, ${span} := ${tracer}.Start(${nameOf('context')}.Background(), ${goStringLiteral(`${lc.packageName}.${label}`)})`);
  }
  lines.push(`defer ${span}.End()`);
  const open = body.startIndex + 1;
  // `{}` on one line gets its closing brace on a line of its own.
  const closeOnOwnLine = firstStatement || lc.text.slice(open, body.endIndex - 1).includes('\n');
  edits.push({ start: open, end: open, newText: lines.map((l) => `\n${indent}${l}`).join('') + (closeOnOwnLine ? '' : `\n${indentOf(lc.text, fn.startIndex)}`) });
  for (const e of recorded) edits.push(...recordErrorEdits(lc, e.block, span, e.err, nameOf('codes')));
  return { edits };
}

/** The add-span refactoring for the named function (declaration or method) around [start, end]. */
export function goAddSpanAt(lc: GoLintContext, start: number, end: number): LanguageRefactoring[] {
  let fn: SyntaxNode | null = lc.root.descendantForIndex(start, end);
  while (fn && fn.type !== 'function_declaration' && fn.type !== 'method_declaration') fn = fn.parent;
  if (!fn) return [];
  const r = wrapEdits(lc, fn);
  const title = `Wrap '${goFunctionLabel(fn) ?? 'function'}' in a span`;
  return [{ id: 'add-span', title, start: fn.startIndex, end: fn.endIndex, edits: 'edits' in r ? r.edits : undefined, ...('reason' in r ? { disabledReason: r.reason } : {}) }];
}
