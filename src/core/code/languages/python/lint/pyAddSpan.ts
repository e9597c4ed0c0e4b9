// The Python "wrap in span" refactoring: the function's body (after its docstring) goes inside
// `with tracer.start_as_current_span("module.func") as span:`, which ends the span, records an escaping exception,
// sets the error status and re-raises. The tracer is the module's own (`tracer = trace.get_tracer(…)`), else one
// is added after the imports. Lines inside multi-line strings keep their text exactly.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import type { LanguageRefactoring } from '../../../lint/languageLint';
import { ensureFromImport, importAnchorOf } from './pyImports';
import type { PyLintContext } from './pyLintContext';
import { identifiersNamed, indentEdits, indentOf, lineEndOf, lineStartOf, pythonString } from './pyLintSyntax';
import { pyQualifiedName } from './pyNameRules';
import { recordEdits, swallowingExcepts } from './pySpanRules';

/** A module-level `name = trace.get_tracer(…)`: its name. */
function moduleTracer(root: SyntaxNode): string | undefined {
  for (const c of root.namedChildren) {
    const a = c?.type === 'expression_statement' ? c.namedChild(0) : undefined;
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    if (left?.type === 'identifier' && /\bget_tracer\s*\(/.test(a.childForFieldName('right')?.text ?? '')) return left.text;
  }
  return undefined;
}

function stubReason(fn: SyntaxNode, region: readonly SyntaxNode[]): string | undefined {
  const decorators = fn.parent?.type === 'decorated_definition' ? fn.parent.namedChildren.filter((c) => c?.type === 'decorator').map((d) => d!.text) : [];
  if (decorators.some((d) => /^@(abc\.)?abstract(method|property)\b|^@(typing\.)?overload\b/.test(d))) return 'the method is abstract or an overload';
  const trivial = region.every((st) => st.type === 'pass_statement' || (st.type === 'expression_statement' && st.text.trim() === '...') || (st.type === 'raise_statement' && /^raise\s+NotImplementedError\b/.test(st.text)));
  if (trivial) return 'the function is a stub (pass, ... or raise NotImplementedError)';
  for (let n = fn.parent; n; n = n.parent) {
    if (n.type === 'class_definition') {
      if (/\bProtocol\b/.test(n.childForFieldName('superclasses')?.text ?? '')) return 'the method belongs to a Protocol';
      break;
    }
  }
  return undefined;
}

function wrap(lc: PyLintContext, fn: SyntaxNode): { edits: OffsetEdit[] } | { reason: string } {
  if (lc.starts.some((s) => s.fn?.id === fn.id || s.holder.id === fn.id)) return { reason: 'the function already starts a span' };
  const body = fn.childForFieldName('body');
  const statements = (body?.namedChildren ?? []).filter((c): c is SyntaxNode => c !== null && c.type !== 'comment');
  if (!body || statements.length === 0) return { reason: 'the function has no body' };
  if (!lc.text.slice(fn.startIndex, statements[0]!.startIndex).includes('\n')) return { reason: 'the body is on the def line' };
  const docstring = statements[0]!.type === 'expression_statement' && statements[0]!.namedChild(0)?.type === 'string' ? statements[0] : undefined;
  const region = docstring ? statements.slice(1) : statements;
  if (region.length === 0) return { reason: 'the function has only a docstring' };
  // An abstract method, an overload or a stub (`pass`, `...`, `raise NotImplementedError`) does no work to trace, and
  // wrapping its body would make type checkers see a function that can fall off its end without returning.
  if (stubReason(fn, region)) return { reason: stubReason(fn, region)! };
  const name = pyQualifiedName(lc, fn);
  if (!name) return { reason: 'the function has no name' };
  const edits: OffsetEdit[] = [];
  let tracer = moduleTracer(lc.root);
  if (!tracer) {
    tracer = identifiersNamed(lc.root, 'tracer').length === 0 ? 'tracer' : '_span_lens_tracer';
    const trace = ensureFromImport(lc.root, lc.text, 'opentelemetry', 'trace');
    const line = `${tracer} = ${trace.name}.get_tracer(__name__)`;
    const newImport = trace.edits.find((e) => e.newText.includes('from opentelemetry import trace'));
    if (newImport) {
      // A new import line: the tracer goes right under it.
      const atFileStart = !newImport.newText.startsWith('\n');
      edits.push({ ...newImport, newText: atFileStart ? `${newImport.newText}\n${line}\n\n` : `${newImport.newText}\n\n${line}` });
    } else {
      const anchor = importAnchorOf(lc.root);
      const at = anchor < 0 ? 0 : lineEndOf(lc.text, anchor);
      edits.push(...trace.edits, { start: at, end: at, newText: anchor < 0 ? `${line}\n\n` : `\n\n${line}` });
    }
  }
  const first = region[0]!;
  const regionStart = lineStartOf(lc.text, first.startIndex);
  const regionEnd = lineEndOf(lc.text, region.at(-1)!.endIndex);
  const indent = indentOf(lc.text, first.startIndex);
  const alias = identifiersNamed(fn, 'span').length === 0 ? ' as span' : '';
  edits.push({ start: regionStart, end: regionStart, newText: `${indent}with ${tracer}.start_as_current_span(${pythonString(name)})${alias}:\n` });
  edits.push(...indentEdits(lc.text, regionStart, regionEnd, lc.unit, lc.stringRows));
  // An except that swallows an exception inside the new span records it there (what exception-not-recorded asks).
  const span = alias ? { ref: 'span', edits: [], needsTrace: false } : { ref: 'trace.get_current_span()', edits: [], needsTrace: true };
  for (const { clause, block } of swallowingExcepts(body)) edits.push(...recordEdits(lc, span, clause, block, lc.unit));
  return { edits };
}

export function pyAddSpanAt(lc: PyLintContext, start: number, end: number): LanguageRefactoring[] {
  let fn: SyntaxNode | null = lc.root.descendantForIndex(start, end);
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  if (!fn) return [];
  const r = wrap(lc, fn);
  const name = fn.childForFieldName('name')?.text ?? 'function';
  return [{ id: 'add-span', title: `Wrap '${name}' in a span`, start: fn.startIndex, end: fn.endIndex, edits: 'edits' in r ? r.edits : undefined, ...('reason' in r ? { disabledReason: r.reason } : {}) }];
}
