// Manual spans of the OpenTelemetry Python API: `with tracer.start_as_current_span(name)` (with or without
// `as span`, also inside `ExitStack.enter_context(…)`), `@tracer.start_as_current_span(name)` on a function (the
// tracer's context manager is a decorator too), and `tracer.start_span(name)`. The span name is the first
// positional argument or `name=`; `kind=SpanKind.X` gives the kind; the tracer's name comes from
// `trace.get_tracer(name)` when the receiver can be followed (a module variable, `self._tracer` set in the class,
// a class attribute, or the call itself).
import type { InstrumentationVia, SpanKindName, SpanNameMatcher } from '../../instrumented/types';
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import { enclosingTarget, functionTarget, statementTarget, type PythonTarget } from './pythonFunctions';
import type { PythonFile } from './pythonFile';
import { classAttribute, type PythonNames } from './pythonNames';
import { argumentOf, keywordArgument } from './pythonSyntax';

export interface PythonSpanSite {
  readonly target: PythonTarget;
  readonly spanName: SpanNameMatcher;
  readonly via: InstrumentationVia;
  readonly tracerName?: string;
  readonly spanKind?: SpanKindName;
}

const spanKinds: Readonly<Record<string, SpanKindName>> = { INTERNAL: 'internal', SERVER: 'server', CLIENT: 'client', PRODUCER: 'producer', CONSUMER: 'consumer' };
const SELF_ASSIGNMENTS = '(assignment left: (attribute object: (identifier) @self attribute: (identifier) @attr) right: (_) @value)';

export function findSpanSites(file: PythonFile, names: PythonNames): PythonSpanSite[] {
  const out: PythonSpanSite[] = [];
  for (const { node } of file.anchors(/\.[ \t]*(start_as_current_span|start_span)\b/g, 'identifier', 1)) {
    const attribute = node.parent;
    const call = attribute?.parent;
    if (attribute?.type !== 'attribute' || call?.type !== 'call' || call.childForFieldName('function')?.id !== attribute.id) continue;
    const nameExpr = argumentOf(call, 0, 'name');
    const spanName = nameExpr ? names.spanName(nameExpr) : undefined;
    if (!spanName) continue;
    const decorator = call.parent?.type === 'decorator' ? call.parent : undefined;
    const def = decorator?.parent?.childForFieldName('definition');
    const target = def?.type === 'function_definition' ? functionTarget(def) : (enclosingTarget(call) ?? statementTarget(call, 'top level'));
    const via: InstrumentationVia = decorator ? 'decorator' : node.text === 'start_span' ? 'startSpan' : 'startActiveSpan';
    const receiver = attribute.childForFieldName('object');
    const tracerName = receiver ? tracerNameOf(receiver, file, names) : undefined;
    const kind = spanKindOf(keywordArgument(call, 'kind'));
    out.push({ target, spanName, via, ...(tracerName !== undefined ? { tracerName } : {}), ...(kind ? { spanKind: kind } : {}) });
  }
  return out;
}

/** `SpanKind.CLIENT`, `trace.SpanKind.SERVER`. */
function spanKindOf(expr: SyntaxNode | undefined): SpanKindName | undefined {
  if (expr?.type !== 'attribute') return undefined;
  return spanKinds[expr.childForFieldName('attribute')?.text ?? ''];
}

/** `trace.get_tracer(…)`, `get_tracer(…)`, `provider.get_tracer(…)`: the call, else undefined. */
function getTracerCall(expr: SyntaxNode | undefined): SyntaxNode | undefined {
  if (expr?.type !== 'call') return undefined;
  const fn = expr.childForFieldName('function');
  const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.type === 'identifier' ? fn.text : undefined;
  return name === 'get_tracer' ? expr : undefined;
}

function tracerNameOf(receiver: SyntaxNode, file: PythonFile, names: PythonNames): string | undefined {
  let call = getTracerCall(receiver);
  if (!call && receiver.type === 'identifier') call = getTracerCall(names.valueOf(receiver));
  if (!call && receiver.type === 'attribute') call = selfTracerCall(receiver, file);
  const arg = call ? argumentOf(call, 0, 'instrumenting_module_name') : undefined;
  if (!arg) return undefined;
  if (arg.type === 'identifier' && arg.text === '__name__') return moduleNameOf(file.fileName);
  return names.staticString(arg);
}

/** `self._tracer` / `cls.tracer` / `Service.tracer`: assigned in the class (any method) or as a class attribute. */
function selfTracerCall(receiver: SyntaxNode, file: PythonFile): SyntaxNode | undefined {
  const object = receiver.childForFieldName('object');
  const attr = receiver.childForFieldName('attribute')?.text;
  if (object?.type !== 'identifier' || !attr) return undefined;
  let cls: SyntaxNode | undefined;
  if (object.text === 'self' || object.text === 'cls') {
    for (let n = receiver.parent; n; n = n.parent) if (n.type === 'class_definition') {
      cls = n;
      break;
    }
  } else cls = file.classNamed(object.text);
  if (!cls) return undefined;
  const direct = getTracerCall(classAttribute(cls, attr));
  if (direct) return direct;
  for (const m of file.grammar.query(SELF_ASSIGNMENTS).matches(cls)) {
    const self = m.captures.find((c) => c.name === 'self')?.node;
    const a = m.captures.find((c) => c.name === 'attr')?.node;
    const value = m.captures.find((c) => c.name === 'value')?.node;
    if (self?.text === 'self' && a?.text === attr) {
      const found = getTracerCall(value);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * What `__name__` is, as far as the path tells: the module's own name (`orders/views.py` → `views`; a package's
 * `__init__.py` → the package folder). The full dotted name depends on where the import root is.
 */
export function moduleNameOf(fileName: string): string {
  const parts = fileName.replace(/\\/g, '/').split('/');
  const base = (parts.pop() ?? '').replace(/\.py$/i, '');
  return base === '__init__' ? (parts.pop() ?? base) : base;
}
