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
import { ancestorsOf, argumentOf, callArguments, parentOf } from './pythonSyntax';

export interface PythonSpanSite {
  readonly target: PythonTarget;
  readonly spanName: SpanNameMatcher;
  readonly via: InstrumentationVia;
  readonly tracerName?: string;
  readonly spanKind?: SpanKindName;
}

const spanKinds: Readonly<Record<string, SpanKindName>> = { INTERNAL: 'internal', SERVER: 'server', CLIENT: 'client', PRODUCER: 'producer', CONSUMER: 'consumer' };

export function findSpanSites(file: PythonFile, names: PythonNames): PythonSpanSite[] {
  const out: PythonSpanSite[] = [];
  const tracerNames = new Map<number, string | undefined>();
  // The regex leads with the method name (a literal scans fast); the `.` before it is checked on the text.
  for (const { node } of file.anchors(/(start_as_current_span|start_span)\b/g, 'identifier')) {
    if (!/\.[ \t]*$/.test(file.text.slice(Math.max(0, node.startIndex - 8), node.startIndex))) continue;
    const attribute = parentOf(node);
    const call = parentOf(attribute);
    if (attribute?.type !== 'attribute' || call?.type !== 'call' || call.childForFieldName('function')?.id !== attribute.id) continue;
    const args = callArguments(call);
    const nameExpr = argumentOf(call, 0, 'name', args);
    const spanName = nameExpr ? names.spanName(nameExpr) : undefined;
    if (!spanName) continue;
    const decorator = parentOf(call)?.type === 'decorator' ? parentOf(call) : undefined;
    const def = parentOf(decorator)?.childForFieldName('definition');
    const target = def?.type === 'function_definition' ? functionTarget(def) : (enclosingTarget(call) ?? statementTarget(call, 'top level'));
    const via: InstrumentationVia = decorator ? 'decorator' : node.text === 'start_span' ? 'startSpan' : 'startActiveSpan';
    const receiver = attribute.childForFieldName('object');
    const tracerName = receiver ? tracerNameOf(receiver, file, names, tracerNames) : undefined;
    const kind = spanKindOf(args.keywords.get('kind'));
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

function tracerNameOf(receiver: SyntaxNode, file: PythonFile, names: PythonNames, byCall: Map<number, string | undefined>): string | undefined {
  let call = getTracerCall(receiver);
  if (!call && receiver.type === 'identifier') call = getTracerCall(names.valueOf(receiver));
  if (!call && receiver.type === 'attribute') call = selfTracerCall(receiver, file);
  if (!call) return undefined;
  // Most spans of a file start on one module-level tracer: read its name once.
  if (byCall.has(call.id)) return byCall.get(call.id);
  const arg = argumentOf(call, 0, 'instrumenting_module_name');
  const name = !arg ? undefined : arg.type === 'identifier' && arg.text === '__name__' ? moduleNameOf(file.fileName) : names.staticString(arg);
  byCall.set(call.id, name);
  return name;
}

/** `self._tracer` / `cls.tracer` / `Service.tracer`: assigned in the class (any method) or as a class attribute. */
function selfTracerCall(receiver: SyntaxNode, file: PythonFile): SyntaxNode | undefined {
  const object = receiver.childForFieldName('object');
  const attr = receiver.childForFieldName('attribute')?.text;
  if (object?.type !== 'identifier' || !attr) return undefined;
  let cls: SyntaxNode | undefined;
  if (object.text === 'self' || object.text === 'cls') {
    for (const { node: n, type } of ancestorsOf(receiver)) if (type === 'class_definition') {
      cls = n;
      break;
    }
  } else cls = file.classNamed(object.text);
  if (!cls) return undefined;
  const direct = getTracerCall(classAttribute(cls, attr));
  if (direct) return direct;
  const assigned = new RegExp(`\\bself[ \\t]*\\.[ \\t]*(${attr})(?=[ \\t]*(?::[^=\\n]*)?=(?!=))`, 'g');
  for (const { node } of file.anchorsIn(cls, assigned, 'identifier', 1)) {
    const assignment = parentOf(parentOf(node));
    if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.id !== parentOf(node)?.id) continue;
    const found = getTracerCall(assignment.childForFieldName('right') ?? undefined);
    if (found) return found;
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
