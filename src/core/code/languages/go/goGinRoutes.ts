// gin routes: `r.GET("/users/:id", h)`, `api := r.Group("/api"); api.POST("/orders", h)`, chained
// `r.Group("/v1").GET(…)`, `Any`, `Handle("GET", "/p", h)`; the handler is the last argument (middlewares come
// first). Span names from otelgin (go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin,
// config.go `defaultSpanNameFormatter`): `METHOD /full/path` with gin's own template (`c.FullPath()`, `:id`
// placeholders), `HTTP` for non-standard methods, since contrib v1.36.0 (otelgin v0.61.0, PR #6381); before that
// gintrace.go named the span `c.FullPath()` alone, kept here as the alternative.
import { escapeRegex } from '../../instrumented/spanNameMatcher';
import type { RouteInfo, SpanNameMatcher } from '../../instrumented/types';
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import type { GoEmit } from './goEmit';
import type { GoFile } from './goFile';
import { functionTargetOf, resolveFunctionRef, runtimeNameOf, type GoFunctionTarget } from './goFunctions';
import { staticString } from './goNames';
import { argumentsOf, calleeOf, operandName, unparen } from './goSyntax';

const ginImport = 'github.com/gin-gonic/gin';
const methodCalls = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'Any', 'Handle'];

/** gin's joinPaths: path.Join of the group's base path and the relative path, keeping a trailing slash. */
export function joinGinPaths(absolute: string, relative: string): string {
  if (relative === '') return absolute;
  const joined = cleanPath(`${absolute}/${relative}`);
  return relative.endsWith('/') && !joined.endsWith('/') ? `${joined}/` : joined;
}

function cleanPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** The base path of a router expression: '' for an engine (`gin.Default()`), undefined when the file does not tell. */
function basePath(expr: SyntaxNode, file: GoFile, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  const e = unparen(expr);
  if (e.type === 'identifier') {
    const value = file.bindingOf(e.text, e)?.value;
    return value ? basePath(value, file, depth + 1) : undefined;
  }
  if (e.type !== 'call_expression') return undefined;
  const callee = calleeOf(e);
  if (!callee) return undefined;
  if ((callee.name === 'Default' || callee.name === 'New') && file.isPackage(operandName(callee), (p) => p === ginImport, 'gin')) return '';
  if (callee.name === 'Group' && callee.operand) {
    const [first] = argumentsOf(e);
    const rel = first ? staticString(first, file) : undefined;
    const parent = basePath(callee.operand, file, depth + 1);
    return rel !== undefined && parent !== undefined ? joinGinPaths(parent === '' ? '/' : parent, rel) : undefined;
  }
  return undefined;
}

function ginSpanNames(method: string, fullPath: string, prefixKnown: boolean): { primary: SpanNameMatcher; alternatives: SpanNameMatcher[] } {
  const any = method === 'ALL';
  const primary: SpanNameMatcher = any ? { kind: 'pattern', regex: `^[A-Z]+ ${escapeRegex(fullPath)}$`, display: `* ${fullPath}` } : { kind: 'exact', name: `${method} ${fullPath}` };
  const alternatives: SpanNameMatcher[] = [{ kind: 'exact', name: fullPath }];
  if (!prefixKnown && fullPath !== '/') {
    // A group made in another file: the recorded route has a prefix this file does not show.
    const m = any ? '[A-Z]+' : escapeRegex(method);
    alternatives.push({ kind: 'pattern', regex: `^${m} /.+${escapeRegex(fullPath)}$`, display: `${any ? '*' : method} …${fullPath}` });
  }
  return { primary, alternatives };
}

export function findGinRoutes(file: GoFile, assigned: Map<number, GoFunctionTarget>, emit: GoEmit): void {
  if (!file.importsPath((p) => p === ginImport)) return;
  for (const name of methodCalls) {
    for (const call of file.calls(name)) {
      const callee = calleeOf(call);
      const args = argumentsOf(call);
      if (!callee?.operand) continue;
      let method: string;
      let pathArg: SyntaxNode | undefined;
      let handlers: SyntaxNode[];
      if (name === 'Handle') {
        const m = args[0] ? staticString(args[0], file) : undefined;
        if (!m || !/^[A-Z]+$/.test(m)) continue;
        method = m;
        pathArg = args[1];
        handlers = args.slice(2);
      } else {
        method = name === 'Any' ? 'ALL' : name;
        pathArg = args[0];
        handlers = args.slice(1);
      }
      const rel = pathArg ? staticString(pathArg, file) : undefined;
      const last = handlers[handlers.length - 1];
      if (rel === undefined || !last) continue;
      const fn = resolveFunctionRef(last, file);
      if (!fn) continue;
      const base = basePath(callee.operand, file);
      const fullPath = joinGinPaths(base === undefined || base === '' ? '/' : base, rel);
      const names = ginSpanNames(method, fullPath, base !== undefined);
      const route: RouteInfo = { framework: 'gin', method, path: fullPath };
      let target = assigned.get(fn.id) ?? functionTargetOf(fn, file);
      if (!target) {
        target = { node: fn, nameNode: undefined, name: `handler for ${method === 'ALL' ? '*' : method} ${fullPath}`, qualifiedName: runtimeNameOf(fn, file) };
        assigned.set(fn.id, target);
      }
      emit(target, names.primary, 'route', { alternatives: names.alternatives, spanKind: 'server', route });
    }
  }
}
