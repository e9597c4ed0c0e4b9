// Django URLconfs: `path(route, view)`, `re_path(regex, view)` and the old `url(regex, view)` of
// django.urls / django.conf.urls, with `include([...])` and `include(patterns_list)` of this file adding their
// route in front. Django joins routes as `route1 + route2.removeprefix("^")` (urls/resolvers.py, _join_route).
//
// A view defined in the same file gets the lens on its def; a view from elsewhere (`views.detail`,
// `UserView.as_view()`, an imported name) gets it on the `path()` entry, named after the view. The prefix under
// which the project's root URLconf includes this file is in another file, so it is treated as unknown.
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import { functionTarget, type PythonTarget } from './pythonFunctions';
import type { PythonFile } from './pythonFile';
import type { PythonNames } from './pythonNames';
import { ancestorsOf, argumentOf, calleeName, parentOf } from './pythonSyntax';
import type { PythonRoute } from './flaskFastapiRoutes';

const urlModules = new Set(['django.urls', 'django.conf.urls']);
const routeFunctions = new Set(['path', 're_path', 'url']);

function joinRoute(outer: string, inner: string): string {
  return outer === '' ? inner : outer + inner.replace(/^\^/, '');
}

export function findDjangoRoutes(file: PythonFile, names: PythonNames): PythonRoute[] {
  // The local names of path/re_path/url imported from Django (aliases included), and `urls.path` style access.
  const locals = new Set<string>();
  const moduleAliases = new Set<string>();
  let includeName: string | undefined;
  for (const i of file.imports()) {
    if (!urlModules.has(i.module)) continue;
    if (i.names.length === 0) moduleAliases.add(i.moduleAlias ?? i.module);
    for (const n of i.names) {
      if (routeFunctions.has(n.imported)) locals.add(n.local);
      if (n.imported === 'include') includeName = n.local;
    }
  }
  if (locals.size === 0 && moduleAliases.size === 0) return [];
  // Django Channels' URLRouter routes ASGI connections with the same path()/re_path() entries, but outside Django's
  // URL resolver, so the Django instrumentation never names a span after them (strawberry's channels/router.py).
  if (file.imports().some((i) => i.module === 'channels.routing' || i.module === 'channels')) return [];
  const isRouteCall = (call: SyntaxNode): boolean => {
    const fn = call.childForFieldName('function');
    if (fn?.type === 'identifier') return locals.has(fn.text);
    return fn?.type === 'attribute' && moduleAliases.has(fn.childForFieldName('object')?.text ?? '') && routeFunctions.has(fn.childForFieldName('attribute')?.text ?? '');
  };
  const isInclude = (node: SyntaxNode | undefined): boolean => node?.type === 'call' && (calleeName(node) === includeName || calleeName(node) === 'include');

  // Calls of path()/re_path()/url(), found by their names.
  const nameAlternatives = [...locals, ...[...moduleAliases].map((a) => `${a.replace(/\./g, '\\.')}\\.(?:path|re_path|url)`)].join('|');
  const calls: SyntaxNode[] = [];
  for (const m of file.text.matchAll(new RegExp(`\\b(?:${nameAlternatives})[ \\t]*\\(`, 'g'))) {
    let n: SyntaxNode | null = file.nodeAt(m.index, m.index + 1);
    while (n && n.type !== 'call') n = parentOf(n);
    if (n && n.startIndex === m.index && isRouteCall(n)) calls.push(n);
  }
  // `include(extra_patterns)`: the list variable's name → the path() calls that include it.
  const includersOf = new Map<string, SyntaxNode[]>();
  for (const call of calls) {
    const view = argumentOf(call, 1, 'view');
    const arg = view && isInclude(view) ? argumentOf(view, 0) : undefined;
    const listName = arg?.type === 'identifier' ? arg.text : arg?.type === 'tuple' && arg.firstNamedChild?.type === 'identifier' ? arg.firstNamedChild.text : undefined;
    if (listName) includersOf.set(listName, [...(includersOf.get(listName) ?? []), call]);
  }
  const routeOf = (call: SyntaxNode): string | undefined => {
    const r = argumentOf(call, 0, 'route');
    return r ? names.staticString(r) : undefined;
  };
  /** The in-file prefixes in front of a path() call: the routes of the path(…, include([...])) calls around it. */
  const prefixesOf = (call: SyntaxNode, depth: number): string[] => {
    if (depth > 6) return [];
    for (const { node: n, type } of ancestorsOf(call)) {
      if (type === 'call' && isRouteCall(n)) {
        const outer = routeOf(n);
        if (outer === undefined) return [];
        return prefixesOf(n, depth + 1).map((p) => joinRoute(p, outer));
      }
      if (type === 'assignment' && parentOf(parentOf(n))?.type === 'module') {
        const listName = n.childForFieldName('left')?.text;
        const includers = listName ? includersOf.get(listName) : undefined;
        if (!includers) return [''];
        return includers.flatMap((inc) => {
          const outer = routeOf(inc);
          return outer === undefined ? [] : prefixesOf(inc, depth + 1).map((p) => joinRoute(p, outer));
        });
      }
    }
    return [''];
  };

  const out: PythonRoute[] = [];
  for (const call of calls) {
    const view = argumentOf(call, 1, 'view');
    if (!view || isInclude(view) || view.type === 'string' || view.type === 'list') continue;
    const route = routeOf(call);
    if (route === undefined) continue;
    const target = viewTarget(view, call, file);
    for (const prefix of prefixesOf(call, 0)) {
      const path = joinRoute(prefix, route);
      // `path("", view)` at the root is named by the view's url name or the bare method: too generic for a lens.
      if (path === '') continue;
      out.push({ target, naming: { framework: 'django', method: 'ALL', path, prefixKnown: false, tail: path } });
    }
  }
  return out;
}

function viewTarget(view: SyntaxNode, call: SyntaxNode, file: PythonFile): PythonTarget {
  if (view.type === 'identifier' && !file.importOf(view.text)) {
    const def = file.functionNamed(view.text);
    if (def) return functionTarget(def);
  }
  // `UserView.as_view()` → `UserView`; `views.detail` → `views.detail`.
  let label = view.text.replace(/\s+/g, '');
  if (view.type === 'call') {
    const fn = view.childForFieldName('function');
    if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'as_view') label = fn.childForFieldName('object')?.text ?? label;
  }
  return { node: call, nameNode: undefined, functionName: label };
}
