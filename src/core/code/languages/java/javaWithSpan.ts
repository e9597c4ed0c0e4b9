// `@WithSpan` (opentelemetry-instrumentation-annotations): the Java agent starts a span around the annotated
// method, named by the annotation's value, else `SimpleClassName.method` (AnnotationSingletons.spanNameFromMethod
// → SpanNames.fromMethod in opentelemetry-java-instrumentation), of the annotation's `kind` (default INTERNAL).
// The agent instruments methods only (WithSpanInstrumentation matches isMethod()), so an annotated constructor,
// or an abstract method without a body, makes no span.
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import type { JavaFileContext } from './javaContext';
import { methodTarget } from './javaFunctions';
import { spanKindOf } from './javaSpanBuilders';
import { annotationAt, annotationInfo } from './javaSyntax';
import { enclosingType } from './javaTypes';
import { typeOf } from './javaAncestors';

const anchor = /@\s*(?:[\w$]+\s*\.\s*)*(WithSpan)\b/g;

export function findWithSpan(ctx: JavaFileContext): void {
  for (const id of ctx.anchors(anchor)) {
    const at = annotationAt(id);
    if (!at || typeOf(at.declaration) !== 'method_declaration' || !at.declaration.childForFieldName('body')) continue;
    const info = annotationInfo(at.annotation);
    if (!info) continue;
    const method = at.declaration;
    const target = methodTarget(method, ctx.types);
    const spanName = withSpanName(ctx, info.value, method);
    if (!spanName) continue;
    ctx.emit(target, spanName, 'decorator', { spanKind: spanKindOf(info.elements.get('kind')) });
  }
}

function withSpanName(ctx: JavaFileContext, value: SyntaxNode | undefined, method: SyntaxNode): ReturnType<JavaFileContext['names']['spanName']> {
  const explicit = value ? ctx.names.staticString(value) : '';
  // An annotation value is a compile-time constant; one the file does not show (another file's constant) is unknown.
  if (explicit === undefined) return undefined;
  if (explicit !== '') return { kind: 'exact', name: explicit };
  const type = enclosingType(method);
  const typeName = type ? ctx.types.namesOf(type).spanName : '';
  const name = method.childForFieldName('name')?.text ?? '';
  return { kind: 'exact', name: typeName ? `${typeName}.${name}` : name };
}
