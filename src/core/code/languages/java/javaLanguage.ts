// Java, on the tree-sitter grammar VS Code ships: manual spans (spanBuilder), @WithSpan, and the routes the Java
// agent names server spans after (Spring MVC/WebFlux, JAX-RS, the JDK's HttpServer). Lint and fixes come later.
import { loadGrammar } from '../../treeSitter/treeSitterRuntime';
import type { CodeIntelLanguage } from '../codeIntelLanguage';
import { findJavaInstrumentedFunctions, listJavaFunctionsOf } from './javaFinder';

export async function loadJavaLanguage(): Promise<CodeIntelLanguage> {
  const grammar = await loadGrammar('java');
  return {
    id: 'java',
    findInstrumentedFunctions: (text, _fileName, options) => findJavaInstrumentedFunctions(grammar, text, options),
    listFunctions: (text) => listJavaFunctionsOf(grammar, text),
  };
}
