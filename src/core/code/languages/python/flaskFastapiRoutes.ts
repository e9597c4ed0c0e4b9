// Flask and FastAPI route handlers: `@app.route(rule, methods=[…])`, `@bp.get(rule)`, `@router.post(path)`,
// `@app.api_route(path, methods=[…])`, `app.add_url_rule(rule, view_func=f, methods=[…])` (a MethodView's
// `as_view` puts each of its get/post/… methods behind the rule) and `router.add_api_route(path, endpoint)`.
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import { functionTarget, statementTarget, type PythonTarget } from './pythonFunctions';
import type { PythonFile } from './pythonFile';
import type { PythonNames } from './pythonNames';
import { ancestorsOf, argumentOf, keywordArgument, parentOf, sequenceElements } from './pythonSyntax';
import type { PythonRouteNaming } from './routeSpanNames';
import { flaskJoin, WebApps, type WebObject } from './webApps';

export interface PythonRoute {
  readonly target: PythonTarget;
  readonly naming: PythonRouteNaming;
}

const httpVerbs = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace']);
const flaskShortcuts = new Set(['get', 'post', 'put', 'patch', 'delete']);
const methodViewMethods = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

/** The HTTP methods a decorator or registration names; undefined when it is no route of this framework. */
function methodsOf(verb: string, call: SyntaxNode, framework: WebObject['framework'], names: PythonNames): string[] | undefined {
  if (framework === 'flask' && flaskShortcuts.has(verb)) return [verb.toUpperCase()];
  if (framework === 'fastapi' && httpVerbs.has(verb)) return [verb.toUpperCase()];
  const isListed = verb === 'route' || verb === 'add_url_rule' || (framework === 'fastapi' && (verb === 'api_route' || verb === 'add_api_route'));
  if (!isListed) return undefined;
  const list = keywordArgument(call, 'methods');
  if (!list) return ['GET'];
  const items = sequenceElements(names.valueOf(list));
  const methods = items?.map((i) => names.staticString(i)?.toUpperCase());
  return methods && methods.length > 0 && methods.every((m): m is string => m !== undefined && /^[A-Z]+$/.test(m)) ? [...new Set(methods)] : undefined;
}

function namingFor(object: WebObject, receiver: string, apps: WebApps, method: string, path: string): PythonRouteNaming {
  const { prefix, known } = apps.prefixOf(receiver);
  if (object.framework === 'flask') {
    const full = prefix === '' ? path : flaskJoin(prefix, path);
    return { framework: 'flask', method, path: full, prefixKnown: known, tail: path };
  }
  return { framework: 'fastapi', method, path: prefix + path, prefixKnown: known, tail: (object.ownPrefix ?? '') + path };
}

export function findFlaskFastapiRoutes(file: PythonFile, names: PythonNames): PythonRoute[] {
  const apps = new WebApps(file, names);
  if (!apps.importsFlask && !apps.importsFastapi) return [];
  const out: PythonRoute[] = [];
  const decorator = /(@)[ \t]*[A-Za-z_][\w.]*[ \t]*\.[ \t]*(?:route|get|post|put|patch|delete|head|options|trace|api_route)[ \t]*\(/g;
  for (const { node } of file.anchors(decorator, '@', 1)) {
    const dec = parentOf(node);
    const call = dec?.type === 'decorator' ? dec.firstNamedChild : null;
    const def = parentOf(dec)?.childForFieldName('definition');
    if (call?.type !== 'call' || def?.type !== 'function_definition') continue;
    const fn = call.childForFieldName('function');
    const receiver = fn?.childForFieldName('object')?.text.replace(/\s+/g, '');
    const verb = fn?.childForFieldName('attribute')?.text;
    if (fn?.type !== 'attribute' || !receiver || !verb) continue;
    const object = apps.objectFor(receiver);
    if (!object) continue;
    const pathExpr = argumentOf(call, 0, object.framework === 'flask' ? 'rule' : 'path');
    const path = pathExpr ? names.staticString(pathExpr) : undefined;
    const methods = methodsOf(verb, call, object.framework, names);
    if (path === undefined || !methods || (path !== '' && !path.startsWith('/'))) continue;
    const target = functionTarget(def);
    for (const m of methods) out.push({ target, naming: namingFor(object, receiver, apps, m, path) });
  }
  for (const { node } of file.anchors(/(add_url_rule|add_api_route)[ \t]*\(/g, 'identifier', 1)) {
    const attribute = parentOf(node);
    const call = parentOf(attribute);
    if (attribute?.type !== 'attribute' || call?.type !== 'call') continue;
    const receiver = attribute.childForFieldName('object')?.text.replace(/\s+/g, '');
    const object = receiver ? apps.objectFor(receiver) : undefined;
    if (!receiver || !object || (object.framework === 'flask') !== (node.text === 'add_url_rule')) continue;
    const flask = object.framework === 'flask';
    const pathExpr = argumentOf(call, 0, flask ? 'rule' : 'path');
    const path = pathExpr ? names.staticString(pathExpr) : undefined;
    if (path === undefined || (path !== '' && !path.startsWith('/'))) continue;
    const view = flask ? argumentOf(call, 2, 'view_func') : argumentOf(call, 1, 'endpoint');
    const methods = methodsOf(node.text, call, object.framework, names);
    const viewClass = flask && view ? methodViewClass(view, file) : undefined;
    if (viewClass && !keywordArgument(call, 'methods')) {
      // A MethodView: each HTTP method of the class answers the rule.
      for (const { method, def } of viewClass) out.push({ target: functionTarget(def), naming: namingFor(object, receiver, apps, method, path) });
      continue;
    }
    if (!methods) continue;
    const handler = view ? handlerFunction(view, file) : undefined;
    for (const m of methods) {
      const target = handler ? functionTarget(handler) : statementTarget(call, `handler for ${m} ${path}`);
      out.push({ target, naming: namingFor(object, receiver, apps, m, path) });
    }
  }
  return out;
}

/** `UserView.as_view("user")` with `UserView` a class of this file: its HTTP-method defs. */
function methodViewClass(view: SyntaxNode, file: PythonFile): Array<{ method: string; def: SyntaxNode }> | undefined {
  if (view.type !== 'call') return undefined;
  const fn = view.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'as_view') return undefined;
  const cls = fn.childForFieldName('object');
  const classNode = cls?.type === 'identifier' ? file.classNamed(cls.text) : undefined;
  if (!classNode) return undefined;
  const out: Array<{ method: string; def: SyntaxNode }> = [];
  for (const name of methodViewMethods) {
    const def = methodOf(classNode, name);
    if (def) out.push({ method: name.toUpperCase(), def });
  }
  return out.length > 0 ? out : undefined;
}

/** The def a handler expression names: a module function, or `self.method` of the class around the registration. */
export function handlerFunction(expr: SyntaxNode, file: PythonFile): SyntaxNode | undefined {
  if (expr.type === 'identifier') return file.functionNamed(expr.text);
  if (expr.type === 'attribute') {
    const object = expr.childForFieldName('object');
    const name = expr.childForFieldName('attribute')?.text;
    if (object?.type !== 'identifier' || !name) return undefined;
    let cls: SyntaxNode | undefined;
    if (object.text === 'self') {
      for (const { node: n, type } of ancestorsOf(expr)) if (type === 'class_definition') {
        cls = n;
        break;
      }
    } else cls = file.classNamed(object.text);
    return cls ? methodOf(cls, name) : undefined;
  }
  return undefined;
}

/** The def named `name` directly in a class body. */
export function methodOf(cls: SyntaxNode, name: string): SyntaxNode | undefined {
  for (const s of cls.childForFieldName('body')?.namedChildren ?? []) {
    const def = s?.type === 'decorated_definition' ? s.childForFieldName('definition') : s;
    if (def?.type === 'function_definition' && def.childForFieldName('name')?.text === name) return def;
  }
  return undefined;
}
