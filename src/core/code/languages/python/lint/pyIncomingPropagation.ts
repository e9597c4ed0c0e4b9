// missing-propagation for Python, incoming: a web handler of a file without its framework's instrumentation starts
// its span with no context from the request, so it is the root of a new trace instead of the caller's child. The fix
// passes `context=extract(<request>.headers)`: Flask's `request` (imported when the file has not), FastAPI's
// `request: Request` parameter (added first when the handler has none), Django's view argument.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { OffsetEdit } from '../../../fixes/textEdits';
import type { RawFinding } from '../../../lint/ruleTypes';
import { ensureFromImport } from './pyImports';
import type { PyLintContext } from './pyLintContext';
import { argsOf } from './pyLintSyntax';

interface Framework {
  readonly name: string;
  readonly module: RegExp;
  readonly instrumentation: string;
  readonly instrumentor: string;
  /** The request expression inside `fn` and the edits that make it available; undefined when `fn` is no handler. */
  readonly request: (lc: PyLintContext, fn: SyntaxNode) => { expr: string; edits: OffsetEdit[] } | undefined;
}

function decoratorsOf(fn: SyntaxNode): string[] {
  return fn.parent?.type === 'decorated_definition' ? fn.parent.namedChildren.filter((c) => c?.type === 'decorator').map((d) => d!.text) : [];
}

const routeDecorator = /\.(route|get|post|put|patch|delete|api_route)\s*\(/;

function parameters(fn: SyntaxNode): SyntaxNode[] {
  return (fn.childForFieldName('parameters')?.namedChildren ?? []).filter((p): p is SyntaxNode => p !== null && p.type !== 'comment');
}

const frameworks: readonly Framework[] = [
  {
    name: 'Flask',
    module: /^\s*(from flask import|import flask)\b/m,
    instrumentation: 'opentelemetry-instrumentation-flask',
    instrumentor: 'FlaskInstrumentor',
    request: (lc, fn) => {
      if (!decoratorsOf(fn).some((d) => routeDecorator.test(d))) return undefined;
      if (/\bfrom flask import [^\n]*\brequest\b/.test(lc.text)) return { expr: 'request.headers', edits: [] };
      const r = ensureFromImport(lc.root, lc.text, 'flask', 'request');
      return { expr: `${r.name}.headers`, edits: r.edits };
    },
  },
  {
    name: 'FastAPI',
    module: /^\s*(from fastapi import|import fastapi)\b/m,
    instrumentation: 'opentelemetry-instrumentation-fastapi',
    instrumentor: 'FastAPIInstrumentor',
    request: (lc, fn) => {
      if (!decoratorsOf(fn).some((d) => routeDecorator.test(d))) return undefined;
      const typed = parameters(fn).find((p) => p.type === 'typed_parameter' && /\bRequest$/.test(p.childForFieldName('type')?.text ?? ''));
      const name = typed?.namedChild(0)?.text;
      if (name) return { expr: `${name}.headers`, edits: [] };
      const list = fn.childForFieldName('parameters')!;
      const r = ensureFromImport(lc.root, lc.text, 'fastapi', 'Request');
      // First, so it never follows a parameter with a default.
      const first = parameters(fn)[0];
      return { expr: 'request.headers', edits: [...r.edits, { start: list.startIndex + 1, end: list.startIndex + 1, newText: `request: ${r.name}${first ? ', ' : ''}` }] };
    },
  },
  {
    name: 'Django',
    module: /^\s*(from django\b|import django\b)/m,
    instrumentation: 'opentelemetry-instrumentation-django',
    instrumentor: 'DjangoInstrumentor',
    request: (_lc, fn) => {
      const first = parameters(fn)[0];
      const name = first?.type === 'identifier' ? first.text : first?.type === 'typed_parameter' ? first.namedChild(0)?.text : undefined;
      // A view takes the request first (`def order(request, oid)`; in a class-based view, after self).
      const viewArg = name === 'self' ? parameters(fn)[1] : first;
      const viewName = viewArg?.type === 'identifier' ? viewArg.text : viewArg?.namedChild(0)?.text;
      return viewName === 'request' ? { expr: 'request.headers', edits: [] } : undefined;
    },
  },
];

export function handlerExtract(lc: PyLintContext, deps: ReadonlySet<string>): RawFinding[] {
  const out: RawFinding[] = [];
  for (const fw of frameworks) {
    if (!fw.module.test(lc.text) || deps.has(fw.instrumentation) || lc.text.includes(fw.instrumentor)) continue;
    const seen = new Set<number>();
    for (const start of lc.starts) {
      const fn = start.fn;
      if (start.form !== 'with' || !fn || seen.has(fn.id)) continue;
      const request = fw.request(lc, fn);
      if (!request) continue;
      seen.add(fn.id);
      const args = argsOf(start.call);
      if (args.keywords.has('context')) continue;
      const extract = ensureFromImport(lc.root, lc.text, 'opentelemetry.propagate', 'extract');
      const last = args.list!.namedChildren.filter((c) => c !== null && c.type !== 'comment').at(-1);
      const at = last ? last.endIndex : args.list!.startIndex + 1;
      const edits: OffsetEdit[] = [...extract.edits, ...request.edits, { start: at, end: at, newText: `${last ? ', ' : ''}context=${extract.name}(${request.expr})` }];
      out.push({
        rule: 'missing-propagation',
        start: start.call.startIndex,
        end: start.call.childForFieldName('function')!.endIndex,
        message: `This ${fw.name} handler starts its span without the caller's trace context, so every request begins a new trace. Pass context=extract(${request.expr}), or install ${fw.instrumentation}.`,
        fixes: [{ id: 'propagate', title: `Continue the caller's trace (context=extract(${request.expr}))`, kind: 'quickfix', safe: true, edits: () => edits }],
      });
    }
  }
  return out;
}
