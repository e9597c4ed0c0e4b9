// Go, on tree-sitter-go: manual spans (tracer.Start), net/http + otelhttp routes and wrappers, gin routes and
// otelgrpc services. One parse and one query per file (goFile.ts); each rule looks only at the calls it needs.
import type { FinderOptions, FunctionLocation, InstrumentedFunction } from '../../instrumented/types';
import { loadGrammar, withTree, type LoadedGrammar } from '../../treeSitter/treeSitterRuntime';
import type { CodeIntelLanguage } from '../codeIntelLanguage';
import { applySafeFixesWithLanguage, computeFixWithLanguage, lintWithLanguage, listRefactoringsWithLanguage } from '../../lint/languageLint';
import { goLinter } from './lint/goLinter';
import { GoFindings } from './goEmit';
import { GoFile } from './goFile';
import { listGoFunctions, type GoFunctionTarget } from './goFunctions';
import { findGinRoutes } from './goGinRoutes';
import { findGrpcServices } from './goGrpc';
import { findHttpRoutes } from './goHttpRoutes';
import { findSpanStarts } from './goSpanCalls';

export function findGoInstrumentedFunctions(grammar: LoadedGrammar, text: string, options: FinderOptions = {}): InstrumentedFunction[] {
  return withTree(grammar, text, (tree) => {
    const file = new GoFile(tree, text);
    const findings = new GoFindings(file);
    // Route handlers written inline are named after their route; spans started inside them belong to that target.
    const assigned = new Map<number, GoFunctionTarget>();
    if (options.routes !== false) {
      findHttpRoutes(file, assigned, findings.emit);
      findGinRoutes(file, assigned, findings.emit);
      findGrpcServices(file, findings.emit);
    }
    findSpanStarts(file, assigned, findings.emit);
    return findings.sorted();
  });
}

export function listGoFunctionsIn(grammar: LoadedGrammar, text: string): FunctionLocation[] {
  return withTree(grammar, text, (tree) => listGoFunctions(new GoFile(tree, text)));
}

export async function loadGoLanguage(): Promise<CodeIntelLanguage> {
  const grammar = await loadGrammar('go');
  const linter = goLinter(grammar);
  return {
    id: 'go',
    findInstrumentedFunctions: (text, _fileName, options) => findGoInstrumentedFunctions(grammar, text, options),
    listFunctions: (text) => listGoFunctionsIn(grammar, text),
    lintText: (text, fileName, options) => lintWithLanguage(linter, text, fileName, options),
    computeFix: (text, fileName, fixId, target, options) => computeFixWithLanguage(linter, text, fileName, fixId, target, options),
    listRefactorings: (text, fileName, position, options) => listRefactoringsWithLanguage(linter, text, fileName, position, options),
    applySafeFixes: (text, fileName, options) => applySafeFixesWithLanguage(linter, text, fileName, options),
  };
}
