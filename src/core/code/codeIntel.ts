// The code-intelligence API: everything that needs ts-morph or the TypeScript compiler is exported from here. The
// extension reaches it only through the worker thread (codeIntelWorker.ts → dist/codeIntelWorker.js), so activation
// never loads the compiler; the CLI imports it inside the commands that need it.
export const codeIntelVersion = 1;
export { findInstrumentedFunctions, listFunctions } from './instrumented/finder';
export { matchSpanToFunction } from './instrumented/codeAttributes';
export { lintText, lintFiles } from './lint/lintEngine';
export { listLintRules } from './lint/lintTypes';
export type { Finding, FixDescriptor, FixId, FixKey, LintOptions, ProjectInfo, RuleId, RuleInfo, RuleSetting, Severity } from './lint/lintTypes';
export { computeFix, listRefactorings } from './fixes/fixApi';
export type { FixTarget, Refactoring } from './fixes/fixApi';
export { generateTracingSetup, packageJsonEdits } from './fixes/tracingSetup';
export type { GeneratedFile, TracingSetupOptions } from './fixes/tracingSetup';
export { applyTextEdits } from './fixes/textEdits';
export { applySafeFixes } from './fixes/fixAll';
export type { FixAllResult } from './fixes/fixAll';
