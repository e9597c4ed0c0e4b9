// Python, on the tree-sitter grammar VS Code ships: manual spans of the OpenTelemetry API (pythonSpans.ts), Flask
// and FastAPI routes (flaskFastapiRoutes.ts, webApps.ts) and Django URLconfs (djangoRoutes.ts) with the server span
// names their instrumentations record (routeSpanNames.ts), and every function with its qualified name
// (pythonFunctions.ts). The grammar is loaded by the loader, once; the methods then parse synchronously.
import { spanNameMatcherKey } from '../../instrumented/spanNameMatcher';
import type { FinderOptions, FunctionLocation, InstrumentedFunction } from '../../instrumented/types';
import { loadGrammar, withTree, type LoadedGrammar } from '../../treeSitter/treeSitterRuntime';
import type { CodeIntelLanguage } from '../codeIntelLanguage';
import { applySafeFixesWithLanguage, computeFixWithLanguage, lintWithLanguage, listRefactoringsWithLanguage } from '../../lint/languageLint';
import { pythonLinter } from './lint/pyLinter';
import { codeLanguages } from '../languageIds';
import { findDjangoRoutes } from './djangoRoutes';
import { findFlaskFastapiRoutes } from './flaskFastapiRoutes';
import { listPythonFunctions, toLocation, type PythonTarget } from './pythonFunctions';
import { PythonFile } from './pythonFile';
import { PythonNames } from './pythonNames';
import { findSpanSites } from './pythonSpans';
import { pythonRouteSpanNames } from './routeSpanNames';

/** Cheap test: no word a rule looks for, no parse. */
const mayHaveLenses = codeLanguages.find((l) => l.id === 'python')!.mayBeInstrumented;

export function findPythonInstrumentedFunctions(grammar: LoadedGrammar, text: string, fileName: string, options: FinderOptions = {}): InstrumentedFunction[] {
  if (!mayHaveLenses.test(text)) return [];
  return withTree(grammar, text, (tree) => {
    const file = new PythonFile(text, fileName, tree.rootNode, grammar);
    const names = new PythonNames(file);
    const out: InstrumentedFunction[] = [];
    const seen = new Set<string>();
    const emit = (target: PythonTarget, fn: Omit<InstrumentedFunction, keyof FunctionLocation>): void => {
      const key = `${target.node.startIndex}:${target.functionName}:${spanNameMatcherKey(fn.spanName)}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push({ ...toLocation(target), ...fn });
    };
    if (options.routes !== false) {
      for (const r of [...findFlaskFastapiRoutes(file, names), ...findDjangoRoutes(file, names)]) {
        const { primary, alternatives, route } = pythonRouteSpanNames(r.naming);
        emit(r.target, { spanName: primary, alternativeSpanNames: alternatives, via: 'route', spanKind: 'server', route });
      }
    }
    for (const s of findSpanSites(file, names)) {
      emit(s.target, {
        spanName: s.spanName,
        alternativeSpanNames: [],
        via: s.via,
        ...(s.tracerName !== undefined ? { tracerName: s.tracerName } : {}),
        ...(s.spanKind !== undefined ? { spanKind: s.spanKind } : {}),
      });
    }
    return out.sort((a, b) => a.nameRange.start.line - b.nameRange.start.line || a.nameRange.start.character - b.nameRange.start.character);
  });
}

export function listPythonFunctionsOf(grammar: LoadedGrammar, text: string, fileName: string): FunctionLocation[] {
  return withTree(grammar, text, (tree) => listPythonFunctions(new PythonFile(text, fileName, tree.rootNode, grammar)));
}

export async function loadPythonLanguage(): Promise<CodeIntelLanguage> {
  const grammar = await loadGrammar('python');
  const linter = pythonLinter(grammar);
  return {
    id: 'python',
    findInstrumentedFunctions: (text, fileName, options) => findPythonInstrumentedFunctions(grammar, text, fileName, options),
    listFunctions: (text, fileName) => listPythonFunctionsOf(grammar, text, fileName),
    lintText: (text, fileName, options) => lintWithLanguage(linter, text, fileName, options),
    computeFix: (text, fileName, fixId, target, options) => computeFixWithLanguage(linter, text, fileName, fixId, target, options),
    listRefactorings: (text, fileName, position, options) => listRefactoringsWithLanguage(linter, text, fileName, position, options),
    applySafeFixes: (text, fileName, options) => applySafeFixesWithLanguage(linter, text, fileName, options),
  };
}
