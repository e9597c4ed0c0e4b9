// The Java tracing lint behind the language-neutral protocol (lint/languageLint.ts): one parse per call, every
// rule over it, and each fix's edits computed while the tree is alive (a tree-sitter tree is freed when the call
// ends). Files that do not use the OpenTelemetry API (OpenCensus has the same method names) get no findings.
import { settledFindings, type LanguageLinter, type LanguageLintResult, type LanguageRefactoring } from '../../../lint/languageLint';
import type { ResolvedLintOptions } from '../../../lint/ruleTypes';
import { withTree, type LoadedGrammar, type SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import { javaAddSpanAt } from './javaAddSpan';
import { findJavaStarts, type JavaLintContext, usesOpenTelemetry } from './javaLintContext';
import { indentUnitOf, rowsInsideStrings } from './javaLintSyntax';
import { javaAttributeRules, javaDuplicateSpanName, javaHighCardinalitySpanName } from './javaNameAttributeRules';
import { javaMissingPropagation } from './javaPropagation';
import { javaExceptionNotRecorded, javaSpanNotEnded } from './javaSpanRules';

function contextOf(root: SyntaxNode, text: string, fileName: string, options: ResolvedLintOptions): JavaLintContext {
  const found = findJavaStarts(root);
  return { root, text, fileName, ...found, unit: indentUnitOf(text), skipRows: rowsInsideStrings(root), options };
}

function importAnchorOf(root: SyntaxNode): number {
  let anchor = 0;
  for (const c of root.namedChildren) if (c?.type === 'package_declaration' || c?.type === 'import_declaration') anchor = c.endIndex;
  return anchor;
}

export function javaLinter(grammar: LoadedGrammar): LanguageLinter {
  return {
    lint(text: string, fileName: string, options: ResolvedLintOptions): LanguageLintResult {
      if (!usesOpenTelemetry(text)) return { findings: [], importAnchor: 0 };
      return withTree(grammar, text, (tree) => {
        const lc = contextOf(tree.rootNode, text, fileName, options);
        const findings = [...javaSpanNotEnded(lc), ...javaExceptionNotRecorded(lc), ...javaHighCardinalitySpanName(lc), ...javaDuplicateSpanName(lc), ...javaAttributeRules(lc), ...javaMissingPropagation(lc)];
        return { findings: settledFindings(findings), importAnchor: importAnchorOf(tree.rootNode) };
      });
    },
    refactoringsAt(text: string, fileName: string, start: number, end: number, options: ResolvedLintOptions): LanguageRefactoring[] {
      // An OpenCensus or other tracer's file gets no OpenTelemetry code added.
      if (/\bio\.opencensus\b|\bbrave\b|\bdatadog\b/.test(text)) return [];
      return withTree(grammar, text, (tree) => javaAddSpanAt(contextOf(tree.rootNode, text, fileName, options), start, end));
    },
  };
}
