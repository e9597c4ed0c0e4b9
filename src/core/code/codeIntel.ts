// The code-intelligence API. Everything that needs a parser (the TypeScript compiler in ts-morph, tree-sitter
// grammars) is reached from here, one language folder per language behind languages/registry.ts. The extension
// reaches it only through the worker thread (codeIntelWorker.ts → dist/codeIntelWorker.js), so activation never
// loads a parser; the CLI requires it inside the commands that need it.
import type { Position } from '../model/textRange';
import type { FinderOptions, FunctionLocation, InstrumentedFunction } from './instrumented/types';
import { languageForFile } from './languages/registry';
import { findByQualifiedName, functionAt as innermostFunction } from './symbols';

export const codeIntelVersion = 2;

/** The instrumented functions of a file in any language Span Lens reads; [] for other files. */
export async function findInstrumentedFunctions(text: string, fileName: string, options: FinderOptions = {}): Promise<InstrumentedFunction[]> {
  const language = await languageForFile(fileName);
  return language ? language.findInstrumentedFunctions(text, fileName, options) : [];
}

/** Every named function of a file in any language Span Lens reads; [] for other files. */
export async function listFunctions(text: string, fileName: string): Promise<FunctionLocation[]> {
  const language = await languageForFile(fileName);
  return language ? language.listFunctions(text, fileName) : [];
}

/** The innermost named function at a position. */
export async function functionAt(text: string, fileName: string, position: Position): Promise<FunctionLocation | undefined> {
  return innermostFunction(await listFunctions(text, fileName), position);
}

/** The function of the file a qualified name (`code.function.name`) stands for, when one matches best. */
export async function findSymbol(text: string, fileName: string, qualifiedName: string): Promise<FunctionLocation | undefined> {
  return findByQualifiedName(qualifiedName, new Map([[fileName, await listFunctions(text, fileName)]]))?.function;
}

export { matchSpanToFunction } from './instrumented/codeAttributes';
export { serviceNamesFromCode, invalidateServiceScans } from './codeServiceLookup';
// Lint and fixes: TypeScript/JavaScript for now (the other languages come through the same interface).
export { lintText, lintFiles } from './lint/lintEngine';
export { listLintRules } from './lint/lintTypes';
export type { Finding, FixDescriptor, FixId, FixKey, LintOptions, ProjectInfo, RuleId, RuleInfo, RuleSetting, Severity } from './lint/lintTypes';
export { computeFix, listRefactorings } from './fixes/fixApi';
export type { FixTarget, Refactoring } from './fixes/fixApi';
export { generateTracingSetup, packageJsonEdits } from './fixes/tracingSetup';
export type { GeneratedFile, TracingSetupOptions } from './fixes/tracingSetup';
export { applyTextEdits } from './fixes/textEdits';
