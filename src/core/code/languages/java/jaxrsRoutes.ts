// JAX-RS resources: `@GET` / `@POST` / … methods of a class with `@Path("/users")`, with the method's own `@Path`.
//
// The agent's route (jaxrs-common HandlerData.getServerSpanName) joins the class and method paths with one slash,
// keeping them as declared; the application path and the servlet context path go before it (JaxrsServerSpanNaming),
// and neither is in the resource's file. The controller span is `SimpleClassName.method` (JaxrsInstrumenterFactory).
// A class without `@Path` is a sub-resource reached through a locator elsewhere: its route is not known here.
import type { JavaFileContext } from './javaContext';
import { methodTarget } from './javaFunctions';
import { emitRoute } from './javaRoutes';
import { annotationAt, annotationsOf } from './javaSyntax';
import { enclosingType } from './javaTypes';
import { typeOf } from './javaAncestors';

// Marker annotations only: Retrofit's client-side `@GET("users/{id}")` takes a value.
const anchor = /@\s*(?:[\w$]+\s*\.\s*)*(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\b(?!\s*\()/g;

/** HandlerData.buildSpanName: `/` before each part unless one is there, one slash between them. */
export function joinJaxrsPaths(classPath: string | undefined, methodPath: string | undefined): string {
  let out = '';
  let skipSlash = false;
  if (classPath !== undefined) {
    if (!classPath.startsWith('/')) out += '/';
    out += classPath;
    skipSlash = classPath.endsWith('/') || classPath === '';
  }
  if (methodPath !== undefined) {
    let m = methodPath;
    if (skipSlash) {
      if (m.startsWith('/')) m = m.length === 1 ? '' : m.slice(1);
    } else if (!m.startsWith('/')) {
      out += '/';
    }
    out += m;
  }
  return out.trim();
}

export function findJaxrsRoutes(ctx: JavaFileContext): void {
  for (const id of ctx.anchors(anchor)) {
    const at = annotationAt(id);
    if (!at || typeOf(at.declaration) !== 'method_declaration' || !at.declaration.childForFieldName('body')) continue;
    const type = enclosingType(at.declaration);
    if (type?.type !== 'class_declaration') continue;
    const classPathAnnotation = annotationsOf(type).find((a) => a.name === 'Path');
    if (!classPathAnnotation?.value) continue;
    const classPath = ctx.names.staticString(classPathAnnotation.value);
    const methodPathAnnotation = annotationsOf(at.declaration).find((a) => a.name === 'Path');
    const methodPath = methodPathAnnotation?.value ? ctx.names.staticString(methodPathAnnotation.value) : undefined;
    if (classPath === undefined || (methodPathAnnotation && methodPath === undefined)) continue;
    const methodName = at.declaration.childForFieldName('name')?.text ?? '';
    emitRoute(ctx, methodTarget(at.declaration, ctx.types), {
      framework: 'jax-rs',
      method: id.text,
      path: joinJaxrsPaths(classPath, methodPath),
      controllerSpan: `${ctx.types.namesOf(type).spanName}.${methodName}`,
      prefixKnown: false,
    });
  }
}
