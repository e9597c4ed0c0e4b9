// What the rules of one Java file share: the tree, the names of its classes and constants, text anchors, and the
// list the instrumented functions are emitted to (one per function and span name).
import { spanNameMatcherKey } from '../../instrumented/spanNameMatcher';
import type { InstrumentationVia, InstrumentedFunction, RouteInfo, SpanKindName, SpanNameMatcher } from '../../instrumented/types';
import type { LoadedGrammar, SyntaxNode, SyntaxTree } from '../../treeSitter/treeSitterRuntime';
import { toLocation, type JavaTarget } from './javaFunctions';
import { JavaNames } from './javaNames';
import { JavaTypeNames } from './javaTypes';

export interface EmitExtra {
  readonly alternatives?: readonly SpanNameMatcher[];
  readonly tracerName?: string | undefined;
  readonly spanKind?: SpanKindName | undefined;
  readonly route?: RouteInfo;
}

export class JavaFileContext {
  readonly types: JavaTypeNames;
  readonly names: JavaNames;
  readonly found: InstrumentedFunction[] = [];
  private readonly seen = new Set<string>();

  constructor(
    readonly tree: SyntaxTree,
    readonly text: string,
    grammar: LoadedGrammar,
  ) {
    this.types = new JavaTypeNames(tree, grammar);
    this.names = new JavaNames(tree, text);
  }

  /**
   * The identifiers where `pattern` (global, the identifier as group 1) matches the text; matches in comments and
   * string literals land on those and are dropped.
   */
  anchors(pattern: RegExp): SyntaxNode[] {
    return this.anchorsIn(this.tree.rootNode, pattern);
  }

  anchorsIn(scope: SyntaxNode, pattern: RegExp): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    const text = scope.startIndex === 0 && scope.endIndex >= this.text.length ? this.text : this.text.slice(scope.startIndex, scope.endIndex);
    for (const m of text.matchAll(pattern)) {
      const group = m[1] ?? m[0];
      const start = scope.startIndex + m.index + m[0].indexOf(group);
      const node = this.tree.rootNode.descendantForIndex(start, start + group.length);
      if (node?.type === 'identifier' && node.startIndex === start && node.endIndex === start + group.length) out.push(node);
    }
    return out;
  }

  emit(target: JavaTarget, spanName: SpanNameMatcher, via: InstrumentationVia, extra: EmitExtra = {}): void {
    const key = `${target.node.startIndex}:${target.functionName}:${spanNameMatcherKey(spanName)}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.found.push({
      ...toLocation(target),
      spanName,
      alternativeSpanNames: extra.alternatives ?? [],
      via,
      ...(extra.tracerName !== undefined ? { tracerName: extra.tracerName } : {}),
      ...(extra.spanKind !== undefined ? { spanKind: extra.spanKind } : {}),
      ...(extra.route !== undefined ? { route: extra.route } : {}),
    });
  }
}
