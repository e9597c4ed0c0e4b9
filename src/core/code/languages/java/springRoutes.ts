// Spring MVC / WebFlux controllers: `@GetMapping("/users/{id}")`, `@PostMapping`, `@RequestMapping(value = …,
// method = RequestMethod.GET)` on methods, behind the class's `@RequestMapping("/api")`.
//
// The agent's route is Spring's best matching pattern (spring-webmvc-6.0 SpringWebMvcServerSpanNaming reads
// HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE): the class and method patterns combined by Spring's
// PathPattern.combine, each given a leading slash first (PathPatternsRequestCondition). The controller span is
// `SimpleClassName.method` (SpringWebMvcInstrumenterFactory: CodeSpanNameExtractor over the HandlerMethod).
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import type { JavaFileContext } from './javaContext';
import { methodTarget } from './javaFunctions';
import { emitRoute } from './javaRoutes';
import { annotationAt, annotationInfo, annotationsOf, elementValues, unwrapExpression, type AnnotationInfo } from './javaSyntax';
import { enclosingType } from './javaTypes';
import { typeOf } from './javaAncestors';

const anchor = /@\s*(?:[\w$]+\s*\.\s*)*((?:Get|Post|Put|Delete|Patch|Request)Mapping)\b/g;
const verbOf: Readonly<Record<string, string>> = { GetMapping: 'GET', PostMapping: 'POST', PutMapping: 'PUT', DeleteMapping: 'DELETE', PatchMapping: 'PATCH' };
/** A method mapped to more routes than this keeps the first ones. */
const MAX_ROUTES_PER_METHOD = 16;

/** `/api` + `/users` → `/api/users` (PathPattern.combine and its concat for patterns without wildcards). */
export function combineSpringPaths(classPath: string, methodPath: string): string {
  const withSlash = (p: string): string => (p !== '' && !p.startsWith('/') ? `/${p}` : p);
  const a = withSlash(classPath);
  const b = withSlash(methodPath);
  let out: string;
  if (a === '') out = b;
  else if (b === '') out = a;
  else if (a.endsWith('/*') && !a.endsWith('/**')) out = concat(a.slice(0, -2), b);
  else out = concat(a, b);
  return out === '' ? '/' : out;
}

function concat(a: string, b: string): string {
  if (a.endsWith('/') && b.startsWith('/')) return a + b.slice(1);
  if (a.endsWith('/') || b.startsWith('/')) return a + b;
  return `${a}/${b}`;
}

/** The paths of a mapping annotation (value or path, one or an array), [''] when it has none; undefined when one is unknown. */
function mappingPaths(ctx: JavaFileContext, info: AnnotationInfo): string[] | undefined {
  const v = info.value ?? info.elements.get('path');
  if (!v) return [''];
  const out: string[] = [];
  for (const el of elementValues(v)) {
    const s = ctx.names.staticString(el);
    if (s === undefined) return undefined;
    // `${api.prefix}/users` is filled in from the application's properties: with no default (`${api.prefix}`) the
    // route is unknown; with one (`${api.prefix:}`), the default is what an application that sets nothing serves
    // (another value still matches the any-prefix alternative).
    const filled = s.replace(/\$\{[^{}:]*:([^{}]*)\}/g, '$1');
    if (filled.includes('${')) return undefined;
    out.push(filled);
  }
  return out.length > 0 ? out : [''];
}

function requestMethods(info: AnnotationInfo): string[] {
  const verb = verbOf[info.name];
  if (verb) return [verb];
  const m = info.elements.get('method');
  if (!m) return ['ALL'];
  const out: string[] = [];
  for (const el of elementValues(m)) {
    const e = unwrapExpression(el);
    const name = typeOf(e) === 'field_access' ? e.childForFieldName('field')?.text : typeOf(e) === 'identifier' ? e.text : undefined;
    if (name && /^[A-Z]+$/.test(name)) out.push(name);
  }
  return out.length > 0 ? out : ['ALL'];
}

function classPrefixes(ctx: JavaFileContext, type: SyntaxNode): string[] | undefined {
  const mapping = annotationsOf(type).find((a) => a.name === 'RequestMapping');
  return mapping ? mappingPaths(ctx, mapping) : [''];
}

export function findSpringRoutes(ctx: JavaFileContext): void {
  for (const id of ctx.anchors(anchor)) {
    const at = annotationAt(id);
    if (!at || typeOf(at.declaration) !== 'method_declaration' || !at.declaration.childForFieldName('body')) continue;
    const type = enclosingType(at.declaration);
    // Interfaces carrying mappings are mostly HTTP clients (Feign, @HttpExchange); a controller is a class.
    if (type?.type !== 'class_declaration') continue;
    const info = annotationInfo(at.annotation);
    const prefixes = classPrefixes(ctx, type);
    const paths = info ? mappingPaths(ctx, info) : undefined;
    if (!info || !prefixes || !paths) continue;
    const target = methodTarget(at.declaration, ctx.types);
    const controllerSpan = `${ctx.types.namesOf(type).spanName}.${at.declaration.childForFieldName('name')?.text ?? ''}`;
    let count = 0;
    for (const method of requestMethods(info)) {
      for (const prefix of prefixes) {
        for (const path of paths) {
          if (++count > MAX_ROUTES_PER_METHOD) break;
          emitRoute(ctx, target, { framework: 'spring', method, path: combineSpringPaths(prefix, path), controllerSpan, prefixKnown: false });
        }
      }
    }
  }
}
