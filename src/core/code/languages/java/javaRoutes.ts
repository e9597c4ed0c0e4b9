// What the Java agent names the server span of a route, shared by the Spring, JAX-RS and JDK-server rules.
//
// The HTTP server span is `METHOD route` (HttpSpanNameExtractor.Server in instrumentation-api: the method and
// http.route), where the route is the framework's template as declared (`/users/{id}`) behind the servlet context
// path (ServletContextPath.prepend) and, for JAX-RS, the application path (JaxrsContextPath.prepend). Those
// prefixes are deployment settings (server.servlet.context-path, @ApplicationPath) the file does not show, so a
// route also matches, after the exact name, the same template behind any prefix. Spring MVC and JAX-RS also have
// a controller span `SimpleClassName.method` (CodeSpanNameExtractor), made only when the agent's
// otel.instrumentation.common.experimental.controller-telemetry.enabled is true.
import { escapeRegex } from '../../instrumented/spanNameMatcher';
import { bracePlaceholders, httpServerSpanNames } from '../../instrumented/routeTemplates';
import type { RouteFramework, SpanNameMatcher } from '../../instrumented/types';
import type { JavaFileContext } from './javaContext';
import type { JavaTarget } from './javaFunctions';

export interface JavaRoute {
  readonly framework: RouteFramework;
  /** Upper-case, or ALL. */
  readonly method: string;
  readonly path: string;
  /** `UserController.get`, the controller span's name, where the framework has one. */
  readonly controllerSpan?: string;
  /** True when nothing the file cannot show goes before the path (the JDK server has no context path). */
  readonly prefixKnown: boolean;
}

export function javaRouteSpanNames(route: JavaRoute): { primary: SpanNameMatcher; alternatives: SpanNameMatcher[] } {
  const { primary } = httpServerSpanNames(route.method, route.path, bracePlaceholders);
  const alternatives: SpanNameMatcher[] = [];
  if (route.controllerSpan) alternatives.push({ kind: 'exact', name: route.controllerSpan });
  if (!route.prefixKnown && route.path !== '/' && route.path !== '') {
    const anyMethod = route.method === 'ALL';
    alternatives.push({
      kind: 'pattern',
      regex: `^${anyMethod ? '[A-Z]+' : escapeRegex(route.method)} /.+${escapeRegex(route.path)}$`,
      display: `${anyMethod ? '*' : route.method} …${route.path}`,
    });
  }
  return { primary, alternatives };
}

export function emitRoute(ctx: JavaFileContext, target: JavaTarget, route: JavaRoute): void {
  const names = javaRouteSpanNames(route);
  ctx.emit(target, names.primary, 'route', {
    alternatives: names.alternatives,
    spanKind: 'server',
    route: { framework: route.framework, method: route.method, path: route.path },
  });
}
