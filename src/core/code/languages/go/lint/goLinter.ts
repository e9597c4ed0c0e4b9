// The Go tracing lint behind the language-neutral protocol (lint/languageLint.ts): one parse per call, every rule
// over it, and each fix's edits computed while the tree is alive (a tree-sitter tree is freed when the call ends).
import type { ResolvedLintOptions } from '../../../lint/ruleTypes';
import { settledFindings, type LanguageLinter, type LanguageLintResult, type LanguageRefactoring } from '../../../lint/languageLint';
import { withTree, type LoadedGrammar, type SyntaxNode } from '../../../treeSitter/treeSitterRuntime';
import { defaultImportName } from '../goFile';
import { resetSyntaxMemo } from '../goSyntax';
import { goAddSpanAt } from './goAddSpan';
import { goAttributeRules } from './goAttributeRules';
import { goContextDropped } from './goContextRules';
import type { GoLintContext } from './goLintContext';
import { goDuplicateSpanName, goHighCardinalitySpanName } from './goNameRules';
import { goMissingPropagation } from './goPropagation';
import { goExceptionNotRecorded, goSpanNotEnded } from './goSpanRules';
import { findGoSpanStarts } from './goSpanStarts';

function importsOf(root: SyntaxNode): Map<string, string> {
  const out = new Map<string, string>();
  for (const decl of root.namedChildren) {
    if (decl?.type !== 'import_declaration') continue;
    for (const spec of decl.descendantsOfType('import_spec')) {
      const path = spec?.childForFieldName('path')?.text.slice(1, -1);
      const alias = spec?.childForFieldName('name')?.text;
      if (path === undefined || alias === '_' || alias === '.') continue;
      out.set(alias ?? defaultImportName(path), path);
    }
  }
  return out;
}

function contextOf(root: SyntaxNode, text: string, fileName: string, options: ResolvedLintOptions): GoLintContext {
  // goSyntax's readers remember answers by node id, which are unique only within one tree.
  resetSyntaxMemo();
  const imports = importsOf(root);
  const packageName = root.namedChildren.find((c) => c?.type === 'package_clause')?.namedChild(0)?.text ?? 'main';
  return { root, text, fileName, packageName, imports, starts: findGoSpanStarts(root, imports), options };
}

/** Where import edits end: the end of the last import declaration, else of the package clause. */
function importAnchorOf(root: SyntaxNode): number {
  let anchor = 0;
  for (const c of root.namedChildren) {
    if (c?.type === 'package_clause' || c?.type === 'import_declaration') anchor = c.endIndex;
  }
  return anchor;
}

export function goLinter(grammar: LoadedGrammar): LanguageLinter {
  return {
    lint(text: string, fileName: string, options: ResolvedLintOptions): LanguageLintResult {
      return withTree(grammar, text, (tree) => {
        const lc = contextOf(tree.rootNode, text, fileName, options);
        const findings = [...goSpanNotEnded(lc), ...goExceptionNotRecorded(lc), ...goContextDropped(lc), ...goHighCardinalitySpanName(lc), ...goDuplicateSpanName(lc), ...goAttributeRules(lc), ...goMissingPropagation(lc)];
        return { findings: settledFindings(findings), importAnchor: importAnchorOf(tree.rootNode) };
      });
    },
    refactoringsAt(text: string, fileName: string, start: number, end: number, options: ResolvedLintOptions): LanguageRefactoring[] {
      return withTree(grammar, text, (tree) => goAddSpanAt(contextOf(tree.rootNode, text, fileName, options), start, end));
    },
  };
}
