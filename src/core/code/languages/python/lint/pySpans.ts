// The span starts the Python lint looks at, on a receiver that is a tracer (`tracer`, `self._tracer`,
// `trace.get_tracer(__name__)`, a name bound to get_tracer): `with tracer.start_as_current_span(name) [as span]:`
// (the context manager ends the span and records an escaping exception), the same as a decorator, and
// `span = tracer.start_span(name)`, which the code must end itself.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import { argsOf, enclosingFunctionOf, methodCall } from './pyLintSyntax';

export type PySpanForm = 'with' | 'decorator' | 'assigned';

export interface PySpanStart {
  readonly form: PySpanForm;
  readonly call: SyntaxNode;
  /** The span-name expression (first argument or `name=`). */
  readonly nameArg: SyntaxNode | undefined;
  /** `as span` / `span = …`. */
  readonly spanVar: string | undefined;
  /** The with statement, the decorated function, or the assignment's statement. */
  readonly holder: SyntaxNode;
  /** The block the span covers: the with body, the decorated function's body; the statement's block for `assigned`. */
  readonly body: SyntaxNode | undefined;
  readonly fn: SyntaxNode | undefined;
}

/** Names bound to `get_tracer(…)` anywhere in the file (module variables, `self._tracer`). */
function tracerNames(root: SyntaxNode): Set<string> {
  const out = new Set<string>();
  for (const a of root.descendantsOfType('assignment')) {
    const right = a?.childForFieldName('right');
    const left = a?.childForFieldName('left');
    if (!right || !left || !/\bget_tracer\s*\(/.test(right.text)) continue;
    out.add(left.text.replace(/^self\./, ''));
  }
  return out;
}

function isTracer(object: SyntaxNode, names: ReadonlySet<string>): boolean {
  if (/tracer/i.test(object.text)) return true;
  const last = object.type === 'attribute' ? object.childForFieldName('attribute')?.text : object.text;
  return last !== undefined && names.has(last);
}

export function findPySpanStarts(root: SyntaxNode): PySpanStart[] {
  if (!/start_(as_current_)?span/.test(root.text)) return [];
  const names = tracerNames(root);
  const out: PySpanStart[] = [];
  for (const call of root.descendantsOfType('call')) {
    if (!call) continue;
    const m = methodCall(call);
    if (!m || (m.method !== 'start_as_current_span' && m.method !== 'start_span') || !isTracer(m.object, names)) continue;
    const args = argsOf(call);
    const nameArg = args.positional[0] ?? args.keywords.get('name');
    const parent = call.parent;
    if (parent?.type === 'decorator') {
      const def = parent.parent?.childForFieldName('definition');
      if (def?.type === 'function_definition') out.push({ form: 'decorator', call, nameArg, spanVar: undefined, holder: def, body: def.childForFieldName('body') ?? undefined, fn: def });
      continue;
    }
    // `with X as span`: the call sits in an as_pattern of a with_item; `with X:` directly in the with_item.
    const item = parent?.type === 'as_pattern' ? parent.parent : parent;
    if (item?.type === 'with_item') {
      const withStatement = item.parent?.parent;
      const alias = parent?.type === 'as_pattern' ? parent.childForFieldName('alias')?.text : undefined;
      if (withStatement?.type === 'with_statement') {
        out.push({ form: 'with', call, nameArg, spanVar: alias, holder: withStatement, body: withStatement.childForFieldName('body') ?? undefined, fn: enclosingFunctionOf(call) });
      }
      continue;
    }
    if (m.method === 'start_span' && parent?.type === 'assignment' && parent.childForFieldName('left')?.type === 'identifier' && parent.parent?.type === 'expression_statement') {
      const statement = parent.parent;
      out.push({ form: 'assigned', call, nameArg, spanVar: parent.childForFieldName('left')!.text, holder: statement, body: statement.parent ?? undefined, fn: enclosingFunctionOf(call) });
    }
  }
  return out;
}
