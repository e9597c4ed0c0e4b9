// The Python tracing lint behind the language-neutral protocol (lint/languageLint.ts): one parse per call, every
// rule over it, and each fix's edits computed while the tree is alive (a tree-sitter tree is freed when the call ends).
import { settledFindings, type LanguageLinter, type LanguageLintResult, type LanguageRefactoring } from '../../../lint/languageLint';
import type { ResolvedLintOptions } from '../../../lint/ruleTypes';
import { withTree, type LoadedGrammar, type SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import { pyAddSpanAt } from './pyAddSpan';
import { pyAttributeRules } from './pyAttributeRules';
import { importAnchorOf } from './pyImports';
import type { PyLintContext } from './pyLintContext';
import { indentUnitOf, rowsInsideStrings } from './pyLintSyntax';
import { pyDuplicateSpanName, pyHighCardinalitySpanName } from './pyNameRules';
import { pyMissingPropagation } from './pyPropagation';
import { pyExceptionNotRecorded, pySpanNotEnded } from './pySpanRules';
import { findPySpanStarts } from './pySpans';

function contextOf(root: SyntaxNode, text: string, fileName: string, options: ResolvedLintOptions): PyLintContext {
  return { root, text, fileName, starts: findPySpanStarts(root), unit: indentUnitOf(text), stringRows: rowsInsideStrings(root), options };
}

export function pythonLinter(grammar: LoadedGrammar): LanguageLinter {
  return {
    lint(text: string, fileName: string, options: ResolvedLintOptions): LanguageLintResult {
      return withTree(grammar, text, (tree) => {
        const lc = contextOf(tree.rootNode, text, fileName, options);
        const findings = [...pySpanNotEnded(lc), ...pyExceptionNotRecorded(lc), ...pyHighCardinalitySpanName(lc), ...pyDuplicateSpanName(lc), ...pyAttributeRules(lc), ...pyMissingPropagation(lc)];
        return { findings: settledFindings(findings), importAnchor: Math.max(0, importAnchorOf(tree.rootNode)) };
      });
    },
    refactoringsAt(text: string, fileName: string, start: number, end: number, options: ResolvedLintOptions): LanguageRefactoring[] {
      return withTree(grammar, text, (tree) => pyAddSpanAt(contextOf(tree.rootNode, text, fileName, options), start, end));
    },
  };
}
