// context-dropped for Go: in a function that has its caller's context (a `context.Context` parameter, or the
// request of an HTTP handler), `tracer.Start(context.Background(), …)` / `context.TODO()` starts a new trace instead
// of a child span (unless the function links the new root to the caller's span, which detaches on purpose), and
// `http.NewRequest` sends a request that carries no context for otelhttp's transport to inject.
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { RawFinding } from '../../../lint/ruleTypes';
import { type GoLintContext, localNameOf } from './goLintContext';
import { callArguments, callerContextOf, enclosingFunctionOf, methodCall } from './goLintSyntax';
import { importsOtel } from './goSpanStarts';

/** The caller's context visible at `node`: its function's, else an enclosing function's (a closure captures it). */
export function callerContextAt(lc: GoLintContext, node: SyntaxNode): string | undefined {
  const contextPkg = localNameOf(lc, 'context');
  const httpPkg = localNameOf(lc, 'net/http');
  for (let fn = enclosingFunctionOf(node); fn; fn = enclosingFunctionOf(fn)) {
    const found = callerContextOf(fn, contextPkg, httpPkg);
    if (found) return found;
  }
  return undefined;
}

function isEmptyContext(expr: SyntaxNode, contextPkg: string | undefined): boolean {
  const m = methodCall(expr);
  return !!m && !!contextPkg && m.operand.type === 'identifier' && m.operand.text === contextPkg && (m.method === 'Background' || m.method === 'TODO') && callArguments(expr).length === 0;
}

export function goContextDropped(lc: GoLintContext): RawFinding[] {
  const out: RawFinding[] = [];
  const contextPkg = localNameOf(lc, 'context');
  for (const start of lc.starts) {
    if (!isEmptyContext(start.contextArg, contextPkg)) continue;
    const caller = callerContextAt(lc, start.call);
    if (!caller) continue;
    // A new root linked to the caller's span (trace.WithLinks, LinkFromContext) is a deliberate detach.
    if (/\bLink(s|FromContext)?\b|WithLinks/.test(start.fn.text)) continue;
    const arg = start.contextArg;
    out.push({
      rule: 'context-dropped',
      start: arg.startIndex,
      end: arg.endIndex,
      message: `This span starts from ${arg.text} although the function has its caller's context (${caller}): it becomes the root of a new trace instead of a child of the caller's span. Start it from ${caller}.`,
      fixes: [{ id: 'bind-context', title: `Start the span from ${caller}`, kind: 'quickfix', safe: true, edits: () => [{ start: arg.startIndex, end: arg.endIndex, newText: caller }] }],
    });
  }
  const httpPkg = localNameOf(lc, 'net/http');
  if (!httpPkg || !importsOtel(lc.imports)) return out;
  for (const call of lc.root.descendantsOfType('call_expression')) {
    const m = call ? methodCall(call) : undefined;
    if (!call || !m || m.method !== 'NewRequest' || m.operand.type !== 'identifier' || m.operand.text !== httpPkg) continue;
    const caller = callerContextAt(lc, call);
    if (!caller) continue;
    const fn = call.childForFieldName('function')!;
    const open = call.childForFieldName('arguments')!.startIndex + 1;
    out.push({
      rule: 'context-dropped',
      start: call.startIndex,
      end: fn.endIndex,
      message: `http.NewRequest builds a request without the function's context (${caller}): the trace context is not injected into it and the call is not a child of this span. Use http.NewRequestWithContext(${caller}, …).`,
      fixes: [
        {
          id: 'bind-context',
          title: `Use ${httpPkg}.NewRequestWithContext(${caller}, …)`,
          kind: 'quickfix',
          safe: true,
          edits: () => [
            { start: fn.startIndex, end: fn.endIndex, newText: `${httpPkg}.NewRequestWithContext` },
            { start: open, end: open, newText: `${caller}, ` },
          ],
        },
      ],
    });
  }
  return out;
}
