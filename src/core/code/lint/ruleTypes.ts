// What a rule sees and returns inside the engine. Fixes are closures here; the public API turns them into plain
// descriptors and computes edits on request.
import type { ts } from 'ts-morph';
import type { SourceContext } from '../fixes/sourceContext';
import type { OffsetEdit } from '../fixes/textEdits';
import type { FixKey, ProjectInfo, RuleId } from './lintTypes';
import type { FileSites } from './spanSites';

export interface ResolvedLintOptions {
  readonly tracerName: string;
  readonly spanNameTemplate: string | undefined;
  readonly project: ProjectInfo;
}

export interface RuleContext {
  readonly ctx: SourceContext;
  readonly sites: FileSites;
  readonly options: ResolvedLintOptions;
  /**
   * Names that fixes computed on this context declare, per scope: `lint --fix` applies several fixes computed on
   * one parse together, and two of them in one function must not both declare `traceHeaders`.
   */
  readonly claimedNames: Map<ts.Node, Set<string>>;
}

export interface InternalFix {
  readonly id: FixKey;
  readonly title: string;
  readonly kind: 'quickfix' | 'refactor';
  readonly safe: boolean;
  /** The edits, or undefined when the fix turns out not to apply. */
  readonly edits: () => OffsetEdit[] | undefined;
}

export interface RawFinding {
  readonly rule: RuleId;
  readonly start: number;
  readonly end: number;
  readonly message: string;
  readonly fixes: readonly InternalFix[];
}

export type Rule = (rc: RuleContext) => RawFinding[];

/** 1-based line of an offset, for messages. */
export function lineOf(rc: RuleContext, offset: number): number {
  return rc.ctx.sourceFile.getLineAndCharacterOfPosition(offset).line + 1;
}
