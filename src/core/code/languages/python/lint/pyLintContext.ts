// What every Python rule of one lint run shares: the tree, the text, the span starts, the file's indentation step
// and the rows inside multi-line strings (which a re-indenting fix must leave alone).
import type { SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import type { ResolvedLintOptions } from '../../../lint/ruleTypes';
import type { PySpanStart } from './pySpans';

export interface PyLintContext {
  readonly root: SyntaxNode;
  readonly text: string;
  readonly fileName: string;
  readonly starts: readonly PySpanStart[];
  readonly unit: string;
  readonly stringRows: ReadonlySet<number>;
  readonly options: ResolvedLintOptions;
}
