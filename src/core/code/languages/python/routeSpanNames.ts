// The server span names OpenTelemetry's Python instrumentations give a route, read from
// opentelemetry-python-contrib 0.66b1/0.66b2:
// - Flask (instrumentation/flask/__init__.py, get_default_span_name): `f"{method} {flask.request.url_rule.rule}"`,
//   the rule as registered on the app, blueprint prefixes included (`GET /users/<int:id>`).
// - FastAPI (instrumentation/fastapi/__init__.py, _get_default_span_details): `f"{method} {route}"` where route is the
//   matched Starlette route's `path`, router and include prefixes included (`GET /users/{user_id}`).
// - Django (instrumentation/django/middleware/otel_middleware.py, _get_span_name): `f"{method} {match.route}"`, the
//   resolver's route: the `path()`/`re_path()` patterns of every level joined, without a leading slash
//   (`GET api/users/<int:id>/`); the method is whatever the request used, since a view takes every method.
// Releases up to 0.30b1 named the span by the route alone (`/users/<int:id>`, `users/<int:id>/`): the first
// alternative. When the file cannot see every mount prefix, the route with any prefix before it is the last one.
import { escapeRegex } from '../../instrumented/spanNameMatcher';
import type { RouteFramework, RouteInfo, SpanNameMatcher } from '../../instrumented/types';

export interface PythonRouteNaming {
  readonly framework: RouteFramework;
  /** Upper-case method, or `ALL` (Django). */
  readonly method: string;
  /** The route as the instrumentation reports it, with the prefixes this file shows. */
  readonly path: string;
  /** False when a mount prefix may come from another file. */
  readonly prefixKnown: boolean;
  /** The part of the path that stays whatever the unseen prefix is. */
  readonly tail: string;
}

export function pythonRouteSpanNames(r: PythonRouteNaming): { primary: SpanNameMatcher; alternatives: SpanNameMatcher[]; route: RouteInfo } {
  const any = r.method === 'ALL';
  const method = any ? '[A-Z]+' : escapeRegex(r.method);
  const shown = any ? '*' : r.method;
  const primary: SpanNameMatcher = any ? { kind: 'pattern', regex: `^${method} ${escapeRegex(r.path)}$`, display: `${shown} ${r.path}` } : { kind: 'exact', name: `${r.method} ${r.path}` };
  const alternatives: SpanNameMatcher[] = [];
  if (r.path !== '') alternatives.push({ kind: 'exact', name: r.path });
  const tail = r.tail.replace(/^\^/, '');
  if (!r.prefixKnown && tail !== '' && tail !== '/') {
    alternatives.push({ kind: 'pattern', regex: `^${method} .+${escapeRegex(tail)}$`, display: `${shown} …${tail}` });
  }
  return { primary, alternatives, route: { framework: r.framework, method: r.method, path: r.path } };
}
