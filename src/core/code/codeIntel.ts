// The code-intelligence API. Everything that needs a parser (the TypeScript compiler in ts-morph, tree-sitter
// grammars) is reached from here, one language folder per language behind languages/registry.ts. The extension
// reaches it only through the worker thread (codeIntelWorker.ts → dist/codeIntelWorker.js), so activation never
// loads a parser; the CLI requires it inside the commands that need it.
import type { Position } from '../model/textRange';
import type { FinderOptions, FunctionLocation, InstrumentedFunction } from './instrumented/types';
import type { FileFindings, FileInput } from './lint/lintEngine';
import type { Finding, FixKey, LintOptions } from './lint/lintTypes';
import type { FixTarget, Refactoring } from './fixes/fixApi';
import type { FixAllResult } from './fixes/fixFootprint';
import type { TextEdit } from '../model/textRange';
import { languageOfFile } from './languages/languageIds';
import { languageForFile, loadLanguage } from './languages/registry';
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
// Lint and fixes, in every language that has them: TS/JS files together (duplicate span names across files), the
// others through their language folder.
export { listLintRules } from './lint/lintTypes';
export type { Finding, FixDescriptor, FixId, FixKey, LintOptions, ProjectInfo, RuleId, RuleInfo, RuleSetting, Severity } from './lint/lintTypes';
export type { FixTarget, Refactoring } from './fixes/fixApi';
export { generateTracingSetup, packageJsonEdits } from './fixes/tracingSetup';
export { generateGoTracingSetup, generateJavaAgentConfig, generatePythonTracingSetup, goModEdits, javaAgentCommandLine, requirementsEdits } from './fixes/languageTracingSetup';
export type { GeneratedFile, TracingSetupOptions } from './fixes/tracingSetup';
export { applyTextEdits } from './fixes/textEdits';
export type { FixAllResult } from './fixes/fixFootprint';

/** The tracing lint of one file; [] for a language without lint. */
export async function lintText(text: string, fileName: string, options: LintOptions = {}): Promise<Finding[]> {
  const language = await languageForFile(fileName);
  return language?.lintText?.(text, fileName, options) ?? [];
}

/** Lints several files, in the order given; TS/JS files are linted together for names duplicated across files. */
export async function lintFiles(files: readonly FileInput[], options: LintOptions = {}): Promise<FileFindings[]> {
  const results: Array<FileFindings | undefined> = files.map(() => undefined);
  const typescriptAt: number[] = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const id = languageOfFile(f.fileName)?.id;
    if (id === 'typescript') typescriptAt.push(i);
    else results[i] = { fileName: f.fileName, findings: await lintText(f.text, f.fileName, f.options ?? options) };
  }
  if (typescriptAt.length > 0) {
    const typescript = await loadLanguage('typescript');
    typescript?.lintFiles?.(typescriptAt.map((i) => files[i]!), options).forEach((r, k) => (results[typescriptAt[k]!] = r));
  }
  return results.map((r, i) => r ?? { fileName: files[i]!.fileName, findings: [] });
}

/** The edits of one fix, or undefined when it does not apply (or the language has no fixes). */
export async function computeFix(text: string, fileName: string, fixId: FixKey, target: FixTarget, options: LintOptions = {}): Promise<TextEdit[] | undefined> {
  const language = await languageForFile(fileName);
  return language?.computeFix?.(text, fileName, fixId, target, options);
}

export async function listRefactorings(text: string, fileName: string, position: Position, options: LintOptions = {}): Promise<Refactoring[]> {
  const language = await languageForFile(fileName);
  return language?.listRefactorings?.(text, fileName, position, options) ?? [];
}

/** `lint --fix` on one file: its safe fixes applied until none applies; the text unchanged for other languages. */
export async function applySafeFixes(text: string, fileName: string, options: LintOptions = {}): Promise<FixAllResult> {
  const language = await languageForFile(fileName);
  return language?.applySafeFixes?.(text, fileName, options) ?? { text, applied: 0, rounds: 0, roundLimitReached: false };
}
