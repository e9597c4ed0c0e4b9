// Collects a file's instrumented functions: one entry per function and span name, sorted by position.
import { spanNameMatcherKey } from '../../instrumented/spanNameMatcher';
import type { InstrumentationVia, InstrumentedFunction, RouteInfo, SpanKindName, SpanNameMatcher } from '../../instrumented/types';
import type { GoFile } from './goFile';
import { toFunctionLocation, type GoFunctionTarget } from './goFunctions';

export interface GoEmitExtra {
  readonly alternatives?: readonly SpanNameMatcher[];
  readonly tracerName?: string | undefined;
  readonly spanKind?: SpanKindName | undefined;
  readonly route?: RouteInfo;
}

export type GoEmit = (target: GoFunctionTarget, spanName: SpanNameMatcher, via: InstrumentationVia, extra?: GoEmitExtra) => void;

export class GoFindings {
  private readonly out: InstrumentedFunction[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly file: GoFile) {}

  readonly emit: GoEmit = (target, spanName, via, extra = {}) => {
    const key = `${target.node.startIndex}:${target.name}:${spanNameMatcherKey(spanName)}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.out.push({
      ...toFunctionLocation(target, this.file),
      spanName,
      alternativeSpanNames: extra.alternatives ?? [],
      via,
      ...(extra.tracerName !== undefined ? { tracerName: extra.tracerName } : {}),
      ...(extra.spanKind !== undefined ? { spanKind: extra.spanKind } : {}),
      ...(extra.route !== undefined ? { route: extra.route } : {}),
    });
  };

  sorted(): InstrumentedFunction[] {
    return this.out.sort((a, b) => a.nameRange.start.line - b.nameRange.start.line || a.nameRange.start.character - b.nameRange.start.character);
  }
}
