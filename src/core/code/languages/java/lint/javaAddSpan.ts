// The Java "wrap in span" refactoring. With the annotations dependency in the project
// (opentelemetry-instrumentation-annotations), `@WithSpan` on the method: the Java agent names the span
// `Class.method`, ends it and records what it throws. Otherwise the body goes into
//   Span span = TRACER.spanBuilder("Class.method").startSpan();
//   try (Scope scope = span.makeCurrent()) { … } catch (Throwable t) { record; set status; throw t; } finally { span.end(); }
// with a tracer field added to the class when it has none. A catch in the body that swallows is made to record too.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import type { LanguageRefactoring } from '../../../lint/languageLint';
import { type JavaLintContext, otelClasses, useClasses } from './javaLintContext';
import { classOf, identifiersNamed, indentEdits, indentOf, javaString, lineEndOf, lineStartOf, methodLabel } from './javaLintSyntax';
import { recordInCatch, swallowingCatches } from './javaSpanRules';

/** A field of the class holding a Tracer (`private static final Tracer TRACER = …`): its name and whether static. */
function tracerField(cls: SyntaxNode): { name: string; isStatic: boolean } | undefined {
  const body = cls.childForFieldName('body');
  for (const f of body?.namedChildren ?? []) {
    if (f?.type !== 'field_declaration' || !/\bTracer\b/.test(f.childForFieldName('type')?.text ?? '')) continue;
    const name = f.childForFieldName('declarator')?.childForFieldName('name')?.text;
    if (name) return { name, isStatic: /\bstatic\b/.test(f.namedChildren.find((c) => c?.type === 'modifiers')?.text ?? '') };
  }
  return undefined;
}

function freeName(scope: SyntaxNode, candidates: readonly string[]): string {
  return candidates.find((c) => identifiersNamed(scope, c).length === 0) ?? `${candidates[0]}${scope.startIndex}`;
}

function wrap(lc: JavaLintContext, method: SyntaxNode): { edits: OffsetEdit[] } | { reason: string } {
  if (lc.withSpanMethods.some((m) => m.id === method.id) || lc.starts.some((s) => s.method?.id === method.id)) return { reason: 'the method already starts a span' };
  const body = method.childForFieldName('body');
  if (!body) return { reason: 'the method has no body' };
  const label = methodLabel(method);
  const cls = classOf(method);
  if (!label || !cls) return { reason: 'the method is not in a class' };
  const deps = new Set(lc.options.project.dependencies ?? []);
  if (deps.has('opentelemetry-instrumentation-annotations')) {
    const withSpan = useClasses(lc, [otelClasses.withSpan]);
    const at = lineStartOf(lc.text, method.startIndex);
    return { edits: [...withSpan.edits, { start: at, end: at, newText: `${indentOf(lc.text, method.startIndex)}@${withSpan.names[0]}\n` }] };
  }
  const statements = body.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== 'line_comment' && c.type !== 'block_comment');
  if (statements.length === 0) return { reason: 'the method body is empty' };
  if (!lc.text.slice(body.startIndex, statements[0]!.startIndex).includes('\n')) return { reason: 'the body is on one line' };
  const isStaticMethod = /\bstatic\b/.test(method.namedChildren.find((c) => c?.type === 'modifiers')?.text ?? '');
  const field = tracerField(cls);
  const classes = useClasses(lc, [otelClasses.span, otelClasses.scope, otelClasses.statusCode, otelClasses.tracer, otelClasses.global]);
  const [spanT, scopeT, statusT, tracerT, globalT] = classes.names as [string, string, string, string, string];
  const edits: OffsetEdit[] = [...classes.edits];
  let tracer = field && (field.isStatic || !isStaticMethod) ? field.name : undefined;
  if (!tracer) {
    tracer = freeName(cls, ['TRACER', 'SPAN_LENS_TRACER']);
    const classBody = cls.childForFieldName('body')!;
    const memberIndent = classBody.namedChildren.find((c) => c !== null) ? indentOf(lc.text, classBody.namedChildren.find((c) => c !== null)!.startIndex) : `${indentOf(lc.text, cls.startIndex)}${lc.unit}`;
    const scopeName = (cls.childForFieldName('name')?.text ?? 'app');
    edits.push({ start: classBody.startIndex + 1, end: classBody.startIndex + 1, newText: `\n${memberIndent}private static final ${tracerT} ${tracer} = ${globalT}.getTracer(${javaString(scopeName)});\n` });
  }
  const span = freeName(method, ['span', 'otelSpan']);
  const scope = freeName(method, ['scope', 'otelScope']);
  const thrown = freeName(method, ['t', 'thrown']);
  const indent = indentOf(lc.text, statements[0]!.startIndex);
  const u = lc.unit;
  const start = lineStartOf(lc.text, statements[0]!.startIndex);
  const end = lineEndOf(lc.text, statements.at(-1)!.endIndex);
  edits.push({ start, end: start, newText: `${indent}${spanT} ${span} = ${tracer}.spanBuilder(${javaString(label)}).startSpan();\n${indent}try (${scopeT} ${scope} = ${span}.makeCurrent()) {\n` });
  edits.push(...indentEdits(lc.text, start, end, u, lc.skipRows));
  for (const c of swallowingCatches(body)) edits.push(...recordInCatch(lc, span, c, u).filter((e) => e.start > start));
  edits.push({
    start: end,
    end,
    newText: `\n${indent}} catch (Throwable ${thrown}) {\n${indent}${u}${span}.recordException(${thrown});\n${indent}${u}${span}.setStatus(${statusT}.ERROR, ${thrown}.getMessage());\n${indent}${u}throw ${thrown};\n${indent}} finally {\n${indent}${u}${span}.end();\n${indent}}`,
  });
  return { edits };
}

export function javaAddSpanAt(lc: JavaLintContext, start: number, end: number): LanguageRefactoring[] {
  let method: SyntaxNode | null = lc.root.descendantForIndex(start, end);
  while (method && method.type !== 'method_declaration') method = method.parent;
  if (!method) return [];
  const r = wrap(lc, method);
  const name = methodLabel(method) ?? 'method';
  return [{ id: 'add-span', title: `Wrap '${name}' in a span`, start: method.startIndex, end: method.endIndex, edits: 'edits' in r ? r.edits : undefined, ...('reason' in r ? { disabledReason: r.reason } : {}) }];
}
