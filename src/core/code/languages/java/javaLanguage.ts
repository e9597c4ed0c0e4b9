// Java, on the tree-sitter grammar VS Code ships: manual spans (spanBuilder), @WithSpan, and the routes the Java
// agent names server spans after (Spring MVC/WebFlux, JAX-RS, the JDK's HttpServer). Lint and fixes come later.
import { loadGrammar } from '../../treeSitter/treeSitterRuntime';
import { applySafeFixesWithLanguage, computeFixWithLanguage, lintWithLanguage, listRefactoringsWithLanguage } from '../../lint/languageLint';
import { javaLinter } from './lint/javaLinter';
import type { CodeIntelLanguage } from '../codeIntelLanguage';
import { findJavaInstrumentedFunctions, listJavaFunctionsOf } from './javaFinder';

export async function loadJavaLanguage(): Promise<CodeIntelLanguage> {
  const grammar = await loadGrammar('java');
  const linter = javaLinter(grammar);
  return {
    id: 'java',
    findInstrumentedFunctions: (text, _fileName, options) => findJavaInstrumentedFunctions(grammar, text, options),
    listFunctions: (text) => listJavaFunctionsOf(grammar, text),
    lintText: (text, fileName, options) => lintWithLanguage(linter, text, fileName, options),
    computeFix: (text, fileName, fixId, target, options) => computeFixWithLanguage(linter, text, fileName, fixId, target, options),
    listRefactorings: (text, fileName, position, options) => listRefactoringsWithLanguage(linter, text, fileName, position, options),
    applySafeFixes: (text, fileName, options) => applySafeFixesWithLanguage(linter, text, fileName, options),
  };
}
